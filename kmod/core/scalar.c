// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * scalar.c - arithmetic modulo the secp256k1 group order n.
 *
 * 4 little-endian 64-bit limbs, always fully reduced.  Reduction uses
 * 2^256 = C (mod n) with C = 2^256 - n, a 129-bit number.  Everything is
 * constant time except the _var functions.
 */
#include "scalar.h"
#include "modinv.h"

#define N0 0xBFD25E8CD0364141ULL
#define N1 0xBAAEDCE6AF48A03BULL
#define N2 0xFFFFFFFFFFFFFFFEULL
#define N3 0xFFFFFFFFFFFFFFFFULL
#define C0 0x402DA1732FC9BEBFULL	/* 2^256 - n */
#define C1 0x4551231950B75FC4ULL
#define H0 0xDFE92F46681B20A0ULL	/* (n - 1) / 2 */
#define H1 0x5D576E7357A4501DULL
#define H2 0xFFFFFFFFFFFFFFFFULL
#define H3 0x7FFFFFFFFFFFFFFFULL

/* 1 if a >= n (ct) */
static uint64_t sc_overflow(const uint64_t *a)
{
	mpc_u128 t;
	uint64_t borrow;

	/* borrow of a - n */
	t = (mpc_u128)a[0] - N0;
	borrow = (uint64_t)(t >> 64) & 1;
	t = (mpc_u128)a[1] - N1 - borrow;
	borrow = (uint64_t)(t >> 64) & 1;
	t = (mpc_u128)a[2] - N2 - borrow;
	borrow = (uint64_t)(t >> 64) & 1;
	t = (mpc_u128)a[3] - N3 - borrow;
	borrow = (uint64_t)(t >> 64) & 1;
	return borrow ^ 1;
}

/* a += of * C (mod 2^256); of is 0 or 1 */
static void sc_add_c(uint64_t *a, uint64_t of)
{
	mpc_u128 t;

	of = mpc_value_barrier_u64(of);
	t = (mpc_u128)a[0] + (of * C0);
	a[0] = (uint64_t)t;
	t >>= 64;
	t += (mpc_u128)a[1] + (of * C1);
	a[1] = (uint64_t)t;
	t >>= 64;
	t += (mpc_u128)a[2] + of;
	a[2] = (uint64_t)t;
	t >>= 64;
	t += a[3];
	a[3] = (uint64_t)t;
}

int mpc_scalar_set_b32(mpc_scalar *r, const uint8_t in[32])
{
	uint64_t of;
	int i, j;

	for (i = 0; i < 4; i++) {
		uint64_t v = 0;

		for (j = 0; j < 8; j++)
			v = (v << 8) | in[(3 - i) * 8 + j];
		r->d[i] = v;
	}
	of = sc_overflow(r->d);
	sc_add_c(r->d, of);
	return (int)(of ^ 1);
}

int mpc_scalar_set_b32_seckey(mpc_scalar *r, const uint8_t in[32])
{
	mpc_scalar zero = { { 0, 0, 0, 0 } };
	int ok = mpc_scalar_set_b32(r, in);

	ok &= !mpc_scalar_is_zero(r);
	mpc_scalar_cmov(r, &zero, ok ^ 1);
	return ok;
}

void mpc_scalar_get_b32(uint8_t out[32], const mpc_scalar *a)
{
	int i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 8; j++)
			out[(3 - i) * 8 + j] = (uint8_t)(a->d[i] >> (56 - 8 * j));
}

void mpc_scalar_set_int(mpc_scalar *r, unsigned int v)
{
	r->d[0] = v;
	r->d[1] = r->d[2] = r->d[3] = 0;
}

int mpc_scalar_is_zero(const mpc_scalar *a)
{
	return (a->d[0] | a->d[1] | a->d[2] | a->d[3]) == 0;
}

int mpc_scalar_is_one(const mpc_scalar *a)
{
	return ((a->d[0] ^ 1) | a->d[1] | a->d[2] | a->d[3]) == 0;
}

int mpc_scalar_eq(const mpc_scalar *a, const mpc_scalar *b)
{
	return ((a->d[0] ^ b->d[0]) | (a->d[1] ^ b->d[1]) | (a->d[2] ^ b->d[2]) |
		(a->d[3] ^ b->d[3])) == 0;
}

