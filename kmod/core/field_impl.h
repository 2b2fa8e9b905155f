/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * field_impl.h - inline 5x52 multiplication and squaring (internal to the
 * curve code: field.c, group.c, ecmult*.c).  See field.c for the magnitude
 * rules: inputs of magnitude <= 32, output magnitude 1.
 *
 * Method.  With limbs of 52 bits, the product has 9 columns
 * C_k = sum_{i+j=k} a_i b_j at weights 2^(52 k), and 2^260 = R4 (mod p)
 * with R4 = 2^4 * (2^32 + 977) = 0x1000003D10.  We write the product as
 * L + 2^260 H, where L = C_0 + ... + C_3 2^156 + (C_4 mod 2^52) 2^208 and
 * H = floor(C_4 / 2^52) + C_5 + C_6 2^52 + C_7 2^104 + C_8 2^156, so that
 * the product is L + R4 H (mod p).
 *   1. H is carried into digits h_0..h_4 by one 128-bit accumulator running
 *      up through C_5..C_8; the part of C_4 above 2^52 (< 2^67) is not put
 *      in front of that chain (which would wait for C_4) but added to the
 *      digits h_0 and h_1 directly (h_0 < 2^53, h_1 < 2^52 + 2^15, h_4 <
 *      2^57: 52-bit digits, but for these small excesses).
 *   2. A second accumulator runs up through the five columns of L, adding
 *      R4 h_k to column k as each h_k appears (the two chains interleave).
 *   3. The top limb is cut at 48 bits (weight 2^256); what is above it (a
 *      number below 2^47) times 2^256 = 2^32 + 977 goes back into limbs 0
 *      and 1, in 64-bit arithmetic.
 * Bounds at magnitude 32 (limbs < 2^58, top limb < 2^54): every C_k <
 * 5 * 2^116 < 2^119, both accumulators stay below 2^120, h_4 < 2^57, the
 * last column is below 2^95, and the result has limbs 0, 2, 3 < 2^52,
 * limb 1 < 2^52 + 2^28 and limb 4 < 2^48: magnitude 1.
 */
#ifndef MPC_FIELD_IMPL_H
#define MPC_FIELD_IMPL_H

#include "field.h"

#define MPC_FE_M52 0xFFFFFFFFFFFFFULL
#define MPC_FE_M48 0xFFFFFFFFFFFFULL
#define MPC_FE_R4 0x1000003D10ULL	/* 2^260 mod p */
#define MPC_FE_R 0x1000003D1ULL		/* 2^256 mod p */

typedef mpc_u128 mpc_fe_col;

/*
 * Steps 1-3 above.  The column sums are macro arguments so that each is
 * computed where it is first needed (C4, then C5 and C0, C6 and C1, ...):
 * the compiler keeps only a few 128-bit values live at a time.
 */
