// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * group.c - points of y^2 = x^3 + 7.
 *
 * mpc_ge keeps x, y normalized.  mpc_gej coordinates returned by the
 * functions here have magnitudes X, Y <= MPC_GEJ_MAG_XY = 17 and Z <= 2
 * (doubling: 17, 17, 2; additions: 7, 3, 1), and every function accepts
 * inputs within those bounds (field mul/sqr take magnitudes up to 32, so
 * no normalization is needed in the doubling and addition formulas).
 *
 * Jacobian formulas (a = 0):
 *   double:   S = X*Y^2, M = 3X^2, X3 = M^2 - 8S, Y3 = M(4S - X3) - 8Y^4,
 *             Z3 = 2YZ                                    (3M + 4S)
 *   add (b affine): U2 = x2 Z1^2, S2 = y2 Z1^3, H = U2 - X1, R = S2 - Y1,
 *             X3 = R^2 - H^3 - 2 X1 H^2, Y3 = R(X1 H^2 - X3) - Y1 H^3,
 *             Z3 = Z1 H                                   (8M + 3S)
 *   add (Jacobian): the same with U1 = X1 Z2^2, S1 = Y1 Z2^3 (12M + 4S).
 * H = 0 means equal x: the sum is a doubling (R = 0) or infinity.
 */
#include "group.h"
#include "field_impl.h"

const mpc_ge mpc_ge_generator = {
	{ { 0x2815B16F81798ULL, 0xDB2DCE28D959FULL, 0xE870B07029BFCULL,
	    0xBBAC55A06295CULL, 0x79BE667EF9DCULL } },
	{ { 0x7D08FFB10D4B8ULL, 0x48A68554199C4ULL, 0xE1108A8FD17B4ULL,
	    0xC4655DA4FBFC0ULL, 0x483ADA7726A3ULL } },
	0
};

#define MPC_GEJ_MAG_XY 17

#define fmul(r, a, b) mpc_fe_mul_inner((r)->n, (a)->n, (b)->n)
#define fsqr(r, a) mpc_fe_sqr_inner((r)->n, (a)->n)

void mpc_ge_set_infinity(mpc_ge *r)
{
	memset(r, 0, sizeof(*r));
	r->infinity = 1;
}

void mpc_gej_set_infinity(mpc_gej *r)
{
	memset(r, 0, sizeof(*r));
	r->infinity = 1;
}

int mpc_ge_is_infinity(const mpc_ge *a)
{
	return a->infinity;
}

int mpc_gej_is_infinity(const mpc_gej *a)
{
	return a->infinity;
}

/* c = x^3 + 7 */
static void curve_rhs(mpc_fe *c, const mpc_fe *x)
{
	mpc_fe t, seven;

	fsqr(&t, x);
	fmul(c, &t, x);
	mpc_fe_set_int(&seven, 7);
	mpc_fe_add_inl(c, &seven);
}

int mpc_ge_is_valid_var(const mpc_ge *a)
{
	mpc_fe l, r;

	if (a->infinity)
		return 0;
	fsqr(&l, &a->y);
	curve_rhs(&r, &a->x);
	return mpc_fe_equal_var(&l, &r);
}

/* r = the point with x-coordinate x (parsed fe) and y of parity odd; ct */
static int ge_set_xo(mpc_ge *r, const mpc_fe *x, int odd)
{
	mpc_fe c, y, ny;
	int ok;

	curve_rhs(&c, x);
	ok = mpc_fe_sqrt(&y, &c);	/* y normalized */
	mpc_fe_negate_inl(&ny, &y, 1);
	mpc_fe_normalize(&ny);
	mpc_fe_cmov(&y, &ny, mpc_fe_is_odd(&y) ^ odd);
	r->x = *x;
	mpc_fe_normalize(&r->x);
	r->y = y;
	r->infinity = 0;
	return ok;
}

int mpc_ge_set_xonly(mpc_ge *r, const uint8_t x[32])
{
	mpc_fe fx;
	int ok;

	ok = mpc_fe_set_b32(&fx, x);
	ok &= ge_set_xo(r, &fx, 0);
	if (!ok)
		mpc_ge_set_infinity(r);
	return ok;
}

