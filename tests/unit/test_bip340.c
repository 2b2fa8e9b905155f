// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_bip340.c - BIP340 signatures (kmod/core/bip340.c).
 *
 *  - every row of vectors/bip340/test-vectors.csv: key derivation and the
 *    exact signature where a secret key is given, the verification result
 *    for every row;
 *  - differential tests against libsecp256k1 (MPC_TEST_ITERS, default
 *    100000): same signature as secp256k1_schnorrsig_sign32, accepted by
 *    secp256k1_schnorrsig_verify, and our verify agrees with libsecp256k1's
 *    on valid and corrupted signatures (bit flips in r, s, msg, pk;
 *    s >= n; r >= p; pk not on the curve / >= p);
 *  - variable-length messages against secp256k1_schnorrsig_sign_custom;
 *  - invalid secret keys, aux = NULL.
 */
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "test.h"
#include "core/bip340.h"
#include "core/ecmult.h"

static secp256k1_context *ctx;

/* n and p, big endian */
static const uint8_t order_n[32] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
	0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
};
static const uint8_t prime_p[32] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFC, 0x2F,
};

/* out = a + small (big-endian, mod 2^256) */
static void add_small(uint8_t out[32], const uint8_t a[32], unsigned int small)
{
	unsigned int carry = small;
	int i;

	for (i = 31; i >= 0; i--) {
		carry += a[i];
		out[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

static void sub_small(uint8_t out[32], const uint8_t a[32], unsigned int small)
{
	int borrow = (int)small, i;

	for (i = 31; i >= 0; i--) {
		int v = a[i] - (borrow & 0xff);

		borrow >>= 8;
		if (v < 0) {
			v += 256;
			borrow++;
		}
		out[i] = (uint8_t)v;
	}
}

/* --- official vectors ----------------------------------------------------- */

static char *next_field(char **p)
{
	char *s = *p, *c;

	if (!s)
		return NULL;
	c = strchr(s, ',');
	if (c) {
		*c = 0;
		*p = c + 1;
	} else {
		*p = NULL;
	}
	return s;
}

static void test_vectors(void)
{
	char path[1024], line[4096];
	int rows = 0, signed_rows = 0, ok = 1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bip340/test-vectors.csv", test_vectors_dir());
	f = fopen(path, "r");
	if (!f) {
		test_report(0, "bip340: open %s", path);
		return;
	}
	if (!fgets(line, sizeof(line), f)) {	/* header */
		fclose(f);
		test_report(0, "bip340: empty %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *idx, *skh, *pkh, *auxh, *msgh, *sigh, *res;
		uint8_t sk[32], pk[32], aux[32], sig[64], mysig[64], mypk[32];
		uint8_t *msg = NULL;
		size_t msglen = 0;
		int expect, got;

		line[strcspn(line, "\r\n")] = 0;
		if (!line[0])
			continue;
		idx = next_field(&p);
		skh = next_field(&p);
		pkh = next_field(&p);
		auxh = next_field(&p);
		msgh = next_field(&p);
		sigh = next_field(&p);
		res = next_field(&p);
		if (!res || !hex_decode(pk, 32, pkh) || !hex_decode(sig, 64, sigh) ||
		    !(msg = hex_decode_alloc(msgh, &msglen)) ||
		    (strcmp(res, "TRUE") && strcmp(res, "FALSE"))) {
			TEST_FAIL("malformed CSV row %s", idx ? idx : "?");
			ok = 0;
			free(msg);
			continue;
		}
		rows++;
		expect = !strcmp(res, "TRUE");
		if (skh[0]) {
			struct mpc_bip340_keypair kp;

			if (!hex_decode(sk, 32, skh) || !hex_decode(aux, 32, auxh)) {
				TEST_FAIL("row %s: bad sk/aux hex", idx);
				ok = 0;
			} else if (!mpc_bip340_keypair_create(&kp, sk)) {
				TEST_FAIL("row %s: keypair_create failed", idx);
				ok = 0;
			} else {
				signed_rows++;
				if (memcmp(kp.pk, pk, 32)) {
					TEST_FAIL("row %s: public key differs", idx);
					ok = 0;
				}
				if (!mpc_bip340_pubkey(mypk, sk) || memcmp(mypk, pk, 32)) {
					TEST_FAIL("row %s: mpc_bip340_pubkey differs", idx);
					ok = 0;
				}
				if (!mpc_bip340_sign(mysig, msg, msglen, &kp, aux) ||
				    memcmp(mysig, sig, 64)) {
					TEST_FAIL("row %s: signature differs", idx);
					ok = 0;
				}
				mpc_bip340_keypair_clear(&kp);
			}
		}
		got = mpc_bip340_verify(sig, msg, msglen, pk);
		if (got != expect) {
			TEST_FAIL("row %s: verify returned %d, expected %s", idx, got, res);
			ok = 0;
		}
		free(msg);
	}
	fclose(f);
	test_report(ok && rows == 19 && signed_rows == 8,
		    "bip340: official vectors (%d rows verified, %d signed exactly)", rows, signed_rows);
}

/* --- differential tests against libsecp256k1 ------------------------------ */

static int secp_verify(const uint8_t sig[64], const uint8_t *msg, size_t len, const uint8_t pk[32])
{
	secp256k1_xonly_pubkey xpk;

	if (!secp256k1_xonly_pubkey_parse(ctx, &xpk, pk))
		return 0;
	return secp256k1_schnorrsig_verify(ctx, sig, msg, len, &xpk);
}

/* A secret key: mostly random, sometimes an edge value. */
static void gen_seckey(uint8_t sk[32], uint64_t i)
{
	switch (i % 64) {
	case 1:
		memset(sk, 0, 32);
		sk[31] = (uint8_t)(1 + test_rand64() % 255);	/* small */
		break;
	case 2:
		sub_small(sk, order_n, (unsigned int)(1 + test_rand64() % 255));	/* n - small */
		break;
	case 3:
		memset(sk, 0xff, 16);	/* high half all ones, below n */
		test_rand_bytes(sk + 16, 16);
		sk[15] = 0xfe;
		sk[16] &= 0x7f;
		break;
	case 4:
		memset(sk, 0, 32);	/* single bit */
		sk[test_rand64() % 32] = (uint8_t)(1u << (test_rand64() % 8));
		break;
	default:
		test_rand_bytes(sk, 32);
		break;
	}
}

static int secp_seckey_ok(const uint8_t sk[32])
{
	return secp256k1_ec_seckey_verify(ctx, sk);
}

enum corruption { C_R, C_S, C_MSG, C_PK, C_S_GE_N, C_R_GE_P, C_PK_OFF, C_PK_GE_P, C_NONE, C_COUNT };
static const char *const cname[C_COUNT] = {
	"bit flip in r", "bit flip in s", "bit flip in msg", "bit flip in pk", "s >= n",
	"r >= p", "pk not on curve", "pk >= p", "unmodified",
};

static void corrupt(enum corruption c, uint8_t sig[64], uint8_t msg[32], uint8_t pk[32])
{
	unsigned int bit = (unsigned int)(test_rand64() % 256);
	uint8_t t[32];
	secp256k1_xonly_pubkey x;

	switch (c) {
	case C_R: sig[bit / 8] ^= (uint8_t)(1u << (bit % 8)); break;
	case C_S: sig[32 + bit / 8] ^= (uint8_t)(1u << (bit % 8)); break;
	case C_MSG: msg[bit / 8] ^= (uint8_t)(1u << (bit % 8)); break;
	case C_PK: pk[bit / 8] ^= (uint8_t)(1u << (bit % 8)); break;
	case C_S_GE_N:
		/* s + n (if it does not wrap) or n + small: both >= n */
		add_small(t, order_n, (unsigned int)(test_rand64() % 1024));
		memcpy(sig + 32, t, 32);
		break;
	case C_R_GE_P:
		add_small(t, prime_p, (unsigned int)(test_rand64() % 977));
		memcpy(sig, t, 32);
		break;
	case C_PK_OFF:
		/* a random x that is not on the curve */
		do {
			test_rand_bytes(pk, 32);
		} while (secp256k1_xonly_pubkey_parse(ctx, &x, pk));
		break;
	case C_PK_GE_P:
		add_small(pk, prime_p, (unsigned int)(test_rand64() % 977));
		break;
	default:
		break;
	}
}

/* MPC_TEST_ITERS, default 100000 (25000 in the slower sanitizer build) */
#ifdef MPC_VERIFY
#define DEFAULT_ITERS 25000
#else
#define DEFAULT_ITERS 100000
#endif
static long iters(void)
{
	const char *e = getenv("MPC_TEST_ITERS");
	long n = e ? strtol(e, NULL, 0) : DEFAULT_ITERS;

	return n > 0 ? n : DEFAULT_ITERS;
}

static void test_differential(void)
{
	long n = iters(), i;
	long bad_sig = 0, bad_pk = 0, bad_secp_verify = 0, bad_our_verify = 0, bad_valid = 0;
	long agree_fail[C_COUNT] = { 0 }, agree_cnt[C_COUNT] = { 0 }, rejected[C_COUNT] = { 0 };
	long secp_signed = 0;
	int c;

	for (i = 0; i < n; i++) {
		uint8_t sk[32], aux[32], msg[32], sig[64], ref[64], pk[32];
		struct mpc_bip340_keypair kp;
		secp256k1_keypair skp;
		secp256k1_xonly_pubkey xpk;
		int v1, v2;

		gen_seckey(sk, (uint64_t)i);
		test_rand_bytes(aux, 32);
		test_rand_bytes(msg, 32);
		if (!secp_seckey_ok(sk) || !secp256k1_keypair_create(ctx, &skp, sk)) {
			/* invalid key (e.g. all-zero single bit case can't be, but be safe) */
			if (mpc_bip340_keypair_create(&kp, sk))
				bad_valid++;
			continue;
		}
		if (!mpc_bip340_keypair_create(&kp, sk)) {
			bad_valid++;
			continue;
		}
		if (!secp256k1_keypair_xonly_pub(ctx, &xpk, NULL, &skp) ||
		    !secp256k1_xonly_pubkey_serialize(ctx, pk, &xpk) || memcmp(pk, kp.pk, 32))
			bad_pk++;
		if (!mpc_bip340_sign(sig, msg, 32, &kp, aux))
			bad_sig++;
		if (!secp256k1_schnorrsig_sign32(ctx, ref, msg, &skp, aux) || memcmp(sig, ref, 64))
			bad_sig++;
		if (!secp256k1_schnorrsig_verify(ctx, sig, msg, 32, &xpk))
			bad_secp_verify++;
		mpc_bip340_keypair_clear(&kp);

		if (i % 4 == 0) {
			/* our verify on our signature */
			if (mpc_bip340_verify(sig, msg, 32, pk) != 1)
				bad_our_verify++;
			continue;
		}
		if (i % 4 == 1) {
			/* a libsecp256k1 signature with fresh aux, verified by us */
			test_rand_bytes(aux, 32);
			if (!secp256k1_schnorrsig_sign32(ctx, ref, msg, &skp, aux))
				continue;
			secp_signed++;
			if (mpc_bip340_verify(ref, msg, 32, pk) != 1)
				bad_our_verify++;
			continue;
		}
		/* corrupted signatures: verdicts must agree */
		c = (int)(test_rand64() % C_COUNT);
		corrupt((enum corruption)c, sig, msg, pk);
		v1 = mpc_bip340_verify(sig, msg, 32, pk);
		v2 = secp_verify(sig, msg, 32, pk);
		agree_cnt[c]++;
		if (v1 != v2) {
			agree_fail[c]++;
			if (agree_fail[c] < 4) {
				char h[129];

				hex_encode(h, sig, 64);
				TEST_FAIL("%s: ours %d, libsecp256k1 %d (sig %s)", cname[c], v1, v2, h);
			}
		}
		if (!v1)
			rejected[c]++;
	}
	test_report(!bad_valid && !bad_pk, "bip340: keypair_create equals libsecp256k1 x-only key (%ld keys)", n);
	test_report(!bad_sig, "bip340: %ld signatures equal secp256k1_schnorrsig_sign32", n);
	test_report(!bad_secp_verify, "bip340: secp256k1_schnorrsig_verify accepts all %ld of ours", n);
	test_report(!bad_our_verify && secp_signed > 0,
		    "bip340: our verify accepts our own and libsecp256k1 signatures (%ld)",
		    (n + 3) / 4 + secp_signed);
	for (c = 0; c < C_COUNT; c++) {
		/* checks the test itself: every corruption must give an invalid signature
		 * (a valid one by chance has probability ~2^-128), none of the unmodified */
		int sane = c == C_NONE ? rejected[c] == 0 : rejected[c] == agree_cnt[c];

		test_report(!agree_fail[c] && agree_cnt[c] > 0 && sane,
			    "bip340: verify agrees with libsecp256k1 on %ld sigs: %s (%ld rejected)",
			    agree_cnt[c], cname[c], rejected[c]);
	}
}

static void test_varlen(void)
{
	static const size_t lens[] = { 0, 1, 2, 31, 32, 33, 63, 64, 65, 100, 119, 120, 200, 300 };
	int ok = 1, n = 0;
	size_t li;
	int r;

	for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
		for (r = 0; r < 50; r++) {
			uint8_t sk[32], aux[32], msg[300], sig[64], ref[64];
			struct mpc_bip340_keypair kp;
			secp256k1_keypair skp;
			secp256k1_xonly_pubkey xpk;
			secp256k1_schnorrsig_extraparams ep = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
			size_t len = lens[li];

			test_rand_bytes(sk, 32);
			test_rand_bytes(aux, 32);
			test_rand_bytes(msg, sizeof(msg));
			if (!secp256k1_keypair_create(ctx, &skp, sk))
				continue;
			ep.ndata = aux;
			n++;
			if (!mpc_bip340_keypair_create(&kp, sk) ||
			    !mpc_bip340_sign(sig, len ? msg : NULL, len, &kp, aux) ||
			    !secp256k1_schnorrsig_sign_custom(ctx, ref, msg, len, &skp, &ep) ||
			    memcmp(sig, ref, 64)) {
				TEST_FAIL("msg len %zu: signature differs", len);
				ok = 0;
			}
			if (!secp256k1_keypair_xonly_pub(ctx, &xpk, NULL, &skp) ||
			    !secp256k1_schnorrsig_verify(ctx, sig, msg, len, &xpk) ||
			    mpc_bip340_verify(sig, len ? msg : NULL, len, kp.pk) != 1) {
				TEST_FAIL("msg len %zu: verify", len);
				ok = 0;
			}
			/* changing the length invalidates it, for both */
			if (len < sizeof(msg) &&
			    (mpc_bip340_verify(sig, msg, len + 1, kp.pk) != 0 ||
			     secp256k1_schnorrsig_verify(ctx, sig, msg, len + 1, &xpk) != 0)) {
				TEST_FAIL("msg len %zu: longer message accepted", len);
				ok = 0;
			}
			mpc_bip340_keypair_clear(&kp);
		}
	}
	test_report(ok && n > 600, "bip340: %d variable-length messages (0..300 bytes) equal "
		    "secp256k1_schnorrsig_sign_custom", n);
}

static void test_invalid_keys(void)
{
	static const uint8_t zero[32];
	struct mpc_bip340_keypair kp;
	uint8_t sk[32], pk[32];
	int ok = 1, i;

	/* 0, n, n + k, 2^256 - 1 are invalid */
	for (i = 0; i < 5; i++) {
		switch (i) {
		case 0: memset(sk, 0, 32); break;
		case 1: memcpy(sk, order_n, 32); break;
		case 2: add_small(sk, order_n, 1); break;
		case 3: add_small(sk, order_n, 0x1234); break;
		default: memset(sk, 0xff, 32); break;
		}
		memset(&kp, 0x55, sizeof(kp));
		if (mpc_bip340_keypair_create(&kp, sk) != 0 || !mpc_scalar_is_zero(&kp.d) ||
		    memcmp(kp.pk, zero, 32)) {
			TEST_FAIL("invalid key %d accepted or not wiped", i);
			ok = 0;
		}
		memset(pk, 0x55, 32);
		if (mpc_bip340_pubkey(pk, sk) != 0 || memcmp(pk, zero, 32)) {
			TEST_FAIL("mpc_bip340_pubkey accepted invalid key %d", i);
			ok = 0;
		}
		/* the wiped keypair signs nothing (all-zero output, 0) */
		{
			uint8_t sig[64], z64[64] = { 0 };

			memset(sig, 0x55, sizeof(sig));
			if (mpc_bip340_sign(sig, zero, 32, &kp, NULL) != 0 || memcmp(sig, z64, 64)) {
				TEST_FAIL("a wiped keypair (invalid key %d) signed", i);
				ok = 0;
			}
		}
	}
	/* n - 1 is valid: its key is G's x (n-1 = -1 and -G has the same x) */
	sub_small(sk, order_n, 1);
	ok &= mpc_bip340_keypair_create(&kp, sk) == 1;
	ok &= mpc_bip340_pubkey(pk, sk) == 1 && !memcmp(pk, kp.pk, 32);
	memset(sk, 0, 32);
	sk[31] = 1;
	ok &= mpc_bip340_pubkey(sk, sk) == 1 && !memcmp(sk, kp.pk, 32);	/* in-place */
	test_report(ok, "bip340: invalid secret keys (0, n, > n) rejected and wiped");
}

static void test_aux_null(void)
{
	static const uint8_t zero[32];
	uint8_t sk[32], msg[32], a[64], b[64], c[64];
	struct mpc_bip340_keypair kp;
	secp256k1_keypair skp;
	int ok = 1, i, secp_null_same = 1;

	for (i = 0; i < 100; i++) {
		test_rand_bytes(sk, 32);
		test_rand_bytes(msg, 32);
		if (!secp256k1_keypair_create(ctx, &skp, sk) || !mpc_bip340_keypair_create(&kp, sk)) {
			continue;
		}
		ok &= mpc_bip340_sign(a, msg, 32, &kp, NULL) == 1;
		ok &= mpc_bip340_sign(b, msg, 32, &kp, zero) == 1;
		ok &= secp256k1_schnorrsig_sign32(ctx, c, msg, &skp, zero) == 1;
		ok &= !memcmp(a, b, 64) && !memcmp(b, c, 64);
		ok &= secp256k1_schnorrsig_sign32(ctx, c, msg, &skp, NULL) == 1;
		secp_null_same &= !memcmp(a, c, 64);
		/* the signature depends on aux */
		ok &= mpc_bip340_sign(b, msg, 32, &kp, msg) == 1 && memcmp(a, b, 64);
	}
	if (!secp_null_same)
		printf("# note: libsecp256k1 treats aux NULL differently from 32 zero bytes\n");
	test_report(ok, "bip340: aux = NULL signs as 32 zero bytes");
}

int main(void)
{
	if (mpc_ecmult_init()) {
		test_report(0, "bip340: mpc_ecmult_init");
		return test_exit();
	}
	ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	test_vectors();
	test_invalid_keys();
	test_aux_null();
	test_varlen();
	test_differential();
	secp256k1_context_destroy(ctx);
	mpc_ecmult_exit();
	return test_exit();
}