#define MPC_FE_FOLD(out, C0, C1, C2, C3, C4, C5, C6, C7, C8)			\
do {										\
	const uint64_t m52_ = MPC_FE_M52;					\
	mpc_fe_col hi_, lo_;							\
	uint64_t dig_, low4_, ex0_, ex1_, top_, o0_, o1_, o2_, o3_;		\
										\
	lo_ = (C4);								\
	low4_ = (uint64_t)lo_ & m52_;						\
	ex0_ = (uint64_t)(lo_ >> 52) & m52_;					\
	ex1_ = (uint64_t)(lo_ >> 104);		/* < 2^15 */			\
	hi_ = (C5);								\
	dig_ = ((uint64_t)hi_ & m52_) + ex0_;		/* h_0 */		\
	hi_ >>= 52;								\
	lo_ = (C0) + (mpc_fe_col)dig_ * MPC_FE_R4;				\
	o0_ = (uint64_t)lo_ & m52_;						\
	lo_ >>= 52;								\
	hi_ += (C6);								\
	dig_ = ((uint64_t)hi_ & m52_) + ex1_;		/* h_1 */		\
	hi_ >>= 52;								\
	lo_ += (C1) + (mpc_fe_col)dig_ * MPC_FE_R4;				\
	o1_ = (uint64_t)lo_ & m52_;						\
	lo_ >>= 52;								\
	hi_ += (C7);								\
	dig_ = (uint64_t)hi_ & m52_;			/* h_2 */		\
	hi_ >>= 52;								\
	lo_ += (C2) + (mpc_fe_col)dig_ * MPC_FE_R4;				\
	o2_ = (uint64_t)lo_ & m52_;						\
	lo_ >>= 52;								\
	hi_ += (C8);								\
	dig_ = (uint64_t)hi_ & m52_;			/* h_3 */		\
	hi_ >>= 52;					/* h_4 < 2^57 */	\
	lo_ += (C3) + (mpc_fe_col)dig_ * MPC_FE_R4;				\
	o3_ = (uint64_t)lo_ & m52_;						\
	lo_ >>= 52;								\
	lo_ += (mpc_fe_col)low4_ + (mpc_fe_col)(uint64_t)hi_ * MPC_FE_R4;	\
	(out)[4] = (uint64_t)lo_ & MPC_FE_M48;					\
	top_ = (uint64_t)(lo_ >> 48);		/* < 2^47, weight 2^256 */	\
	/* top (2^32 + 977): 977 top and the low 20 bits of top, shifted by \
	 * 32, stay in limb 0 (< 2^58); top >> 20 goes to limb 1 */		\
	o0_ += top_ * 977 + ((top_ & 0xFFFFF) << 32);				\
	(out)[0] = o0_ & m52_;							\
	(out)[1] = o1_ + (top_ >> 20) + (o0_ >> 52);				\
	(out)[2] = o2_;								\
	(out)[3] = o3_;								\
} while (0)

#define MPC_P(x, y) ((mpc_fe_col)(x) * (y))

static inline __attribute__((__always_inline__)) void mpc_fe_mul_inner(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
	uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
	uint64_t b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4];

	MPC_FE_FOLD(r,
		MPC_P(a0, b0),
		MPC_P(a0, b1) + MPC_P(a1, b0),
		MPC_P(a0, b2) + MPC_P(a1, b1) + MPC_P(a2, b0),
		MPC_P(a0, b3) + MPC_P(a1, b2) + MPC_P(a2, b1) + MPC_P(a3, b0),
		MPC_P(a0, b4) + MPC_P(a1, b3) + MPC_P(a2, b2) + MPC_P(a3, b1) + MPC_P(a4, b0),
		MPC_P(a1, b4) + MPC_P(a2, b3) + MPC_P(a3, b2) + MPC_P(a4, b1),
		MPC_P(a2, b4) + MPC_P(a3, b3) + MPC_P(a4, b2),
		MPC_P(a3, b4) + MPC_P(a4, b3),
		MPC_P(a4, b4));
}

/* Squaring: the same columns, each cross product a_i a_j (i != j) once, doubled. */
static inline __attribute__((__always_inline__)) void mpc_fe_sqr_inner(uint64_t *r, const uint64_t *a)
{
	uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
	uint64_t w0 = 2 * a0, w1 = 2 * a1, w2 = 2 * a2, w3 = 2 * a3;

	MPC_FE_FOLD(r,
		MPC_P(a0, a0),
		MPC_P(w0, a1),
		MPC_P(w0, a2) + MPC_P(a1, a1),
		MPC_P(w0, a3) + MPC_P(w1, a2),
		MPC_P(w0, a4) + MPC_P(w1, a3) + MPC_P(a2, a2),
		MPC_P(w1, a4) + MPC_P(w2, a3),
		MPC_P(w2, a4) + MPC_P(a3, a3),
		MPC_P(w3, a4),
		MPC_P(a4, a4));
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