int mpc_ge_parse_compressed(mpc_ge *r, const uint8_t in[33])
{
	mpc_fe fx;
	int ok;

	ok = (in[0] == 2) | (in[0] == 3);
	ok &= mpc_fe_set_b32(&fx, in + 1);
	ok &= ge_set_xo(r, &fx, in[0] & 1);
	if (!ok)
		mpc_ge_set_infinity(r);
	return ok;
}

int mpc_ge_serialize_compressed(uint8_t out[33], const mpc_ge *a)
{
	mpc_fe x, y;

	if (a->infinity) {
		memset(out, 0, 33);
		return 0;
	}
	x = a->x;
	y = a->y;
	mpc_fe_normalize(&x);
	mpc_fe_normalize(&y);
	out[0] = (uint8_t)(2 | mpc_fe_is_odd(&y));
	mpc_fe_get_b32(out + 1, &x);
	return 1;
}

int mpc_ge_serialize_xonly(uint8_t out[32], const mpc_ge *a)
{
	if (a->infinity) {
		memset(out, 0, 32);
		return 0;
	}
	mpc_fe_get_b32(out, &a->x);
	return 1;
}

int mpc_ge_has_even_y(const mpc_ge *a)
{
	mpc_fe y = a->y;

	mpc_fe_normalize(&y);
	return !mpc_fe_is_odd(&y);
}

void mpc_ge_neg(mpc_ge *r, const mpc_ge *a)
{
	mpc_fe y = a->y;

	mpc_fe_normalize_weak_inl(&y);
	r->x = a->x;
	mpc_fe_negate_inl(&r->y, &y, 1);
	mpc_fe_normalize(&r->y);
	r->infinity = a->infinity;
}

void mpc_ge_cmov(mpc_ge *r, const mpc_ge *a, int flag)
{
	uint64_t m = -mpc_value_barrier_u64((uint64_t)flag);

	mpc_fe_cmov(&r->x, &a->x, flag);
	mpc_fe_cmov(&r->y, &a->y, flag);
	r->infinity = (int)(((uint64_t)r->infinity & ~m) | ((uint64_t)a->infinity & m));
}

void mpc_ge_clear(mpc_ge *r)
{
	memzero_explicit(r, sizeof(*r));
}

void mpc_gej_set_ge(mpc_gej *r, const mpc_ge *a)
{
	r->x = a->x;
	r->y = a->y;
	mpc_fe_set_int(&r->z, 1);
	r->infinity = a->infinity;
}

void mpc_ge_set_gej(mpc_ge *r, mpc_gej *a)
{
	mpc_fe zi, zi2, zi3;

	mpc_fe_inv(&zi, &a->z);
	fsqr(&zi2, &zi);
	fmul(&zi3, &zi2, &zi);
	fmul(&r->x, &a->x, &zi2);
	fmul(&r->y, &a->y, &zi3);
	mpc_fe_normalize(&r->x);
	mpc_fe_normalize(&r->y);
	r->infinity = a->infinity;
	memzero_explicit(&zi, sizeof(zi));
	memzero_explicit(&zi2, sizeof(zi2));
	memzero_explicit(&zi3, sizeof(zi3));
}

void mpc_ge_set_gej_var(mpc_ge *r, mpc_gej *a)
{
	mpc_fe zi, zi2, zi3;

	if (a->infinity) {
		mpc_ge_set_infinity(r);
		return;
	}
	mpc_fe_inv_var(&zi, &a->z);
	fsqr(&zi2, &zi);
	fmul(&zi3, &zi2, &zi);
	fmul(&r->x, &a->x, &zi2);
	fmul(&r->y, &a->y, &zi3);
	mpc_fe_normalize(&r->x);
	mpc_fe_normalize(&r->y);
	r->infinity = 0;
}

