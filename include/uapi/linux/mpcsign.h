/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mpcsign - threshold-signing key store: the userspace ABI.
 *
 * Shared by the kernel module (kmod/) and userspace (userspace/lib).
 * Documentation/uapi.rst explains the rules; in short:
 *
 *  - Every ioctl argument struct starts with "__u32 size; __u32 flags;".
 *    size is sizeof() of the struct as the caller knows it.  The kernel
 *    accepts any size >= the first published size of that struct
 *    (MPCSIGN_*_SIZE_VER0); fields the kernel does not know must be zero
 *    (-E2BIG otherwise), fields the caller does not know are treated as
 *    zero.  On output the kernel writes min(size, its own size) bytes.
 *    The ioctl number is matched on type and number only, so the size
 *    encoded by _IOWR() is that of the current struct and callers built
 *    against an older header keep working.
 *  - flags and every reserved field must be zero (-EINVAL otherwise).
 *  - Pointers to user memory are __aligned_u64; lengths are __u32.
 *  - Errors are negative errnos, each documented at its command.
 *  - An ioctl that creates an object (KEY_IMPORT, NONCE_GEN,
 *    HOST_KEY_CREATE/IMPORT, DKG_STEP1, DKG_FINALIZE, RECOVER) publishes it
 *    only after its whole answer (output buffers, then the struct) was
 *    written: on -EFAULT nothing was made, no handle is valid and nothing
 *    stays charged to the caller's quota.  The delete ioctls write nothing
 *    back.
 *
 * Generic netlink family MPCSIGN_GENL_NAME carries management and
 * monitoring; the attribute tree of each command is documented below.
 */
#ifndef _UAPI_LINUX_MPCSIGN_H
#define _UAPI_LINUX_MPCSIGN_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MPCSIGN_ABI_VERSION	1
#define MPCSIGN_DEVICE_NAME	"mpcsign"	/* /dev/mpcsign */
#define MPCSIGN_IOC_MAGIC	0xC5	/* free in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define MPCSIGN_VERSION_LEN	32

/**
 * struct mpcsign_info - MPCSIGN_IOC_GET_INFO
 * @size:		in: sizeof(struct mpcsign_info) as the caller knows it
 * @flags:		in: must be 0
 * @abi_version:	out: MPCSIGN_ABI_VERSION of the module
 * @max_keys:		out: key shares the module holds at most (all users)
 * @max_nonces:		out: outstanding secret nonces at most (all users)
 * @max_signers:	out: signers in one signing session at most
 * @max_msg_len:	out: longest message to sign, in bytes
 * @max_participants:	out: participants n in one DKG session at most
 * @module_version:	out: NUL-terminated module version string
 * @reserved:		in: must be 0; out: 0
 *
 * Errors: -EFAULT bad pointer; -EINVAL size < MPCSIGN_INFO_SIZE_VER0,
 * size > PAGE_SIZE, flags or reserved nonzero; -E2BIG nonzero bytes past the
 * kernel's struct.
 */
struct mpcsign_info {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 max_keys;
	__u32 max_nonces;
	__u32 max_signers;
	__u32 max_msg_len;
	__u32 max_participants;
	char module_version[MPCSIGN_VERSION_LEN];
	__aligned_u64 reserved[4];
};
#define MPCSIGN_INFO_SIZE_VER0	96

/* Encodings (see the BIP340 / BIP-445 / ChillDKG specs). */
#define MPCSIGN_POINT_LEN	33	/* compressed SEC1 point */
#define MPCSIGN_SCALAR_LEN	32
#define MPCSIGN_XONLY_LEN	32
#define MPCSIGN_PUBNONCE_LEN	66	/* two compressed points */
#define MPCSIGN_PSIG_LEN	32
#define MPCSIGN_SIG_LEN		64
#define MPCSIGN_MAX_TWEAKS	64	/* tweaks in one SIGN call at most */

/* blame value: nobody in the lists (the coordinator, or no blame) */
#define MPCSIGN_BLAME_NONE	0xffffffffu

