/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * chilldkg.h - ChillDKG (SimplPedPop + EncPedPop + CertEq) distributed key
 * generation for FROST, byte-compatible with the reference implementation
 * of the ChillDKG BIP draft (version 0.3.0-dev) and its test vectors.
 *
 * Two users:
 *  - the kernel module runs the participant side (hostpubkey_gen, step1,
 *    step2, finalize, investigate, recover, recovery_ack_sign); the secret
 *    host key never leaves it.  The state between steps lives in a
 *    struct mpc_dkg_pstate that owns one mpc_alloc() buffer; wipe and free
 *    it with mpc_dkg_pstate_clear().
 *  - the userspace coordinator (params_hash, coordinator_step1/_finalize/
 *    _investigate/_recover, recovery_acks_verify) only handles public data.
 *
 * Messages are byte strings exactly as in the BIP (sizes below depend on
 * n and t).  Every function returns MPC_DKG_OK (0) or one of enum
 * mpc_dkg_err; when `err` is non-NULL it receives the blamed participant(s)
 * and a reason code (mpc_dkg_reason_str() gives the reference message).
 * Output buffers are unspecified when a function fails.
 *
 * All functions need mpc_ecmult_init() to have run.  None of them recurses
 * or uses large stack frames; lists are sized from (n, t) with mpc_alloc().
 */
#ifndef MPC_CHILLDKG_H
#define MPC_CHILLDKG_H

#include "port.h"

/* Error kinds, mirroring the exceptions of the reference implementation. */
enum mpc_dkg_err {
	MPC_DKG_OK = 0,
	/* Python ValueError: wrong message length, wrong list length, wrong
	 * output buffer size, NULL pointer (a caller / transport problem). */
	MPC_DKG_ERR_INVALID_ARG,
	MPC_DKG_ERR_NOMEM,
	/* HostSeckeyError */
	MPC_DKG_ERR_HOST_SECKEY,
	/* SessionParamsError subclasses */
	MPC_DKG_ERR_THRESHOLD_OR_COUNT,
	MPC_DKG_ERR_INVALID_HOSTPUBKEY,		/* participant_id */
	MPC_DKG_ERR_DUPLICATE_HOSTPUBKEY,	/* participant_id, participant_id2 */
	/* RandomnessError */
	MPC_DKG_ERR_RANDOMNESS,
	/* RecoveryDataError */
	MPC_DKG_ERR_RECOVERY_DATA,
	/* InvalidRecoveryAckError (a FaultyParticipantError): participant_id */
	MPC_DKG_ERR_INVALID_RECOVERY_ACK,
	/* FaultyParticipantError (coordinator side): participant_id */
	MPC_DKG_ERR_FAULTY_PARTICIPANT,
	/* FaultyParticipantOrCoordinatorError (participant side): participant_id */
	MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR,
	/* FaultyCoordinatorError */
	MPC_DKG_ERR_FAULTY_COORDINATOR,
	/* UnknownFaultyParticipantOrCoordinatorError: the participant state now
	 * holds the investigation data; call mpc_dkg_participant_investigate(). */
	MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR,
	/* A state passed in the wrong stage (e.g. step2 twice). */
	MPC_DKG_ERR_STATE,
	/* Cases the reference treats as assertion failures or that occur only
	 * with negligible probability (hash >= group order, infinity outputs). */
	MPC_DKG_ERR_INTERNAL,
};

/* Finer reason codes; mpc_dkg_reason_str() returns the reference message. */
enum mpc_dkg_reason {
	MPC_DKG_R_NONE = 0,
	MPC_DKG_R_HOSTSECKEY_INVALID,
	MPC_DKG_R_HOSTSECKEY_NO_MATCH,
	MPC_DKG_R_HOSTSECKEY_NOT_STEP1,
	MPC_DKG_R_HOSTSECKEY_NO_MATCH_RD,
	MPC_DKG_R_WRONG_PUBNONCE,
	MPC_DKG_R_INVALID_PUBNONCE,
	MPC_DKG_R_INVALID_COM_TO_SECRET,
	MPC_DKG_R_INVALID_SUM_COM_NONCONST,
	MPC_DKG_R_INVALID_ENC_SECSHARES,
	MPC_DKG_R_UNEXPECTED_COM_TO_SECRET,
	MPC_DKG_R_INVALID_COMMITMENT,
	MPC_DKG_R_INVALID_POP,
	MPC_DKG_R_INVALID_SECSHARE,
	MPC_DKG_R_CERT_SIG_BY_COORDINATOR,
	MPC_DKG_R_CERT_SIG_BY_PARTICIPANT,
	MPC_DKG_R_INVALID_VSS_COMMITMENT,
	MPC_DKG_R_INVALID_ENC_SHARE,
	MPC_DKG_R_INVALID_ENC_PARTIAL_SECSHARE,
	MPC_DKG_R_INVALID_PARTIAL_PUBSHARE,
	MPC_DKG_R_PARTIAL_PUBSHARE_SUM,
	MPC_DKG_R_ENC_PARTIAL_SECSHARE_SUM,
	MPC_DKG_R_PARTIAL_SECSHARE,
	MPC_DKG_R_FIDDLED_OWN_SHARE,
	MPC_DKG_R_RD_DESERIALIZE,
	MPC_DKG_R_RD_PARAMS,
	MPC_DKG_R_RD_CERT,
	MPC_DKG_R_RD_MISMATCH,
	MPC_DKG_R_RD_INCONSISTENT,
	MPC_DKG_R_INVALID_RECOVERY_ACK,
	MPC_DKG_R_NEGLIGIBLE,
	MPC_DKG_R_INFINITY,
	MPC_DKG_R_CONSISTENT,
	MPC_DKG_R_MAX
};