void mpc_ge_set_all_gej_var(mpc_ge *r, const mpc_gej *a, size_t len)
{
	mpc_fe acc, inv, t, zi2, zi3;
	size_t i, last = (size_t)-1;

	/* r[i].x holds the running product of the z's of the finite points */
	for (i = 0; i < len; i++) {
		if (a[i].infinity)
			continue;
		if (last == (size_t)-1)
			r[i].x = a[i].z;
		else
			fmul(&r[i].x, &r[last].x, &a[i].z);
		last = i;
	}
	if (last == (size_t)-1) {
		for (i = 0; i < len; i++)
			mpc_ge_set_infinity(&r[i]);
		return;
	}
	mpc_fe_inv_var(&inv, &r[last].x);
	i = len;
	while (i-- > 0) {
		size_t prev;

		if (a[i].infinity) {
			mpc_ge_set_infinity(&r[i]);
			continue;
		}
		/* find the previous finite point */
		prev = i;
		while (prev-- > 0 && a[prev].infinity)
			;
		if (prev != (size_t)-1) {
			fmul(&t, &inv, &r[prev].x);	/* 1/z_i */
			fmul(&acc, &inv, &a[i].z);
			inv = acc;			/* 1/(z_0..z_{i-1}) */
		} else {
			t = inv;
		}
		fsqr(&zi2, &t);
		fmul(&zi3, &zi2, &t);
		fmul(&r[i].x, &a[i].x, &zi2);
		fmul(&r[i].y, &a[i].y, &zi3);
		mpc_fe_normalize(&r[i].x);
		mpc_fe_normalize(&r[i].y);
		r[i].infinity = 0;
	}
}

void mpc_gej_neg(mpc_gej *r, const mpc_gej *a)
{
	mpc_fe y = a->y;

	mpc_fe_normalize_weak_inl(&y);
	r->x = a->x;
	r->z = a->z;
	mpc_fe_negate_inl(&r->y, &y, 1);
	r->infinity = a->infinity;
}

void mpc_gej_double_var(mpc_gej *r, const mpc_gej *a)
{
	mpc_fe m, y2, s, y4, t, u;

	if (a->infinity) {
		mpc_gej_set_infinity(r);
		return;
	}
	r->infinity = 0;
	fsqr(&t, &a->x);
	m = t;
	mpc_fe_mul_int_inl(&m, 3);		/* 3 */
	fsqr(&y2, &a->y);
	fmul(&s, &a->x, &y2);			/* X Y^2 */
	fsqr(&y4, &y2);
	fmul(&r->z, &a->y, &a->z);
	mpc_fe_mul_int_inl(&r->z, 2);		/* 2 */
	fsqr(&r->x, &m);
	mpc_fe_negate_inl(&t, &s, 1);		/* 2 */
	mpc_fe_mul_int_inl(&t, 8);		/* 16 */
	mpc_fe_add_inl(&r->x, &t);		/* 17 */
	mpc_fe_mul_int_inl(&s, 4);		/* 4 */
	mpc_fe_negate_inl(&t, &r->x, 17);	/* 18 */
	mpc_fe_add_inl(&t, &s);			/* 22 */
	fmul(&r->y, &m, &t);
	mpc_fe_negate_inl(&u, &y4, 1);
	mpc_fe_mul_int_inl(&u, 8);		/* 16 */
	mpc_fe_add_inl(&r->y, &u);		/* 17 */
}

/*
 * Shared tail of the additions: given U1, S1 (magnitude <= 4), H, R
 * (magnitude <= 8) and Z3 without the H factor (zpart), finish.
 */