/**
 * struct mpcsign_key_import - MPCSIGN_IOC_KEY_IMPORT (CAP_SYS_ADMIN only)
 *
 * Brings a FROST key share made outside the kernel (a trusted dealer, or a
 * migration of an existing setup) into the key store.  The secret share is
 * wiped from kernel memory of the call before it returns; the caller should
 * wipe its own copy.  ChillDKG (DKG_*) is the way that never lets a share
 * exist outside a kernel.
 *
 * @size, @flags:	header (flags 0)
 * @my_id:		in: own participant identifier, 0 <= my_id < n
 * @t:			in: threshold, 1 <= t <= n
 * @n:			in: participants, n <= max_signers parameter
 * @handle:		out: the key handle (nonzero)
 * @pubshares:		in: pointer to n * 33 bytes: the public shares of all
 *			participants, indexed by identifier
 * @pubshares_len:	in: n * 33
 * @reserved0:		must be 0
 * @secshare:		in: own secret share, 0 < s < group order
 * @thresh_pk:		in: threshold public key (compressed)
 * @reserved:		must be 0
 *
 * The kernel checks that secshare*G == pubshares[my_id] and that all n
 * public shares lie on one polynomial of degree t-1 whose value at 0 is
 * thresh_pk.  Errors: -EPERM without CAP_SYS_ADMIN; -EINVAL bad header,
 * ranges, encodings or inconsistent shares; -E2BIG n > max_signers;
 * -ENOSPC max_keys reached; -EFAULT; -ENOMEM.  (Not limited by uid_max_keys:
 * import needs CAP_SYS_ADMIN.)
 */
struct mpcsign_key_import {
	__u32 size;
	__u32 flags;
	__u32 my_id;
	__u32 t;
	__u32 n;
	__u32 handle;
	__aligned_u64 pubshares;
	__u32 pubshares_len;
	__u32 reserved0;
	__u8 secshare[MPCSIGN_SCALAR_LEN];
	__u8 thresh_pk[MPCSIGN_POINT_LEN];
	__u8 reserved1[7];
	__aligned_u64 reserved[2];
};
#define MPCSIGN_KEY_IMPORT_SIZE_VER0	128

/**
 * struct mpcsign_key_info - MPCSIGN_IOC_KEY_INFO
 * @handle:		in: key handle
 * @my_id, @t, @n:	out
 * @owner_uid:		out: the (effective) uid that created the key
 * @nonces:		out: outstanding secret nonces of this key
 * @pubshares:		in: optional pointer to a buffer for n * 33 bytes of
 *			public shares (0 = not wanted)
 * @pubshares_len:	in: its size; must be >= n * 33 if @pubshares is set
 *			(-ENOSPC otherwise, with every out field filled, so the
 *			caller learns n and the size it needs; the out fields
 *			must be zero again in the retry); out: n * 33
 * @thresh_pk:		out: threshold public key (compressed)
 * Errors: -ENOENT unknown handle; -EACCES not the owner (nor CAP_SYS_ADMIN);
 * -EINVAL; -ENOSPC buffer too small; -EFAULT.
 */
struct mpcsign_key_info {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 my_id;
	__u32 t;
	__u32 n;
	__u32 owner_uid;
	__u32 nonces;
	__aligned_u64 pubshares;
	__u32 pubshares_len;
	__u8 thresh_pk[MPCSIGN_POINT_LEN];
	__u8 reserved1[3];
	__aligned_u64 reserved[2];
};
#define MPCSIGN_KEY_INFO_SIZE_VER0	96

/**
 * struct mpcsign_key_delete - MPCSIGN_IOC_KEY_DELETE
 * @handle:	in: key handle.  The key share and all its outstanding secret
 *		nonces are wiped.
 * Errors: -ENOENT, -EACCES, -EINVAL, -EFAULT.
 */
