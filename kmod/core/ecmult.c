// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ecmult.c - scalar multiplication on secp256k1.
 *
 * Tables are built by mpc_ecmult_init() rather than generated at build
 * time: they are ~1 MiB (a generated C file of that size would bloat the
 * source tree and the module image, and would need a host generator program
 * in the Kbuild flow), while computing them takes a few milliseconds once at
 * module load.  Memory comes from mpc_alloc() (kvzalloc in the kernel).
 *
 * mpc_ecmult_gen (secret k, constant time): signed comb.  With
 * L = B*T*S >= 256 and b = (k + 2^L - 1)/2 mod n, every bit b_i stands for
 * the digit 2 b_i - 1 in {-1, +1} and sum_i (2 b_i - 1) 2^i = k (mod n).
 * Bit i = j*T*S + t*S + s (block j, tooth t, position s); for each (j, s)
 * the T teeth select one of 2^T signed sums of the points 2^(jTS + tS) G,
 * half of which are the negations of the other half, so block j has a table
 * of 2^(T-1) affine points.  k*G = sum_s 2^s sum_j (+-E_j[idx]): S-1
 * doublings and B*S additions, each with a full table scan.  The additions
 * use complete projective formulas (no special cases, no blinding needed).
 *
 * mpc_ecmult_const (secret k, public point): k = k1 + k2*lambda (GLV, both
 * halves made odd by adding a short vector of the GLV lattice and positive
 * by conditional negation); each half uses the same +-1 digit trick as the
 * comb on 26 windows of 5 bits (odd digits -31..31), a table of 16 odd
 * multiples of A (built in variable time, affine on an isomorphic curve)
 * scanned in full, lambda*P = (beta*x, y) for the second half; Jacobian
 * doublings and mixed additions, which the recoding keeps away from their
 * exceptional cases (argument at the code), complete additions (by cmov)
 * in the last window.
 *
 * mpc_ecmult (public data): Strauss-wNAF.  na is split with the GLV
 * endomorphism (lambda*(x, y) = (beta*x, y)) into two ~128-bit halves, ng
 * into its low and high 128 bits; G and 2^128*G have precomputed tables of
 * odd multiples (window MPC_WINDOW_G).  The odd multiples of A are computed
 * with one shared Z ("effective affine": they are affine points of an
 * isomorphic curve y^2 = x^3 + 7 Z^6, which doubles and adds with the same
 * formulas); the accumulator lives on that curve, G-table points are mapped
 * to it with their Z and the final Z is corrected at the end.
 */
#include "ecmult.h"
#include "field_impl.h"

#define fmul(r, a, b) mpc_fe_mul_inner((r)->n, (a)->n, (b)->n)
#define fsqr(r, a) mpc_fe_sqr_inner((r)->n, (a)->n)

/* comb for ecmult_gen: B blocks, T teeth, S spacing; B*T*S >= 256 */
/*
 * Measured against 11/6/4, 13/5/4, 16/4/4, 22/6/2, 26/5/2 and 43/6/1: with a
 * full table scan per addition the scan costs about as much as the complete
 * addition, so small blocks win; 52 blocks of 5 teeth (16 entries each, no
 * doublings, 52 additions, 53 KiB) was fastest.
 */
#ifndef COMB_B
#define COMB_B 52
#define COMB_T 5
#define COMB_S 1
#endif
#define COMB_L (COMB_B * COMB_T * COMB_S)
#define COMB_PTS (1 << (COMB_T - 1))

/* window of the G tables (odd multiples up to (2^(W-1) - 1) G) */
#define MPC_WINDOW_G 15
#define G_TABLE_SIZE (1 << (MPC_WINDOW_G - 2))
#define WINDOW_A 5
#define A_TABLE_SIZE (1 << (WINDOW_A - 2))
#define WNAF_LEN 131

static mpc_ge_storage *comb_table;	/* [COMB_B][COMB_PTS] */
static mpc_ge_storage *g_table;		/* (2i+1) G */
static mpc_ge_storage *g128_table;	/* (2i+1) 2^128 G */
static mpc_scalar comb_offset;		/* (2^L - 1) mod n */
static mpc_scalar half_mod_n;		/* 1/2 mod n */

static const mpc_fe fe_beta = { {
	0x96c28719501eeULL, 0x7512f58995c13ULL, 0xc3434e99cf049ULL,
	0x7106e64479eaULL, 0x7ae96a2b657cULL } };

/* --- table construction (public data, variable time) ------------------------ */

/* out[i] = (2i+1) * base for i < count, as storage */
static __attribute__((__noinline__)) int build_odd_multiples(mpc_ge_storage *out, const mpc_gej *base, size_t count)
{
	mpc_gej *tj = mpc_alloc(count * sizeof(*tj));
	mpc_ge *ta = mpc_alloc(count * sizeof(*ta));
	mpc_gej d;
	mpc_ge da;
	size_t i;
	int ret = 0;

	if (!tj || !ta) {
		ret = -ENOMEM;
		goto out;
	}
	mpc_gej_double_var(&d, base);
	mpc_ge_set_gej_var(&da, &d);
	tj[0] = *base;
	for (i = 1; i < count; i++)
		mpc_gej_add_ge_var(&tj[i], &tj[i - 1], &da);
	mpc_ge_set_all_gej_var(ta, tj, count);
	for (i = 0; i < count; i++) {
		if (ta[i].infinity) {
			ret = -EINVAL;
			goto out;
		}
		mpc_ge_to_storage(&out[i], &ta[i]);
	}
out:
	if (tj)
		mpc_free_sensitive(tj, count * sizeof(*tj));
	if (ta)
		mpc_free_sensitive(ta, count * sizeof(*ta));
	return ret;
}

static __attribute__((__noinline__)) int build_comb(mpc_ge_storage *out)
{
	const size_t total = (size_t)COMB_B * COMB_PTS;
	mpc_gej *tj = mpc_alloc((total + 2 * COMB_T) * sizeof(*tj));
	mpc_ge *ta = mpc_alloc(total * sizeof(*ta));
	mpc_gej *p, *p2, cur, t;
	int j, i, ret = 0, k;
	size_t idx;

	if (!tj || !ta) {
		ret = -ENOMEM;
		goto out;
	}
	p = tj + total;
	p2 = p + COMB_T;
	mpc_gej_set_ge(&cur, &mpc_ge_generator);	/* 2^(j T S + t S) G */
	for (j = 0; j < COMB_B; j++) {
		mpc_gej *e = tj + (size_t)j * COMB_PTS;

		for (i = 0; i < COMB_T; i++) {
			p[i] = cur;
			mpc_gej_double_var(&p2[i], &cur);
			for (k = 0; k < COMB_S; k++)
				mpc_gej_double_var(&cur, &cur);
		}
		/* e[0] = p[T-1] - sum_{t < T-1} p[t] */
		e[0] = p[COMB_T - 1];
		for (i = 0; i < COMB_T - 1; i++) {
			mpc_gej_neg(&t, &p[i]);
			mpc_gej_add_var(&e[0], &e[0], &t);
		}
		for (idx = 1; idx < COMB_PTS; idx++)
			mpc_gej_add_var(&e[idx], &e[idx & (idx - 1)],
					&p2[__builtin_ctzl(idx)]);
	}
	mpc_ge_set_all_gej_var(ta, tj, total);
	for (idx = 0; idx < total; idx++) {
		if (ta[idx].infinity) {
			ret = -EINVAL;
			goto out;
		}
		mpc_ge_to_storage(&out[idx], &ta[idx]);
	}
out:
	if (tj)
		mpc_free_sensitive(tj, (total + 2 * COMB_T) * sizeof(*tj));
	if (ta)
		mpc_free_sensitive(ta, total * sizeof(*ta));
	return ret;
}

