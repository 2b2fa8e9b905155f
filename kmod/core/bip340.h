/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * bip340.h - BIP340 Schnorr signatures over secp256k1.
 */
#ifndef MPC_BIP340_H
#define MPC_BIP340_H

#include "group.h"

/* A signing key ready for BIP340: d already negated so that d*G has even y. */
struct mpc_bip340_keypair {
	mpc_scalar d;		/* secret */
	uint8_t pk[32];		/* x-only public key */
};

/* Returns 1 if sk is a valid secret key (0 < sk < n), 0 otherwise (kp wiped). ct. */
int mpc_bip340_keypair_create(struct mpc_bip340_keypair *kp, const uint8_t sk[32]);
void mpc_bip340_keypair_clear(struct mpc_bip340_keypair *kp);
/* x-only public key of sk; returns 0 for an invalid sk. */
int mpc_bip340_pubkey(uint8_t pk32[32], const uint8_t sk[32]);
/* Sign msg (any length, BIP340 allows variable-length messages) with aux_rand
 * (32 bytes, may be NULL = all zero).  Returns 1 on success. ct in secrets. */
int mpc_bip340_sign(uint8_t sig64[64], const uint8_t *msg, size_t msglen,
		    const struct mpc_bip340_keypair *kp, const uint8_t aux32[32]);
/* Returns 1 if sig is valid for msg under pk32. Variable time (public data). */
int mpc_bip340_verify(const uint8_t sig64[64], const uint8_t *msg, size_t msglen,
		      const uint8_t pk32[32]);

/* e = int(hash_BIP0340/challenge(rx || pk || msg)) mod n (also used by FROST). */
void mpc_bip340_challenge(mpc_scalar *e, const uint8_t rx[32], const uint8_t pk32[32],
			  const uint8_t *msg, size_t msglen);

#endif
