// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_field.c - field arithmetic mod p against an independent 4x64-limb
 * reference (schoolbook product, folding with 2^256 = 0x1000003D1 mod p),
 * plus algebraic checks of inversion and square roots and edge cases.
 *
 * MPC_TEST_ITERS sets the number of random inputs (default 100000; 10000
 * in the sanitizer build, which defines MPC_VERIFY).
 */
#include "test.h"
#include "core/field.h"

#ifdef MPC_VERIFY
#define DEFAULT_ITERS 10000
#else
#define DEFAULT_ITERS 100000
#endif

typedef struct {
	uint64_t w[4];
} u256;

static const u256 P = { { 0xFFFFFFFEFFFFFC2FULL, ~0ULL, ~0ULL, ~0ULL } };

static long iters(void)
{
	const char *e = getenv("MPC_TEST_ITERS");

	return e && atol(e) > 0 ? atol(e) : DEFAULT_ITERS;
}

static void u256_from_b32(u256 *r, const uint8_t b[32])
{
	int i, j;

	for (i = 0; i < 4; i++) {
		r->w[i] = 0;
		for (j = 0; j < 8; j++)
			r->w[i] = r->w[i] << 8 | b[(3 - i) * 8 + j];
	}
}

static void u256_to_b32(uint8_t b[32], const u256 *a)
{
	int i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 8; j++)
			b[(3 - i) * 8 + j] = (uint8_t)(a->w[i] >> (56 - 8 * j));
}

