// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hash.c - SHA-256 (FIPS 180-4) and BIP340 tagged hashes.
 *
 * In the kernel the block function is lib/crypto's sha256 (6.1 API:
 * struct sha256_state, sha256_init/update/final); in userspace it is the
 * implementation below, written from FIPS 180-4 section 6.2.
 *
 * Tagged hashes: SHA256(SHA256(tag) || SHA256(tag) || msg).  The 64-byte
 * prefix is exactly one block, so the state after it (the "midstate") can
 * be cached: a tagged hash then costs the same compressions as a plain hash
 * of msg.  The midstates of the BIP340 tags are constants below (computed
 * with this code; tests/unit/test_sha256.c recomputes and checks them).
 *
 * SHA-256 processes its input without data-dependent branches or table
 * indices, so hashing secrets is constant time (only the length is public).
 */
#include "hash.h"

#ifdef __KERNEL__

void mpc_sha256_init(struct mpc_sha256 *h)
{
	sha256_init(&h->st);
}

void mpc_sha256_update(struct mpc_sha256 *h, const uint8_t *data, size_t len)
{
	/* lib/crypto takes an unsigned int length */
	while (len > 0x40000000) {
		sha256_update(&h->st, data, 0x40000000);
		data += 0x40000000;
		len -= 0x40000000;
	}
	sha256_update(&h->st, data, (unsigned int)len);
}

void mpc_sha256_final(struct mpc_sha256 *h, uint8_t out32[32])
{
	sha256_final(&h->st, out32);	/* wipes the state */
	memzero_explicit(h, sizeof(*h));
}

static void sha256_set_midstate(struct mpc_sha256 *h, const uint32_t mid[8])
{
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < 8; i++)
		h->st.state[i] = mid[i];
	h->st.count = 64;
}

static void sha256_get_midstate(uint32_t mid[8], const struct mpc_sha256 *h)
{
	int i;

	for (i = 0; i < 8; i++)
		mid[i] = h->st.state[i];
}

#else /* userspace: our own SHA-256 */

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t sha256_h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t ror32_(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#define SHA_CH(x, y, z)  ((z) ^ ((x) & ((y) ^ (z))))
#define SHA_MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define SHA_S0(x) (ror32_(x, 2) ^ ror32_(x, 13) ^ ror32_(x, 22))
#define SHA_S1(x) (ror32_(x, 6) ^ ror32_(x, 11) ^ ror32_(x, 25))
#define SHA_s0(x) (ror32_(x, 7) ^ ror32_(x, 18) ^ ((x) >> 3))
#define SHA_s1(x) (ror32_(x, 17) ^ ror32_(x, 19) ^ ((x) >> 10))

/*
 * One round; the eight working variables rotate by renaming (the caller
 * passes them shifted), so no moves are needed.
 */
#define SHA_ROUND(a, b, c, d, e, f, g, h, k, w) do {				\
		uint32_t t1_ = (h) + SHA_S1(e) + SHA_CH(e, f, g) + (k) + (w);	\
		(d) += t1_;							\
		(h) = t1_ + SHA_S0(a) + SHA_MAJ(a, b, c);			\
	} while (0)

/* Message schedule word i >= 16, in place in the rolling 16-word window. */
#define SHA_W(i) (w[(i) & 15] += SHA_s1(w[((i) - 2) & 15]) + w[((i) - 7) & 15] + \
		  SHA_s0(w[((i) - 15) & 15]))
#define SHA_WLOAD(i) (w[i] = load_be32(p + 4 * (i)))

#define SHA_8ROUNDS(i, W) do {							\
		SHA_ROUND(a, b, c, d, e, f, g, h, sha256_k[(i) + 0], W((i) + 0)); \
		SHA_ROUND(h, a, b, c, d, e, f, g, sha256_k[(i) + 1], W((i) + 1)); \
		SHA_ROUND(g, h, a, b, c, d, e, f, sha256_k[(i) + 2], W((i) + 2)); \
		SHA_ROUND(f, g, h, a, b, c, d, e, sha256_k[(i) + 3], W((i) + 3)); \
		SHA_ROUND(e, f, g, h, a, b, c, d, sha256_k[(i) + 4], W((i) + 4)); \
		SHA_ROUND(d, e, f, g, h, a, b, c, sha256_k[(i) + 5], W((i) + 5)); \
		SHA_ROUND(c, d, e, f, g, h, a, b, sha256_k[(i) + 6], W((i) + 6)); \
		SHA_ROUND(b, c, d, e, f, g, h, a, sha256_k[(i) + 7], W((i) + 7)); \
	} while (0)

/* Processes nblocks 64-byte blocks.  The schedule is a rolling 16-word window. */
static void sha256_blocks(uint32_t s[8], const uint8_t *p, size_t nblocks)
{
	uint32_t w[16];
	uint32_t a, b, c, d, e, f, g, h;
	int i;

	while (nblocks--) {
		a = s[0]; b = s[1]; c = s[2]; d = s[3];
		e = s[4]; f = s[5]; g = s[6]; h = s[7];
		SHA_8ROUNDS(0, SHA_WLOAD);
		SHA_8ROUNDS(8, SHA_WLOAD);
		for (i = 16; i < 64; i += 8)
			SHA_8ROUNDS(i, SHA_W);
		s[0] += a; s[1] += b; s[2] += c; s[3] += d;
		s[4] += e; s[5] += f; s[6] += g; s[7] += h;
		p += 64;
	}
	memzero_explicit(w, sizeof(w));
}

