/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * field_impl.h - inline 5x52 multiplication and squaring (internal to the
 * curve code: field.c, group.c, ecmult*.c).  See field.c for the magnitude
 * rules: inputs of magnitude <= 32, output magnitude 1.
 *
 * Method.  With limbs of 52 bits, the product has 9 columns
 * C_k = sum_{i+j=k} a_i b_j at weights 2^(52 k).  Every column is formed
 * independently; nothing below runs a carry across more than three columns,
 * and the two carry chains that remain are independent until the last adds.
 *   1. Fold at 64-bit boundaries, in parallel.  Write C_k = l_k + 2^64 u_k
 *      (the two halves of the 128-bit sum: no shift needed).  Since
 *      2^260 = R4 = 0x1000003D10 and 2^272 = R16 = R4 2^12 (mod p),
 *        l_k (k = 5..8) moves to column k - 5 as R4 l_k,
 *        u_k (k = 4..8) moves to column k - 4 as R16 u_k,
 *      which gives five 128-bit sums, each of them only 1-3 additions deep:
 *        D_0 = C_0 + R4 l_5 + R16 u_4     D_3 = C_3 + R4 l_8 + R16 u_7
 *        D_1 = C_1 + R4 l_6 + R16 u_5     D_4 = l_4 + R16 u_8
 *        D_2 = C_2 + R4 l_7 + R16 u_6
 *      and the product is D_0 + D_1 2^52 + ... + D_4 2^208 (mod p).
 *   2. Chain A carries D_0 -> D_1 -> D_2 (52-bit digits e_0, e_1, e_2) and
 *      leaves a carry c_A at weight 2^156; chain B, at the same time,
 *      carries D_3 -> D_4 (digit e_3 and the 48 bits e_4 of limb 4) and
 *      leaves top = the part above 2^256.  Chain B is short because D_4 is
 *      small (u_4 went to column 0), so top fits in 64 bits.
 *   3. Merge with 64-bit adds only: c_A is split at 52 bits between limbs
 *      3 and 4; top (2^32 + 977) is y = 977 top + (top mod 2^20) 2^32 plus
 *      (top >> 20) 2^52, and y is split at 52 bits between limbs 0 and 1.
 *      No output limb is carried again.
 * Bounds at magnitude 32 (limbs a_i <= 64 (2^52 - 1) < 2^58, a_4 <= 64
 * (2^48 - 1) < 2^54; the squaring columns are the same numbers): C_k <
 * 2^118 for every k, C_8 < 2^108, so u_4..u_8 < 2^54, 2^54, 2^53, 2^49,
 * 2^44; R4 l_k < 2^101, R16 u_k < 2^103, hence D_0..D_3 < 2^119 and D_4 <
 * 2^64 + 2^93 < 2^94.  Chain A: D_1 + (D_0 >> 52) < 2^118 and D_2 + that
 * >> 52 < 2^118, so c_A < 2^66 and its part above 52 bits is < 2^14.  Chain
 * B: D_4 + (D_3 >> 52) < 2^93, so top < 2^45, y < 2^55 and (y >> 52) +
 * (top >> 20) < 2^26.  Output: limb 0 = e_0 + (y mod 2^52) and limb 3 = e_3
 * + (c_A mod 2^52) are <= 2 (2^52 - 1); limb 1 < 2^52 + 2^26, limb 2 < 2^52,
 * limb 4 < 2^48 + 2^14: magnitude 1 (limbs 0-3 <= 2^53 - 2, limb 4 <=
 * 2^49 - 2).
 * Cost: 9 multiplications for the fold (instead of 5 with a carried high
 * half) buy a critical path of three 128-bit carry steps instead of five.
 */
#ifndef MPC_FIELD_IMPL_H
#define MPC_FIELD_IMPL_H

#include "field.h"

#define MPC_FE_M52 0xFFFFFFFFFFFFFULL
#define MPC_FE_M48 0xFFFFFFFFFFFFULL
#define MPC_FE_R4 0x1000003D10ULL	/* 2^260 mod p */
#define MPC_FE_R16 0x1000003D10000ULL	/* 2^272 mod p = R4 2^12 */
#define MPC_FE_R 0x1000003D1ULL		/* 2^256 mod p */