int mpc_scalar_is_high(const mpc_scalar *a)
{
	mpc_u128 t;
	uint64_t borrow;

	/* a > H  <=>  H - a borrows */
	t = (mpc_u128)H0 - a->d[0];
	borrow = (uint64_t)(t >> 64) & 1;
	t = (mpc_u128)H1 - a->d[1] - borrow;
	borrow = (uint64_t)(t >> 64) & 1;
	t = (mpc_u128)H2 - a->d[2] - borrow;
	borrow = (uint64_t)(t >> 64) & 1;
	t = (mpc_u128)H3 - a->d[3] - borrow;
	borrow = (uint64_t)(t >> 64) & 1;
	return (int)borrow;
}

int mpc_scalar_add(mpc_scalar *r, const mpc_scalar *a, const mpc_scalar *b)
{
	mpc_u128 t;
	uint64_t of;
	int i;

	t = 0;
	for (i = 0; i < 4; i++) {
		t += (mpc_u128)a->d[i] + b->d[i];
		r->d[i] = (uint64_t)t;
		t >>= 64;
	}
	of = (uint64_t)t | sc_overflow(r->d);
	sc_add_c(r->d, of);
	return (int)of;
}

/* 192-bit accumulator helpers */
struct acc {
	uint64_t c0, c1, c2;
};

static inline void acc_muladd(struct acc *x, uint64_t a, uint64_t b)
{
	mpc_u128 t = (mpc_u128)a * b;
	mpc_u128 s = ((mpc_u128)x->c1 << 64 | x->c0) + t;

	x->c2 += (s < t);
	x->c0 = (uint64_t)s;
	x->c1 = (uint64_t)(s >> 64);
}

static inline void acc_add(struct acc *x, uint64_t a)
{
	mpc_u128 s = ((mpc_u128)x->c1 << 64 | x->c0) + a;

	x->c2 += (s < a);
	x->c0 = (uint64_t)s;
	x->c1 = (uint64_t)(s >> 64);
}

static inline uint64_t acc_extract(struct acc *x)
{
	uint64_t r = x->c0;

	x->c0 = x->c1;
	x->c1 = x->c2;
	x->c2 = 0;
	return r;
}

static void sc_mul_512(uint64_t l[8], const uint64_t *a, const uint64_t *b)
{
	struct acc x = { 0, 0, 0 };
	int k, i;

	for (k = 0; k < 7; k++) {
		for (i = 0; i < 4; i++) {
			int j = k - i;

			if (j >= 0 && j < 4)
				acc_muladd(&x, a[i], b[j]);
		}
		l[k] = acc_extract(&x);
	}
	l[7] = x.c0;
}

static void sc_reduce_512(uint64_t *r, const uint64_t l[8])
{
	struct acc x = { 0, 0, 0 };
	uint64_t m[7], p[5], of;
	mpc_u128 t;

	/* m = l[0..3] + l[4..7] * C, C = C0 + C1*2^64 + 2^128  (< 2^386) */
	acc_add(&x, l[0]);
	acc_muladd(&x, l[4], C0);
	m[0] = acc_extract(&x);
	acc_add(&x, l[1]);
	acc_muladd(&x, l[5], C0);
	acc_muladd(&x, l[4], C1);
	m[1] = acc_extract(&x);
	acc_add(&x, l[2]);
	acc_muladd(&x, l[6], C0);
	acc_muladd(&x, l[5], C1);
	acc_add(&x, l[4]);
	m[2] = acc_extract(&x);
	acc_add(&x, l[3]);
	acc_muladd(&x, l[7], C0);
	acc_muladd(&x, l[6], C1);
	acc_add(&x, l[5]);
	m[3] = acc_extract(&x);
	acc_muladd(&x, l[7], C1);
	acc_add(&x, l[6]);
	m[4] = acc_extract(&x);
	acc_add(&x, l[7]);
	m[5] = acc_extract(&x);
	m[6] = x.c0;

	/* p = m[0..3] + m[4..6] * C  (< 2^259) */
	x.c0 = x.c1 = x.c2 = 0;
	acc_add(&x, m[0]);
	acc_muladd(&x, m[4], C0);
	p[0] = acc_extract(&x);
	acc_add(&x, m[1]);
	acc_muladd(&x, m[5], C0);
	acc_muladd(&x, m[4], C1);
	p[1] = acc_extract(&x);
	acc_add(&x, m[2]);
	acc_muladd(&x, m[6], C0);
	acc_muladd(&x, m[5], C1);
	acc_add(&x, m[4]);
	p[2] = acc_extract(&x);
	acc_add(&x, m[3]);
	acc_muladd(&x, m[6], C1);
	acc_add(&x, m[5]);
	p[3] = acc_extract(&x);
	p[4] = x.c0 + m[6];

	/* r = p[0..3] + p[4] * C, then at most one more reduction */
	t = (mpc_u128)p[0] + (mpc_u128)p[4] * C0;
	r[0] = (uint64_t)t;
	t >>= 64;
	t += (mpc_u128)p[1] + (mpc_u128)p[4] * C1;
	r[1] = (uint64_t)t;
	t >>= 64;
	t += (mpc_u128)p[2] + p[4];
	r[2] = (uint64_t)t;
	t >>= 64;
	t += (mpc_u128)p[3];
	r[3] = (uint64_t)t;
	t >>= 64;
	of = (uint64_t)t | sc_overflow(r);
	sc_add_c(r, of);
	memzero_explicit(m, sizeof(m));
	memzero_explicit(p, sizeof(p));
}