/* (2^bits - 1) mod n */
static void pow2_minus1(mpc_scalar *r, int bits)
{
	mpc_scalar one, t;
	int i;

	mpc_scalar_set_int(&one, 1);
	t = one;
	for (i = 0; i < bits; i++)
		mpc_scalar_add(&t, &t, &t);
	mpc_scalar_negate(&one, &one);
	mpc_scalar_add(r, &t, &one);
}

void mpc_ecmult_exit(void)
{
	if (comb_table)
		mpc_free_sensitive(comb_table, (size_t)COMB_B * COMB_PTS * sizeof(*comb_table));
	if (g_table)
		mpc_free_sensitive(g_table, G_TABLE_SIZE * sizeof(*g_table));
	if (g128_table)
		mpc_free_sensitive(g128_table, G_TABLE_SIZE * sizeof(*g128_table));
	comb_table = NULL;
	g_table = NULL;
	g128_table = NULL;
}

int mpc_ecmult_init(void)
{
	mpc_gej g, g128;
	uint8_t two[32] = { 0 };
	int i, ret;

	if (comb_table && g_table && g128_table)
		return 0;
	mpc_ecmult_exit();
	comb_table = mpc_alloc((size_t)COMB_B * COMB_PTS * sizeof(*comb_table));
	g_table = mpc_alloc(G_TABLE_SIZE * sizeof(*g_table));
	g128_table = mpc_alloc(G_TABLE_SIZE * sizeof(*g128_table));
	if (!comb_table || !g_table || !g128_table) {
		ret = -ENOMEM;
		goto fail;
	}
	pow2_minus1(&comb_offset, COMB_L);
	two[31] = 2;
	mpc_scalar_set_b32(&half_mod_n, two);
	mpc_scalar_inverse_var(&half_mod_n, &half_mod_n);

	mpc_gej_set_ge(&g, &mpc_ge_generator);
	g128 = g;
	for (i = 0; i < 128; i++)
		mpc_gej_double_var(&g128, &g128);
	ret = build_odd_multiples(g_table, &g, G_TABLE_SIZE);
	if (!ret)
		ret = build_odd_multiples(g128_table, &g128, G_TABLE_SIZE);
	if (!ret)
		ret = build_comb(comb_table);
	if (ret)
		goto fail;
	return 0;
fail:
	mpc_ecmult_exit();
	return ret;
}

/* --- constant-time helpers ---------------------------------------------------- */

/* r = tab[idx] scanning all n entries, then negated if neg; ct. */
static void lookup_storage_ct(mpc_ge *r, const mpc_ge_storage *tab, unsigned int n,
			      unsigned int idx, int neg)
{
	mpc_ge_storage s = { { { 0 } }, { { 0 } } };
	mpc_fe ny;
	unsigned int i;
	int k;

	/* exactly one entry matches: OR in every entry under its mask */
	for (i = 0; i < n; i++) {
		uint64_t m = -mpc_value_barrier_u64((uint64_t)(i == idx));

		for (k = 0; k < 4; k++) {
			s.x.n[k] |= tab[i].x.n[k] & m;
			s.y.n[k] |= tab[i].y.n[k] & m;
		}
	}
	mpc_ge_from_storage(r, &s);
	mpc_fe_negate_inl(&ny, &r->y, 1);
	mpc_fe_cmov(&r->y, &ny, neg);
	memzero_explicit(&s, sizeof(s));
	memzero_explicit(&ny, sizeof(ny));
}

void mpc_ecmult_gen(mpc_gej *r, const mpc_scalar *k)
{
	mpc_scalar b;
	mpc_gep acc;
	mpc_ge e;
	int s, j, t;

	/* b = (k + 2^L - 1) / 2 mod n */
	mpc_scalar_add(&b, k, &comb_offset);
	mpc_scalar_mul(&b, &b, &half_mod_n);
	mpc_gep_set_infinity(&acc);
	for (s = COMB_S - 1; s >= 0; s--) {
		if (s != COMB_S - 1)
			mpc_gep_double(&acc, &acc);
		for (j = 0; j < COMB_B; j++) {
			unsigned int m = 0, top, idx;

			for (t = 0; t < COMB_T; t++) {
				unsigned int bit = (unsigned int)(j * COMB_T * COMB_S + t * COMB_S + s);

				if (bit < 256)
					m |= mpc_scalar_get_bits(&b, bit, 1) << t;
			}
			top = m >> (COMB_T - 1);
			idx = (m ^ ((top - 1) & (COMB_PTS - 1))) & (COMB_PTS - 1);
			lookup_storage_ct(&e, comb_table + (size_t)j * COMB_PTS, COMB_PTS, idx,
					  (int)(top ^ 1));
			mpc_gep_add_ge(&acc, &acc, &e);
		}
	}
	mpc_gej_set_gep(r, &acc);
	mpc_scalar_clear(&b);
	memzero_explicit(&acc, sizeof(acc));
	memzero_explicit(&e, sizeof(e));
}

