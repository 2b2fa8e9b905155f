// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_scalar.c - scalars mod n against libsecp256k1 (seckey_tweak_add,
 * seckey_tweak_mul, seckey_negate, seckey_verify), inverses checked
 * algebraically, the GLV split, and edge cases (0, 1, n-1, n, n+1, 2^256-1,
 * n/2).
 *
 * MPC_TEST_ITERS sets the number of random inputs (default 100000; 10000
 * in the sanitizer build).
 */
#include <secp256k1.h>
#include "test.h"
#include "core/scalar.h"

#ifdef MPC_VERIFY
#define DEFAULT_ITERS 10000
#else
#define DEFAULT_ITERS 100000
#endif

static secp256k1_context *ctx;

static const uint8_t N_B32[32] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
	0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41
};

static long iters(void)
{
	const char *e = getenv("MPC_TEST_ITERS");

	return e && atol(e) > 0 ? atol(e) : DEFAULT_ITERS;
}

/* big-endian 32-byte add/sub of a small delta (for n-1, n+1, ...) */
static void b32_add_small(uint8_t r[32], const uint8_t a[32], int delta)
{
	int i, c = delta;

	memcpy(r, a, 32);
	for (i = 31; i >= 0 && c; i--) {
		int v = r[i] + c;

		r[i] = (uint8_t)(v & 0xff);
		c = v >> 8;	/* arithmetic shift: -1 for borrows */
	}
}

/* random 32 bytes, sometimes near 0 / near n / all ones */
static void rand_b32(uint8_t b[32])
{
	test_rand_bytes(b, 32);
	switch (test_rand64() % 16) {
	case 0:
		memset(b, 0, 31);
		break;
	case 1:
		b32_add_small(b, N_B32, -(int)(test_rand64() % 3));
		break;
	case 2:
		memset(b, 0xff, 32);
		b[31] = (uint8_t)test_rand64();
		break;
	case 3:
		memset(b, 0, 16);
		break;
	default:
		break;
	}
}

static void test_edges(void)
{
	uint8_t b[32], o[32];
	mpc_scalar s, t, one;
	int ok = 1;

	mpc_scalar_set_int(&one, 1);
	/* n: overflow, reduces to 0 */
	ok &= mpc_scalar_set_b32(&s, N_B32) == 0 && mpc_scalar_is_zero(&s);
	ok &= mpc_scalar_set_b32_seckey(&s, N_B32) == 0 && mpc_scalar_is_zero(&s);
	/* n + 1 -> 1 */
	b32_add_small(b, N_B32, 1);
	ok &= mpc_scalar_set_b32(&s, b) == 0 && mpc_scalar_is_one(&s);
	/* n - 1: valid, high, negation is 1 */
	b32_add_small(b, N_B32, -1);
	ok &= mpc_scalar_set_b32(&s, b) == 1 && mpc_scalar_set_b32_seckey(&t, b) == 1;
	ok &= mpc_scalar_is_high(&s);
	mpc_scalar_negate(&t, &s);
	ok &= mpc_scalar_is_one(&t);
	mpc_scalar_add(&t, &s, &one);
	ok &= mpc_scalar_is_zero(&t);
	mpc_scalar_get_b32(o, &s);
	ok &= memcmp(o, b, 32) == 0;
	/* 2^256 - 1 -> 2^256 - 1 - n */
	memset(b, 0xff, 32);
	ok &= mpc_scalar_set_b32(&s, b) == 0;
	mpc_scalar_get_b32(o, &s);
	ok &= o[15] == 0x01 && o[16] == 0x45 && o[31] == 0xBE;
	/* 0 is not a secret key, 1 is */
	memset(b, 0, 32);
	ok &= mpc_scalar_set_b32(&s, b) == 1 && mpc_scalar_is_zero(&s);
	ok &= mpc_scalar_set_b32_seckey(&s, b) == 0;
	b[31] = 1;
	ok &= mpc_scalar_set_b32_seckey(&s, b) == 1 && mpc_scalar_is_one(&s);
	ok &= !mpc_scalar_is_high(&s);
	/* zero negates to zero; cond_negate */
	mpc_scalar_set_int(&s, 0);
	mpc_scalar_negate(&t, &s);
	ok &= mpc_scalar_is_zero(&t);
	mpc_scalar_set_int(&s, 5);
	t = s;
	mpc_scalar_cond_negate(&t, 0);
	ok &= mpc_scalar_eq(&t, &s);
	mpc_scalar_cond_negate(&t, 1);
	mpc_scalar_add(&t, &t, &s);
	ok &= mpc_scalar_is_zero(&t);
	/* n/2 boundary: (n-1)/2 is not high, (n+1)/2 is */
	{
		mpc_scalar h;
		static const uint8_t half[32] = {
			0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
			0xFF, 0xFF, 0xFF, 0xFF, 0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D,
			0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0 };

		mpc_scalar_set_b32(&h, half);
		ok &= !mpc_scalar_is_high(&h);
		mpc_scalar_add(&h, &h, &one);
		ok &= mpc_scalar_is_high(&h);
		mpc_scalar_add(&t, &h, &h);	/* n + 1 = 1 */
		ok &= mpc_scalar_is_one(&t);
	}
	/* inverses of 0 and 1 */
	mpc_scalar_set_int(&s, 0);
	mpc_scalar_inverse(&t, &s);
	ok &= mpc_scalar_is_zero(&t);
	mpc_scalar_inverse_var(&t, &s);
	ok &= mpc_scalar_is_zero(&t);
	mpc_scalar_inverse(&t, &one);
	ok &= mpc_scalar_is_one(&t);
	test_report(ok, "scalar: edge cases 0, 1, n-1, n, n+1, 2^256-1, n/2");
}

