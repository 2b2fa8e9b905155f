// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * field.c - arithmetic modulo p = 2^256 - 2^32 - 977.
 *
 * An element is a = n[0] + n[1]*2^52 + n[2]*2^104 + n[3]*2^156 + n[4]*2^208.
 *
 * Magnitude rules (lazy reduction).  An element of magnitude m has
 *   n[0..3] <= 2*m*(2^52 - 1)  and  n[4] <= 2*m*(2^48 - 1).
 * Its value may be >= p.  "Normalized" means magnitude 1 and value < p
 * (limbs n[0..3] < 2^52, n[4] < 2^48), the unique representation.
 *
 *   set_b32 / set_int / normalize      -> normalized
 *   mul / sqr  (inputs magnitude <= 32) -> magnitude 1
 *   add(r, a)                          -> mag(r) + mag(a)
 *   mul_int(r, k)                      -> k * mag(r)
 *   negate(r, a, m) (mag(a) <= m)      -> m + 1
 *   mpc_fe_normalize_weak              -> magnitude 1
 * Everything here is constant time except the functions named _var.
 *
 * Reduction uses 2^256 = 0x1000003D1 (mod p), so 2^260 = 0x1000003D10.
 */
#include "field.h"
#include "field_impl.h"
#include "modinv.h"

#define M52 0xFFFFFFFFFFFFFULL
#define M48 0xFFFFFFFFFFFFULL
#define FE_R 0x1000003D1ULL

int mpc_fe_set_b32(mpc_fe *r, const uint8_t in[32])
{
	uint64_t w[4];
	int i, j;
	uint64_t ge;

	for (i = 0; i < 4; i++) {
		uint64_t v = 0;

		for (j = 0; j < 8; j++)
			v = (v << 8) | in[(3 - i) * 8 + j];
		w[i] = v;
	}
	r->n[0] = w[0] & M52;
	r->n[1] = (w[0] >> 52 | w[1] << 12) & M52;
	r->n[2] = (w[1] >> 40 | w[2] << 24) & M52;
	r->n[3] = (w[2] >> 28 | w[3] << 36) & M52;
	r->n[4] = w[3] >> 16;
	/* value >= p iff the top 4 limbs are all ones and n[0] >= p0 */
	ge = (uint64_t)((r->n[4] == M48) & ((r->n[3] & r->n[2] & r->n[1]) == M52) &
			((r->n[0] + FE_R) >> 52 == 1));
	return (int)(ge ^ 1);
}

void mpc_fe_get_b32(uint8_t out[32], const mpc_fe *a)
{
	mpc_fe t = *a;
	uint64_t w[4];
	int i, j;

	mpc_fe_normalize(&t);
	w[0] = t.n[0] | t.n[1] << 52;
	w[1] = t.n[1] >> 12 | t.n[2] << 40;
	w[2] = t.n[2] >> 24 | t.n[3] << 28;
	w[3] = t.n[3] >> 36 | t.n[4] << 16;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 8; j++)
			out[(3 - i) * 8 + j] = (uint8_t)(w[i] >> (56 - 8 * j));
}

void mpc_fe_set_int(mpc_fe *r, unsigned int v)
{
	r->n[0] = v;
	r->n[1] = r->n[2] = r->n[3] = r->n[4] = 0;
}

void mpc_fe_normalize_weak(mpc_fe *r)
{
	uint64_t t0 = r->n[0], t1 = r->n[1], t2 = r->n[2], t3 = r->n[3], t4 = r->n[4];
	uint64_t x = t4 >> 48;

	t4 &= M48;
	t0 += x * FE_R;
	t1 += t0 >> 52; t0 &= M52;
	t2 += t1 >> 52; t1 &= M52;
	t3 += t2 >> 52; t2 &= M52;
	t4 += t3 >> 52; t3 &= M52;
	r->n[0] = t0; r->n[1] = t1; r->n[2] = t2; r->n[3] = t3; r->n[4] = t4;
}

void mpc_fe_normalize(mpc_fe *r)
{
	uint64_t t0 = r->n[0], t1 = r->n[1], t2 = r->n[2], t3 = r->n[3], t4 = r->n[4];
	uint64_t x = t4 >> 48, m;

	t4 &= M48;
	t0 += x * FE_R;
	t1 += t0 >> 52; t0 &= M52;
	t2 += t1 >> 52; t1 &= M52;
	t3 += t2 >> 52; t2 &= M52;
	t4 += t3 >> 52; t3 &= M52;
	/* now value < 2^256 + 2^220 < 2p: subtract p at most once */
	m = t1 & t2 & t3;
	x = (t4 >> 48) | ((uint64_t)(t4 == M48) & (uint64_t)(m == M52) &
			  ((t0 + FE_R) >> 52));
	x = mpc_value_barrier_u64(x);
	t0 += x * FE_R;
	t1 += t0 >> 52; t0 &= M52;
	t2 += t1 >> 52; t1 &= M52;
	t3 += t2 >> 52; t2 &= M52;
	t4 += t3 >> 52; t3 &= M52;
	t4 &= M48;
	r->n[0] = t0; r->n[1] = t1; r->n[2] = t2; r->n[3] = t3; r->n[4] = t4;
}

