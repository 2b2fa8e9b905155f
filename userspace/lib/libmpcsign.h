/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * libmpcsign.h - the public API of libmpcsign.
 *
 * A thin libc wrapper over the /dev/mpcsign ioctls and the "mpcsign" generic
 * netlink family, plus the public (coordinator-side) computations of the
 * core.  Every function returns 0 (or a non-negative count) on success and a
 * negative errno on failure; errno itself is left as the syscall set it.
 */
#ifndef LIBMPCSIGN_H
#define LIBMPCSIGN_H

#include <stddef.h>
#include <stdint.h>
#include <linux/mpcsign.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MPCSIGN_DEFAULT_PATH "/dev/mpcsign"

struct mpcsign;		/* an open handle on the device */

/* Open the device (path NULL = /dev/mpcsign).  *out set on success. */
int mpcsign_open(struct mpcsign **out, const char *path);
void mpcsign_close(struct mpcsign *h);
/* The device's file descriptor (for poll or raw ioctls). */
int mpcsign_fd(const struct mpcsign *h);

/* MPCSIGN_IOC_GET_INFO; info->size/flags/reserved are set by the library. */
int mpcsign_get_info(struct mpcsign *h, struct mpcsign_info *info);

/* The same data over generic netlink (MPCSIGN_CMD_GET_INFO), via libnl. */
int mpcsign_nl_get_info(struct mpcsign_info *info);

/* --- key store (see Documentation/uapi.rst) ------------------------------------ */

/* MPCSIGN_IOC_KEY_IMPORT (CAP_SYS_ADMIN): pubshares holds n entries by id. */
int mpcsign_key_import(struct mpcsign *h, uint32_t my_id, uint32_t t, uint32_t n,
		       const uint8_t secshare[32], const uint8_t thresh_pk[33],
		       const uint8_t (*pubshares)[33], uint32_t *handle);
/* MPCSIGN_IOC_KEY_INFO; pubshares (room for max entries) may be NULL. */
int mpcsign_key_info(struct mpcsign *h, uint32_t handle, struct mpcsign_key_info *out,
		     uint8_t (*pubshares)[33], size_t max);
int mpcsign_key_delete(struct mpcsign *h, uint32_t handle);

/* Optional NonceGen inputs; a NULL pointer to this struct means none. */
struct mpcsign_nonce_opts {
	int has_msg;			/* the message is known (may be empty) */
	const uint8_t *msg;
	size_t msg_len;
	const uint8_t *extra_in;	/* NULL = none */
	size_t extra_in_len;
	const uint8_t *thresh_pk_x;	/* 32 bytes, NULL = none */
};
/* MPCSIGN_IOC_NONCE_GEN: the secret nonce stays in the kernel. */
int mpcsign_nonce_gen(struct mpcsign *h, uint32_t key_handle,
		      const struct mpcsign_nonce_opts *opts, uint8_t pubnonce[66],
		      uint32_t *nonce_handle);

/*
 * One signing session as every party sees it: the key's public data, the
 * signer set, tweaks, message and (for signers) the aggregate nonce.
 */
struct mpcsign_session {
	uint32_t n, t;
	const uint8_t *thresh_pk;		/* 33 bytes (untweaked) */
	uint32_t num_signers;			/* u */
	const uint32_t *ids;			/* u identifiers */
	const uint8_t (*pubshares)[33];		/* u public shares */
	uint32_t num_tweaks;
	const uint8_t (*tweaks)[32];
	uint64_t tweak_xonly;			/* bit k: tweak k is x-only */
	const uint8_t *msg;
	size_t msg_len;
	const uint8_t *aggnonce;		/* 66 bytes */
};
/*
 * MPCSIGN_IOC_SIGN: consumes the nonce whatever the outcome.  On -EINVAL /
 * -EBADMSG *blame (may be NULL) names the list entry at fault or is
 * MPCSIGN_BLAME_NONE.
 */
int mpcsign_sign(struct mpcsign *h, uint32_t nonce_handle,
		 const struct mpcsign_session *s, uint8_t psig[32], uint32_t *blame);

/* --- coordinator (public data; the same core code as the module) ------------- */

/* Call once before the coordinator functions (builds the core's tables). */
int mpcsign_coord_init(void);
/* NonceAgg over u public nonces; -EBADMSG with *blame = the bad nonce. */
int mpcsign_coord_nonce_agg(uint8_t aggnonce[66], const uint8_t (*pubnonces)[66],
			    size_t u, uint32_t *blame);
/* The x-only (tweaked) public key the final signature verifies under. */
int mpcsign_coord_session_pubkey(uint8_t pk32[32], const struct mpcsign_session *s);
/*
 * PartialSigVerify of signer i (position in s->ids) against all u public
 * nonces: 0 valid, -EBADMSG invalid (*blame = i), -EINVAL bad session.
 */
int mpcsign_coord_psig_verify(const struct mpcsign_session *s,
			      const uint8_t (*pubnonces)[66], const uint8_t psig[32],
			      size_t i, uint32_t *blame);
/*
 * Verify every partial signature (-EBADMSG, *blame = first bad signer), then
 * PartialSigAgg, then check the final signature with libsecp256k1's
 * schnorrsig API (independent of our own code): -EIO if it fails.
 */
int mpcsign_coord_aggregate(uint8_t sig[64], const struct mpcsign_session *s,
			    const uint8_t (*pubnonces)[66], const uint8_t (*psigs)[32],
			    uint32_t *blame);
/* BIP340 verification by libsecp256k1: 0 valid, -EBADMSG invalid. */
int mpcsign_bip340_verify(const uint8_t sig[64], const uint8_t *msg, size_t msg_len,
			  const uint8_t pk32[32]);

#ifdef __cplusplus
}
#endif
#endif
