/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * field_impl.h - inline 5x52 multiplication and squaring (internal to the
 * curve code: field.c, group.c, ecmult*.c).  See field.c for the magnitude
 * rules: inputs of magnitude <= 32, output magnitude 1.
 *
 * Bounds at magnitude 32 (limbs < 2^58, top limb < 2^54): every column sum
 * is < 2^118, the carried accumulators stay < 2^118, the part of column 8
 * folded last is < 2^62 (so it fits the 64-bit cast), and the output top
 * limb is < 2^48 + 2^46: magnitude 1.
 *
 * The 9 product columns c0..c8 (weights 2^(52 i)) are folded with
 * 2^260 = 0x1000003D10 (mod p): column k+5 goes to column k.  Two 128-bit
 * accumulators walk the columns: the high one (columns 8, then 5, 6, 7) is
 * split into 52-bit pieces that are folded down into the low one.
 */
#ifndef MPC_FIELD_IMPL_H
#define MPC_FIELD_IMPL_H

#include "field.h"

#define MPC_FE_M52 0xFFFFFFFFFFFFFULL
#define MPC_FE_M48 0xFFFFFFFFFFFFULL
#define MPC_FE_R4 0x1000003D10ULL	/* 2^260 mod p */
#define MPC_FE_R 0x1000003D1ULL		/* 2^256 mod p */

static inline __attribute__((__always_inline__)) void mpc_fe_mul_inner(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
	const uint64_t M = MPC_FE_M52;
	uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
	uint64_t b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4];
	uint64_t t3, t4, tx, r0, r1, r2;
	mpc_u128 c, d;

	/* column 8 folded into column 3 */
	d = (mpc_u128)a4 * b4;
	c = (mpc_u128)a0 * b3 + (mpc_u128)a1 * b2 + (mpc_u128)a2 * b1 + (mpc_u128)a3 * b0;
	c += (mpc_u128)((uint64_t)d & M) * MPC_FE_R4;
	d >>= 52;
	t3 = (uint64_t)c & M;
	c >>= 52;
	/* column 4 (+ the rest of column 8, at weight 2^(52*9) -> column 4) */
	c += (mpc_u128)a0 * b4 + (mpc_u128)a1 * b3 + (mpc_u128)a2 * b2 +
	     (mpc_u128)a3 * b1 + (mpc_u128)a4 * b0;
	c += (mpc_u128)(uint64_t)d * MPC_FE_R4;
	t4 = (uint64_t)c & M;
	c >>= 52;
	tx = t4 >> 48;
	t4 &= MPC_FE_M48;
	/* c now is a carry into column 5 */
	d = c + (mpc_u128)a1 * b4 + (mpc_u128)a2 * b3 + (mpc_u128)a3 * b2 + (mpc_u128)a4 * b1;
	c = (mpc_u128)a0 * b0 + (mpc_u128)((uint64_t)d & M) * MPC_FE_R4 +
	    (mpc_u128)tx * MPC_FE_R;
	d >>= 52;
	r0 = (uint64_t)c & M;
	c >>= 52;
	/* column 6 -> 1 */
	d += (mpc_u128)a2 * b4 + (mpc_u128)a3 * b3 + (mpc_u128)a4 * b2;
	c += (mpc_u128)a0 * b1 + (mpc_u128)a1 * b0 + (mpc_u128)((uint64_t)d & M) * MPC_FE_R4;
	d >>= 52;
	r1 = (uint64_t)c & M;
	c >>= 52;
	/* column 7 -> 2 */
	d += (mpc_u128)a3 * b4 + (mpc_u128)a4 * b3;
	c += (mpc_u128)a0 * b2 + (mpc_u128)a1 * b1 + (mpc_u128)a2 * b0 +
	     (mpc_u128)((uint64_t)d & M) * MPC_FE_R4;
	d >>= 52;
	r2 = (uint64_t)c & M;
	c >>= 52;
	/* what is left at column 8 -> 3 */
	c += (mpc_u128)t3 + (mpc_u128)(uint64_t)d * MPC_FE_R4;
	r[0] = r0;
	r[1] = r1;
	r[2] = r2;
	r[3] = (uint64_t)c & M;
	c >>= 52;
	r[4] = t4 + (uint64_t)c;
}

static inline __attribute__((__always_inline__)) void mpc_fe_sqr_inner(uint64_t *r, const uint64_t *a)
{
	const uint64_t M = MPC_FE_M52;
	uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
	uint64_t d0 = a0 * 2, d1 = a1 * 2, d2 = a2 * 2, d3 = a3 * 2;
	uint64_t t3, t4, tx, r0, r1, r2;
	mpc_u128 c, d;

	d = (mpc_u128)a4 * a4;
	c = (mpc_u128)d0 * a3 + (mpc_u128)d1 * a2;
	c += (mpc_u128)((uint64_t)d & M) * MPC_FE_R4;
	d >>= 52;
	t3 = (uint64_t)c & M;
	c >>= 52;
	c += (mpc_u128)d0 * a4 + (mpc_u128)d1 * a3 + (mpc_u128)a2 * a2;
	c += (mpc_u128)(uint64_t)d * MPC_FE_R4;
	t4 = (uint64_t)c & M;
	c >>= 52;
	tx = t4 >> 48;
	t4 &= MPC_FE_M48;
	d = c + (mpc_u128)d1 * a4 + (mpc_u128)d2 * a3;
	c = (mpc_u128)a0 * a0 + (mpc_u128)((uint64_t)d & M) * MPC_FE_R4 +
	    (mpc_u128)tx * MPC_FE_R;
	d >>= 52;
	r0 = (uint64_t)c & M;
	c >>= 52;
	d += (mpc_u128)d2 * a4 + (mpc_u128)a3 * a3;
	c += (mpc_u128)d0 * a1 + (mpc_u128)((uint64_t)d & M) * MPC_FE_R4;
	d >>= 52;
	r1 = (uint64_t)c & M;
	c >>= 52;
	d += (mpc_u128)d3 * a4;
	c += (mpc_u128)d0 * a2 + (mpc_u128)a1 * a1 + (mpc_u128)((uint64_t)d & M) * MPC_FE_R4;
	d >>= 52;
	r2 = (uint64_t)c & M;
	c >>= 52;
	c += (mpc_u128)t3 + (mpc_u128)(uint64_t)d * MPC_FE_R4;
	r[0] = r0;
	r[1] = r1;
	r[2] = r2;
	r[3] = (uint64_t)c & M;
	c >>= 52;
	r[4] = t4 + (uint64_t)c;
}

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