void mpc_sha256_init(struct mpc_sha256 *h)
{
	memcpy(h->s, sha256_h0, sizeof(h->s));
	h->bytes = 0;
}

void mpc_sha256_update(struct mpc_sha256 *h, const uint8_t *data, size_t len)
{
	size_t used = (size_t)(h->bytes & 63);

	if (!len)
		return;		/* data may be NULL then */
	h->bytes += len;
	if (used) {
		size_t take = 64 - used;

		if (len < take) {
			memcpy(h->buf + used, data, len);
			return;
		}
		memcpy(h->buf + used, data, take);
		sha256_blocks(h->s, h->buf, 1);
		data += take;
		len -= take;
	}
	if (len >= 64) {
		sha256_blocks(h->s, data, len / 64);
		data += len & ~(size_t)63;
		len &= 63;
	}
	if (len)
		memcpy(h->buf, data, len);
}

void mpc_sha256_final(struct mpc_sha256 *h, uint8_t out32[32])
{
	size_t used = (size_t)(h->bytes & 63);
	uint64_t bits = h->bytes << 3;
	int i;

	h->buf[used++] = 0x80;
	if (used > 56) {
		memset(h->buf + used, 0, 64 - used);
		sha256_blocks(h->s, h->buf, 1);
		used = 0;
	}
	memset(h->buf + used, 0, 56 - used);
	store_be32(h->buf + 56, (uint32_t)(bits >> 32));
	store_be32(h->buf + 60, (uint32_t)bits);
	sha256_blocks(h->s, h->buf, 1);
	for (i = 0; i < 8; i++)
		store_be32(out32 + 4 * i, h->s[i]);
	memzero_explicit(h, sizeof(*h));
}

static void sha256_set_midstate(struct mpc_sha256 *h, const uint32_t mid[8])
{
	memcpy(h->s, mid, sizeof(h->s));
	h->bytes = 64;
}

static void sha256_get_midstate(uint32_t mid[8], const struct mpc_sha256 *h)
{
	memcpy(mid, h->s, sizeof(h->s));
}

#endif /* __KERNEL__ */

void mpc_sha256(uint8_t out32[32], const uint8_t *data, size_t len)
{
	struct mpc_sha256 h;

	mpc_sha256_init(&h);
	mpc_sha256_update(&h, data, len);
	mpc_sha256_final(&h, out32);
}

/*
 * Midstates after SHA256(tag) || SHA256(tag) for the BIP340 tags.
 * Generated by mpc_sha256_tag_midstate(); checked in test_sha256.
 */
static const struct {
	const char *tag;
	size_t len;
	uint32_t mid[8];
} mpc_tag_table[] = {
	{ "BIP0340/challenge", 17, {
		0x9cecba11, 0x23925381, 0x11679112, 0xd1627e0f,
		0x97c87550, 0x003cc765, 0x90f61164, 0x33e9b66a } },
	{ "BIP0340/aux", 11, {
		0x24dd3219, 0x4eba7e70, 0xca0fabb9, 0x0fa3166d,
		0x3afbe4b1, 0x4c44df97, 0x4aac2739, 0x249e850a } },
	{ "BIP0340/nonce", 13, {
		0x46615b35, 0xf4bfbff7, 0x9f8dc671, 0x83627ab3,
		0x60217180, 0x57358661, 0x21a29e54, 0x68b07b4c } },
};

void mpc_sha256_tag_midstate(uint32_t mid[8], const char *tag, size_t taglen)
{
	struct mpc_sha256 h;
	uint8_t t[64];

	mpc_sha256(t, (const uint8_t *)tag, taglen);
	memcpy(t + 32, t, 32);
	mpc_sha256_init(&h);
	mpc_sha256_update(&h, t, 64);
	sha256_get_midstate(mid, &h);
	memzero_explicit(&h, sizeof(h));
}

void mpc_sha256_init_midstate(struct mpc_sha256 *h, const uint32_t mid[8])
{
	sha256_set_midstate(h, mid);
}

void mpc_sha256_tagged_init(struct mpc_sha256 *h, const char *tag, size_t taglen)
{
	uint32_t mid[8];
	size_t i;

	/* The tag is public: a variable-time lookup is fine. */
	for (i = 0; i < sizeof(mpc_tag_table) / sizeof(mpc_tag_table[0]); i++) {
		if (mpc_tag_table[i].len == taglen &&
		    !memcmp(mpc_tag_table[i].tag, tag, taglen)) {
			sha256_set_midstate(h, mpc_tag_table[i].mid);
			return;
		}
	}
	mpc_sha256_tag_midstate(mid, tag, taglen);
	sha256_set_midstate(h, mid);
}

void mpc_tagged_hash(uint8_t out32[32], const char *tag, size_t taglen,
		     const uint8_t *data, size_t len)
{
	struct mpc_sha256 h;

	mpc_sha256_tagged_init(&h, tag, taglen);
	mpc_sha256_update(&h, data, len);
	mpc_sha256_final(&h, out32);
}