#define MPC_DKG_NOBODY 0xffffffffu

struct mpc_dkg_error {
	uint32_t participant_id;	/* blamed / first duplicate, or MPC_DKG_NOBODY */
	uint32_t participant_id2;	/* second duplicate, or MPC_DKG_NOBODY */
	uint32_t reason;		/* enum mpc_dkg_reason */
};

const char *mpc_dkg_reason_str(uint32_t reason);

/*
 * Session parameters: n compressed host public keys (33 bytes each,
 * contiguous) and the threshold t.  The BIP requires 1 <= t <= n <= 2^32-1.
 */
struct mpc_dkg_params {
	const uint8_t *hostpubkeys;	/* 33*n bytes */
	uint32_t n;
	uint32_t t;
};

/* DKG output; the caller provides the pubshares buffer (33*n bytes). */
struct mpc_dkg_output {
	uint8_t secshare[32];		/* participant only; zero for the coordinator */
	uint8_t thresh_pk[33];		/* compressed */
	uint8_t *pubshares;		/* in: caller buffer; out: n compressed points */
	size_t pubshares_len;		/* in: must be 33*n */
};

/* Message sizes. */
#define MPC_DKG_HOSTPUBKEY_LEN	33
#define MPC_DKG_PMSG2_LEN	64
#define MPC_DKG_RECOVERY_ACK_LEN 64
size_t mpc_dkg_pmsg1_len(uint32_t n, uint32_t t);	/* 33t + 32n + 97 */
size_t mpc_dkg_cmsg1_len(uint32_t n, uint32_t t);	/* 162n + 33(t-1) */
size_t mpc_dkg_cmsg2_len(uint32_t n);			/* 64n */
size_t mpc_dkg_cinv_len(uint32_t n);			/* 65n (one participant's) */
size_t mpc_dkg_eq_input_len(uint32_t n, uint32_t t);	/* 4 + 33t + 98n */
size_t mpc_dkg_recovery_data_len(uint32_t n, uint32_t t);	/* 4 + 33t + 162n */
/* n and t encoded in recovery data of length len (shape only, no checks of
 * the contents); returns 1 if the length is consistent, else 0. */
int mpc_dkg_recovery_data_dims(const uint8_t *rd, size_t len, uint32_t *n, uint32_t *t);

/* ---- participant (kernel) ---- */

/* Participant state between the steps: opaque, owned by the caller. Start
 * zeroed (or after mpc_dkg_pstate_clear()).  Contains secret shares. */
struct mpc_dkg_pstate {
	uint32_t stage;
	uint32_t n, t, id;
	uint8_t *buf;
	size_t buflen;
};
/* Wipe and free everything the state holds; the state is zero afterwards. */
void mpc_dkg_pstate_clear(struct mpc_dkg_pstate *st);

/* Host key: "plain" compressed public key of the 32-byte host secret. */
int mpc_dkg_hostpubkey_gen(uint8_t hostpubkey[33], const uint8_t hostseckey[32],
			   struct mpc_dkg_error *err);

/* Validate params (ThresholdOrCount / InvalidHostPubkey / DuplicateHostPubkey). */
int mpc_dkg_params_validate(const struct mpc_dkg_params *p, struct mpc_dkg_error *err);
int mpc_dkg_params_hash(uint8_t out[32], const struct mpc_dkg_params *p,
			struct mpc_dkg_error *err);

/* Step 1: st must be empty; random is 32 fresh random bytes (not all zero).
 * Writes pmsg1 (mpc_dkg_pmsg1_len(n, t) bytes). */
int mpc_dkg_participant_step1(struct mpc_dkg_pstate *st, uint8_t *pmsg1, size_t pmsg1_len,
			      const uint8_t hostseckey[32], const struct mpc_dkg_params *p,
			      const uint8_t random[32], struct mpc_dkg_error *err);