/*
 * --- mpc_ecmult_const: k*A, k secret, A public (ECDH) -------------------------
 *
 * Scalar.  k = k1 + k2 lambda (mpc_scalar_split_lambda, |k_i| < 2^128).
 * To make both halves odd, the short vector (u, v) of the lattice below
 * (u + v lambda = 0 mod n, so the sum is unchanged) of the right parity
 * class is added: (0, 0), (-a1, b1), (c1, a1) or (b1, c1) (const_split, by
 * cmov).  Then n_i = [k_i < 0], K_i = |k_i| is odd and K_i < 2^128 +
 * 2^128.2 < 2^130, and with P_1 = (-1)^n1 A, P_2 = (-1)^n2 lambda A:
 * k A = K_1 P_1 + K_2 P_2.  Each K is written as sum_{w < 26} d_w 32^w with
 * every digit d_w odd in [-31, 31]: with b = (K + 2^130 - 1) / 2, d_w =
 * 2 b[5w .. 5w+4] - 31 (const_recode; valid for odd K < 2^130).  |d| = 2j + 1
 * selects T[j], the sign is a cmov.
 *
 * Table (A is public: variable time).  T[j] = (2j+1) A for j < 16, with
 * co-Z additions (Meloni, "New point addition formulae for ECC
 * applications", 2007): P and D = 2A in Jacobian coordinates with the same Z
 * give P + D and D on the new common Z in 5M + 2S.  The ratios of the
 * successive Z are kept and the entries are brought to the last Z (zg) in a
 * backward pass, so they are affine points of the isomorphic curve y^2 =
 * x^3 + 7 zg^6 (no inversion).  The ladder runs on that curve: the Jacobian
 * formulas for a = 0 below do not involve b; the result goes back with
 * Z *= zg.  lambda (x, y) = (beta x, y) holds there too; beta x is one
 * multiplication after the lookup.
 *
 * Ladder.  acc = d_25 P_1 + d'_25 P_2, then for w = 24 .. 0: five doublings,
 * one scan of the whole table for both digits, acc += d_w P_1, acc +=
 * d'_w P_2.  The Jacobian doubling (3M + 4S) has no exceptional case for a
 * finite point (no point of order 2).  The mixed addition acc + e (8M + 3S)
 * is wrong only for acc = +-e or acc = infinity; for w >= 1 none can occur:
 *   Before the additions of window w < 25, acc = x P_1 + y P_2 with x =
 *   32 D, D = sum_{j > w} d_j 32^(j-w-1), so |D| < K_1 / 32^(w+1) + 1 and
 *   |x| < 2^(130-5w) + 32 (y likewise from K_2).  An exception in the first
 *   addition is (x -+ d_w) P_1 + y P_2 = 0 or x P_1 + y P_2 = 0, in the
 *   second (x + d_w) P_1 + (y -+ d'_w) P_2 = 0 or (x + d_w) P_1 + y P_2 = 0.
 *   With P_2 = +-lambda P_1 (order n) each means u + v lambda = 0 (mod n)
 *   with |u|, |v| < 2^125 + 64 (w >= 1) and v != 0: y = 32 D' with D' =
 *   d'_(w+1) (mod 32) odd, and y -+ d'_w is odd.  The lattice {(u, v) :
 *   u + v lambda = 0 (mod n)} (determinant n) has the Lagrange-reduced basis
 *   (-a1, b1), (c1, a1) with
 *     a1 = 0x3086d221a7d46bcde86c90e49284eb15,
 *     b1 = 0xe4437ed6010e88286f547fa90abfe4c3, c1 = a1 + b1,
 *   (the GLV basis of mpc_scalar_split_lambda) whose first vector is a
 *   shortest one, of length > 2^127.8; so every nonzero (u, v) in it has
 *   max(|u|, |v|) > 2^127.3: no exception.  At the top, acc = d_25 P_1 is
 *   finite and d_25 P_1 = -+d'_25 P_2 would need |u|, |v| <= 31.  Hence acc
 *   stays finite until window 0 (the doublings keep it finite: prime
 *   order).
 * In window 0 the bound becomes 2^130 + 64, above the lattice minimum (and
 * k = 0 or k = 58 lambda do hit acc = -e and acc = e there), so its two
 * additions use const_add_ge_complete: the mixed sum and the doubling of
 * acc, selected by cmov (H = R = 0: acc = e, the doubling; H = 0, R != 0:
 * acc = -e, the formula gives Z = 0, infinity; Z = 0: acc is infinity, the
 * result is e).
 * Builds with MPC_VERIFY check H != 0 in every unchecked addition.
 *
 * Cost: 26 x (5 doublings + 2 additions + one scan of 16 entries) and 15
 * co-Z additions for the table, against 33 x (4 + 2) complete projective
 * operations (6M + 2S and 12M) and two scans of 8 projective entries before.
 */
#define CONST_W 5
#define CONST_L 130
#define CONST_WINDOWS (CONST_L / CONST_W)
#define CONST_TABLE (1 << (CONST_W - 1))

/* b = (k + 2^CONST_L - 1) / 2 as an integer, k odd and < 2^CONST_L.  ct. */
static void const_recode(mpc_scalar *b, const mpc_scalar *k)
{
	mpc_u128 t;

	t = (mpc_u128)k->d[0] + ~0ULL;
	b->d[0] = (uint64_t)t;
	t >>= 64;
	t += (mpc_u128)k->d[1] + ~0ULL;
	b->d[1] = (uint64_t)t;
	t >>= 64;
	t += (mpc_u128)k->d[2] + ((1ULL << (CONST_L - 128)) - 1);
	b->d[2] = (uint64_t)t;
	b->d[3] = 0;
	b->d[0] = b->d[0] >> 1 | b->d[1] << 63;
	b->d[1] = b->d[1] >> 1 | b->d[2] << 63;
	b->d[2] >>= 1;
}

/* 1 if a is zero mod p (any magnitude <= 32); ct */
static int fe_is_zero_ct(const mpc_fe *a)
{
	mpc_fe t = *a;
	int z;

	mpc_fe_normalize(&t);
	z = mpc_fe_is_zero(&t);
	memzero_explicit(&t, sizeof(t));
	return z;
}

static void gej_cmov(mpc_gej *r, const mpc_gej *a, int flag)
{
	mpc_fe_cmov(&r->x, &a->x, flag);
	mpc_fe_cmov(&r->y, &a->y, flag);
	mpc_fe_cmov(&r->z, &a->z, flag);
}

/*
 * r = 2a, Jacobian, a finite (on any curve y^2 = x^3 + b); 3M + 4S, ct:
 *   S = X Y^2, M = 3 X^2, X3 = M^2 - 8S, Y3 = M (4S - X3) - 8 Y^4, Z3 = 2 Y Z.
 * Magnitudes: X, Y <= 17, Z <= 2 in; 17, 17, 2 out.  r may alias a.
 */
static MPC_NOINLINE void const_double(mpc_gej *r, const mpc_gej *a)
{
	mpc_fe m, y2, s, y4, t, x3;

	fsqr(&m, &a->x);
	mpc_fe_mul_int_inl(&m, 3);		/* 3 */
	fsqr(&y2, &a->y);
	fmul(&s, &a->x, &y2);
	fsqr(&y4, &y2);
	fmul(&r->z, &a->y, &a->z);
	mpc_fe_mul_int_inl(&r->z, 2);		/* 2 */
	fsqr(&x3, &m);
	mpc_fe_negate_inl(&t, &s, 1);		/* 2 */
	mpc_fe_mul_int_inl(&t, 8);		/* 16 */
	mpc_fe_add_inl(&x3, &t);		/* 17 */
	mpc_fe_mul_int_inl(&s, 4);		/* 4 */
	mpc_fe_negate_inl(&t, &x3, 17);		/* 18 */
	mpc_fe_add_inl(&t, &s);			/* 22 */
	fmul(&r->y, &m, &t);
	mpc_fe_negate_inl(&t, &y4, 1);
	mpc_fe_mul_int_inl(&t, 8);		/* 16 */
	mpc_fe_add_inl(&r->y, &t);		/* 17 */
	r->x = x3;
}

