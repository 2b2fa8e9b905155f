/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * group.h - the secp256k1 group: y^2 = x^3 + 7 over F_p.
 *
 * mpc_ge is affine (with an infinity flag), mpc_gej is Jacobian
 * (X/Z^2, Y/Z^3).  Functions with _var are variable time and only for
 * public data.  Encodings follow SEC1 / BIP340.
 */
#ifndef MPC_GROUP_H
#define MPC_GROUP_H

#include "field.h"
#include "scalar.h"

typedef struct {
	mpc_fe x, y;
	int infinity;
} mpc_ge;

typedef struct {
	mpc_fe x, y, z;
	int infinity;
} mpc_gej;

extern const mpc_ge mpc_ge_generator;

void mpc_ge_set_infinity(mpc_ge *r);
void mpc_gej_set_infinity(mpc_gej *r);
int mpc_ge_is_infinity(const mpc_ge *a);
int mpc_gej_is_infinity(const mpc_gej *a);
/* 1 if (x, y) is on the curve (x, y normalized, not infinity). */
int mpc_ge_is_valid_var(const mpc_ge *a);

/* lift_x (BIP340): the point with x-coordinate x and even y; 0 if none / x >= p. */
int mpc_ge_set_xonly(mpc_ge *r, const uint8_t x[32]);
/* 33-byte compressed SEC1 (0x02/0x03 || x); 0 on any invalid encoding. */
int mpc_ge_parse_compressed(mpc_ge *r, const uint8_t in[33]);
/* Serialize; a must not be infinity (returns 0 then, output zeroed). */
int mpc_ge_serialize_compressed(uint8_t out[33], const mpc_ge *a);
int mpc_ge_serialize_xonly(uint8_t out[32], const mpc_ge *a);
int mpc_ge_has_even_y(const mpc_ge *a);		/* a not infinity, normalized */
void mpc_ge_neg(mpc_ge *r, const mpc_ge *a);
void mpc_ge_cmov(mpc_ge *r, const mpc_ge *a, int flag);
void mpc_ge_clear(mpc_ge *r);

void mpc_gej_set_ge(mpc_gej *r, const mpc_ge *a);
void mpc_ge_set_gej(mpc_ge *r, mpc_gej *a);	/* ct (uses mpc_fe_inv) */
void mpc_ge_set_gej_var(mpc_ge *r, mpc_gej *a);	/* public only */
void mpc_gej_neg(mpc_gej *r, const mpc_gej *a);
void mpc_gej_double_var(mpc_gej *r, const mpc_gej *a);
void mpc_gej_add_var(mpc_gej *r, const mpc_gej *a, const mpc_gej *b);
void mpc_gej_add_ge_var(mpc_gej *r, const mpc_gej *a, const mpc_ge *b);
/* 1 if a and b are the same point (public data). */
int mpc_gej_eq_var(const mpc_gej *a, const mpc_gej *b);
void mpc_gej_clear(mpc_gej *r);

/* --- additions beyond the shared API (ecmult, tests) --- */
typedef struct {
	mpc_fe_storage x, y;
} mpc_ge_storage;

void mpc_ge_to_storage(mpc_ge_storage *r, const mpc_ge *a);	/* a finite */
void mpc_ge_from_storage(mpc_ge *r, const mpc_ge_storage *a);
/* Batch conversion with one inversion; infinity allowed. */
void mpc_ge_set_all_gej_var(mpc_ge *r, const mpc_gej *a, size_t len);
/* a, b finite, a != +-b; *zr = r.z / a.z (magnitude 6) */
void mpc_gej_add_ge_zr_var(mpc_gej *r, const mpc_gej *a, const mpc_ge *b, mpc_fe *zr);
/* r = a + (b.x*bz^2, b.y*bz^3): b affine on the curve isomorphic through bz. */
void mpc_gej_add_zr_ge_var(mpc_gej *r, const mpc_gej *a, const mpc_ge *b, const mpc_fe *bz);

/* Homogeneous projective point (x = X/Z, y = Y/Z), infinity = (0:1:0), for
 * the constant-time complete formulas. */
typedef struct {
	mpc_fe x, y, z;
} mpc_gep;

void mpc_gep_set_infinity(mpc_gep *r);
void mpc_gep_set_ge(mpc_gep *r, const mpc_ge *a);	/* a finite */
void mpc_gep_add_ge(mpc_gep *r, const mpc_gep *a, const mpc_ge *b);	/* b finite, ct */
void mpc_gep_add(mpc_gep *r, const mpc_gep *a, const mpc_gep *b);	/* ct */
void mpc_gep_double(mpc_gep *r, const mpc_gep *a);			/* ct */
void mpc_gep_cmov(mpc_gep *r, const mpc_gep *a, int flag);
void mpc_gej_set_gep(mpc_gej *r, const mpc_gep *a);			/* ct */

#endif
