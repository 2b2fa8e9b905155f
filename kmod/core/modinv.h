/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * modinv.h - modular inversion by Bernstein-Yang "safegcd" divsteps
 * (internal to field.c and scalar.c).
 *
 * Numbers are in signed 62-bit limbs: v = sum v[i] * 2^(62 i), limbs 0..3
 * in [0, 2^62) when normalized, the top limb signed.
 */
#ifndef MPC_MODINV_H
#define MPC_MODINV_H

#include "port.h"

typedef struct {
	int64_t v[5];
} mpc_signed62;

struct mpc_modinv_info {
	mpc_signed62 modulus;	/* M, odd */
	uint64_t minv62;	/* M^-1 mod 2^62 */
};

extern const struct mpc_modinv_info mpc_modinv_fe;	/* p */
extern const struct mpc_modinv_info mpc_modinv_sc;	/* n */

/* x (normalized, in [0, M)) -> x^-1 mod M in [0, M); 0 -> 0. */
void mpc_modinv64(mpc_signed62 *x, const struct mpc_modinv_info *m);	/* ct */
void mpc_modinv64_var(mpc_signed62 *x, const struct mpc_modinv_info *m);

/* 4x64 little-endian <-> signed62 */
void mpc_signed62_from_u64(mpc_signed62 *r, const uint64_t a[4]);
void mpc_signed62_to_u64(uint64_t r[4], const mpc_signed62 *a);

#endif
