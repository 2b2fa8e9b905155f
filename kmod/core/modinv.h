/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * modinv.h - inversion modulo an odd 256-bit modulus (p or n) by the
 * divstep iteration of Bernstein and Yang (internal to field.c and
 * scalar.c; the method is described in modinv.c).
 *
 * Inputs and outputs are 256-bit numbers as four little-endian 64-bit
 * words, fully reduced (in [0, M)).
 */
#ifndef MPC_MODINV_H
#define MPC_MODINV_H

#include "port.h"

/* A modulus M, in the radix-2^57 limbs modinv.c computes with. */
struct mpc_modinv_mod {
	int64_t limb[5];	/* M = sum limb[i] * 2^(57 i), limbs in [0, 2^57) */
	uint64_t inv57;		/* M^-1 mod 2^57 */
};

extern const struct mpc_modinv_mod mpc_modinv_p;	/* field prime p */
extern const struct mpc_modinv_mod mpc_modinv_n;	/* group order n */

/*
 * r = x^-1 mod M, in [0, M); x = 0 gives r = 0.  x must be in [0, M).
 * r and x may be the same array.  mpc_modinv_ct is constant time (no
 * branch or memory index depends on x); mpc_modinv_var is not.
 */
void mpc_modinv_ct(uint64_t r[4], const uint64_t x[4], const struct mpc_modinv_mod *m);
void mpc_modinv_var(uint64_t r[4], const uint64_t x[4], const struct mpc_modinv_mod *m);

#endif