typedef mpc_u128 mpc_fe_col;

/* halves of a column, and a 64 x 64 -> 128 product with a fold constant */
#define MPC_FE_LO(x) ((uint64_t)(x))
#define MPC_FE_HI(x) ((uint64_t)((x) >> 64))
#define MPC_FE_W(x, k) ((mpc_fe_col)(x) * (k))

/*
 * Steps 1-3 above.  The caller computes the column sums, in an order found
 * by measurement (the columns that feed D_0, D_3 and D_4 first).
 */
#define MPC_FE_FOLD(out, c0, c1, c2, c3, c4, c5, c6, c7, c8)			\
do {										\
	const uint64_t m52_ = MPC_FE_M52;					\
	mpc_fe_col d0_, d1_, d2_, d3_, d4_;					\
	uint64_t e0_, e1_, e2_, e3_, e4_, top_, y_, ca_, cb_;			\
										\
	d3_ = (c3) + MPC_FE_W(MPC_FE_LO(c8), MPC_FE_R4) +			\
		MPC_FE_W(MPC_FE_HI(c7), MPC_FE_R16);				\
	d4_ = (mpc_fe_col)MPC_FE_LO(c4) + MPC_FE_W(MPC_FE_HI(c8), MPC_FE_R16);	\
	d0_ = (c0) + MPC_FE_W(MPC_FE_LO(c5), MPC_FE_R4) +			\
		MPC_FE_W(MPC_FE_HI(c4), MPC_FE_R16);				\
	d1_ = (c1) + MPC_FE_W(MPC_FE_LO(c6), MPC_FE_R4) +			\
		MPC_FE_W(MPC_FE_HI(c5), MPC_FE_R16);				\
	d2_ = (c2) + MPC_FE_W(MPC_FE_LO(c7), MPC_FE_R4) +			\
		MPC_FE_W(MPC_FE_HI(c6), MPC_FE_R16);				\
	/* chain B: columns 3, 4 */						\
	e3_ = MPC_FE_LO(d3_) & m52_;						\
	d4_ += d3_ >> 52;							\
	e4_ = MPC_FE_LO(d4_) & MPC_FE_M48;					\
	top_ = (uint64_t)(d4_ >> 48);						\
	/* chain A: columns 0, 1, 2 */						\
	e0_ = MPC_FE_LO(d0_) & m52_;						\
	d1_ += d0_ >> 52;							\
	e1_ = MPC_FE_LO(d1_) & m52_;						\
	d2_ += d1_ >> 52;							\
	e2_ = MPC_FE_LO(d2_) & m52_;						\
	ca_ = (uint64_t)(d2_ >> 52) & m52_;					\
	cb_ = (uint64_t)(d2_ >> 104);						\
	/* merge */								\
	y_ = top_ * 977 + ((top_ & 0xFFFFF) << 32);				\
	(out)[0] = e0_ + (y_ & m52_);						\
	(out)[1] = e1_ + (y_ >> 52) + (top_ >> 20);				\
	(out)[2] = e2_;								\
	(out)[3] = e3_ + ca_;							\
	(out)[4] = e4_ + cb_;							\
} while (0)

#define MPC_P(x, y) ((mpc_fe_col)(x) * (y))

static inline __attribute__((__always_inline__)) void mpc_fe_mul_inner(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
	uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
	uint64_t b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4];
	mpc_fe_col c0, c1, c2, c3, c4, c5, c6, c7, c8;

	c4 = MPC_P(a0, b4) + MPC_P(a1, b3) + MPC_P(a2, b2) + MPC_P(a3, b1) + MPC_P(a4, b0);
	c5 = MPC_P(a1, b4) + MPC_P(a2, b3) + MPC_P(a3, b2) + MPC_P(a4, b1);
	c0 = MPC_P(a0, b0);
	c8 = MPC_P(a4, b4);
	c7 = MPC_P(a3, b4) + MPC_P(a4, b3);
	c3 = MPC_P(a0, b3) + MPC_P(a1, b2) + MPC_P(a2, b1) + MPC_P(a3, b0);
	c6 = MPC_P(a2, b4) + MPC_P(a3, b3) + MPC_P(a4, b2);
	c1 = MPC_P(a0, b1) + MPC_P(a1, b0);
	c2 = MPC_P(a0, b2) + MPC_P(a1, b1) + MPC_P(a2, b0);
	MPC_FE_FOLD(r, c0, c1, c2, c3, c4, c5, c6, c7, c8);
}