int mpc_fe_normalizes_to_zero_var(const mpc_fe *a)
{
	uint64_t z0 = (a->n[0] + (a->n[4] >> 48) * FE_R) & M52;
	mpc_fe t;

	/*
	 * The low 52 bits after the first reduction step do not change any
	 * more; a value = 0 (mod p) then is 0 or p, whose low limbs are 0 and
	 * p0 = 2^52 - 0x1000003D1.  Most nonzero values stop here.
	 */
	if (z0 != 0 && z0 != 0xFFFFEFFFFFC2FULL)
		return 0;
	t = *a;
	mpc_fe_normalize(&t);
	return (t.n[0] | t.n[1] | t.n[2] | t.n[3] | t.n[4]) == 0;
}

int mpc_fe_is_zero(const mpc_fe *a)
{
	return (a->n[0] | a->n[1] | a->n[2] | a->n[3] | a->n[4]) == 0;
}

int mpc_fe_is_odd(const mpc_fe *a)
{
	return (int)(a->n[0] & 1);
}

int mpc_fe_equal(const mpc_fe *a, const mpc_fe *b)
{
	mpc_fe x = *a, y = *b;
	uint64_t d;

	mpc_fe_normalize(&x);
	mpc_fe_normalize(&y);
	d = (x.n[0] ^ y.n[0]) | (x.n[1] ^ y.n[1]) | (x.n[2] ^ y.n[2]) |
	    (x.n[3] ^ y.n[3]) | (x.n[4] ^ y.n[4]);
	return d == 0;
}

int mpc_fe_equal_var(const mpc_fe *a, const mpc_fe *b)
{
	return mpc_fe_equal(a, b);
}

void mpc_fe_add(mpc_fe *r, const mpc_fe *a)
{
	r->n[0] += a->n[0];
	r->n[1] += a->n[1];
	r->n[2] += a->n[2];
	r->n[3] += a->n[3];
	r->n[4] += a->n[4];
}

void mpc_fe_mul_int(mpc_fe *r, unsigned int k)
{
	r->n[0] *= k;
	r->n[1] *= k;
	r->n[2] *= k;
	r->n[3] *= k;
	r->n[4] *= k;
}

void mpc_fe_negate(mpc_fe *r, const mpc_fe *a, int magnitude)
{
	uint64_t m2 = 2 * ((uint64_t)magnitude + 1);

	r->n[0] = m2 * 0xFFFFEFFFFFC2FULL - a->n[0];
	r->n[1] = m2 * M52 - a->n[1];
	r->n[2] = m2 * M52 - a->n[2];
	r->n[3] = m2 * M52 - a->n[3];
	r->n[4] = m2 * M48 - a->n[4];
}

void mpc_fe_mul(mpc_fe *r, const mpc_fe *a, const mpc_fe *b)
{
	mpc_fe_mul_inner(r->n, a->n, b->n);
}

void mpc_fe_sqr(mpc_fe *r, const mpc_fe *a)
{
	mpc_fe_sqr_inner(r->n, a->n);
}

static void fe_sqr_n(mpc_fe *r, const mpc_fe *a, int n)
{
	int i;

	*r = *a;
	for (i = 0; i < n; i++)
		mpc_fe_sqr_inner(r->n, r->n);
}

/*
 * Powers by fixed public exponents (inversion by Fermat, square root), read
 * off the exponent's binary form as runs of ones and zeros:
 *   p - 2     = 1^223 0 1^22 0^4 1 0 1^2 0 1
 *   (p + 1)/4 = 1^223 0 1^22 0^4 1^2 0^2
 * A run of k ones is a^(2^k - 1).  We first make the runs of 2^i ones
 * (run[i] = run[i-1]^(2^(2^(i-1))) run[i-1]), then any k from the binary
 * digits of k, and walk the exponent from the top: for each run of ones
 * after the first, acc = acc^(2^(zeros before it + its length)) * a^(2^k - 1).
 */
#define FE_RUNS 8		/* run[7] has 128 ones */

struct fe_exp_run {
	uint8_t ones;		/* a run of ones (>= 1) ... */
	uint8_t zeros;		/* ... followed by zeros */
};