/*
 * r = a + b, b affine (x normalized, y magnitude <= 2), valid when a is
 * finite and a != +-b; 8M + 3S, ct:
 *   U2 = x Z^2, S2 = y Z^3, H = U2 - X, R = S2 - Y,
 *   X3 = R^2 - H^3 - 2 X H^2, Y3 = R (X H^2 - X3) - Y H^3, Z3 = Z H.
 * *h and *rr get H and R.  Magnitudes: X, Y <= 17, Z <= 2 in; 7, 3, 1 out.
 * r may alias a.
 */
static MPC_NOINLINE void const_add_ge_hr(mpc_gej *r, const mpc_gej *a, const mpc_ge *b,
					 mpc_fe *h, mpc_fe *rr)
{
	mpc_fe z2, u2, s2, h2, h3, v, t, x3;

	fsqr(&z2, &a->z);
	fmul(&u2, &b->x, &z2);
	fmul(&t, &z2, &a->z);
	fmul(&s2, &b->y, &t);
	mpc_fe_negate_inl(h, &a->x, 17);	/* 18 */
	mpc_fe_add_inl(h, &u2);			/* 19 */
	mpc_fe_negate_inl(rr, &a->y, 17);	/* 18 */
	mpc_fe_add_inl(rr, &s2);		/* 19 */
	fsqr(&h2, h);
	fmul(&h3, &h2, h);
	fmul(&v, &a->x, &h2);			/* X H^2 */
	fmul(&t, &a->y, &h3);			/* Y H^3 */
	fmul(&r->z, &a->z, h);
	fsqr(&x3, rr);
	mpc_fe_negate_inl(&h3, &h3, 1);		/* 2 */
	mpc_fe_add_inl(&x3, &h3);		/* 3 */
	mpc_fe_negate_inl(&h2, &v, 1);
	mpc_fe_mul_int_inl(&h2, 2);		/* 4 */
	mpc_fe_add_inl(&x3, &h2);		/* 7 */
	mpc_fe_negate_inl(&h2, &x3, 7);		/* 8 */
	mpc_fe_add_inl(&h2, &v);		/* 9 */
	fmul(&r->y, rr, &h2);
	mpc_fe_negate_inl(&h2, &t, 1);
	mpc_fe_add_inl(&r->y, &h2);		/* 3 */
	r->x = x3;
}

/* the same where the argument above rules out a = +-b and a = infinity */
static inline void const_add_ge(mpc_gej *r, const mpc_gej *a, const mpc_ge *b)
{
	mpc_fe h, rr;

	MPC_VERIFY_CHECK(!mpc_fe_normalizes_to_zero_var(&a->z));
	const_add_ge_hr(r, a, b, &h, &rr);
	MPC_VERIFY_CHECK(!mpc_fe_normalizes_to_zero_var(&h));
}

/*
 * r = a + b for every a (infinity: Z = 0) and every finite affine b; ct.
 * Infinity comes out as Z = 0.  Magnitudes in as const_add_ge_hr, out
 * within those of const_double.
 */
static void const_add_ge_complete(mpc_gej *r, const mpc_gej *a, const mpc_ge *b)
{
	mpc_gej s, d;
	mpc_fe h, rr, one;
	int hz, rz, az;

	az = fe_is_zero_ct(&a->z);
	const_double(&d, a);
	const_add_ge_hr(&s, a, b, &h, &rr);
	hz = fe_is_zero_ct(&h);
	rz = fe_is_zero_ct(&rr);
	/* a = b: H = R = 0 and s = (0, 0, 0); the sum is 2a */
	gej_cmov(&s, &d, hz & rz);
	/* a = -b: H = 0, R != 0, s = (R^2, -R^3, 0) is infinity already */
	/* a infinity: b */
	mpc_fe_set_int(&one, 1);
	mpc_fe_cmov(&s.x, &b->x, az);
	mpc_fe_cmov(&s.y, &b->y, az);
	mpc_fe_cmov(&s.z, &one, az);
	r->x = s.x;
	r->y = s.y;
	r->z = s.z;
	memzero_explicit(&s, sizeof(s));
	memzero_explicit(&d, sizeof(d));
	memzero_explicit(&h, sizeof(h));
	memzero_explicit(&rr, sizeof(rr));
}

/* (x, y) = (x s^2, y s^3): the same point with Z multiplied by s */
static MPC_NOINLINE void const_scale(mpc_fe *x, mpc_fe *y, const mpc_fe *s)
{
	mpc_fe s2;

	fsqr(&s2, s);
	fmul(x, x, &s2);
	fmul(&s2, &s2, s);
	fmul(y, y, &s2);
}

/*
 * Co-Z addition: P = (Xp, Yp) and D = (Xd, Yd) on the same Z, Xp != Xd.
 * With u = Xp - Xd, v = Yp - Yd, on the new Z u: D = (Xd u^2, Yd u^3) and
 * P + D = (v^2 - Xd u^2 - Xp u^2, v (Xd u^2 - X3) - Yd u^3); 5M + 2S.
 * In and out: magnitude 1.  *u gets the ratio of the Z.
 */
static MPC_NOINLINE void const_zaddu(mpc_fe *px, mpc_fe *py, mpc_fe *dx, mpc_fe *dy,
				     mpc_fe *u)
{
	mpc_fe v, t, n;

	mpc_fe_negate_inl(u, dx, 1);
	mpc_fe_add_inl(u, px);			/* 3 */
	mpc_fe_negate_inl(&v, dy, 1);
	mpc_fe_add_inl(&v, py);			/* 3 */
	fsqr(&t, u);
	fmul(dx, dx, &t);			/* Xd u^2 */
	fmul(px, px, &t);			/* Xp u^2 */
	mpc_fe_negate_inl(&t, dx, 1);
	mpc_fe_add_inl(&t, px);			/* 3: u^3 */
	fmul(dy, dy, &t);			/* Yd u^3 */
	fsqr(&t, &v);
	mpc_fe_negate_inl(&n, dx, 1);
	mpc_fe_add_inl(&t, &n);
	mpc_fe_negate_inl(&n, px, 1);
	mpc_fe_add_inl(&t, &n);			/* 5: X3 */
	mpc_fe_normalize_weak_inl(&t);
	*px = t;
	mpc_fe_negate_inl(&t, px, 1);
	mpc_fe_add_inl(&t, dx);			/* 3 */
	fmul(py, &v, &t);
	mpc_fe_negate_inl(&t, dy, 1);
	mpc_fe_add_inl(py, &t);			/* 3 */
	mpc_fe_normalize_weak_inl(py);
}

/*
 * tab[j] = (2j+1) A for j < CONST_TABLE, affine on the curve isomorphic
 * through *zg (see above).  A is public and finite: variable time is fine
 * (this code happens to have no branch at all).  The co-Z additions are
 * (2j-1) A + 2A, and (2j-1) A != +-2A (mod n) for j < 16.
 */
