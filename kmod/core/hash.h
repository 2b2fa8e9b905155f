/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hash.h - SHA-256 and BIP340 tagged hashes for the core.
 *
 * In the kernel this wraps lib/crypto's sha256 (<crypto/sha2.h>); in
 * userspace it is our own implementation (userspace/lib/sha256.c).  The
 * kernel's incremental SHA-256 API changed after 6.12: only hash.c /
 * kmod/compat.h know about it, the rest of the core calls these functions.
 */
#ifndef MPC_HASH_H
#define MPC_HASH_H

#include "port.h"

#ifdef __KERNEL__
#include <crypto/sha2.h>
struct mpc_sha256 {
	struct sha256_state st;
};
#else
struct mpc_sha256 {
	uint32_t s[8];
	uint64_t bytes;		/* total bytes hashed so far */
	uint8_t buf[64];
};
#endif

void mpc_sha256_init(struct mpc_sha256 *h);
void mpc_sha256_update(struct mpc_sha256 *h, const uint8_t *data, size_t len);
/* Writes the digest and wipes the context. */
void mpc_sha256_final(struct mpc_sha256 *h, uint8_t out32[32]);
void mpc_sha256(uint8_t out32[32], const uint8_t *data, size_t len);

/* Tagged hash prefix: SHA256(tag) || SHA256(tag). */
void mpc_sha256_tagged_init(struct mpc_sha256 *h, const char *tag, size_t taglen);
void mpc_tagged_hash(uint8_t out32[32], const char *tag, size_t taglen,
		     const uint8_t *data, size_t len);

/*
 * Midstate caching for other tags: mid = the state after the 64-byte prefix
 * SHA256(tag) || SHA256(tag); mpc_sha256_init_midstate(h, mid) is then
 * equivalent to mpc_sha256_tagged_init(h, tag, taglen) but one compression
 * cheaper per use.  The BIP340 tags are cached inside hash.c already.
 */
void mpc_sha256_tag_midstate(uint32_t mid[8], const char *tag, size_t taglen);
void mpc_sha256_init_midstate(struct mpc_sha256 *h, const uint32_t mid[8]);

#endif