static void add_tail(mpc_gej *r, const mpc_fe *u1, const mpc_fe *s1, const mpc_fe *h,
		     const mpc_fe *rr, const mpc_fe *zpart)
{
	mpc_fe h2, h3, v, t, x3, sh;

	/* read u1, s1 (which may alias r) before writing r */
	fsqr(&h2, h);
	fmul(&h3, &h2, h);
	fmul(&v, u1, &h2);
	fmul(&sh, s1, &h3);
	fmul(&r->z, zpart, h);
	fsqr(&x3, rr);
	mpc_fe_negate_inl(&t, &h3, 1);
	mpc_fe_add_inl(&x3, &t);		/* 3 */
	mpc_fe_negate_inl(&t, &v, 1);
	mpc_fe_mul_int_inl(&t, 2);		/* 4 */
	mpc_fe_add_inl(&x3, &t);		/* 7 */
	mpc_fe_negate_inl(&t, &x3, 7);		/* 8 */
	mpc_fe_add_inl(&t, &v);			/* 9 */
	fmul(&r->y, rr, &t);
	mpc_fe_negate_inl(&t, &sh, 1);
	mpc_fe_add_inl(&r->y, &t);		/* 3 */
	r->x = x3;
	r->infinity = 0;
}

void mpc_gej_add_ge_var(mpc_gej *r, const mpc_gej *a, const mpc_ge *b)
{
	mpc_fe z12, u2, s2, h, rr, t;

	if (a->infinity) {
		mpc_gej_set_ge(r, b);
		return;
	}
	if (b->infinity) {
		*r = *a;
		return;
	}
	fsqr(&z12, &a->z);
	fmul(&u2, &b->x, &z12);
	fmul(&s2, &b->y, &z12);
	fmul(&s2, &s2, &a->z);
	mpc_fe_negate_inl(&h, &a->x, MPC_GEJ_MAG_XY);
	mpc_fe_add_inl(&h, &u2);		/* 6 */
	mpc_fe_negate_inl(&rr, &a->y, MPC_GEJ_MAG_XY);
	mpc_fe_add_inl(&rr, &s2);		/* 6 */
	if (mpc_fe_normalizes_to_zero_var(&h)) {
		if (mpc_fe_normalizes_to_zero_var(&rr))
			mpc_gej_double_var(r, a);
		else
			mpc_gej_set_infinity(r);
		return;
	}
	t = a->z;
	add_tail(r, &a->x, &a->y, &h, &rr, &t);
}

/* As mpc_gej_add_ge_var for a, b finite with a != +-b; *zr = r.z / a.z. */
void mpc_gej_add_ge_zr_var(mpc_gej *r, const mpc_gej *a, const mpc_ge *b, mpc_fe *zr)
{
	mpc_fe z12, u2, s2, h, rr, t;

	fsqr(&z12, &a->z);
	fmul(&u2, &b->x, &z12);
	fmul(&s2, &b->y, &z12);
	fmul(&s2, &s2, &a->z);
	mpc_fe_negate_inl(&h, &a->x, MPC_GEJ_MAG_XY);
	mpc_fe_add_inl(&h, &u2);
	mpc_fe_negate_inl(&rr, &a->y, MPC_GEJ_MAG_XY);
	mpc_fe_add_inl(&rr, &s2);
	t = a->z;
	*zr = h;
	add_tail(r, &a->x, &a->y, &h, &rr, &t);
}

/*
 * r = a + b where b is affine on the curve isomorphic through bz: the point
 * added is (b.x * bz^2, b.y * bz^3) (i.e. Jacobian (b.x, b.y, 1/bz)).
 * Used by ecmult, whose accumulator lives on an isomorphic curve.
 */
void mpc_gej_add_zr_ge_var(mpc_gej *r, const mpc_gej *a, const mpc_ge *b, const mpc_fe *bz)
{
	mpc_fe az, z12, u2, s2, h, rr, t;

	if (a->infinity) {
		/* result (b.x bz^2, b.y bz^3, 1) = (b.x, b.y, 1/bz): use the former */
		fsqr(&z12, bz);
		fmul(&r->x, &b->x, &z12);
		fmul(&t, &z12, bz);
		fmul(&r->y, &b->y, &t);
		mpc_fe_set_int(&r->z, 1);
		r->infinity = 0;
		return;
	}
	fmul(&az, &a->z, bz);
	fsqr(&z12, &az);
	fmul(&u2, &b->x, &z12);
	fmul(&s2, &b->y, &z12);
	fmul(&s2, &s2, &az);
	mpc_fe_negate_inl(&h, &a->x, MPC_GEJ_MAG_XY);
	mpc_fe_add_inl(&h, &u2);
	mpc_fe_negate_inl(&rr, &a->y, MPC_GEJ_MAG_XY);
	mpc_fe_add_inl(&rr, &s2);
	if (mpc_fe_normalizes_to_zero_var(&h)) {
		if (mpc_fe_normalizes_to_zero_var(&rr))
			mpc_gej_double_var(r, a);
		else
			mpc_gej_set_infinity(r);
		return;
	}
	t = a->z;
	add_tail(r, &a->x, &a->y, &h, &rr, &t);
}