static void test_random(long n)
{
	long i, cnt_add = 0, cnt_mul = 0;
	int ok_parse = 1, ok_add = 1, ok_mul = 1, ok_neg = 1, ok_inv = 1, ok_split = 1;
	int ok_high = 1, ok_cmov = 1, ok_bits = 1;

	/* run until n valid pairs were compared */
	for (i = 0; cnt_mul < n; i++) {
		uint8_t a[32], b[32], r1[32], r2[32];
		mpc_scalar sa, sb, sr, si, sj, k1, k2, t;
		int va, vb, ovf_a;

		rand_b32(a);
		rand_b32(b);
		ovf_a = mpc_scalar_set_b32(&sa, a);
		mpc_scalar_set_b32(&sb, b);
		va = secp256k1_ec_seckey_verify(ctx, a);
		vb = secp256k1_ec_seckey_verify(ctx, b);
		/* parse: valid secret key iff in range and nonzero */
		ok_parse &= mpc_scalar_set_b32_seckey(&t, a) == va;
		ok_parse &= ovf_a == (va || !memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
						   "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32));
		if (!va || !vb)
			continue;

		/* tweak_add: libsecp fails when the sum is 0 */
		memcpy(r1, a, 32);
		mpc_scalar_add(&sr, &sa, &sb);
		if (secp256k1_ec_seckey_tweak_add(ctx, r1, b)) {
			mpc_scalar_get_b32(r2, &sr);
			ok_add &= memcmp(r1, r2, 32) == 0;
			cnt_add++;
		} else {
			ok_add &= mpc_scalar_is_zero(&sr);
		}
		memcpy(r1, a, 32);
		ok_mul &= secp256k1_ec_seckey_tweak_mul(ctx, r1, b) == 1;
		mpc_scalar_mul(&sr, &sa, &sb);
		mpc_scalar_get_b32(r2, &sr);
		ok_mul &= memcmp(r1, r2, 32) == 0;
		cnt_mul++;

		memcpy(r1, a, 32);
		ok_neg &= secp256k1_ec_seckey_negate(ctx, r1) == 1;
		mpc_scalar_negate(&sr, &sa);
		mpc_scalar_get_b32(r2, &sr);
		ok_neg &= memcmp(r1, r2, 32) == 0;
		t = sa;
		mpc_scalar_cond_negate(&t, 1);
		ok_neg &= mpc_scalar_eq(&t, &sr);
		/* is_high: a > n/2  <=>  -a < a (as integers) */
		{
			int gt = memcmp(r2, a, 32) < 0;

			ok_high &= mpc_scalar_is_high(&sa) == gt;
		}

		if (i % 4 == 0) {
			mpc_scalar_inverse(&si, &sa);
			mpc_scalar_inverse_var(&sj, &sa);
			ok_inv &= mpc_scalar_eq(&si, &sj);
			if (i % 64 == 0) {
				mpc_scalar_inverse_fermat(&sj, &sa);
				ok_inv &= mpc_scalar_eq(&si, &sj);
			}
			mpc_scalar_mul(&t, &si, &sa);
			ok_inv &= mpc_scalar_is_one(&t);
		}

		/* GLV split: k1 + k2 lambda = k, both halves (or negations) < 2^128 */
		mpc_scalar_split_lambda(&k1, &k2, &sa);
		mpc_scalar_mul(&t, &k2, &mpc_scalar_lambda);
		mpc_scalar_add(&t, &t, &k1);
		ok_split &= mpc_scalar_eq(&t, &sa);
		if (mpc_scalar_is_high(&k1))
			mpc_scalar_negate(&k1, &k1);
		if (mpc_scalar_is_high(&k2))
			mpc_scalar_negate(&k2, &k2);
		ok_split &= !k1.d[2] && !k1.d[3] && !k2.d[2] && !k2.d[3];

		t = sa;
		mpc_scalar_cmov(&t, &sb, 0);
		ok_cmov &= mpc_scalar_eq(&t, &sa);
		mpc_scalar_cmov(&t, &sb, 1);
		ok_cmov &= mpc_scalar_eq(&t, &sb);

		{
			unsigned int off = (unsigned int)(test_rand64() % 240), cnt = 1 + (unsigned int)(test_rand64() % 16);
			unsigned int v = mpc_scalar_get_bits(&sa, off, cnt), j, w = 0;

			for (j = 0; j < cnt; j++) {
				unsigned int bit = off + j;

				w |= (unsigned int)((sa.d[bit / 64] >> (bit % 64)) & 1) << j;
			}
			ok_bits &= v == w;
		}
	}
	test_report(ok_parse, "scalar: %ld parses vs secp256k1_ec_seckey_verify, overflow flag", i);
	test_report(ok_add && cnt_add > n / 2, "scalar: %ld add vs secp256k1_ec_seckey_tweak_add", cnt_add);
	test_report(ok_mul && cnt_mul >= n, "scalar: %ld mul vs secp256k1_ec_seckey_tweak_mul", cnt_mul);
	test_report(ok_neg, "scalar: negate / cond_negate vs secp256k1_ec_seckey_negate");
	test_report(ok_high, "scalar: is_high");
	test_report(ok_inv, "scalar: inverse == inverse_var == Fermat, a * a^-1 = 1");
	test_report(ok_split, "scalar: GLV split k = k1 + k2*lambda with |k1|, |k2| < 2^128");
	test_report(ok_cmov, "scalar: cmov");
	test_report(ok_bits, "scalar: get_bits");
}

static void test_split_edges(void)
{
	static const int small[] = { 0, 1, 2, 3, -1, -2 };
	mpc_scalar k, k1, k2, t;
	unsigned int i;
	int ok = 1;

	for (i = 0; i < sizeof(small) / sizeof(small[0]) + 2; i++) {
		if (i < sizeof(small) / sizeof(small[0])) {
			mpc_scalar_set_int(&k, (unsigned int)(small[i] < 0 ? -small[i] : small[i]));
			if (small[i] < 0)
				mpc_scalar_negate(&k, &k);
		} else if (i == sizeof(small) / sizeof(small[0])) {
			k = mpc_scalar_lambda;
		} else {
			mpc_scalar_negate(&k, &mpc_scalar_lambda);
		}
		mpc_scalar_split_lambda(&k1, &k2, &k);
		mpc_scalar_mul(&t, &k2, &mpc_scalar_lambda);
		mpc_scalar_add(&t, &t, &k1);
		ok &= mpc_scalar_eq(&t, &k);
		if (mpc_scalar_is_high(&k1))
			mpc_scalar_negate(&k1, &k1);
		if (mpc_scalar_is_high(&k2))
			mpc_scalar_negate(&k2, &k2);
		ok &= !k1.d[2] && !k1.d[3] && !k2.d[2] && !k2.d[3];
	}
	/* lambda^3 = 1 */
	mpc_scalar_mul(&t, &mpc_scalar_lambda, &mpc_scalar_lambda);
	mpc_scalar_mul(&t, &t, &mpc_scalar_lambda);
	ok &= mpc_scalar_is_one(&t);
	test_report(ok, "scalar: GLV split of 0, +-1, +-2, 3, +-lambda; lambda^3 = 1");
}

/* b = 2^k, big-endian */
static void b32_pow2(uint8_t b[32], int k)
{
	memset(b, 0, 32);
	b[31 - k / 8] = (uint8_t)(1 << (k % 8));
}

/* r = a - b, big-endian, a >= b */
static void b32_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
	int i, c = 0;

	for (i = 31; i >= 0; i--) {
		int v = a[i] - b[i] - c;

		c = v < 0;
		r[i] = (uint8_t)(v + (c << 8));
	}
}