/* Step 2: consumes the step-1 state (on success it becomes a step-2 state;
 * on UNKNOWN_FAULTY... it holds the investigation data; on other protocol
 * errors it is dead).  Errors found before cmsg1 is looked at (host key
 * mismatch, wrong lengths) leave the state untouched. Writes pmsg2 (64). */
int mpc_dkg_participant_step2(struct mpc_dkg_pstate *st, uint8_t pmsg2[64],
			      const uint8_t hostseckey[32], const uint8_t *cmsg1, size_t cmsg1_len,
			      const uint8_t aux_rand[32], struct mpc_dkg_error *err);
/* Finalize: verifies the certificate in cmsg2 (64n bytes); on success fills
 * out and the recovery data (mpc_dkg_recovery_data_len(n, t) bytes). A
 * failure leaves the step-2 state in place (another cmsg2 may be tried). */
int mpc_dkg_participant_finalize(struct mpc_dkg_pstate *st, const uint8_t *cmsg2, size_t cmsg2_len,
				 struct mpc_dkg_output *out, uint8_t *recovery_data, size_t rd_len,
				 struct mpc_dkg_error *err);
/* After step 2 returned UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR: analyse the
 * coordinator's investigation message for us (65n bytes). Never returns OK:
 * FAULTY_PARTICIPANT_OR_COORDINATOR (blamed id) or FAULTY_COORDINATOR. */
int mpc_dkg_participant_investigate(struct mpc_dkg_pstate *st, const uint8_t *cinv, size_t cinv_len,
				    struct mpc_dkg_error *err);
/* Recovery from host secret key + recovery data.  out->pubshares must hold
 * 33n bytes (see mpc_dkg_recovery_data_dims()).  params_out (may be NULL)
 * receives t, n and a pointer to the host public keys inside recovery_data. */
int mpc_dkg_participant_recover(struct mpc_dkg_output *out, struct mpc_dkg_params *params_out,
				const uint8_t hostseckey[32], const uint8_t *recovery_data,
				size_t rd_len, struct mpc_dkg_error *err);
/* Acknowledge having the recovery data (BIP340 signature, 64 bytes). */
int mpc_dkg_participant_recovery_ack_sign(uint8_t sig[64], const uint8_t hostseckey[32],
					  const uint8_t *recovery_data, size_t rd_len,
					  const struct mpc_dkg_params *p, const uint8_t aux_rand[32],
					  struct mpc_dkg_error *err);

/* ---- coordinator (userspace, public data only) ---- */

struct mpc_dkg_cstate {
	uint32_t stage;
	uint32_t n, t;
	uint8_t *buf;
	size_t buflen;
};
void mpc_dkg_cstate_clear(struct mpc_dkg_cstate *st);

/* pmsgs1[i] / pmsgs1_len[i] for i < count (count must equal n). Writes cmsg1. */
int mpc_dkg_coordinator_step1(struct mpc_dkg_cstate *st, uint8_t *cmsg1, size_t cmsg1_len,
			      const uint8_t *const *pmsgs1, const size_t *pmsgs1_len, size_t count,
			      const struct mpc_dkg_params *p, struct mpc_dkg_error *err);
/* Writes cmsg2 (64n), the coordinator's output (no secshare) and recovery data. */
int mpc_dkg_coordinator_finalize(struct mpc_dkg_cstate *st, uint8_t *cmsg2, size_t cmsg2_len,
				 struct mpc_dkg_output *out, uint8_t *recovery_data, size_t rd_len,
				 const uint8_t *const *pmsgs2, const size_t *pmsgs2_len, size_t count,
				 struct mpc_dkg_error *err);
/* Investigation messages for all count = n participants: cinvs holds n
 * messages of 65n bytes each, message i at offset i*65n. Uses p->t only. */
int mpc_dkg_coordinator_investigate(uint8_t *cinvs, size_t cinvs_len,
				    const uint8_t *const *pmsgs1, const size_t *pmsgs1_len, size_t count,
				    const struct mpc_dkg_params *p, struct mpc_dkg_error *err);
int mpc_dkg_coordinator_recover(struct mpc_dkg_output *out, struct mpc_dkg_params *params_out,
				const uint8_t *recovery_data, size_t rd_len,
				struct mpc_dkg_error *err);
/* Verify the n recovery acknowledgments (acks[i] from participant i). */
int mpc_dkg_participant_recovery_acks_verify(const uint8_t *recovery_data, size_t rd_len,
					     const struct mpc_dkg_params *p,
					     const uint8_t *const *acks, const size_t *acks_len,
					     size_t count, struct mpc_dkg_error *err);

#endif