void mpc_gej_add_var(mpc_gej *r, const mpc_gej *a, const mpc_gej *b)
{
	mpc_fe z12, z22, u1, u2, s1, s2, h, rr, t;

	if (a->infinity) {
		*r = *b;
		return;
	}
	if (b->infinity) {
		*r = *a;
		return;
	}
	fsqr(&z22, &b->z);
	fsqr(&z12, &a->z);
	fmul(&u1, &a->x, &z22);
	fmul(&u2, &b->x, &z12);
	fmul(&s1, &a->y, &z22);
	fmul(&s1, &s1, &b->z);
	fmul(&s2, &b->y, &z12);
	fmul(&s2, &s2, &a->z);
	mpc_fe_negate_inl(&h, &u1, 1);
	mpc_fe_add_inl(&h, &u2);		/* 3 */
	mpc_fe_negate_inl(&rr, &s1, 1);
	mpc_fe_add_inl(&rr, &s2);		/* 3 */
	if (mpc_fe_normalizes_to_zero_var(&h)) {
		if (mpc_fe_normalizes_to_zero_var(&rr))
			mpc_gej_double_var(r, a);
		else
			mpc_gej_set_infinity(r);
		return;
	}
	fmul(&t, &a->z, &b->z);
	add_tail(r, &u1, &s1, &h, &rr, &t);
}

int mpc_gej_eq_var(const mpc_gej *a, const mpc_gej *b)
{
	mpc_fe z12, z22, l, r;

	if (a->infinity || b->infinity)
		return a->infinity == b->infinity;
	fsqr(&z12, &a->z);
	fsqr(&z22, &b->z);
	fmul(&l, &a->x, &z22);
	fmul(&r, &b->x, &z12);
	if (!mpc_fe_equal_var(&l, &r))
		return 0;
	fmul(&z12, &z12, &a->z);
	fmul(&z22, &z22, &b->z);
	fmul(&l, &a->y, &z22);
	fmul(&r, &b->y, &z12);
	return mpc_fe_equal_var(&l, &r);
}

void mpc_gej_clear(mpc_gej *r)
{
	memzero_explicit(r, sizeof(*r));
}

void mpc_ge_to_storage(mpc_ge_storage *r, const mpc_ge *a)
{
	mpc_fe_to_storage(&r->x, &a->x);
	mpc_fe_to_storage(&r->y, &a->y);
}

void mpc_ge_from_storage(mpc_ge *r, const mpc_ge_storage *a)
{
	mpc_fe_from_storage(&r->x, &a->x);
	mpc_fe_from_storage(&r->y, &a->y);
	r->infinity = 0;
}

/*
 * --- constant-time complete formulas, homogeneous projective (X:Y:Z) ------
 * x = X/Z, y = Y/Z, infinity = (0:1:0).  These are the complete addition
 * formulas for a = 0 of Renes, Costello and Batina, "Complete addition
 * formulas for prime order elliptic curves" (2016), Algorithms 7, 8 and 9,
 * with b3 = 3*b = 21.  They have no exceptional cases, so they need no
 * branches and no blinding.  Magnitudes: outputs X <= 3, Y <= 2, Z <= 2,
 * and inputs within those bounds are accepted.
 */
#define B3 21

static inline void fneg(mpc_fe *r, const mpc_fe *a, int m)
{
	mpc_fe_negate_inl(r, a, m);
}