static int u256_cmp(const u256 *a, const u256 *b)
{
	int i;

	for (i = 3; i >= 0; i--)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

/* r = a - b (mod 2^256), returns borrow */
static int u256_sub(u256 *r, const u256 *a, const u256 *b)
{
	unsigned __int128 t;
	uint64_t borrow = 0;
	int i;

	for (i = 0; i < 4; i++) {
		t = (unsigned __int128)a->w[i] - b->w[i] - borrow;
		r->w[i] = (uint64_t)t;
		borrow = (uint64_t)(t >> 64) & 1;
	}
	return (int)borrow;
}

/* reduce a 5-word value (w[4] small) mod p */
static void ref_reduce(u256 *r, const uint64_t x[5])
{
	uint64_t v[5] = { x[0], x[1], x[2], x[3], x[4] };
	unsigned __int128 t;
	int i, k;

	for (k = 0; k < 3; k++) {
		uint64_t hi = v[4];

		v[4] = 0;
		t = (unsigned __int128)hi * 0x1000003D1ULL;
		for (i = 0; i < 4; i++) {
			t += v[i];
			v[i] = (uint64_t)t;
			t >>= 64;
		}
		v[4] = (uint64_t)t;
	}
	memcpy(r->w, v, 32);
	while (u256_cmp(r, &P) >= 0)
		u256_sub(r, r, &P);
}

static void ref_mul(u256 *r, const u256 *a, const u256 *b)
{
	uint64_t l[8] = { 0 }, x[5];
	unsigned __int128 t;
	int i, j;

	for (i = 0; i < 4; i++) {
		uint64_t c = 0;

		for (j = 0; j < 4; j++) {
			t = (unsigned __int128)a->w[i] * b->w[j] + l[i + j] + c;
			l[i + j] = (uint64_t)t;
			c = (uint64_t)(t >> 64);
		}
		l[i + 4] = c;
	}
	/* l = lo + hi * 2^256 = lo + hi * R: multiply hi (4 words) by R */
	t = 0;
	for (i = 0; i < 4; i++) {
		t += (unsigned __int128)l[i + 4] * 0x1000003D1ULL + l[i];
		x[i] = (uint64_t)t;
		t >>= 64;
	}
	x[4] = (uint64_t)t;
	ref_reduce(r, x);
}

static void ref_add(u256 *r, const u256 *a, const u256 *b)
{
	uint64_t x[5];
	unsigned __int128 t = 0;
	int i;

	for (i = 0; i < 4; i++) {
		t += (unsigned __int128)a->w[i] + b->w[i];
		x[i] = (uint64_t)t;
		t >>= 64;
	}
	x[4] = (uint64_t)t;
	ref_reduce(r, x);
}

/* value of an fe with arbitrary limbs, mod p */
static void fe_value(u256 *r, const mpc_fe *a)
{
	/* sum n[i] * 2^(52 i) as a 5-word number */
	uint64_t x[5] = { 0 };
	int i, j;

	for (i = 0; i < 5; i++) {
		unsigned int sh = 52 * (unsigned int)i;
		unsigned __int128 v = (unsigned __int128)a->n[i] << (sh % 64);
		uint64_t add[3] = { (uint64_t)v, (uint64_t)(v >> 64), 0 };
		unsigned __int128 t = 0;

		for (j = 0; j < 3 && (int)(sh / 64) + j < 5; j++) {
			t += (unsigned __int128)x[sh / 64 + j] + add[j];
			x[sh / 64 + j] = (uint64_t)t;
			t >>= 64;
		}
	}
	ref_reduce(r, x);
}

static void rand_u256_below_p(u256 *r)
{
	uint8_t b[32];

	do {
		test_rand_bytes(b, 32);
		/* sometimes make values near 0 or near p */
		switch (test_rand64() % 8) {
		case 0:
			memset(b, 0, 28);
			break;
		case 1:
			memset(b, 0xff, 28);
			break;
		default:
			break;
		}
		u256_from_b32(r, b);
	} while (u256_cmp(r, &P) >= 0);
}

static void fe_from_u256(mpc_fe *r, const u256 *a)
{
	uint8_t b[32];

	u256_to_b32(b, a);
	if (!mpc_fe_set_b32(r, b))
		TEST_FAIL("set_b32 rejected a value < p");
}

static int fe_eq_u256(const mpc_fe *a, const u256 *v)
{
	u256 x;

	fe_value(&x, a);
	return u256_cmp(&x, v) == 0;
}

/* an fe of magnitude m with the same value as a (a normalized): add m-1
 * representations of p limb-wise (keeping the limb bound 2m(2^52-1)) */
static void fe_inflate(mpc_fe *r, const mpc_fe *a, int m)
{
	static const uint64_t pl[5] = { 0xFFFFEFFFFFC2FULL, 0xFFFFFFFFFFFFFULL,
		0xFFFFFFFFFFFFFULL, 0xFFFFFFFFFFFFFULL, 0xFFFFFFFFFFFFULL };
	int i;

	*r = *a;
	for (i = 0; i < 5; i++)
		r->n[i] += (uint64_t)(2 * m - 2) * pl[i];
}

static void test_parse(void)
{
	uint8_t b[32], o[32];
	mpc_fe a;
	u256 v;
	int ok = 1;

	u256_to_b32(b, &P);
	ok &= mpc_fe_set_b32(&a, b) == 0;		/* p */
	b[31]++;
	ok &= mpc_fe_set_b32(&a, b) == 0;		/* p + 1 */
	memset(b, 0xff, 32);
	ok &= mpc_fe_set_b32(&a, b) == 0;		/* 2^256 - 1 */
	u256_to_b32(b, &P);
	b[31]--;
	ok &= mpc_fe_set_b32(&a, b) == 1;		/* p - 1 */
	mpc_fe_get_b32(o, &a);
	ok &= memcmp(o, b, 32) == 0;
	memset(b, 0, 32);
	ok &= mpc_fe_set_b32(&a, b) == 1 && mpc_fe_is_zero(&a);
	b[31] = 1;
	ok &= mpc_fe_set_b32(&a, b) == 1 && mpc_fe_is_odd(&a);
	/* values with the top limbs all ones but below p */
	v = P;
	v.w[0] -= 0x100000000ULL;
	u256_to_b32(b, &v);
	ok &= mpc_fe_set_b32(&a, b) == 1;
	mpc_fe_get_b32(o, &a);
	ok &= memcmp(o, b, 32) == 0;
	test_report(ok, "field: parse range checks (0, 1, p-1, p, p+1, 2^256-1)");
}

static void test_normalize_edges(void)
{
	mpc_fe a, z;
	uint8_t b[32];
	int ok = 1;
	int m;

	/* p itself in limb form normalizes to 0; p+1 to 1; p-1 stays */
	mpc_fe_set_int(&z, 0);
	for (m = 1; m <= 8; m++) {
		fe_inflate(&a, &z, m + 1);	/* value m*... multiples of p */
		mpc_fe_normalize(&a);
		ok &= mpc_fe_is_zero(&a);
		fe_inflate(&a, &z, m + 1);
		ok &= mpc_fe_normalizes_to_zero_var(&a);
		a.n[0] += 1;
		mpc_fe_normalize(&a);
		ok &= a.n[0] == 1 && !a.n[1] && !a.n[2] && !a.n[3] && !a.n[4];
	}
	u256_to_b32(b, &P);
	b[31]--;
	mpc_fe_set_b32(&z, b);
	a = z;
	mpc_fe_normalize(&a);
	ok &= mpc_fe_equal(&a, &z) && memcmp(&a, &z, sizeof(a)) == 0;
	/* 2^256 - 1 as limbs = p + 0x1000003D0 */
	a.n[0] = a.n[1] = a.n[2] = a.n[3] = 0xFFFFFFFFFFFFFULL;
	a.n[4] = 0xFFFFFFFFFFFFULL;
	mpc_fe_normalize(&a);
	ok &= a.n[0] == 0x1000003D0ULL && !a.n[1] && !a.n[2] && !a.n[3] && !a.n[4];
	test_report(ok, "field: normalize at multiples of p, p-1, 2^256-1");
}

static void test_random_ops(long n)
{
	long i;
	int ok_mul = 1, ok_sqr = 1, ok_add = 1, ok_neg = 1, ok_mi = 1, ok_ser = 1, ok_mag = 1;
	int ok_eq = 1, ok_cmov = 1;

	for (i = 0; i < n; i++) {
		u256 x, y, r, t;
		mpc_fe a, b, c, d, ai, bi;
		uint8_t o[32], ib[32];
		int m = 1 + (int)(test_rand64() % 8);
		int mm = 1 + (int)(test_rand64() % 32);
		unsigned int k = (unsigned int)(test_rand64() % 33);

		rand_u256_below_p(&x);
		rand_u256_below_p(&y);
		fe_from_u256(&a, &x);
		fe_from_u256(&b, &y);
		u256_to_b32(ib, &x);
		mpc_fe_get_b32(o, &a);
		ok_ser &= memcmp(o, ib, 32) == 0;

		ref_mul(&r, &x, &y);
		mpc_fe_mul(&c, &a, &b);
		ok_mul &= fe_eq_u256(&c, &r);
		/* inputs up to the maximum magnitude 32 */
		fe_inflate(&ai, &a, mm);
		fe_inflate(&bi, &b, 33 - mm);
		mpc_fe_mul(&c, &ai, &bi);
		ok_mag &= fe_eq_u256(&c, &r);
		fe_inflate(&ai, &a, 32);
		fe_inflate(&bi, &b, 32);
		mpc_fe_mul(&c, &ai, &bi);
		ok_mag &= fe_eq_u256(&c, &r);
		/* output magnitude 1: limbs < 2^53, top < 2^49 */
		ok_mag &= c.n[0] >> 53 == 0 && c.n[1] >> 53 == 0 && c.n[2] >> 53 == 0 &&
			  c.n[3] >> 53 == 0 && c.n[4] >> 49 == 0;

		ref_mul(&r, &x, &x);
		mpc_fe_sqr(&c, &a);
		ok_sqr &= fe_eq_u256(&c, &r);
		mpc_fe_sqr(&c, &ai);		/* magnitude 32 */
		ok_sqr &= fe_eq_u256(&c, &r);
		ok_sqr &= c.n[0] >> 53 == 0 && c.n[1] >> 53 == 0 && c.n[2] >> 53 == 0 &&
			  c.n[3] >> 53 == 0 && c.n[4] >> 49 == 0;
		fe_inflate(&ai, &a, 8);

		ref_add(&r, &x, &y);
		c = a;
		mpc_fe_add(&c, &b);
		ok_add &= fe_eq_u256(&c, &r);
		mpc_fe_normalize(&c);
		mpc_fe_get_b32(o, &c);
		u256_to_b32(ib, &r);
		ok_add &= memcmp(o, ib, 32) == 0;

		/* negate at magnitude m: a + (-a) = 0, and -a has value p - a */
		mpc_fe_negate(&d, &ai, 8);
		c = d;
		mpc_fe_add(&c, &ai);
		ok_neg &= mpc_fe_normalizes_to_zero_var(&c);
		fe_inflate(&ai, &a, m);
		mpc_fe_negate(&d, &ai, m);
		u256_sub(&t, &P, &x);
		if (u256_cmp(&t, &P) == 0)
			memset(&t, 0, sizeof(t));
		ok_neg &= fe_eq_u256(&d, &t);

		c = a;
		mpc_fe_mul_int(&c, k);
		memset(&t, 0, sizeof(t));
		t.w[0] = k;
		ref_mul(&r, &x, &t);
		ok_mi &= fe_eq_u256(&c, &r);

		/* equal across magnitudes */
		fe_inflate(&ai, &a, m);
		ok_eq &= mpc_fe_equal(&ai, &a) && mpc_fe_equal_var(&a, &ai);
		ok_eq &= mpc_fe_equal(&a, &b) == (u256_cmp(&x, &y) == 0);

		c = a;
		mpc_fe_cmov(&c, &b, 0);
		ok_cmov &= memcmp(&c, &a, sizeof(c)) == 0;
		mpc_fe_cmov(&c, &b, 1);
		ok_cmov &= memcmp(&c, &b, sizeof(c)) == 0;
	}
	test_report(ok_ser, "field: %ld random set_b32/get_b32 round trips", n);
	test_report(ok_mul, "field: %ld random mul vs 4x64 reference", n);
	test_report(ok_mag, "field: %ld mul at magnitudes up to 32, output magnitude 1", n);
	test_report(ok_sqr, "field: %ld random sqr vs reference (magnitudes 1 and 32)", n);
	test_report(ok_add, "field: %ld random add vs reference", n);
	test_report(ok_neg, "field: %ld negate (value p - a, a + -a = 0)", n);
	test_report(ok_mi, "field: %ld mul_int vs reference", n);
	test_report(ok_eq, "field: %ld equal / equal_var across magnitudes", n);
	test_report(ok_cmov, "field: %ld cmov", n);
}

static void test_inv_sqrt(long n)
{
	long i;
	int ok_inv = 1, ok_sqrt = 1, ok_ns = 1;
	mpc_fe one, zero, r;
	long squares = 0, nonsquares = 0;

	mpc_fe_set_int(&one, 1);
	mpc_fe_set_int(&zero, 0);
	mpc_fe_inv(&r, &zero);
	ok_inv &= mpc_fe_normalizes_to_zero_var(&r);
	mpc_fe_inv_var(&r, &zero);
	ok_inv &= mpc_fe_normalizes_to_zero_var(&r);
	mpc_fe_inv(&r, &one);
	ok_inv &= mpc_fe_equal(&r, &one);
	ok_sqrt &= mpc_fe_sqrt(&r, &zero) && mpc_fe_is_zero(&r);
	for (i = 0; i < n; i++) {
		u256 x;
		mpc_fe a, i1, i2, i3, t, s, na;

		rand_u256_below_p(&x);
		fe_from_u256(&a, &x);
		if (i % 4 == 1)
			fe_inflate(&a, &a, 1 + (int)(i % 8));
		mpc_fe_inv(&i1, &a);
		mpc_fe_inv_var(&i2, &a);
		if (i % 16 == 0) {
			mpc_fe_inv_fermat(&i3, &a);
			ok_inv &= mpc_fe_equal(&i1, &i3);
		}
		ok_inv &= mpc_fe_equal(&i1, &i2);
		mpc_fe_mul(&t, &i1, &a);
		ok_inv &= mpc_fe_equal(&t, &one) || mpc_fe_normalizes_to_zero_var(&a);

		if (i % 4 == 0) {
			/* sqrt(a): either s^2 = a, or -a is a square (p = 3 mod 4) */
			if (mpc_fe_sqrt(&s, &a)) {
				mpc_fe_sqr(&t, &s);
				ok_sqrt &= mpc_fe_equal(&t, &a);
				squares++;
			} else {
				mpc_fe_negate(&na, &a, 8);
				ok_ns &= mpc_fe_sqrt(&s, &na) == 1;
				mpc_fe_sqr(&t, &s);
				ok_ns &= mpc_fe_equal(&t, &na);
				nonsquares++;
			}
			/* a^2 always has a root, equal to +-a */
			mpc_fe_sqr(&t, &a);
			ok_sqrt &= mpc_fe_sqrt(&s, &t) == 1;
			mpc_fe_negate(&na, &s, 1);
			ok_sqrt &= mpc_fe_equal(&s, &a) || mpc_fe_equal(&na, &a);
		}
	}
	test_report(ok_inv, "field: %ld inverses (ct == var == Fermat, a * a^-1 = 1, inv(0) = 0)", n);
	test_report(ok_sqrt && squares > 0, "field: sqrt of %ld squares and of a^2", squares);
	test_report(ok_ns && nonsquares > 0, "field: %ld non-squares rejected (their negation is a square)",
		    nonsquares);
}

/*
 * Inverses of structured values, which drive the divstep iteration to its
 * corners (long runs of even g, rows of the form (+-2^k, 0), f = -1 at
 * the end): 1..64, p-64..p-1, 2^k, 2^k - 1, p - 2^k, (p -+ 1) / 2, and a
 * few values found to need many divsteps.  ct == var == Fermat.
 */
static void test_inv_structured(void)
{
	static const u256 slow[] = {
		{ { 0x44dcda7a387d76ffULL, 0x8775144ca0501e2cULL,
		    0x598b88f9aa99e079ULL, 0xe1a33dfb249164a5ULL } },
		{ { 0xdda1594c73ef256eULL, 0xd3495f8bcf4d3e27ULL,
		    0xc7fd6905ec98108dULL, 0xf3aa48d67330d3c1ULL } },
		{ { 0x08577eb1924770d4ULL, 0x5f8d296c6dcbac50ULL,
		    0x03cc0f2793fdcbb8ULL, 0x766bad0534dada80ULL } },
	};
	static const u256 one = { { 1, 0, 0, 0 } };
	u256 v[1024];
	int nv = 0, i, k, ok = 1;
	mpc_fe fone;

	for (k = 1; k <= 64; k++) {
		u256 t = { { (uint64_t)k, 0, 0, 0 } };

		v[nv++] = t;
		u256_sub(&v[nv++], &P, &t);
	}
	for (k = 0; k < 256; k++) {
		u256 t = { { 0, 0, 0, 0 } };

		t.w[k / 64] = 1ULL << (k % 64);
		v[nv++] = t;
		u256_sub(&v[nv++], &P, &t);
		if (k > 1)
			u256_sub(&v[nv++], &t, &one);
	}
	u256_sub(&v[nv], &P, &one);
	v[nv].w[0] = v[nv].w[0] >> 1 | v[nv].w[1] << 63;
	v[nv].w[1] = v[nv].w[1] >> 1 | v[nv].w[2] << 63;
	v[nv].w[2] = v[nv].w[2] >> 1 | v[nv].w[3] << 63;
	v[nv].w[3] >>= 1;
	v[nv + 1] = v[nv];
	v[nv + 1].w[0]++;
	nv += 2;
	for (i = 0; i < (int)(sizeof(slow) / sizeof(slow[0])); i++)
		v[nv++] = slow[i];

	mpc_fe_set_int(&fone, 1);
	for (i = 0; i < nv; i++) {
		mpc_fe a, i1, i2, i3, t;

		fe_from_u256(&a, &v[i]);
		mpc_fe_inv(&i1, &a);
		mpc_fe_inv_var(&i2, &a);
		mpc_fe_inv_fermat(&i3, &a);
		mpc_fe_mul(&t, &i1, &a);
		ok &= mpc_fe_equal(&i1, &i2) && mpc_fe_equal(&i1, &i3) && mpc_fe_equal(&t, &fone);
	}
	test_report(ok, "field: inverses of %d structured values (2^k, 2^k - 1, p - 2^k, p - k, ...)", nv);
}

int main(void)
{
	long n = iters();

	test_rand_seed(0xf1e1d);
	test_parse();
	test_normalize_edges();
	test_random_ops(n);
	test_inv_sqrt(n);
	test_inv_structured();
	return test_exit();
}
