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

/* --- audit events (netlink multicast group "audit", needs CAP_NET_ADMIN) ------- */

struct mpcsign_audit;	/* a subscription */

struct mpcsign_audit_record {	/* one event */
	uint32_t event;		/* enum mpcsign_audit_event */
	int32_t result;		/* 0 or -errno of the call */
	uint32_t key, nonce;	/* handles (0 if none) */
	uint32_t uid, pid;	/* who called */
	int has_msg_hash;
	uint8_t msg_hash[32];	/* SHA-256 of the signed message (SIGN) */
};

/* Join the audit group (-EPERM without CAP_NET_ADMIN, -ENOENT no module). */
int mpcsign_audit_open(struct mpcsign_audit **out);
/* Next event; waits up to timeout_ms (-1: forever).  -ETIMEDOUT if none. */
int mpcsign_audit_next(struct mpcsign_audit *a, struct mpcsign_audit_record *ev,
		       int timeout_ms);
void mpcsign_audit_close(struct mpcsign_audit *a);

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

/* --- host keys and ChillDKG, participant side (in the kernel) --------------- */

int mpcsign_host_key_create(struct mpcsign *h, uint32_t *handle, uint8_t hostpubkey[33]);
/* Restore an owner-held backup of a host secret (CAP_SYS_ADMIN). */
int mpcsign_host_key_import(struct mpcsign *h, const uint8_t hostseckey[32],
			    uint32_t *handle, uint8_t hostpubkey[33]);
int mpcsign_host_key_info(struct mpcsign *h, uint32_t handle, uint8_t hostpubkey[33],
			  uint32_t *owner_uid);
int mpcsign_host_key_delete(struct mpcsign *h, uint32_t handle);
/* Writes up to max handles; *count = how many exist. */
int mpcsign_host_key_list(struct mpcsign *h, uint32_t *handles, uint32_t max,
			  uint32_t *count);

/*
 * HOST_KEY_SIGN: BIP340 signature by the host key over
 * TaggedHash(MPCSIGN_TRANSPORT_TAG, msg32), formed in the kernel.
 */
int mpcsign_host_key_sign(struct mpcsign *h, uint32_t handle, const uint8_t msg32[32],
			  uint8_t sig[64]);
/* Check such a signature with libsecp256k1: 0 valid, -EBADMSG invalid,
 * -EINVAL hostpubkey not a valid compressed point. */
int mpcsign_transport_verify(const uint8_t sig[64], const uint8_t msg32[32],
			     const uint8_t hostpubkey[33]);
/*
 * Handles from public identities (HOST_KEY_LOOKUP, KEY_LOOKUP), among the
 * objects the caller may use: -ENOENT none, -ENOTUNIQ more than one (a host
 * key imported twice; several participants' shares of one key, or one share
 * recovered twice).  my_id NULL: any participant id; else only *my_id.
 * found_id (may be NULL): the found share's participant id.
 */
int mpcsign_host_key_lookup(struct mpcsign *h, const uint8_t hostpubkey[33],
			    uint32_t *handle);
int mpcsign_key_lookup(struct mpcsign *h, const uint8_t thresh_pk[33], const uint32_t *my_id,
		       uint32_t *handle, uint32_t *found_id);

/* Sizes of the ChillDKG messages for (n, t). */
size_t mpcsign_dkg_pmsg1_len(uint32_t n, uint32_t t);
size_t mpcsign_dkg_cmsg1_len(uint32_t n, uint32_t t);
size_t mpcsign_dkg_cmsg2_len(uint32_t n);
size_t mpcsign_dkg_cinv_len(uint32_t n);
size_t mpcsign_dkg_recovery_data_len(uint32_t n, uint32_t t);

/* Where a DKG step failed; blame may be NULL in every call. */
int mpcsign_dkg_step1(struct mpcsign *h, uint32_t host_key, uint32_t t, uint32_t n,
		      const uint8_t (*hostpubkeys)[33], uint8_t *pmsg1, size_t pmsg1_cap,
		      size_t *pmsg1_len, uint32_t *session, struct mpcsign_dkg_blame *blame);
int mpcsign_dkg_step2(struct mpcsign *h, uint32_t session, const uint8_t *cmsg1,
		      size_t cmsg1_len, uint8_t pmsg2[64], struct mpcsign_dkg_blame *blame);

/* What DKG_FINALIZE and RECOVER give back (buffers are the caller's). */
struct mpcsign_dkg_result {
	uint32_t key;			/* key handle in the module */
	uint32_t my_id, t, n;
	uint8_t thresh_pk[33];
	uint8_t (*pubshares)[33];	/* in: room for n entries */
	size_t pubshares_cap;		/* in: entries */
	uint8_t *recovery_data;		/* in: buffer (FINALIZE) */
	size_t recovery_data_cap;	/* in: its size */
	size_t recovery_data_len;	/* out (FINALIZE) */
};
int mpcsign_dkg_finalize(struct mpcsign *h, uint32_t session, const uint8_t *cmsg2,
			 size_t cmsg2_len, struct mpcsign_dkg_result *res,
			 struct mpcsign_dkg_blame *blame);