void mpc_scalar_mul(mpc_scalar *r, const mpc_scalar *a, const mpc_scalar *b)
{
	uint64_t l[8];

	sc_mul_512(l, a->d, b->d);
	sc_reduce_512(r->d, l);
	memzero_explicit(l, sizeof(l));
}

void mpc_scalar_negate(mpc_scalar *r, const mpc_scalar *a)
{
	uint64_t nz = mpc_value_barrier_u64((uint64_t)(mpc_scalar_is_zero(a) ^ 1));
	uint64_t mask = -nz;
	mpc_u128 t;

	t = (mpc_u128)(~a->d[0]) + N0 + 1;
	r->d[0] = (uint64_t)t & mask;
	t >>= 64;
	t += (mpc_u128)(~a->d[1]) + N1;
	r->d[1] = (uint64_t)t & mask;
	t >>= 64;
	t += (mpc_u128)(~a->d[2]) + N2;
	r->d[2] = (uint64_t)t & mask;
	t >>= 64;
	t += (mpc_u128)(~a->d[3]) + N3;
	r->d[3] = (uint64_t)t & mask;
}

void mpc_scalar_cmov(mpc_scalar *r, const mpc_scalar *a, int flag)
{
	uint64_t m = -mpc_value_barrier_u64((uint64_t)flag);
	int i;

	for (i = 0; i < 4; i++)
		r->d[i] = (r->d[i] & ~m) | (a->d[i] & m);
}

void mpc_scalar_cond_negate(mpc_scalar *r, int flag)
{
	mpc_scalar t;

	mpc_scalar_negate(&t, r);
	mpc_scalar_cmov(r, &t, flag);
	memzero_explicit(&t, sizeof(t));
}

void mpc_scalar_clear(mpc_scalar *r)
{
	memzero_explicit(r, sizeof(*r));
}

/* Fermat inversion a^(n-2) with fixed 4-bit windows; constant time. */
void mpc_scalar_inverse_fermat(mpc_scalar *r, const mpc_scalar *a)
{
	static const uint64_t e[4] = { N0 - 2, N1, N2, N3 };
	mpc_scalar tab[16], acc;
	int i, j;

	mpc_scalar_set_int(&tab[0], 1);
	tab[1] = *a;
	for (i = 2; i < 16; i++)
		mpc_scalar_mul(&tab[i], &tab[i - 1], a);
	mpc_scalar_set_int(&acc, 1);
	for (i = 63; i >= 0; i--) {
		unsigned int nib = (unsigned int)(e[i / 16] >> ((i % 16) * 4)) & 15;

		for (j = 0; j < 4; j++)
			mpc_scalar_mul(&acc, &acc, &acc);
		/* the exponent is public: indexing by it is fine */
		mpc_scalar_mul(&acc, &acc, &tab[nib]);
	}
	*r = acc;
	memzero_explicit(tab, sizeof(tab));
	memzero_explicit(&acc, sizeof(acc));
}

void mpc_scalar_inverse(mpc_scalar *r, const mpc_scalar *a)
{
	mpc_modinv_ct(r->d, a->d, &mpc_modinv_n);
}

void mpc_scalar_inverse_var(mpc_scalar *r, const mpc_scalar *a)
{
	mpc_modinv_var(r->d, a->d, &mpc_modinv_n);
}

/* --- helpers for ecmult ------------------------------------------------------ */

unsigned int mpc_scalar_get_bits(const mpc_scalar *a, unsigned int offset, unsigned int count)
{
	unsigned int w = offset >> 6, s = offset & 63;
	uint64_t v = a->d[w] >> s;

	if (s + count > 64 && w < 3)
		v |= a->d[w + 1] << (64 - s);
	return (unsigned int)(v & ((1ULL << count) - 1));
}