static MPC_NOINLINE void const_build_table(mpc_ge_storage *tab, mpc_fe *zg, const mpc_ge *a)
{
	mpc_fe zr[CONST_TABLE];			/* zr[j] = Z_j / Z_(j-1) */
	mpc_fe px, py, z;
	mpc_gej d;
	int j;

	/* D = 2A (Z = 2y), P = A on the same Z */
	mpc_gej_set_ge(&d, a);
	const_double(&d, &d);
	mpc_fe_normalize_weak_inl(&d.x);
	mpc_fe_normalize_weak_inl(&d.y);
	px = a->x;
	py = a->y;
	const_scale(&px, &py, &d.z);
	z = d.z;
	mpc_fe_to_storage(&tab[0].x, &px);
	mpc_fe_to_storage(&tab[0].y, &py);
	for (j = 1; j < CONST_TABLE; j++) {
		const_zaddu(&px, &py, &d.x, &d.y, &zr[j]);
		mpc_fe_mul(&z, &z, &zr[j]);
		mpc_fe_to_storage(&tab[j].x, &px);
		mpc_fe_to_storage(&tab[j].y, &py);
	}
	*zg = z;
	/* bring tab[j] from Z_j to Z_last: scale by zr[j+1] ... zr[last] */
	z = zr[CONST_TABLE - 1];
	for (j = CONST_TABLE - 2; j >= 0; j--) {
		mpc_fe_from_storage(&px, &tab[j].x);
		mpc_fe_from_storage(&py, &tab[j].y);
		const_scale(&px, &py, &z);
		mpc_fe_to_storage(&tab[j].x, &px);
		mpc_fe_to_storage(&tab[j].y, &py);
		if (j > 0)
			mpc_fe_mul(&z, &z, &zr[j]);
	}
}

/*
 * o1 = x (y if c) of tab[i1], o2 = that of tab[i2], reading every entry:
 * eight accumulators, which stay in registers; ct.
 */
static inline __attribute__((__always_inline__)) void
const_scan(uint64_t *o1, uint64_t *o2, const mpc_ge_storage *tab, int c,
	   unsigned int i1, unsigned int i2)
{
	uint64_t x0 = 0, x1 = 0, x2 = 0, x3 = 0, y0 = 0, y1 = 0, y2 = 0, y3 = 0;
	unsigned int i;

	for (i = 0; i < CONST_TABLE; i++) {
		const uint64_t *p = c ? tab[i].y.n : tab[i].x.n;
		uint64_t k1 = -mpc_value_barrier_u64((uint64_t)(i == i1));
		uint64_t k2 = -mpc_value_barrier_u64((uint64_t)(i == i2));

		x0 |= p[0] & k1;
		x1 |= p[1] & k1;
		x2 |= p[2] & k1;
		x3 |= p[3] & k1;
		y0 |= p[0] & k2;
		y1 |= p[1] & k2;
		y2 |= p[2] & k2;
		y3 |= p[3] & k2;
	}
	o1[0] = x0;
	o1[1] = x1;
	o1[2] = x2;
	o1[3] = x3;
	o2[0] = y0;
	o2[1] = y1;
	o2[2] = y2;
	o2[3] = y3;
}

/*
 * e1 = d_w T (sign flipped if n1), e2 = lambda (d'_w T) (flipped if n2):
 * the digits of window w of b1 and b2; one scan of the whole table, ct.
 */
static void const_lookup2(mpc_ge *e1, mpc_ge *e2, const mpc_ge_storage *tab,
			  const mpc_scalar *b1, const mpc_scalar *b2, int w, int n1, int n2)
{
	mpc_ge_storage s1, s2;
	mpc_fe ny;
	unsigned int m1, m2, t1, t2, i1, i2;

	/* digit 2m - 31: index (|d| - 1) / 2, negative when m < 16 */
	m1 = mpc_scalar_get_bits(b1, (unsigned int)(CONST_W * w), CONST_W);
	t1 = m1 >> (CONST_W - 1);
	i1 = (m1 ^ ((t1 - 1) & (CONST_TABLE - 1))) & (CONST_TABLE - 1);
	m2 = mpc_scalar_get_bits(b2, (unsigned int)(CONST_W * w), CONST_W);
	t2 = m2 >> (CONST_W - 1);
	i2 = (m2 ^ ((t2 - 1) & (CONST_TABLE - 1))) & (CONST_TABLE - 1);
	const_scan(s1.x.n, s2.x.n, tab, 0, i1, i2);
	const_scan(s1.y.n, s2.y.n, tab, 1, i1, i2);
	mpc_fe_from_storage(&e1->x, &s1.x);
	mpc_fe_from_storage(&e1->y, &s1.y);
	mpc_fe_negate_inl(&ny, &e1->y, 1);
	mpc_fe_cmov(&e1->y, &ny, (int)(t1 ^ 1) ^ n1);
	e1->infinity = 0;
	mpc_fe_from_storage(&e2->x, &s2.x);
	mpc_fe_from_storage(&e2->y, &s2.y);
	fmul(&e2->x, &e2->x, &fe_beta);
	mpc_fe_negate_inl(&ny, &e2->y, 1);
	mpc_fe_cmov(&e2->y, &ny, (int)(t2 ^ 1) ^ n2);
	e2->infinity = 0;
	memzero_explicit(&s1, sizeof(s1));
	memzero_explicit(&s2, sizeof(s2));
	memzero_explicit(&ny, sizeof(ny));
}

/* acc = K1 P_1 + K2 P_2, computed on the isomorphic curve of tab (Z = zg) */
static MPC_NOINLINE void const_ladder(mpc_gej *acc, const mpc_ge_storage *tab,
				      const mpc_fe *zg, const mpc_scalar *b1,
				      const mpc_scalar *b2, int n1, int n2)
{
	mpc_ge e1, e2;
	int w, i;

	const_lookup2(&e1, &e2, tab, b1, b2, CONST_WINDOWS - 1, n1, n2);
	mpc_gej_set_ge(acc, &e1);
	const_add_ge(acc, acc, &e2);
	for (w = CONST_WINDOWS - 2; w >= 0; w--) {
		for (i = 0; i < CONST_W; i++)
			const_double(acc, acc);
		const_lookup2(&e1, &e2, tab, b1, b2, w, n1, n2);
		if (w > 0) {
			const_add_ge(acc, acc, &e1);
			const_add_ge(acc, acc, &e2);
		} else {
			const_add_ge_complete(acc, acc, &e1);
			const_add_ge_complete(acc, acc, &e2);
		}
	}
	fmul(&acc->z, &acc->z, zg);		/* back to the real curve */
	acc->infinity = fe_is_zero_ct(&acc->z);
	memzero_explicit(&e1, sizeof(e1));
	memzero_explicit(&e2, sizeof(e2));
}

/*
 * Short vectors (u, v) with u + v lambda = 0 (mod n), one for each nonzero
 * parity class: (-a1, b1) (odd, odd), (c1, a1) (even, odd) and their sum
 * (b1, c1) (odd, even), c1 = a1 + b1 (the basis in the comment above).
 */
