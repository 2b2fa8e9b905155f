/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ecmult.h - scalar multiplication.
 *
 * mpc_ecmult_gen:   k*G, constant time (secret k), precomputed table.
 * mpc_ecmult_const: k*A, constant time (secret k, e.g. ECDH).
 * mpc_ecmult:       na*A + ng*G, variable time (public data: verification).
 * mpc_ecmult_multi_var: sum of sc[i]*pt[i] (+ ng*G), variable time.
 *
 * mpc_ecmult_init() builds the tables (called once at module load / program
 * start, before any other function here); mpc_ecmult_exit() frees them.
 * Both are idempotent.  Returns 0 or a negative errno (-ENOMEM).
 *
 * Memory (mpc_alloc): 2 x 512 KiB of odd multiples of G and 2^128 G
 * (window 15) for mpc_ecmult, 52 KiB of comb table for mpc_ecmult_gen;
 * mpc_ecmult_multi_var allocates a ~36 KiB workspace per call.  Stack use
 * stays below 1.5 KiB per function.  r may alias a in every function.
 * See ecmult.c for the algorithms and why the tables are built at init.
 */
#ifndef MPC_ECMULT_H
#define MPC_ECMULT_H

#include "group.h"

int mpc_ecmult_init(void);
void mpc_ecmult_exit(void);

void mpc_ecmult_gen(mpc_gej *r, const mpc_scalar *k);
void mpc_ecmult_const(mpc_gej *r, const mpc_ge *a, const mpc_scalar *k);
/* na or ng may be NULL (meaning zero); a may be NULL when na is NULL. */
void mpc_ecmult(mpc_gej *r, const mpc_gej *a, const mpc_scalar *na,
		const mpc_scalar *ng);
/* Returns 0 on success, negative errno on allocation failure. ng may be NULL. */
int mpc_ecmult_multi_var(mpc_gej *r, const mpc_ge *pt, const mpc_scalar *sc,
			 size_t count, const mpc_scalar *ng);

#endif