void mpc_gep_set_infinity(mpc_gep *r)
{
	mpc_fe_set_int(&r->x, 0);
	mpc_fe_set_int(&r->y, 1);
	mpc_fe_set_int(&r->z, 0);
}

/* r = a + b, b affine (not infinity) */
void mpc_gep_add_ge(mpc_gep *r, const mpc_gep *a, const mpc_ge *b)
{
	mpc_fe t0, t1, t2, t3, t4, x3, y3, z3, n;

	fmul(&t0, &a->x, &b->x);
	fmul(&t1, &a->y, &b->y);
	t3 = b->x;
	mpc_fe_add_inl(&t3, &b->y);		/* 2 */
	t4 = a->x;
	mpc_fe_add_inl(&t4, &a->y);		/* 5 */
	fmul(&t3, &t3, &t4);
	t4 = t0;
	mpc_fe_add_inl(&t4, &t1);		/* 2 */
	fneg(&n, &t4, 2);
	mpc_fe_add_inl(&t3, &n);		/* 4 */
	fmul(&t4, &b->y, &a->z);
	mpc_fe_add_inl(&t4, &a->y);		/* 3 */
	fmul(&y3, &b->x, &a->z);
	mpc_fe_add_inl(&y3, &a->x);		/* 4 */
	x3 = t0;
	mpc_fe_add_inl(&x3, &t0);
	mpc_fe_add_inl(&t0, &x3);		/* 3 */
	t2 = a->z;
	mpc_fe_mul_int_inl(&t2, B3);
	mpc_fe_normalize_weak_inl(&t2);		/* 1 */
	z3 = t1;
	mpc_fe_add_inl(&z3, &t2);		/* 2 */
	fneg(&n, &t2, 1);
	mpc_fe_add_inl(&t1, &n);		/* 3 */
	mpc_fe_mul_int_inl(&y3, B3);
	mpc_fe_normalize_weak_inl(&y3);		/* 1 */
	fmul(&x3, &t4, &y3);
	fmul(&t2, &t3, &t1);
	fneg(&n, &x3, 1);
	x3 = t2;
	mpc_fe_add_inl(&x3, &n);		/* 3 */
	fmul(&y3, &y3, &t0);
	fmul(&t1, &t1, &z3);
	mpc_fe_add_inl(&y3, &t1);		/* 2 */
	fmul(&t0, &t0, &t3);
	fmul(&z3, &z3, &t4);
	mpc_fe_add_inl(&z3, &t0);		/* 2 */
	r->x = x3;
	r->y = y3;
	r->z = z3;
}