/* Squaring: the same columns, each cross product a_i a_j (i != j) once, doubled. */
static inline __attribute__((__always_inline__)) void mpc_fe_sqr_inner(uint64_t *r, const uint64_t *a)
{
	uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
	uint64_t w0 = 2 * a0, w1 = 2 * a1, w2 = 2 * a2, w3 = 2 * a3;
	mpc_fe_col c0, c1, c2, c3, c4, c5, c6, c7, c8;

	c8 = MPC_P(a4, a4);
	c7 = MPC_P(w3, a4);
	c3 = MPC_P(w0, a3) + MPC_P(w1, a2);
	c4 = MPC_P(w0, a4) + MPC_P(w1, a3) + MPC_P(a2, a2);
	c5 = MPC_P(w1, a4) + MPC_P(w2, a3);
	c0 = MPC_P(a0, a0);
	c6 = MPC_P(w2, a4) + MPC_P(a3, a3);
	c1 = MPC_P(w0, a1);
	c2 = MPC_P(w0, a2) + MPC_P(a1, a1);
	MPC_FE_FOLD(r, c0, c1, c2, c3, c4, c5, c6, c7, c8);
}

#undef MPC_P

/* Inline versions of the cheap operations for hot loops. */
static inline void mpc_fe_add_inl(mpc_fe *r, const mpc_fe *a)
{
	r->n[0] += a->n[0];
	r->n[1] += a->n[1];
	r->n[2] += a->n[2];
	r->n[3] += a->n[3];
	r->n[4] += a->n[4];
}

static inline void mpc_fe_negate_inl(mpc_fe *r, const mpc_fe *a, int m)
{
	uint64_t m2 = 2 * ((uint64_t)m + 1);

	r->n[0] = m2 * 0xFFFFEFFFFFC2FULL - a->n[0];
	r->n[1] = m2 * MPC_FE_M52 - a->n[1];
	r->n[2] = m2 * MPC_FE_M52 - a->n[2];
	r->n[3] = m2 * MPC_FE_M52 - a->n[3];
	r->n[4] = m2 * MPC_FE_M48 - a->n[4];
}

static inline void mpc_fe_mul_int_inl(mpc_fe *r, uint64_t k)
{
	r->n[0] *= k;
	r->n[1] *= k;
	r->n[2] *= k;
	r->n[3] *= k;
	r->n[4] *= k;
}

static inline void mpc_fe_normalize_weak_inl(mpc_fe *r)
{
	uint64_t t0 = r->n[0], t1 = r->n[1], t2 = r->n[2], t3 = r->n[3], t4 = r->n[4];
	uint64_t x = t4 >> 48;

	t4 &= MPC_FE_M48;
	t0 += x * MPC_FE_R;
	t1 += t0 >> 52; t0 &= MPC_FE_M52;
	t2 += t1 >> 52; t1 &= MPC_FE_M52;
	t3 += t2 >> 52; t2 &= MPC_FE_M52;
	t4 += t3 >> 52; t3 &= MPC_FE_M52;
	r->n[0] = t0; r->n[1] = t1; r->n[2] = t2; r->n[3] = t3; r->n[4] = t4;
}

static inline void mpc_fe_from_storage(mpc_fe *r, const mpc_fe_storage *a)
{
	r->n[0] = a->n[0] & MPC_FE_M52;
	r->n[1] = (a->n[0] >> 52 | a->n[1] << 12) & MPC_FE_M52;
	r->n[2] = (a->n[1] >> 40 | a->n[2] << 24) & MPC_FE_M52;
	r->n[3] = (a->n[2] >> 28 | a->n[3] << 36) & MPC_FE_M52;
	r->n[4] = a->n[3] >> 16;
}

#endif