int mpcsign_dkg_investigate(struct mpcsign *h, uint32_t session, const uint8_t *cinv,
			    size_t cinv_len, struct mpcsign_dkg_blame *blame);
int mpcsign_dkg_abort(struct mpcsign *h, uint32_t session);
int mpcsign_recover(struct mpcsign *h, uint32_t host_key, const uint8_t *recovery_data,
		    size_t recovery_data_len, struct mpcsign_dkg_result *res,
		    struct mpcsign_dkg_blame *blame);
/*
 * The session parameters a caller holds independently of the recovery data
 * (the spec's params): t and the n host public keys in participant order.
 */
struct mpcsign_dkg_params {
	uint32_t t, n;
	const uint8_t (*hostpubkeys)[33];
};
/*
 * RECOVERY_ACK_SIGN.  With params (may be NULL), recovery data for other
 * parameters is refused (-EILSEQ, kind RECOVERY_DATA), as the spec's
 * participant_recovery_ack_sign does; without, the recovery data's own
 * (certified) parameters are used.
 */
int mpcsign_recovery_ack_sign(struct mpcsign *h, uint32_t host_key,
			      const uint8_t *recovery_data, size_t recovery_data_len,
			      uint8_t sig[64], struct mpcsign_dkg_blame *blame);
int mpcsign_recovery_ack_sign_params(struct mpcsign *h, uint32_t host_key,
				     const uint8_t *recovery_data, size_t recovery_data_len,
				     const struct mpcsign_dkg_params *params, uint8_t sig[64],
				     struct mpcsign_dkg_blame *blame);

/* --- ChillDKG, coordinator side (userspace, public data) --------------------- */

struct mpcsign_dkg_coord;	/* the session parameters and coordinator state */

int mpcsign_dkg_coord_new(struct mpcsign_dkg_coord **out, uint32_t t, uint32_t n,
			  const uint8_t (*hostpubkeys)[33]);
void mpcsign_dkg_coord_free(struct mpcsign_dkg_coord *c);
/* pmsgs1[i] (length lens[i]) from participant i.  *cmsg1 is malloc'ed. */
int mpcsign_dkg_coord_step1(struct mpcsign_dkg_coord *c, const uint8_t *const *pmsgs1,
			    const size_t *lens, uint8_t **cmsg1, size_t *cmsg1_len,
			    struct mpcsign_dkg_blame *blame);
/* pmsgs2[i] (64 bytes) from participant i.  *cmsg2 and *recovery_data are
 * malloc'ed; thresh_pk is the resulting threshold key. */
int mpcsign_dkg_coord_finalize(struct mpcsign_dkg_coord *c, const uint8_t (*pmsgs2)[64],
			       uint8_t **cmsg2, size_t *cmsg2_len, uint8_t **recovery_data,
			       size_t *recovery_data_len, uint8_t thresh_pk[33],
			       struct mpcsign_dkg_blame *blame);
/* Investigation messages for all n participants; *cinvs is malloc'ed and
 * holds n messages of mpcsign_dkg_cinv_len(n) bytes, participant i's at
 * offset i * mpcsign_dkg_cinv_len(n). */
int mpcsign_dkg_coord_investigate(struct mpcsign_dkg_coord *c, const uint8_t *const *pmsgs1,
				  const size_t *lens, uint8_t **cinvs, size_t *cinvs_len);
/*
 * coordinator_recover: the public output of a DKG from its recovery data
 * alone (a coordinator that lost its state, or anyone checking a backup):
 * t, n, the threshold key and, into caller buffers of at least 33n bytes,
 * the n public shares and (hostpubkeys may be NULL) the n host public keys.
 * -EILSEQ for recovery data of no valid shape, -ENOSPC for small buffers,
 * -EPROTO/-EBADMSG (with *blame) when the data does not check out.
 */
struct mpcsign_dkg_public {
	uint32_t t, n;				/* out */
	uint8_t thresh_pk[33];			/* out */
	uint8_t *pubshares;			/* in: buffer; out: n x 33 bytes */
	size_t pubshares_cap;
	uint8_t *hostpubkeys;			/* in: buffer or NULL; out: n x 33 */
	size_t hostpubkeys_cap;
};
int mpcsign_dkg_coord_recover(const uint8_t *recovery_data, size_t recovery_data_len,
			      struct mpcsign_dkg_public *out, struct mpcsign_dkg_blame *blame);
/*
 * Verify the n recovery acks (64 bytes each) for recovery data, against the
 * recovery data's own parameters; the _params form (the spec's
 * participant_recovery_acks_verify) first checks that they are the caller's
 * (-EILSEQ, kind RECOVERY_DATA, otherwise).  A bad ack: -EBADMSG, blaming its
 * participant.
 */
int mpcsign_dkg_acks_verify(const uint8_t *recovery_data, size_t recovery_data_len,
			    const uint8_t (*acks)[64], uint32_t n,
			    struct mpcsign_dkg_blame *blame);
int mpcsign_dkg_acks_verify_params(const uint8_t *recovery_data, size_t recovery_data_len,
				   const struct mpcsign_dkg_params *params,
				   const uint8_t (*acks)[64], struct mpcsign_dkg_blame *blame);

#ifdef __cplusplus
}
#endif
#endif
