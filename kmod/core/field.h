/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * field.h - arithmetic modulo p = 2^256 - 2^32 - 977 (secp256k1 base field).
 *
 * Representation: 5 limbs of 52 bits (the top limb 48 bits when normalized),
 * 64x64->128-bit products.  Operations may leave a value "weakly reduced"
 * (limbs with some headroom, value possibly >= p); the magnitude rules are
 * documented in field.c.  Functions without _var are constant time.
 */
#ifndef MPC_FIELD_H
#define MPC_FIELD_H

#include "port.h"

typedef struct {
	uint64_t n[5];
} mpc_fe;

/* Parse 32 big-endian bytes; returns 1 if the value is < p, else 0 (r unspecified). */
int mpc_fe_set_b32(mpc_fe *r, const uint8_t in[32]);
/* Serialize a (normalizes a copy first). */
void mpc_fe_get_b32(uint8_t out[32], const mpc_fe *a);
void mpc_fe_set_int(mpc_fe *r, unsigned int v);
void mpc_fe_normalize(mpc_fe *r);		/* fully reduce into [0, p) */
int mpc_fe_is_zero(const mpc_fe *a);		/* a must be normalized */
int mpc_fe_is_odd(const mpc_fe *a);		/* a must be normalized */
int mpc_fe_equal(const mpc_fe *a, const mpc_fe *b);  /* any magnitude; ct */
int mpc_fe_equal_var(const mpc_fe *a, const mpc_fe *b);
void mpc_fe_add(mpc_fe *r, const mpc_fe *a);	/* r += a */
void mpc_fe_mul_int(mpc_fe *r, unsigned int k);	/* r *= small k */
void mpc_fe_negate(mpc_fe *r, const mpc_fe *a, int magnitude);
void mpc_fe_mul(mpc_fe *r, const mpc_fe *a, const mpc_fe *b);
void mpc_fe_sqr(mpc_fe *r, const mpc_fe *a);
void mpc_fe_inv(mpc_fe *r, const mpc_fe *a);	/* ct; inv(0) = 0 */
void mpc_fe_inv_var(mpc_fe *r, const mpc_fe *a);	/* public data only */
/* r = sqrt(a) if a is a square (returns 1), else returns 0. ct. */
int mpc_fe_sqrt(mpc_fe *r, const mpc_fe *a);
/* r = flag ? a : r, flag is 0 or 1. */
void mpc_fe_cmov(mpc_fe *r, const mpc_fe *a, int flag);
void mpc_fe_clear(mpc_fe *r);

/* --- additions beyond the shared API (used by group/ecmult/tests) --- */
/* Compact 4x64 little-endian limbs of a normalized element (tables). */
typedef struct {
	uint64_t n[4];
} mpc_fe_storage;

void mpc_fe_normalize_weak(mpc_fe *r);		/* magnitude 1, value may be >= p */
int mpc_fe_normalizes_to_zero_var(const mpc_fe *a);
void mpc_fe_to_storage(mpc_fe_storage *r, const mpc_fe *a);
void mpc_fe_inv_fermat(mpc_fe *r, const mpc_fe *a);	/* ct, a^(p-2) */

#endif