/*
 * Inverses of structured values, which drive the divstep iteration to its
 * corners: 1..64, n-64..n-1, 2^k, 2^k - 1, n - 2^k, (n -+ 1) / 2, and a few
 * values found to need many divsteps.  ct == var == Fermat, a a^-1 = 1.
 */
static void test_inv_structured(void)
{
	static const uint8_t slow[][32] = {
		{ 0x5c, 0x2e, 0x43, 0x2d, 0xd5, 0xba, 0x2b, 0xdd, 0x56, 0x36, 0x19, 0xd3, 0x2c, 0x7a, 0x24, 0x8f,
		  0xf9, 0xdb, 0x2f, 0xc8, 0xd2, 0xa4, 0xd2, 0x7b, 0xdc, 0xb2, 0xbb, 0x99, 0xf4, 0xbe, 0xa9, 0x74 },
		{ 0x1e, 0x2b, 0xeb, 0x89, 0x44, 0x4e, 0x34, 0xbe, 0x11, 0x07, 0xc5, 0x51, 0xe1, 0x86, 0xbb, 0xd5,
		  0xcd, 0xc1, 0x7e, 0x70, 0xd8, 0xf1, 0x4a, 0xdf, 0x99, 0xa7, 0x58, 0x4a, 0x22, 0x6d, 0xb1, 0xe6 },
		{ 0x59, 0x53, 0x92, 0x9a, 0x9a, 0x9a, 0x88, 0xfd, 0xaa, 0x7b, 0x5b, 0xfd, 0x5e, 0xb7, 0x61, 0xa4,
		  0x21, 0xe2, 0x63, 0x69, 0x8a, 0x52, 0x9b, 0x4a, 0xd7, 0xa7, 0x50, 0x90, 0x1c, 0xeb, 0x3f, 0xba },
	};
	uint8_t v[1024][32], one[32];
	int nv = 0, i, k, ok = 1;

	b32_pow2(one, 0);
	for (k = 1; k <= 64; k++) {
		memset(v[nv], 0, 32);
		v[nv++][31] = (uint8_t)k;
		b32_add_small(v[nv++], N_B32, -k);
	}
	for (k = 0; k < 256; k++) {
		uint8_t t[32];

		b32_pow2(t, k);
		memcpy(v[nv++], t, 32);
		b32_sub(v[nv++], N_B32, t);
		if (k > 1)
			b32_sub(v[nv++], t, one);
	}
	/* (n - 1) / 2 and (n + 1) / 2 */
	b32_add_small(v[nv], N_B32, -1);
	for (i = 31; i >= 0; i--)
		v[nv][i] = (uint8_t)(v[nv][i] >> 1 | (i ? v[nv][i - 1] << 7 : 0));
	b32_add_small(v[nv + 1], v[nv], 1);
	nv += 2;
	for (i = 0; i < (int)(sizeof(slow) / sizeof(slow[0])); i++)
		memcpy(v[nv++], slow[i], 32);

	for (i = 0; i < nv; i++) {
		mpc_scalar a, i1, i2, i3, t;

		ok &= mpc_scalar_set_b32(&a, v[i]) == 1;
		mpc_scalar_inverse(&i1, &a);
		mpc_scalar_inverse_var(&i2, &a);
		mpc_scalar_inverse_fermat(&i3, &a);
		mpc_scalar_mul(&t, &i1, &a);
		ok &= mpc_scalar_eq(&i1, &i2) && mpc_scalar_eq(&i1, &i3) && mpc_scalar_is_one(&t);
	}
	test_report(ok, "scalar: inverses of %d structured values (2^k, 2^k - 1, n - 2^k, n - k, ...)", nv);
}

int main(void)
{
	long n = iters();

	ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	test_rand_seed(0x5ca1a);
	test_edges();
	test_split_edges();
	test_random(n);
	test_inv_structured();
	secp256k1_context_destroy(ctx);
	return test_exit();
}