static const mpc_scalar const_neg_a1 = { {
	0xD765CDA83DB1562CULL, 0x8A280AC50774346DULL,
	0xFFFFFFFFFFFFFFFEULL, 0xFFFFFFFFFFFFFFFFULL } };
static const mpc_scalar const_a1 = { {
	0xE86C90E49284EB15ULL, 0x3086D221A7D46BCDULL, 0, 0 } };
static const mpc_scalar const_b1 = { {
	0x6F547FA90ABFE4C3ULL, 0xE4437ED6010E8828ULL, 0, 0 } };
static const mpc_scalar const_c1 = { {
	0x57C1108D9D44CFD8ULL, 0x14CA50F7A8E2F3F6ULL, 1, 0 } };

/*
 * b_i = recoded K_i, n_i = its sign (see above): k = k1 + k2 lambda, plus
 * the short vector of the parity class that makes both halves odd (q_i =
 * [k_i even], for the signed value: n is odd), then absolute values.  ct.
 */
static MPC_NOINLINE void const_split(mpc_scalar *b1, mpc_scalar *b2, int *n1, int *n2,
				     const mpc_scalar *k)
{
	mpc_scalar k1, k2, u, v;
	int q1, q2;

	mpc_scalar_split_lambda(&k1, &k2, k);
	q1 = (int)((k1.d[0] & 1) ^ 1) ^ mpc_scalar_is_high(&k1);
	q2 = (int)((k2.d[0] & 1) ^ 1) ^ mpc_scalar_is_high(&k2);
	mpc_scalar_set_int(&u, 0);
	mpc_scalar_set_int(&v, 0);
	mpc_scalar_cmov(&u, &const_neg_a1, q1 & q2);
	mpc_scalar_cmov(&v, &const_b1, q1 & q2);
	mpc_scalar_cmov(&u, &const_c1, (q1 ^ 1) & q2);
	mpc_scalar_cmov(&v, &const_a1, (q1 ^ 1) & q2);
	mpc_scalar_cmov(&u, &const_b1, q1 & (q2 ^ 1));
	mpc_scalar_cmov(&v, &const_c1, q1 & (q2 ^ 1));
	mpc_scalar_add(&k1, &k1, &u);
	mpc_scalar_add(&k2, &k2, &v);
	*n1 = mpc_scalar_is_high(&k1);
	mpc_scalar_cond_negate(&k1, *n1);
	*n2 = mpc_scalar_is_high(&k2);
	mpc_scalar_cond_negate(&k2, *n2);
	const_recode(b1, &k1);
	const_recode(b2, &k2);
	mpc_scalar_clear(&k1);
	mpc_scalar_clear(&k2);
	mpc_scalar_clear(&u);
	mpc_scalar_clear(&v);
}

void mpc_ecmult_const(mpc_gej *r, const mpc_ge *a, const mpc_scalar *k)
{
	mpc_ge_storage tab[CONST_TABLE];	/* public */
	mpc_scalar b1, b2;
	mpc_fe zg;
	int n1, n2;

	if (a->infinity) {
		mpc_gej_set_infinity(r);
		return;
	}
	const_split(&b1, &b2, &n1, &n2, k);
	const_build_table(tab, &zg, a);		/* a is not read after this */
	const_ladder(r, tab, &zg, &b1, &b2, n1, n2);
	mpc_scalar_clear(&b1);
	mpc_scalar_clear(&b2);
	memzero_explicit(&n1, sizeof(n1));
	memzero_explicit(&n2, sizeof(n2));
}

/* --- variable time: Strauss-wNAF with GLV ------------------------------------- */

/* wNAF of s (< 2^129), window w: digits odd in (-2^(w-1), 2^(w-1)). Returns length. */
static int wnaf_var(int16_t *wnaf, const mpc_scalar *s, int w)
{
	int bit = 0, last = 0, carry = 0;

	memset(wnaf, 0, WNAF_LEN * sizeof(*wnaf));
	while (bit < WNAF_LEN) {
		int now, word;

		if ((int)mpc_scalar_get_bits(s, (unsigned int)bit, 1) == carry) {
			bit++;
			continue;
		}
		now = w;
		if (now > WNAF_LEN - bit)
			now = WNAF_LEN - bit;
		word = (int)mpc_scalar_get_bits(s, (unsigned int)bit, (unsigned int)now) + carry;
		carry = (word >> (w - 1)) & 1;
		word -= carry << w;
		wnaf[bit] = (int16_t)word;
		last = bit + 1;
		bit += now;
	}
	return last;
}

struct ecmult_digits {
	int16_t a1[WNAF_LEN], a2[WNAF_LEN];
	int16_t g1[WNAF_LEN], g2[WNAF_LEN];
	int neg1, neg2;
	int len;
};

static void ge_from_table(mpc_ge *r, const mpc_ge_storage *tab, int d)
{
	mpc_ge_from_storage(r, &tab[((d < 0 ? -d : d) - 1) / 2]);
	if (d < 0)
		mpc_fe_negate_inl(&r->y, &r->y, 1);
}

static void ge_from_atable(mpc_ge *r, const mpc_ge *tab, const mpc_fe *xs, int d, int neg)
{
	int i = ((d < 0 ? -d : d) - 1) / 2;

	r->x = xs ? xs[i] : tab[i].x;
	r->y = tab[i].y;
	r->infinity = 0;
	if ((d < 0) ^ neg)
		mpc_fe_negate_inl(&r->y, &r->y, 1);
}

/*
 * ta[i] = (2i+1) A as affine points of the curve isomorphic through *zg
 * (Jacobian with the common Z = *zg on the real curve); bx[i] = beta * x.
 */
static __attribute__((__noinline__)) void build_a_table(mpc_ge *ta, mpc_fe *bx, mpc_fe *zg,
						    const mpc_gej *a)
{
	mpc_fe *zr = bx;	/* zr[i] = Z_i / Z_{i-1}, then reused for beta*x */
	mpc_fe zd2, zd3, t, t2, t3;
	mpc_gej dbl, p;
	mpc_ge d;
	int i;

	/* odd multiples of A on the curve where 2A is affine */
	mpc_gej_double_var(&dbl, a);
	d.x = dbl.x;
	d.y = dbl.y;
	d.infinity = 0;
	mpc_fe_sqr(&zd2, &dbl.z);
	mpc_fe_mul(&zd3, &zd2, &dbl.z);
	mpc_fe_mul(&p.x, &a->x, &zd2);
	mpc_fe_mul(&p.y, &a->y, &zd3);
	p.z = a->z;
	p.infinity = 0;
	ta[0].x = p.x;
	ta[0].y = p.y;
	for (i = 1; i < A_TABLE_SIZE; i++) {
		mpc_gej_add_ge_zr_var(&p, &p, &d, &zr[i]);
		ta[i].x = p.x;
		ta[i].y = p.y;
	}
	/* bring all to the last Z: scale P_i by (Z_last / Z_i) */
	mpc_fe_mul(zg, &p.z, &dbl.z);
	t = zr[A_TABLE_SIZE - 1];
	for (i = A_TABLE_SIZE - 2; i >= 0; i--) {
		mpc_fe_sqr(&t2, &t);
		mpc_fe_mul(&t3, &t2, &t);
		mpc_fe_mul(&ta[i].x, &ta[i].x, &t2);
		mpc_fe_mul(&ta[i].y, &ta[i].y, &t3);
		if (i > 0)
			mpc_fe_mul(&t, &t, &zr[i]);
	}
	for (i = 0; i < A_TABLE_SIZE; i++) {
		ta[i].infinity = 0;
		mpc_fe_normalize_weak_inl(&ta[i].x);
		mpc_fe_normalize_weak_inl(&ta[i].y);
		mpc_fe_mul(&bx[i], &ta[i].x, &fe_beta);
	}
}