/* r = round(a * b / 2^384), for the GLV split (ct). */
static void sc_mul_shift384(mpc_scalar *r, const mpc_scalar *a, const mpc_scalar *b)
{
	uint64_t l[8];
	mpc_u128 t;

	sc_mul_512(l, a->d, b->d);
	t = (mpc_u128)l[6] + (l[5] >> 63);
	r->d[0] = (uint64_t)t;
	t >>= 64;
	t += l[7];
	r->d[1] = (uint64_t)t;
	r->d[2] = 0;
	r->d[3] = 0;
	memzero_explicit(l, sizeof(l));
}

/* lambda: a cube root of unity mod n; lambda * (x, y) = (beta * x, y). */
const mpc_scalar mpc_scalar_lambda = { {
	0xDF02967C1B23BD72ULL, 0x122E22EA20816678ULL,
	0xA5261C028812645AULL, 0x5363AD4CC05C30E0ULL } };

/*
 * GLV split (Gallant, Lambert, Vanstone, CRYPTO 2001; the rounding method of
 * Hankerson, Menezes, Vanstone, "Guide to ECC", 3.5): k = k1 + k2 lambda
 * (mod n) with k1, k2 of at most ~128 bits in absolute value ("negative"
 * meaning close to n).  The vectors v1 = (a1, b1), v2 = (a2, b2) are a short
 * basis of the lattice {(x, y) : x + y lambda = 0 (mod n)}:
 *   a1 =  0x3086d221a7d46bcde86c90e49284eb15    b1 = -0xe4437ed6010e88286f547fa90abfe4c3
 *   a2 = 0x114ca50f7a8e2f3f657c1108d9d44cfd8    b2 = a1
 * With c1 = round(b2 k / n) and c2 = round(-b1 k / n), (k, 0) - c1 v1 - c2 v2
 * is a short vector of the coset of (k, 0):
 *   k1 = k - c1 a1 - c2 a2,   k2 = -c1 b1 - c2 b2.
 * The divisions by n are multiplications by round(2^384 b2 / n) and
 * round(2^384 (-b1) / n) followed by a rounded shift by 384, which is exact
 * enough here (the error changes c by at most 1, the vector stays short).
 * k1 and k2 are computed independently (not k1 = k - lambda k2), so the
 * test's check k1 + lambda k2 = k also checks the basis.
 */
void mpc_scalar_split_lambda(mpc_scalar *k1, mpc_scalar *k2, const mpc_scalar *k)
{
	static const mpc_scalar round_b2_over_n = { {	/* 2^384 b2 / n */
		0xE893209A45DBB031ULL, 0x3DAA8A1471E8CA7FULL,
		0xE86C90E49284EB15ULL, 0x3086D221A7D46BCDULL } };
	static const mpc_scalar round_nb1_over_n = { {	/* 2^384 (-b1) / n */
		0x1571B4AE8AC47F71ULL, 0x221208AC9DF506C6ULL,
		0x6F547FA90ABFE4C4ULL, 0xE4437ED6010E8828ULL } };
	static const mpc_scalar basis_a1 = { {	/* = b2 */
		0xE86C90E49284EB15ULL, 0x3086D221A7D46BCDULL, 0, 0 } };
	static const mpc_scalar basis_a2 = { {
		0x57C1108D9D44CFD8ULL, 0x14CA50F7A8E2F3F6ULL, 1, 0 } };
	static const mpc_scalar basis_nb1 = { {	/* -b1 */
		0x6F547FA90ABFE4C3ULL, 0xE4437ED6010E8828ULL, 0, 0 } };
	mpc_scalar q1, q2, x, y, in = *k;	/* k may alias k1 or k2 */

	sc_mul_shift384(&q1, &in, &round_b2_over_n);	/* c1 */
	sc_mul_shift384(&q2, &in, &round_nb1_over_n);	/* c2 */
	/* k2 = c1 (-b1) - c2 b2 */
	mpc_scalar_mul(&x, &q1, &basis_nb1);
	mpc_scalar_mul(&y, &q2, &basis_a1);
	mpc_scalar_negate(&y, &y);
	mpc_scalar_add(k2, &x, &y);
	/* k1 = k - c1 a1 - c2 a2 */
	mpc_scalar_mul(&x, &q1, &basis_a1);
	mpc_scalar_mul(&y, &q2, &basis_a2);
	mpc_scalar_add(&x, &x, &y);
	mpc_scalar_negate(&x, &x);
	mpc_scalar_add(k1, &in, &x);
	memzero_explicit(&in, sizeof(in));
	memzero_explicit(&q1, sizeof(q1));
	memzero_explicit(&q2, sizeof(q2));
	memzero_explicit(&x, sizeof(x));
	memzero_explicit(&y, sizeof(y));
}
