// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bip340.c - BIP340 Schnorr signatures over secp256k1.
 *
 * Written from the BIP340 specification:
 *   sign:   d' = int(sk), P = d'G, d = d' or n - d' so that P has even y,
 *           t = bytes(d) xor hash_aux(a), rand = hash_nonce(t || P.x || m),
 *           k' = int(rand) mod n, R = k'G, k = k' or n - k' (even y),
 *           e = int(hash_challenge(R.x || P.x || m)) mod n,
 *           sig = R.x || bytes((k + e d) mod n)
 *   verify: P = lift_x(pk), r < p, s < n, R = sG - eP,
 *           R not infinity, R has even y, x(R) = r.
 *
 * Keypair creation and signing are constant time in the secret key, the
 * nonce and aux_rand: the failure cases (invalid key, k' = 0) are handled
 * with masks and cmovs, not branches; the result flag is the only output
 * that depends on them.  Verification is variable time (public inputs).
 */
#include "bip340.h"
#include "ecmult.h"
#include "hash.h"

#define TAG_CHALLENGE	"BIP0340/challenge"
#define TAG_AUX		"BIP0340/aux"
#define TAG_NONCE	"BIP0340/nonce"

/* mask = all ones if flag (0/1) is 1, else 0; through a value barrier. */
static inline uint8_t flag_mask8(int flag)
{
	return (uint8_t)(0 - mpc_value_barrier_u64((uint64_t)(flag & 1)));
}

/* Constant-time: writes the x-only key of d*G and negates d if needed. */
static void keypair_from_scalar(mpc_scalar *d, uint8_t pk[32])
{
	mpc_gej pj;
	mpc_ge p;
	int odd;

	mpc_ecmult_gen(&pj, d);
	mpc_ge_set_gej(&p, &pj);
	mpc_fe_normalize(&p.x);
	mpc_fe_normalize(&p.y);
	odd = mpc_fe_is_odd(&p.y);
	mpc_scalar_cond_negate(d, odd);
	mpc_fe_get_b32(pk, &p.x);
	mpc_gej_clear(&pj);
	mpc_ge_clear(&p);
}

int mpc_bip340_keypair_create(struct mpc_bip340_keypair *kp, const uint8_t sk[32])
{
	mpc_scalar one;
	uint8_t m;
	int valid, i;

	valid = mpc_scalar_set_b32_seckey(&kp->d, sk);
	/* an invalid key is replaced by 1 so the work below is the same */
	mpc_scalar_set_int(&one, 1);
	mpc_scalar_cmov(&kp->d, &one, !valid);
	keypair_from_scalar(&kp->d, kp->pk);
	/* invalid: wipe (d = 0, pk = 0) without branching */
	mpc_scalar_set_int(&one, 0);
	mpc_scalar_cmov(&kp->d, &one, !valid);
	m = flag_mask8(valid);
	for (i = 0; i < 32; i++)
		kp->pk[i] &= m;
	return valid;
}

void mpc_bip340_keypair_clear(struct mpc_bip340_keypair *kp)
{
	memzero_explicit(kp, sizeof(*kp));
}

int mpc_bip340_pubkey(uint8_t pk32[32], const uint8_t sk[32])
{
	struct mpc_bip340_keypair kp;
	int ok;

	ok = mpc_bip340_keypair_create(&kp, sk);
	memcpy(pk32, kp.pk, 32);
	mpc_bip340_keypair_clear(&kp);
	return ok;
}

void mpc_bip340_challenge(mpc_scalar *e, const uint8_t rx[32], const uint8_t pk32[32],
			  const uint8_t *msg, size_t msglen)
{
	struct mpc_sha256 h;
	uint8_t buf[32];

	mpc_sha256_tagged_init(&h, TAG_CHALLENGE, sizeof(TAG_CHALLENGE) - 1);
	mpc_sha256_update(&h, rx, 32);
	mpc_sha256_update(&h, pk32, 32);
	mpc_sha256_update(&h, msg, msglen);
	mpc_sha256_final(&h, buf);
	mpc_scalar_set_b32(e, buf);
}

int mpc_bip340_sign(uint8_t sig64[64], const uint8_t *msg, size_t msglen,
		    const struct mpc_bip340_keypair *kp, const uint8_t aux32[32])
{
	static const uint8_t zero32[32];
	struct mpc_sha256 h;
	uint8_t t[32], rand[32];
	mpc_scalar k, e, ed, s, one;
	mpc_gej rj;
	mpc_ge r;
	int i, kzero, dzero, odd;
	uint8_t m;

	if (!aux32)
		aux32 = zero32;
	/* a wiped or never-made keypair (d = 0) signs nothing; ct in d */
	dzero = mpc_scalar_is_zero(&kp->d);
	/* t = bytes(d) xor hash_aux(a) */
	mpc_tagged_hash(rand, TAG_AUX, sizeof(TAG_AUX) - 1, aux32, 32);
	mpc_scalar_get_b32(t, &kp->d);
	for (i = 0; i < 32; i++)
		t[i] ^= rand[i];
	/* rand = hash_nonce(t || P.x || m); k' = int(rand) mod n */
	mpc_sha256_tagged_init(&h, TAG_NONCE, sizeof(TAG_NONCE) - 1);
	mpc_sha256_update(&h, t, 32);
	mpc_sha256_update(&h, kp->pk, 32);
	mpc_sha256_update(&h, msg, msglen);
	mpc_sha256_final(&h, rand);
	mpc_scalar_set_b32(&k, rand);
	/* k' = 0 fails (probability ~2^-256); keep going with 1, fail at the end */
	kzero = mpc_scalar_is_zero(&k);
	mpc_scalar_set_int(&one, 1);
	mpc_scalar_cmov(&k, &one, kzero);

	/* R = k'G; k = n - k' if R has odd y */
	mpc_ecmult_gen(&rj, &k);
	mpc_ge_set_gej(&r, &rj);
	mpc_fe_normalize(&r.x);
	mpc_fe_normalize(&r.y);
	odd = mpc_fe_is_odd(&r.y);
	mpc_scalar_cond_negate(&k, odd);
	mpc_fe_get_b32(sig64, &r.x);

	/* s = k + e d */
	mpc_bip340_challenge(&e, sig64, kp->pk, msg, msglen);
	mpc_scalar_mul(&ed, &e, &kp->d);
	mpc_scalar_add(&s, &ed, &k);
	mpc_scalar_get_b32(sig64 + 32, &s);

	/* on failure the signature is all zero */
	m = flag_mask8(!(kzero | dzero));
	for (i = 0; i < 64; i++)
		sig64[i] &= m;

	memzero_explicit(t, sizeof(t));
	memzero_explicit(rand, sizeof(rand));
	mpc_scalar_clear(&k);
	mpc_scalar_clear(&s);
	mpc_scalar_clear(&ed);
	mpc_gej_clear(&rj);
	mpc_ge_clear(&r);
	return !(kzero | dzero);
}

int mpc_bip340_verify(const uint8_t sig64[64], const uint8_t *msg, size_t msglen,
		      const uint8_t pk32[32])
{
	mpc_ge p, r;
	mpc_gej pj, rj;
	mpc_fe rx;
	mpc_scalar s, e, ne;

	if (!mpc_fe_set_b32(&rx, sig64))
		return 0;			/* r >= p */
	if (!mpc_scalar_set_b32(&s, sig64 + 32))
		return 0;			/* s >= n */
	if (!mpc_ge_set_xonly(&p, pk32))
		return 0;			/* pk not an x coordinate on the curve */
	mpc_bip340_challenge(&e, sig64, pk32, msg, msglen);
	mpc_scalar_negate(&ne, &e);
	/* R = s G - e P */
	mpc_gej_set_ge(&pj, &p);
	mpc_ecmult(&rj, &pj, &ne, &s);
	if (mpc_gej_is_infinity(&rj))
		return 0;
	mpc_ge_set_gej_var(&r, &rj);
	mpc_fe_normalize(&r.x);
	mpc_fe_normalize(&r.y);
	if (mpc_fe_is_odd(&r.y))
		return 0;
	return mpc_fe_equal_var(&r.x, &rx);
}