static __attribute__((__noinline__)) void ecmult_strauss(mpc_gej *r, const mpc_gej *a,
						     const struct ecmult_digits *dg)
{
	mpc_ge ta[A_TABLE_SIZE];
	mpc_fe bx[A_TABLE_SIZE];
	mpc_fe zg;
	mpc_gej acc;
	mpc_ge e;
	int i, have_a = a != NULL;

	mpc_fe_set_int(&zg, 1);
	if (have_a)
		build_a_table(ta, bx, &zg, a);
	mpc_gej_set_infinity(&acc);
	for (i = dg->len - 1; i >= 0; i--) {
		int v;

		mpc_gej_double_var(&acc, &acc);
		if (have_a && (v = dg->a1[i])) {
			ge_from_atable(&e, ta, NULL, v, dg->neg1);
			mpc_gej_add_ge_var(&acc, &acc, &e);
		}
		if (have_a && (v = dg->a2[i])) {
			ge_from_atable(&e, ta, bx, v, dg->neg2);
			mpc_gej_add_ge_var(&acc, &acc, &e);
		}
		if ((v = dg->g1[i])) {
			ge_from_table(&e, g_table, v);
			mpc_gej_add_zr_ge_var(&acc, &acc, &e, &zg);
		}
		if ((v = dg->g2[i])) {
			ge_from_table(&e, g128_table, v);
			mpc_gej_add_zr_ge_var(&acc, &acc, &e, &zg);
		}
	}
	if (!acc.infinity)
		mpc_fe_mul(&acc.z, &acc.z, &zg);
	*r = acc;
}

void mpc_ecmult(mpc_gej *r, const mpc_gej *a, const mpc_scalar *na, const mpc_scalar *ng)
{
	struct ecmult_digits dg;
	mpc_scalar k1, k2;
	int l;

	dg.len = 0;
	dg.neg1 = dg.neg2 = 0;
	memset(dg.a1, 0, sizeof(dg.a1));
	memset(dg.a2, 0, sizeof(dg.a2));
	memset(dg.g1, 0, sizeof(dg.g1));
	memset(dg.g2, 0, sizeof(dg.g2));
	if (na && a && !a->infinity && !mpc_scalar_is_zero(na)) {
		mpc_scalar_split_lambda(&k1, &k2, na);
		if (mpc_scalar_is_high(&k1)) {
			mpc_scalar_negate(&k1, &k1);
			dg.neg1 = 1;
		}
		if (mpc_scalar_is_high(&k2)) {
			mpc_scalar_negate(&k2, &k2);
			dg.neg2 = 1;
		}
		l = wnaf_var(dg.a1, &k1, WINDOW_A);
		if (l > dg.len)
			dg.len = l;
		l = wnaf_var(dg.a2, &k2, WINDOW_A);
		if (l > dg.len)
			dg.len = l;
	} else {
		a = NULL;
	}
	if (ng && !mpc_scalar_is_zero(ng)) {
		k1.d[0] = ng->d[0];
		k1.d[1] = ng->d[1];
		k1.d[2] = k1.d[3] = 0;
		k2.d[0] = ng->d[2];
		k2.d[1] = ng->d[3];
		k2.d[2] = k2.d[3] = 0;
		l = wnaf_var(dg.g1, &k1, MPC_WINDOW_G);
		if (l > dg.len)
			dg.len = l;
		l = wnaf_var(dg.g2, &k2, MPC_WINDOW_G);
		if (l > dg.len)
			dg.len = l;
	}
	ecmult_strauss(r, a, &dg);
}

/*
 * ecmult_multi_var: Strauss over batches of up to MULTI_BATCH points sharing
 * the doublings (and one field inversion per batch: the tables of the whole
 * batch are made affine together).  Per point: 8 odd multiples (window 5);
 * a scalar k with k or -k below 2^128 (e.g. a batch-verification
 * randomizer) gets one wNAF, any other is split with GLV into two ~128-bit
 * halves, the lambda half using the table's (beta*x, y).  ng*G is added in
 * the first batch's loop from the G and 2^128 G tables (window 15), so it
 * costs no doublings of its own.  The workspace is sized for
 * min(count, MULTI_BATCH) points.
 */
#define MULTI_BATCH 64
#ifndef MULTI_WINDOW
#define MULTI_WINDOW 5
#endif
#define MULTI_TAB (1 << (MULTI_WINDOW - 2))

struct multi_ent {
	uint32_t pt;		/* table of point pt */
	uint8_t lam;		/* use (beta*x, y) */
	uint8_t neg;		/* negate the digits */
};

struct multi_ws {
	mpc_gej *tj;		/* cap * MULTI_TAB */
	mpc_ge *ta;		/* cap * MULTI_TAB */
	mpc_fe *bx;		/* cap * MULTI_TAB: beta * ta[].x */
	int16_t *wnaf;		/* (2 cap + 2) * WNAF_LEN; the last two for G */
	struct multi_ent *ent;	/* 2 cap */
	size_t size;
};

static void *multi_ws_alloc(struct multi_ws *ws, size_t cap)
{
	size_t nt = cap * MULTI_TAB, o_ta, o_bx, o_w, o_e;
	uint8_t *b;

	o_ta = sizeof(mpc_gej) * nt;
	o_bx = o_ta + sizeof(mpc_ge) * nt;
	o_w = o_bx + sizeof(mpc_fe) * nt;
	o_e = o_w + sizeof(int16_t) * WNAF_LEN * (2 * cap + 2);
	o_e = (o_e + 7) & ~(size_t)7;
	ws->size = o_e + sizeof(struct multi_ent) * 2 * cap;
	b = mpc_alloc(ws->size);
	if (!b)
		return NULL;
	ws->tj = (mpc_gej *)b;
	ws->ta = (mpc_ge *)(b + o_ta);
	ws->bx = (mpc_fe *)(b + o_bx);
	ws->wnaf = (int16_t *)(b + o_w);
	ws->ent = (struct multi_ent *)(b + o_e);
	return b;
}