struct mpcsign_key_delete {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 reserved0;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_KEY_DELETE_SIZE_VER0	32

/* mpcsign_nonce_gen.flags: which optional NonceGen inputs are given */
#define MPCSIGN_NONCE_F_MSG		(1u << 0)	/* msg/msg_len (may be empty) */
#define MPCSIGN_NONCE_F_EXTRA_IN	(1u << 1)	/* extra_in/extra_in_len */
#define MPCSIGN_NONCE_F_THRESH_PK	(1u << 2)	/* thresh_pk_x (tweaked key) */
#define MPCSIGN_NONCE_F_ALL		0x7u

/**
 * struct mpcsign_nonce_gen - MPCSIGN_IOC_NONCE_GEN
 *
 * Draws rand' from the kernel RNG and runs BIP-445 NonceGen with the key's
 * own secret share and public share, plus the optional inputs selected by
 * @flags.  The secret nonce stays in the kernel under @nonce_handle until one
 * SIGN consumes it (or the key is deleted).
 *
 * @flags:		in: MPCSIGN_NONCE_F_* (others: -EINVAL)
 * @key_handle:		in
 * @nonce_handle:	out (nonzero)
 * @msg, @msg_len:	in: message (msg_len <= max_msg_len, else -E2BIG)
 * @extra_in, @extra_in_len: in: extra input (<= max_msg_len)
 * @thresh_pk_x:	in: x-only threshold public key (tweaked, if tweaking)
 * @pubnonce:		out: the 66-byte public nonce
 * Errors: -ENOENT, -EACCES, -EINVAL, -E2BIG, -ENOSPC max_nonces reached,
 * -EDQUOT the caller's uid_max_nonces reached, -EFAULT, -ENOMEM.
 * The secret nonce dies with the open file it was made through.
 */
struct mpcsign_nonce_gen {
	__u32 size;
	__u32 flags;
	__u32 key_handle;
	__u32 nonce_handle;
	__aligned_u64 msg;
	__u32 msg_len;
	__u32 extra_in_len;
	__aligned_u64 extra_in;
	__u8 thresh_pk_x[MPCSIGN_XONLY_LEN];
	__u8 pubnonce[MPCSIGN_PUBNONCE_LEN];
	__u8 reserved1[6];
	__aligned_u64 reserved[2];
};
#define MPCSIGN_NONCE_GEN_SIZE_VER0	160

/**
 * struct mpcsign_sign - MPCSIGN_IOC_SIGN
 *
 * BIP-445 Sign with the secret nonce @nonce_handle and its key's share.  As
 * soon as the handle resolves to a nonce the caller may use, the nonce is
 * taken out of the store and wiped before the call returns, whatever the
 * outcome: a second SIGN with the same handle gets -ENOENT.
 *
 * @nonce_handle:	in
 * @num_signers:	in: u, t <= u <= n, u <= max_signers (-E2BIG)
 * @ids:		in: pointer to u __u32 identifiers (must include ours)
 * @pubshares:		in: pointer to u * 33 bytes, the signers' public shares
 * @num_tweaks:		in: <= MPCSIGN_MAX_TWEAKS (-E2BIG)
 * @tweak_xonly:	in: a bitmap (not a pointer): bit k set = tweak k is an
 *			x-only tweak, clear = plain; bits >= num_tweaks must be 0
 * @tweaks:		in: pointer to num_tweaks * 32 bytes
 * @msg, @msg_len:	in: message (<= max_msg_len, else -E2BIG)
 * @aggnonce:		in: the aggregate nonce from the coordinator
 * @psig:		out: the 32-byte partial signature
 * @blame:		out: on -EINVAL/-EBADMSG about a list entry, its index
 *			in the list (ids/pubshares/tweaks), or
 *			MPCSIGN_BLAME_NONE (the coordinator, e.g. a bad
 *			aggregate nonce)
 * @detail:		out: the core's reason code (informational, see
 *			kmod/core/frost.h enum mpc_frost_err)
 * Errors: -ENOENT unknown or consumed nonce; -EACCES; -EINVAL malformed
 * input (bad point, scalar >= n, duplicate ids, u < t, id not in 0..n-1, our
 * id missing, a tweak out of range or making the key infinite, bits of
 * tweak_xonly past num_tweaks); -EBADMSG the aggregate nonce is invalid
 * (the coordinator is to blame); -EIO the partial signature failed its own
 * verification; -E2BIG; -EFAULT; -ENOMEM.
 */
struct mpcsign_sign {
	__u32 size;
	__u32 flags;
	__u32 nonce_handle;
	__u32 num_signers;
	__aligned_u64 ids;
	__aligned_u64 pubshares;
	__aligned_u64 tweaks;
	__aligned_u64 tweak_xonly;
	__u32 num_tweaks;
	__u32 msg_len;
	__aligned_u64 msg;
	__u8 aggnonce[MPCSIGN_PUBNONCE_LEN];
	__u8 psig[MPCSIGN_PSIG_LEN];
	__u8 reserved1[6];
	__u32 blame;
	__u32 detail;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_SIGN_SIZE_VER0	192


/*
 * Host keys and ChillDKG (see Documentation/uapi.rst, "DKG").
 *
 * A DKG failure is described by struct mpcsign_dkg_blame in the output of
 * the step that found it, and by a distinct errno:
 *   -EINVAL	  malformed input, or session parameters rejected by the spec
 *		  (kind THRESHOLD_OR_COUNT, INVALID_HOSTPUBKEY with participant,
 *		  DUPLICATE_HOSTPUBKEY with participant and participant2)
 *   -EKEYREJECTED the host key is not in the session's host key list, or
 *		  does not match the recovery data (kind HOST_SECKEY)
 *   -EBADMSG	  a participant or the coordinator sent a bad message; the
 *		  culprit is @participant (kind FAULTY_PARTICIPANT_OR_COORDINATOR)
 *   -EPROTO	  the coordinator is at fault (kind FAULTY_COORDINATOR)
 *   -EREMOTEIO	  someone is faulty but it is not yet known who: ask the
 *		  coordinator for an investigation message and call
 *		  MPCSIGN_IOC_DKG_INVESTIGATE (kind UNKNOWN_FAULTY)
 *   -EILSEQ	  recovery data invalid (kind RECOVERY_DATA)
 *   -EALREADY	  the session is not at the stage this step needs
 */
enum mpcsign_dkg_kind {
	MPCSIGN_DKG_OK = 0,
	MPCSIGN_DKG_INVALID_ARG = 1,
	MPCSIGN_DKG_NOMEM = 2,		/* with -ENOMEM */
	MPCSIGN_DKG_HOST_SECKEY = 3,
	MPCSIGN_DKG_THRESHOLD_OR_COUNT = 4,
	MPCSIGN_DKG_INVALID_HOSTPUBKEY = 5,
	MPCSIGN_DKG_DUPLICATE_HOSTPUBKEY = 6,
	MPCSIGN_DKG_RANDOMNESS = 7,
	MPCSIGN_DKG_RECOVERY_DATA = 8,
	MPCSIGN_DKG_INVALID_RECOVERY_ACK = 9,
	MPCSIGN_DKG_FAULTY_PARTICIPANT = 10,
	MPCSIGN_DKG_FAULTY_PARTICIPANT_OR_COORDINATOR = 11,
	MPCSIGN_DKG_FAULTY_COORDINATOR = 12,
	MPCSIGN_DKG_UNKNOWN_FAULTY = 13,
	MPCSIGN_DKG_STATE = 14,
	MPCSIGN_DKG_INTERNAL = 15,
};

/**
 * struct mpcsign_dkg_blame - why a DKG step failed (output)
 * @kind:	enum mpcsign_dkg_kind
 * @participant: the blamed participant index, or MPCSIGN_BLAME_NONE
 * @participant2: the second duplicate (DUPLICATE_HOSTPUBKEY), or NONE
 * @reason:	finer reason code (informational, kmod/core/chilldkg.h)
 */
struct mpcsign_dkg_blame {
	__u32 kind;
	__u32 participant;
	__u32 participant2;
	__u32 reason;
};

/**
 * struct mpcsign_host_key - HOST_KEY_CREATE, HOST_KEY_IMPORT, HOST_KEY_INFO,
 * HOST_KEY_DELETE
 *
 * CREATE draws the 32-byte host secret from the kernel RNG; it never leaves
 * the kernel.  IMPORT (CAP_SYS_ADMIN) restores an owner-held backup of a
 * host secret (@hostseckey, wiped from the call's kernel memory before it
 * returns); it is the recovery path for a machine that lost its host key.
 * INFO and DELETE take @handle; DELETE writes nothing back.  The host
 * secret is never returned.  A CREATE or IMPORT whose answer cannot be
 * written (-EFAULT) makes no host key.
 *
 * @handle:	out (CREATE, IMPORT) / in (INFO, DELETE)
 * @owner_uid:	out
 * @hostpubkey:	out: the host public key (compressed)
 * @hostseckey:	in (IMPORT only; must be zero otherwise)
 * Errors: -EPERM (IMPORT without CAP_SYS_ADMIN), -EINVAL (an invalid host
 * secret, reserved fields), -ENOSPC (max_host_keys), -EDQUOT (the caller's
 * uid_max_host_keys), -ENOENT, -EACCES, -EFAULT, -ENOMEM.
 */
struct mpcsign_host_key {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 owner_uid;
	__u8 hostpubkey[MPCSIGN_POINT_LEN];
	__u8 reserved1[7];
	__u8 hostseckey[MPCSIGN_SCALAR_LEN];
	__aligned_u64 reserved[2];
};
#define MPCSIGN_HOST_KEY_SIZE_VER0	104

/**
 * struct mpcsign_host_key_list - HOST_KEY_LIST
 * @handles:	in: pointer to room for @max __u32 handles
 * @max:	in
 * @count:	out: host keys the caller may use (may exceed @max: then
 *		only @max handles were written)
 */
struct mpcsign_host_key_list {
	__u32 size;
	__u32 flags;
	__aligned_u64 handles;
	__u32 max;
	__u32 count;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_HOST_KEY_LIST_SIZE_VER0	40

/**
 * struct mpcsign_dkg_step1 - DKG_STEP1: participant_step1
 * @host_key:	in: host key handle
 * @t, @n:	in: threshold and participants (n <= max_participants)
 * @hostpubkeys: in: pointer to n * 33 bytes, the session's host keys in
 *		participant order (ours among them)
 * @pmsg1, @pmsg1_len: in: buffer for pmsg1 and its size (>= 33t + 32n + 97,
 *		-ENOSPC otherwise); out: the length written
 * @session:	out: the DKG session handle; the session dies with the open
 *		file it was begun through
 * @blame:	out
 * Errors besides the protocol's (see enum mpcsign_dkg_kind): -ENOSPC
 * (max_dkg_sessions, or the pmsg1 buffer), -EDQUOT (uid_max_dkg_sessions).
 */
struct mpcsign_dkg_step1 {
	__u32 size;
	__u32 flags;
	__u32 host_key;
	__u32 t;
	__u32 n;
	__u32 session;
	__aligned_u64 hostpubkeys;
	__aligned_u64 pmsg1;
	__u32 pmsg1_len;
	__u32 reserved0;
	struct mpcsign_dkg_blame blame;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_DKG_STEP1_SIZE_VER0	80

/**
 * struct mpcsign_dkg_step2 - DKG_STEP2: participant_step2
 * @session:	in
 * @cmsg1, @cmsg1_len: in: the coordinator's first message, exactly
 *		162n + 33(t-1) bytes for the session's n and t; any other
 *		length is -EINVAL (kind INVALID_ARG) and the session stays
 * @pmsg2:	out: our second message (64 bytes: the CertEq signature)
 * @blame:	out
 */
struct mpcsign_dkg_step2 {
	__u32 size;
	__u32 flags;
	__u32 session;
	__u32 cmsg1_len;
	__aligned_u64 cmsg1;
	__u8 pmsg2[64];
	struct mpcsign_dkg_blame blame;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_DKG_STEP2_SIZE_VER0	120

/**
 * struct mpcsign_dkg_output - DKG_FINALIZE and RECOVER
 *
 * FINALIZE (@session, @cmsg2) checks the certificate and, on success,
 * creates the key share in the key store (the share never leaves the
 * kernel), ends the session and returns the public results; a certificate
 * that fails its check ends the session too (one finalize per state, as the
 * spec requires).  RECOVER
 * (@host_key, @recovery_data as input) re-creates the key share from the
 * host key and the recovery data.  The new key counts against max_keys
 * (-ENOSPC) and the caller's uid_max_keys (-EDQUOT); for FINALIZE the
 * recovery data has been written by then, so RECOVER can make the key later.
 * The same holds when a later output (@pubshares, the struct) faults: the
 * call fails with -EFAULT, @key is 0 and no key share exists (FINALIZE's
 * session is consumed all the same).
 *
 * Calls on different sessions run concurrently; the steps of one session
 * are serialised (Documentation/uapi.rst, "Concurrency").
 *
 * @session:	in (FINALIZE; 0 for RECOVER)
 * @host_key:	in (RECOVER; 0 for FINALIZE)
 * @cmsg2, @cmsg2_len: in (FINALIZE): the certificate, 64n bytes
 * @recovery_data, @recovery_data_len: FINALIZE: out buffer and its size
 *		(>= 4 + 33t + 162n, -ENOSPC otherwise), out: length written;
 *		RECOVER: in
 * @pubshares, @pubshares_len: out buffer for n * 33 bytes (-ENOSPC if
 *		smaller); out: n * 33
 * @key:	out: the new key handle (KEY_INFO, NONCE_GEN, SIGN, ...)
 * @my_id, @t, @n: out
 * @thresh_pk:	out: the threshold public key
 * @blame:	out
 */
struct mpcsign_dkg_output {
	__u32 size;
	__u32 flags;
	__u32 session;
	__u32 host_key;
	__aligned_u64 cmsg2;
	__u32 cmsg2_len;
	__u32 recovery_data_len;
	__aligned_u64 recovery_data;
	__aligned_u64 pubshares;
	__u32 pubshares_len;
	__u32 key;
	__u32 my_id;
	__u32 t;
	__u32 n;
	__u8 thresh_pk[MPCSIGN_POINT_LEN];
	__u8 reserved1[3];
	struct mpcsign_dkg_blame blame;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_DKG_OUTPUT_SIZE_VER0	136

/**
 * struct mpcsign_dkg_investigate - DKG_INVESTIGATE
 * After -EREMOTEIO from DKG_STEP2: hand in the coordinator's investigation
 * message for us (65n bytes); the answer is always an error that names the
 * culprit (-EBADMSG with @blame.participant, or -EPROTO: the coordinator).
 * A message of the right size ends the session, whatever it says; one of
 * the wrong size is refused (-EINVAL) and the session waits.
 */
struct mpcsign_dkg_investigate {
	__u32 size;
	__u32 flags;
	__u32 session;
	__u32 cinv_len;
	__aligned_u64 cinv;
	struct mpcsign_dkg_blame blame;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_DKG_INVESTIGATE_SIZE_VER0	56

/**
 * struct mpcsign_dkg_abort - DKG_ABORT: wipe and end a session
 */
struct mpcsign_dkg_abort {
	__u32 size;
	__u32 flags;
	__u32 session;
	__u32 reserved0;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_DKG_ABORT_SIZE_VER0	32

/* mpcsign_recovery_ack.flags */
#define MPCSIGN_ACK_F_PARAMS	(1u << 0)	/* @t, @n, @hostpubkeys given (VER1) */

/**
 * struct mpcsign_recovery_ack - RECOVERY_ACK_SIGN
 * Sign, with the host key, that we hold this recovery data (checked first
 * as in RECOVER).  @sig: out, 64-byte BIP340 signature.
 *
 * With MPCSIGN_ACK_F_PARAMS (struct of at least MPCSIGN_RECOVERY_ACK_SIZE_VER1
 * bytes, -EINVAL otherwise) the caller's own session parameters are given
 * too, as in the spec's participant_recovery_ack_sign(..., params, ...):
 * recovery data for another t, n or other host keys (or another order of
 * them) is refused with -EILSEQ, kind RECOVERY_DATA.  Without the flag the
 * parameters are the ones in the (certified) recovery data.
 * @t, @n:		in (VER1, with the flag; 0 otherwise)
 * @hostpubkeys:	in (VER1, with the flag): n x 33 bytes
 */
struct mpcsign_recovery_ack {
	__u32 size;
	__u32 flags;
	__u32 host_key;
	__u32 recovery_data_len;
	__aligned_u64 recovery_data;
	__u8 sig[MPCSIGN_SIG_LEN];
	struct mpcsign_dkg_blame blame;
	__aligned_u64 reserved[2];
	/* VER1 */
	__u32 t;
	__u32 n;
	__aligned_u64 hostpubkeys;
};
#define MPCSIGN_RECOVERY_ACK_SIZE_VER0	120
#define MPCSIGN_RECOVERY_ACK_SIZE_VER1	136

/* The tag under which HOST_KEY_SIGN hashes the caller's 32 bytes. */
#define MPCSIGN_TRANSPORT_TAG	"mpcsign/transport/v1"

/**
 * struct mpcsign_host_key_sign - HOST_KEY_SIGN: a transport signature
 *
 * A BIP340 signature by host key @handle (its owner, or CAP_SYS_ADMIN) over
 * m = TaggedHash(MPCSIGN_TRANSPORT_TAG, @msg), the 32-byte tagged hash of
 * BIP340 formed by the kernel itself: the caller chooses only the 32 bytes
 * that go into the hash.  Every ChillDKG signature (CertEq certificates,
 * recovery acks) signs a message under a tag of its own, so no signature
 * this ioctl gives out can serve as one of them (see Documentation/uapi.rst).
 * Verify with the x-only form of the host public key.
 *
 * The aux randomness comes from the kernel RNG, and the kernel checks the
 * signature before it returns it.  It creates nothing and makes no new
 * secret (so it is not refused during a system sleep), but it uses the host
 * secret: not allowed on a read-only descriptor (-EBADF).
 *
 * @handle:	in: host key handle
 * @msg:	in: the caller's 32 bytes (e.g. a hash of a TLS channel binding)
 * @sig:	in: must be 0; out: 64-byte BIP340 signature
 * Errors: -ENOENT unknown handle; -EACCES not the owner nor CAP_SYS_ADMIN;
 * -EINVAL bad header, reserved fields or nonzero @sig; -EBADF read-only
 * descriptor; -EIO the signature failed its own check (never expected);
 * -EFAULT.
 */
struct mpcsign_host_key_sign {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 reserved0;
	__u8 msg[32];
	__u8 sig[MPCSIGN_SIG_LEN];
	__aligned_u64 reserved[2];
};
#define MPCSIGN_HOST_KEY_SIGN_SIZE_VER0	128

/**
 * struct mpcsign_host_key_lookup - HOST_KEY_LOOKUP: handle from identity
 *
 * Finds the host key whose public key is @hostpubkey among the host keys the
 * caller may use (its own; all of them for CAP_SYS_ADMIN).  Handles are
 * per boot; identities (public keys) are what the network and files name.
 * Allowed on a read-only descriptor.
 * @hostpubkey:	in: compressed host public key (compared byte for byte)
 * @handle:	in: must be 0; out: the host key's handle
 * Errors: -ENOENT no such host key the caller may use; -ENOTUNIQ several
 * (the same secret imported twice: HOST_KEY_IMPORT allows it); -EINVAL bad
 * header, reserved fields or nonzero @handle; -EFAULT.
 */
struct mpcsign_host_key_lookup {
	__u32 size;
	__u32 flags;
	__u8 hostpubkey[MPCSIGN_POINT_LEN];
	__u8 reserved1[3];
	__u32 handle;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_HOST_KEY_LOOKUP_SIZE_VER0	64

/* mpcsign_key_lookup.flags */
#define MPCSIGN_LOOKUP_F_ID	(1u << 0)	/* match @my_id too */

/**
 * struct mpcsign_key_lookup - KEY_LOOKUP: key handle from identity
 *
 * Finds the key share with threshold public key @thresh_pk (and, with
 * MPCSIGN_LOOKUP_F_ID, participant id @my_id) among the keys the caller may
 * use (its own; all for CAP_SYS_ADMIN).
 * Allowed on a read-only descriptor.
 * @thresh_pk:	in: compressed threshold public key (untweaked)
 * @my_id:	in: with MPCSIGN_LOOKUP_F_ID; must be 0 otherwise.  out: the
 *		found share's participant id
 * @handle:	in: must be 0; out: the share's key handle
 * Errors: -ENOENT none; -ENOTUNIQ more than one share matches (without
 * MPCSIGN_LOOKUP_F_ID: one uid holding several participants' shares; with
 * it: the same share twice, e.g. RECOVER run again without a KEY_DELETE);
 * -EINVAL unknown flag, @my_id without the flag, nonzero @handle or
 * reserved fields; -EFAULT.
 */
struct mpcsign_key_lookup {
	__u32 size;
	__u32 flags;
	__u8 thresh_pk[MPCSIGN_POINT_LEN];
	__u8 reserved1[3];
	__u32 my_id;
	__u32 handle;
	__u32 reserved0;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_KEY_LOOKUP_SIZE_VER0	72

/* ioctl numbers: 0x00-0x0f module, 0x10-0x2f keys and signing, 0x30-0x4f DKG */
#define MPCSIGN_IOC_GET_INFO	_IOWR(MPCSIGN_IOC_MAGIC, 0x00, struct mpcsign_info)
#define MPCSIGN_IOC_KEY_IMPORT	_IOWR(MPCSIGN_IOC_MAGIC, 0x10, struct mpcsign_key_import)
#define MPCSIGN_IOC_KEY_INFO	_IOWR(MPCSIGN_IOC_MAGIC, 0x11, struct mpcsign_key_info)
#define MPCSIGN_IOC_KEY_DELETE	_IOWR(MPCSIGN_IOC_MAGIC, 0x12, struct mpcsign_key_delete)
#define MPCSIGN_IOC_NONCE_GEN	_IOWR(MPCSIGN_IOC_MAGIC, 0x13, struct mpcsign_nonce_gen)
#define MPCSIGN_IOC_SIGN	_IOWR(MPCSIGN_IOC_MAGIC, 0x14, struct mpcsign_sign)
#define MPCSIGN_IOC_KEY_LOOKUP	_IOWR(MPCSIGN_IOC_MAGIC, 0x15, struct mpcsign_key_lookup)
#define MPCSIGN_IOC_HOST_KEY_CREATE	_IOWR(MPCSIGN_IOC_MAGIC, 0x30, struct mpcsign_host_key)
#define MPCSIGN_IOC_HOST_KEY_IMPORT	_IOWR(MPCSIGN_IOC_MAGIC, 0x31, struct mpcsign_host_key)
#define MPCSIGN_IOC_HOST_KEY_INFO	_IOWR(MPCSIGN_IOC_MAGIC, 0x32, struct mpcsign_host_key)
#define MPCSIGN_IOC_HOST_KEY_DELETE	_IOWR(MPCSIGN_IOC_MAGIC, 0x33, struct mpcsign_host_key)
#define MPCSIGN_IOC_HOST_KEY_LIST	_IOWR(MPCSIGN_IOC_MAGIC, 0x34, struct mpcsign_host_key_list)
#define MPCSIGN_IOC_HOST_KEY_SIGN	_IOWR(MPCSIGN_IOC_MAGIC, 0x35, struct mpcsign_host_key_sign)
#define MPCSIGN_IOC_HOST_KEY_LOOKUP	_IOWR(MPCSIGN_IOC_MAGIC, 0x36, struct mpcsign_host_key_lookup)
#define MPCSIGN_IOC_DKG_STEP1		_IOWR(MPCSIGN_IOC_MAGIC, 0x38, struct mpcsign_dkg_step1)
#define MPCSIGN_IOC_DKG_STEP2		_IOWR(MPCSIGN_IOC_MAGIC, 0x39, struct mpcsign_dkg_step2)
#define MPCSIGN_IOC_DKG_FINALIZE	_IOWR(MPCSIGN_IOC_MAGIC, 0x3a, struct mpcsign_dkg_output)
#define MPCSIGN_IOC_DKG_INVESTIGATE	_IOWR(MPCSIGN_IOC_MAGIC, 0x3b, struct mpcsign_dkg_investigate)
#define MPCSIGN_IOC_DKG_ABORT		_IOWR(MPCSIGN_IOC_MAGIC, 0x3c, struct mpcsign_dkg_abort)
#define MPCSIGN_IOC_RECOVER		_IOWR(MPCSIGN_IOC_MAGIC, 0x3d, struct mpcsign_dkg_output)
#define MPCSIGN_IOC_RECOVERY_ACK_SIGN	_IOWR(MPCSIGN_IOC_MAGIC, 0x3e, struct mpcsign_recovery_ack)

/*
 * Generic netlink.
 *
 * MPCSIGN_CMD_GET_INFO (no request attributes; unprivileged) replies with:
 *   MPCSIGN_A_ABI_VERSION	u32
 *   MPCSIGN_A_MODULE_VERSION	NUL-terminated string
 *   MPCSIGN_A_MAX_KEYS		u32
 *   MPCSIGN_A_MAX_NONCES	u32
 *   MPCSIGN_A_MAX_SIGNERS	u32
 *   MPCSIGN_A_MAX_MSG_LEN	u32
 *   MPCSIGN_A_MAX_PARTICIPANTS	u32
 * Unknown request attributes are rejected (-EINVAL, strict validation).
 *
 * Multicast group MPCSIGN_GENL_MCGRP_AUDIT ("audit", joining needs
 * CAP_NET_ADMIN; events go to listeners in the initial network namespace):
 * one MPCSIGN_CMD_AUDIT_EVENT message per event, with
 *   MPCSIGN_A_AUDIT_EVENT	u32, enum mpcsign_audit_event
 *   MPCSIGN_A_RESULT		s32, 0 or the negative errno of the call
 *   MPCSIGN_A_KEY		u32, key handle (0 if none)
 *   MPCSIGN_A_NONCE		u32, nonce handle (NONCE_GEN, SIGN)
 *   MPCSIGN_A_MSG_HASH		32 bytes, SHA-256 of the message (SIGN)
 *   MPCSIGN_A_UID		u32, the caller's uid (initial user namespace)
 *   MPCSIGN_A_PID		u32, the caller's process id (initial pid namespace)
 * No secret is ever part of an event.
 */
#define MPCSIGN_GENL_NAME	"mpcsign"
#define MPCSIGN_GENL_VERSION	1
#define MPCSIGN_GENL_MCGRP_AUDIT	"audit"

enum mpcsign_audit_event {
	MPCSIGN_AUDIT_NONCE_GEN = 1,	/* a secret nonce was made */
	MPCSIGN_AUDIT_SIGN = 2,		/* a nonce was consumed (signed or failed) */
	MPCSIGN_AUDIT_KEY_ADD = 3,	/* a key share entered the store */
	MPCSIGN_AUDIT_KEY_DELETE = 4,	/* a key share was deleted */
};

enum mpcsign_genl_cmd {
	MPCSIGN_CMD_UNSPEC,
	MPCSIGN_CMD_GET_INFO,
	MPCSIGN_CMD_AUDIT_EVENT,	/* multicast only */
	__MPCSIGN_CMD_MAX,
};
#define MPCSIGN_CMD_MAX (__MPCSIGN_CMD_MAX - 1)

enum mpcsign_genl_attr {
	MPCSIGN_A_UNSPEC,
	MPCSIGN_A_ABI_VERSION,
	MPCSIGN_A_MODULE_VERSION,
	MPCSIGN_A_MAX_KEYS,
	MPCSIGN_A_MAX_NONCES,
	MPCSIGN_A_MAX_SIGNERS,
	MPCSIGN_A_MAX_MSG_LEN,
	MPCSIGN_A_MAX_PARTICIPANTS,
	MPCSIGN_A_AUDIT_EVENT,
	MPCSIGN_A_RESULT,
	MPCSIGN_A_KEY,
	MPCSIGN_A_NONCE,
	MPCSIGN_A_MSG_HASH,
	MPCSIGN_A_UID,
	MPCSIGN_A_PID,
	__MPCSIGN_A_MAX,
};
#define MPCSIGN_A_MAX (__MPCSIGN_A_MAX - 1)

#endif /* _UAPI_LINUX_MPCSIGN_H */
