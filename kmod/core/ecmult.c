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
 * mpc_ecmult_const (secret k, any point): k = k1 + k2*lambda (GLV, both
 * halves made positive by conditional negation and odd by adding 1, undone
 * at the end by a conditional subtraction); each half uses the same +-1
 * digit trick as the comb on 33 windows of 4 bits (odd digits -15..15), a
 * table of 8 odd multiples of A scanned in full (lambda*P = (beta*x, y) for
 * the second half), complete projective formulas.
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
 * b = (k + 2^CONST_L - 1) / 2 as an integer, k odd and < 2^129: then
 * sum_{i < CONST_L} (2 b_i - 1) 2^i = k.  Plain 4x64 arithmetic, ct.
 */
#define CONST_L 132
#define CONST_WINDOWS (CONST_L / 4)

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

/* e = +-tab[idx] (sign: neg), X multiplied by beta if lam; full scan, ct */
static void const_lookup(mpc_gep *e, const mpc_gep *tab, unsigned int idx, int neg, int lam)
{
	mpc_fe ny, bx;
	unsigned int i;

	*e = tab[0];
	for (i = 1; i < 8; i++)
		mpc_gep_cmov(e, &tab[i], (int)(i == idx));
	mpc_fe_normalize_weak_inl(&e->y);
	mpc_fe_negate_inl(&ny, &e->y, 1);
	mpc_fe_cmov(&e->y, &ny, neg);
	if (lam) {
		mpc_fe_mul(&bx, &e->x, &fe_beta);
		e->x = bx;
	}
}

/* acc = sum of the two digit expansions over tab (A) and lambda*tab */
static __attribute__((__noinline__)) void const_ladder(mpc_gep *acc, const mpc_gep *tab,
						   const mpc_scalar *b1, const mpc_scalar *b2,
						   int n1, int n2)
{
	mpc_gep e;
	int w;

	mpc_gep_set_infinity(acc);
	for (w = CONST_WINDOWS - 1; w >= 0; w--) {
		unsigned int m, top, idx;

		if (w != CONST_WINDOWS - 1) {
			mpc_gep_double(acc, acc);
			mpc_gep_double(acc, acc);
			mpc_gep_double(acc, acc);
			mpc_gep_double(acc, acc);
		}
		/* digit 2m - 15: index (|d| - 1) / 2, negative when m < 8 */
		m = mpc_scalar_get_bits(b1, (unsigned int)(4 * w), 4);
		top = m >> 3;
		idx = (m ^ ((top - 1) & 7)) & 7;
		const_lookup(&e, tab, idx, (int)(top ^ 1) ^ n1, 0);
		mpc_gep_add(acc, acc, &e);
		m = mpc_scalar_get_bits(b2, (unsigned int)(4 * w), 4);
		top = m >> 3;
		idx = (m ^ ((top - 1) & 7)) & 7;
		const_lookup(&e, tab, idx, (int)(top ^ 1) ^ n2, 1);
		mpc_gep_add(acc, acc, &e);
	}
	memzero_explicit(&e, sizeof(e));
}

void mpc_ecmult_const(mpc_gej *r, const mpc_ge *a, const mpc_scalar *k)
{
	mpc_gep tab[8], acc, t;
	mpc_scalar k1, k2, one, b1, b2;
	mpc_ge c;
	int i, n1, n2, e1, e2;

	if (a->infinity) {
		mpc_gej_set_infinity(r);
		return;
	}
	/* k = k1 + k2 lambda; make both halves positive (< 2^128) and odd */
	mpc_scalar_split_lambda(&k1, &k2, k);
	n1 = mpc_scalar_is_high(&k1);
	mpc_scalar_cond_negate(&k1, n1);
	n2 = mpc_scalar_is_high(&k2);
	mpc_scalar_cond_negate(&k2, n2);
	e1 = (int)((k1.d[0] & 1) ^ 1);
	e2 = (int)((k2.d[0] & 1) ^ 1);
	mpc_scalar_set_int(&one, (unsigned int)e1);
	mpc_scalar_add(&k1, &k1, &one);
	mpc_scalar_set_int(&one, (unsigned int)e2);
	mpc_scalar_add(&k2, &k2, &one);
	const_recode(&b1, &k1);
	const_recode(&b2, &k2);

	/* odd multiples (2i+1) A */
	mpc_gep_set_ge(&tab[0], a);
	mpc_gep_double(&t, &tab[0]);
	for (i = 1; i < 8; i++)
		mpc_gep_add(&tab[i], &tab[i - 1], &t);

	/* (+-k1') A + (+-k2') lambda A */
	const_ladder(&acc, tab, &b1, &b2, n1, n2);

	/* undo the +1 of even halves: subtract (+-A) and (+-lambda A) */
	c = *a;
	mpc_fe_negate_inl(&c.y, &a->y, 1);
	mpc_fe_normalize_weak_inl(&c.y);
	mpc_fe_cmov(&c.y, &a->y, n1);		/* -(+-A) */
	mpc_gep_add_ge(&t, &acc, &c);
	mpc_gep_cmov(&acc, &t, e1);
	c = *a;
	mpc_fe_mul(&c.x, &a->x, &fe_beta);
	mpc_fe_normalize_weak_inl(&c.x);
	mpc_fe_negate_inl(&c.y, &a->y, 1);
	mpc_fe_normalize_weak_inl(&c.y);
	mpc_fe_cmov(&c.y, &a->y, n2);		/* -(+-lambda A) */
	mpc_gep_add_ge(&t, &acc, &c);
	mpc_gep_cmov(&acc, &t, e2);

	mpc_gej_set_gep(r, &acc);
	mpc_scalar_clear(&k1);
	mpc_scalar_clear(&k2);
	mpc_scalar_clear(&b1);
	mpc_scalar_clear(&b2);
	memzero_explicit(&acc, sizeof(acc));
	memzero_explicit(&t, sizeof(t));
	memzero_explicit(tab, sizeof(tab));
	memzero_explicit(&c, sizeof(c));
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