/* 1 if a < 2^128 */
static int scalar_is_short(const mpc_scalar *a)
{
	return (a->d[2] | a->d[3]) == 0;
}

/* wNAFs (and the entry list) of one point's scalar; returns the longest. */
static int multi_digits(struct multi_ws *ws, size_t *ne, uint32_t m, const mpc_scalar *sc)
{
	mpc_scalar k[2];
	int nk = 1, h, len = 0;

	k[0] = *sc;
	ws->ent[*ne].neg = 0;
	if (!scalar_is_short(&k[0])) {
		mpc_scalar_negate(&k[1], &k[0]);
		if (scalar_is_short(&k[1])) {
			k[0] = k[1];
			ws->ent[*ne].neg = 1;
		} else {
			mpc_scalar_split_lambda(&k[0], &k[1], sc);
			nk = 2;
		}
	}
	for (h = 0; h < nk; h++) {
		struct multi_ent *e = &ws->ent[*ne];
		int l;

		if (nk == 2) {
			e->neg = (uint8_t)mpc_scalar_is_high(&k[h]);
			if (e->neg)
				mpc_scalar_negate(&k[h], &k[h]);
		}
		e->pt = m;
		e->lam = (uint8_t)h;
		l = wnaf_var(ws->wnaf + WNAF_LEN * *ne, &k[h], MULTI_WINDOW);
		if (l > len)
			len = l;
		(*ne)++;
	}
	return len;
}

/*
 * t[j] = (2j+1) p, Jacobian.  The additions of 2p are mixed (cheaper):
 * with Z = the Z of 2p they run on the isomorphic curve where 2p is affine,
 * and each Z is multiplied by Z at the end to come back.
 */
static void multi_odd_multiples(mpc_gej *t, const mpc_ge *p)
{
	mpc_gej dbl;
	mpc_ge d;
	mpc_fe z2, z3;
	int j;

	mpc_gej_set_ge(&t[0], p);
	mpc_gej_double_var(&dbl, &t[0]);
	d.x = dbl.x;
	d.y = dbl.y;
	d.infinity = 0;
	mpc_fe_sqr(&z2, &dbl.z);
	mpc_fe_mul(&z3, &z2, &dbl.z);
	mpc_fe_mul(&t[0].x, &p->x, &z2);
	mpc_fe_mul(&t[0].y, &p->y, &z3);
	for (j = 1; j < MULTI_TAB; j++)
		mpc_gej_add_ge_var(&t[j], &t[j - 1], &d);
	t[0].z = dbl.z;
	for (j = 1; j < MULTI_TAB; j++)
		mpc_fe_mul(&t[j].z, &t[j].z, &dbl.z);
}

static __attribute__((__noinline__)) void multi_batch(mpc_gej *r, struct multi_ws *ws,
						      const mpc_ge *pt, const mpc_scalar *sc,
						      size_t count, const mpc_scalar *ng)
{
	int16_t *g1, *g2;	/* after the 2 count rows of the points */
	size_t i, m = 0, ne = 0;
	int len = 0, bit, j, l, have_g = 0;
	mpc_gej acc;
	mpc_ge e;

	g1 = ws->wnaf + WNAF_LEN * 2 * count;
	g2 = g1 + WNAF_LEN;
	for (i = 0; i < count; i++) {
		mpc_gej *t = ws->tj + m * MULTI_TAB;

		if (pt[i].infinity || mpc_scalar_is_zero(&sc[i]))
			continue;
		l = multi_digits(ws, &ne, (uint32_t)m, &sc[i]);
		if (l > len)
			len = l;
		multi_odd_multiples(t, &pt[i]);
		m++;
	}
	if (ng && !mpc_scalar_is_zero(ng)) {
		mpc_scalar k1, k2;

		k1.d[0] = ng->d[0];
		k1.d[1] = ng->d[1];
		k1.d[2] = k1.d[3] = 0;
		k2.d[0] = ng->d[2];
		k2.d[1] = ng->d[3];
		k2.d[2] = k2.d[3] = 0;
		l = wnaf_var(g1, &k1, MPC_WINDOW_G);
		if (l > len)
			len = l;
		l = wnaf_var(g2, &k2, MPC_WINDOW_G);
		if (l > len)
			len = l;
		have_g = 1;
	}
	mpc_gej_set_infinity(r);
	if (!m && !have_g)
		return;
	if (m) {
		mpc_ge_set_all_gej_var(ws->ta, ws->tj, m * MULTI_TAB);
		for (i = 0; i < ne; i++) {
			size_t o = (size_t)ws->ent[i].pt * MULTI_TAB;

			if (!ws->ent[i].lam)
				continue;
			for (j = 0; j < MULTI_TAB; j++)
				mpc_fe_mul(&ws->bx[o + j], &ws->ta[o + j].x, &fe_beta);
		}
	}
	mpc_gej_set_infinity(&acc);
	for (bit = len - 1; bit >= 0; bit--) {
		int v;

		mpc_gej_double_var(&acc, &acc);
		for (i = 0; i < ne; i++) {
			const struct multi_ent *en = &ws->ent[i];
			size_t o;

			v = ws->wnaf[WNAF_LEN * i + (size_t)bit];
			if (!v)
				continue;
			o = (size_t)en->pt * MULTI_TAB + (size_t)(((v < 0 ? -v : v) - 1) / 2);
			e.x = en->lam ? ws->bx[o] : ws->ta[o].x;
			e.y = ws->ta[o].y;
			e.infinity = 0;
			if ((v < 0) ^ en->neg)
				mpc_fe_negate_inl(&e.y, &e.y, 1);
			mpc_gej_add_ge_var(&acc, &acc, &e);
		}
		if (!have_g)
			continue;
		if ((v = g1[bit])) {
			ge_from_table(&e, g_table, v);
			mpc_gej_add_ge_var(&acc, &acc, &e);
		}
		if ((v = g2[bit])) {
			ge_from_table(&e, g128_table, v);
			mpc_gej_add_ge_var(&acc, &acc, &e);
		}
	}
	*r = acc;
}

int mpc_ecmult_multi_var(mpc_gej *r, const mpc_ge *pt, const mpc_scalar *sc,
			 size_t count, const mpc_scalar *ng)
{
	struct multi_ws ws;
	mpc_gej acc, t;
	size_t i, cap = count < MULTI_BATCH ? count : MULTI_BATCH;
	void *mem;

	if (!count) {
		mpc_ecmult(r, NULL, NULL, ng);
		return 0;
	}
	mem = multi_ws_alloc(&ws, cap);
	if (!mem)
		return -ENOMEM;
	mpc_gej_set_infinity(&acc);
	for (i = 0; i < count; i += MULTI_BATCH) {
		size_t c = count - i < MULTI_BATCH ? count - i : MULTI_BATCH;

		multi_batch(&t, &ws, pt + i, sc + i, c, i ? NULL : ng);
		mpc_gej_add_var(&acc, &acc, &t);
	}
	mpc_free_sensitive(mem, ws.size);
	*r = acc;
	return 0;
}
