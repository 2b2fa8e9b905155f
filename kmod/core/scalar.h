/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * scalar.h - arithmetic modulo the group order
 * n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141.
 *
 * Representation: 4 limbs of 64 bits, always fully reduced.  Functions
 * without _var are constant time.
 */
#ifndef MPC_SCALAR_H
#define MPC_SCALAR_H

#include "port.h"

typedef struct {
	uint64_t d[4];
} mpc_scalar;

/* r = in mod n; returns 1 if in < n (no reduction happened), else 0. ct. */
int mpc_scalar_set_b32(mpc_scalar *r, const uint8_t in[32]);
/* Returns 1 if 0 < in < n (a valid secret key) and sets r; else 0 and r = 0. ct. */
int mpc_scalar_set_b32_seckey(mpc_scalar *r, const uint8_t in[32]);
void mpc_scalar_get_b32(uint8_t out[32], const mpc_scalar *a);
void mpc_scalar_set_int(mpc_scalar *r, unsigned int v);
int mpc_scalar_is_zero(const mpc_scalar *a);
int mpc_scalar_is_one(const mpc_scalar *a);
int mpc_scalar_eq(const mpc_scalar *a, const mpc_scalar *b);
int mpc_scalar_is_high(const mpc_scalar *a);	/* a > n/2 */
/* r = a + b mod n; returns the carry-out indicator (for tests only). */
int mpc_scalar_add(mpc_scalar *r, const mpc_scalar *a, const mpc_scalar *b);
void mpc_scalar_mul(mpc_scalar *r, const mpc_scalar *a, const mpc_scalar *b);
void mpc_scalar_negate(mpc_scalar *r, const mpc_scalar *a);
void mpc_scalar_inverse(mpc_scalar *r, const mpc_scalar *a);	/* ct; inv(0)=0 */
void mpc_scalar_inverse_var(mpc_scalar *r, const mpc_scalar *a);	/* public only */
/* r = flag ? a : r, flag is 0 or 1. */
void mpc_scalar_cmov(mpc_scalar *r, const mpc_scalar *a, int flag);
/* if flag: r = -r. flag 0 or 1, ct. */
void mpc_scalar_cond_negate(mpc_scalar *r, int flag);
void mpc_scalar_clear(mpc_scalar *r);

/* --- additions beyond the shared API (ecmult, tests) --- */
void mpc_scalar_inverse_fermat(mpc_scalar *r, const mpc_scalar *a);	/* ct, a^(n-2) */
/* count (1..32) bits starting at offset; offset+count <= 256 */
unsigned int mpc_scalar_get_bits(const mpc_scalar *a, unsigned int offset, unsigned int count);
extern const mpc_scalar mpc_scalar_lambda;
/* k = k1 + k2*lambda mod n, k1 and k2 (or their negations) < 2^128. ct. */
void mpc_scalar_split_lambda(mpc_scalar *k1, mpc_scalar *k2, const mpc_scalar *k);

#endif