static void fe_make_runs(mpc_fe run[FE_RUNS], const mpc_fe *a)
{
	mpc_fe t;
	int i;

	run[0] = *a;
	for (i = 1; i < FE_RUNS; i++) {
		fe_sqr_n(&t, &run[i - 1], 1 << (i - 1));
		mpc_fe_mul(&run[i], &t, &run[i - 1]);
	}
	memzero_explicit(&t, sizeof(t));
}

/* r = a^(2^k - 1), 1 <= k < 2^FE_RUNS, from the runs of 2^i ones */
static void fe_ones(mpc_fe *r, const mpc_fe run[FE_RUNS], unsigned int k)
{
	int i, have = 0;

	for (i = FE_RUNS - 1; i >= 0; i--) {
		if (!(k >> i & 1))
			continue;
		if (!have) {
			*r = run[i];
			have = 1;
		} else {
			fe_sqr_n(r, r, 1 << i);
			mpc_fe_mul(r, r, &run[i]);
		}
	}
}

static void fe_pow_runs(mpc_fe *r, const mpc_fe *a, const struct fe_exp_run *e, int n)
{
	mpc_fe run[FE_RUNS], acc, t;
	int i;

	fe_make_runs(run, a);
	fe_ones(&acc, run, e[0].ones);
	for (i = 1; i < n; i++) {
		fe_sqr_n(&acc, &acc, e[i - 1].zeros + e[i].ones);
		fe_ones(&t, run, e[i].ones);
		mpc_fe_mul(&acc, &acc, &t);
	}
	fe_sqr_n(r, &acc, e[n - 1].zeros);
	memzero_explicit(run, sizeof(run));
	memzero_explicit(&acc, sizeof(acc));
	memzero_explicit(&t, sizeof(t));
}

static const struct fe_exp_run fe_exp_p_minus_2[] = {
	{ 223, 1 }, { 22, 4 }, { 1, 1 }, { 2, 1 }, { 1, 0 }
};
static const struct fe_exp_run fe_exp_sqrt[] = {
	{ 223, 1 }, { 22, 4 }, { 2, 2 }
};

/* Fermat inversion a^(p-2); constant time.  Kept as a cross-check for modinv.c. */
void mpc_fe_inv_fermat(mpc_fe *r, const mpc_fe *a)
{
	fe_pow_runs(r, a, fe_exp_p_minus_2, (int)(sizeof(fe_exp_p_minus_2) / sizeof(fe_exp_p_minus_2[0])));
}

int mpc_fe_sqrt(mpc_fe *r, const mpc_fe *a)
{
	mpc_fe t, c;
	int ok;

	/* a^((p+1)/4) is a square root of a if a has one (p = 3 mod 4) */
	fe_pow_runs(&t, a, fe_exp_sqrt, (int)(sizeof(fe_exp_sqrt) / sizeof(fe_exp_sqrt[0])));
	mpc_fe_sqr(&c, &t);
	ok = mpc_fe_equal(&c, a);
	mpc_fe_normalize(&t);
	*r = t;
	memzero_explicit(&t, sizeof(t));
	memzero_explicit(&c, sizeof(c));
	return ok;
}

void mpc_fe_cmov(mpc_fe *r, const mpc_fe *a, int flag)
{
	uint64_t m = -mpc_value_barrier_u64((uint64_t)flag);
	int i;

	for (i = 0; i < 5; i++)
		r->n[i] = (r->n[i] & ~m) | (a->n[i] & m);
}

void mpc_fe_clear(mpc_fe *r)
{
	memzero_explicit(r, sizeof(*r));
}

/* --- compact storage (4x64) for tables --------------------------------------- */

void mpc_fe_to_storage(mpc_fe_storage *r, const mpc_fe *a)
{
	mpc_fe t = *a;

	mpc_fe_normalize(&t);
	r->n[0] = t.n[0] | t.n[1] << 52;
	r->n[1] = t.n[1] >> 12 | t.n[2] << 40;
	r->n[2] = t.n[2] >> 24 | t.n[3] << 28;
	r->n[3] = t.n[3] >> 36 | t.n[4] << 16;
}

static void fe_inv_common(mpc_fe *r, const mpc_fe *a, int var)
{
	mpc_fe_storage st;

	mpc_fe_to_storage(&st, a);	/* normalized: in [0, p) */
	if (var)
		mpc_modinv_var(st.n, st.n, &mpc_modinv_p);
	else
		mpc_modinv_ct(st.n, st.n, &mpc_modinv_p);
	mpc_fe_from_storage(r, &st);
	memzero_explicit(&st, sizeof(st));
}

void mpc_fe_inv(mpc_fe *r, const mpc_fe *a)
{
	fe_inv_common(r, a, 0);
}

void mpc_fe_inv_var(mpc_fe *r, const mpc_fe *a)
{
	fe_inv_common(r, a, 1);
}