/* r = a + b */
void mpc_gep_add(mpc_gep *r, const mpc_gep *a, const mpc_gep *b)
{
	mpc_fe t0, t1, t2, t3, t4, x3, y3, z3, n;

	fmul(&t0, &a->x, &b->x);
	fmul(&t1, &a->y, &b->y);
	fmul(&t2, &a->z, &b->z);
	t3 = a->x;
	mpc_fe_add_inl(&t3, &a->y);		/* 5 */
	t4 = b->x;
	mpc_fe_add_inl(&t4, &b->y);		/* 5 */
	fmul(&t3, &t3, &t4);
	t4 = t0;
	mpc_fe_add_inl(&t4, &t1);		/* 2 */
	fneg(&n, &t4, 2);
	mpc_fe_add_inl(&t3, &n);		/* 4 */
	t4 = a->y;
	mpc_fe_add_inl(&t4, &a->z);		/* 4 */
	x3 = b->y;
	mpc_fe_add_inl(&x3, &b->z);		/* 4 */
	fmul(&t4, &t4, &x3);
	x3 = t1;
	mpc_fe_add_inl(&x3, &t2);		/* 2 */
	fneg(&n, &x3, 2);
	mpc_fe_add_inl(&t4, &n);		/* 4 */
	x3 = a->x;
	mpc_fe_add_inl(&x3, &a->z);		/* 5 */
	y3 = b->x;
	mpc_fe_add_inl(&y3, &b->z);		/* 5 */
	fmul(&x3, &x3, &y3);
	y3 = t0;
	mpc_fe_add_inl(&y3, &t2);		/* 2 */
	fneg(&n, &y3, 2);
	y3 = x3;
	mpc_fe_add_inl(&y3, &n);		/* 4 */
	x3 = t0;
	mpc_fe_add_inl(&x3, &t0);
	mpc_fe_add_inl(&t0, &x3);		/* 3 */
	mpc_fe_mul_int_inl(&t2, B3);
	mpc_fe_normalize_weak_inl(&t2);		/* 1 */
	z3 = t1;
	mpc_fe_add_inl(&z3, &t2);		/* 2 */
	fneg(&n, &t2, 1);
	mpc_fe_add_inl(&t1, &n);		/* 3 */
	mpc_fe_mul_int_inl(&y3, B3);
	mpc_fe_normalize_weak_inl(&y3);		/* 1 */
	fmul(&x3, &t4, &y3);
	fmul(&t2, &t3, &t1);
	fneg(&n, &x3, 1);
	x3 = t2;
	mpc_fe_add_inl(&x3, &n);		/* 3 */
	fmul(&y3, &y3, &t0);
	fmul(&t1, &t1, &z3);
	mpc_fe_add_inl(&y3, &t1);		/* 2 */
	fmul(&t0, &t0, &t3);
	fmul(&z3, &z3, &t4);
	mpc_fe_add_inl(&z3, &t0);		/* 2 */
	r->x = x3;
	r->y = y3;
	r->z = z3;
}

/* r = 2a */
void mpc_gep_double(mpc_gep *r, const mpc_gep *a)
{
	mpc_fe t0, t1, t2, x3, y3, z3, n;

	fsqr(&t0, &a->y);
	z3 = t0;
	mpc_fe_mul_int_inl(&z3, 8);		/* 8 */
	fmul(&t1, &a->y, &a->z);
	fsqr(&t2, &a->z);
	mpc_fe_mul_int_inl(&t2, B3);
	mpc_fe_normalize_weak_inl(&t2);		/* 1 */
	fmul(&x3, &t2, &z3);
	y3 = t0;
	mpc_fe_add_inl(&y3, &t2);		/* 2 */
	fmul(&z3, &t1, &z3);
	t1 = t2;
	mpc_fe_add_inl(&t1, &t2);
	mpc_fe_add_inl(&t2, &t1);		/* 3 */
	fneg(&n, &t2, 3);
	mpc_fe_add_inl(&t0, &n);		/* 5 */
	fmul(&y3, &t0, &y3);
	mpc_fe_add_inl(&y3, &x3);		/* 2 */
	fmul(&t1, &a->x, &a->y);
	fmul(&x3, &t0, &t1);
	mpc_fe_add_inl(&x3, &x3);		/* 2 */
	r->x = x3;
	r->y = y3;
	r->z = z3;
}

/* Jacobian (X Z, Y Z^2, Z) of a projective point; ct. */
void mpc_gej_set_gep(mpc_gej *r, const mpc_gep *a)
{
	mpc_fe z2, z;

	fsqr(&z2, &a->z);
	fmul(&r->x, &a->x, &a->z);
	fmul(&r->y, &a->y, &z2);
	r->z = a->z;
	z = a->z;
	mpc_fe_normalize(&z);
	r->infinity = mpc_fe_is_zero(&z);
	memzero_explicit(&z2, sizeof(z2));
	memzero_explicit(&z, sizeof(z));
}

void mpc_gep_set_ge(mpc_gep *r, const mpc_ge *a)
{
	r->x = a->x;
	r->y = a->y;
	mpc_fe_set_int(&r->z, 1);
}

/* r = flag ? a : r */
void mpc_gep_cmov(mpc_gep *r, const mpc_gep *a, int flag)
{
	mpc_fe_cmov(&r->x, &a->x, flag);
	mpc_fe_cmov(&r->y, &a->y, flag);
	mpc_fe_cmov(&r->z, &a->z, flag);
}
