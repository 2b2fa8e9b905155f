/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * frost.h - FROST threshold signing for BIP340 signatures (BIP-445).
 *
 * Two users:
 *  - a signer (the kernel module): mpc_frost_nonce_gen() with 32 bytes of
 *    kernel randomness, then mpc_frost_sign() with its secret share.  Sign
 *    wipes the caller's secnonce buffer before it does anything else, on
 *    every path, so a secnonce can be used at most once;
 *  - a coordinator (userspace): mpc_frost_nonce_agg(),
 *    mpc_frost_partial_sig_verify() / mpc_frost_psig_verify_session(),
 *    mpc_frost_partial_sig_agg().
 *
 * Every function returns enum mpc_frost_err (MPC_FROST_OK = 0).  The codes
 * mirror the exceptions of the BIP-445 reference code: the "invalid
 * contribution" codes (pubnonce, aggnonce, aggothernonce, psig) and the
 * value errors that concern one list entry (pubshare, identifier, tweak)
 * report the position of the culprit in the input list through *blame
 * (MPC_FROST_NO_BLAME when the fault is the coordinator's or has no
 * position); the caller maps a position to a participant id with its own
 * ids[] list.  blame may be NULL.  mpc_frost_contrib() names the blamed
 * contribution of a code.
 *
 * Encodings are those of the BIP: 33-byte compressed points, 32-byte
 * scalars, 66-byte public nonces (two compressed points; in an aggregate
 * nonce a point at infinity is 33 zero bytes), 64-byte secret nonces
 * (k1 || k2), 32-byte partial signatures, 64-byte BIP340 signatures.
 *
 * Counts are size_t and checked against caller limits (struct
 * mpc_frost_limits; NULL means the MPC_FROST_DEFAULT_* values).  The core
 * allocates nothing; the work is O(u^2) scalar operations plus O(u)
 * pubshare decodings and the interpolation check for a signer set of size
 * u (small signer sets with small ids: a few doublings per pubshare; else
 * one variable-time multiplication each).  A signer's Sign costs, besides
 * that, two point decodings, one variable-time and one fixed-base
 * multiplication; with MPC_FROST_SIGN_TRUSTED_SIGNERS (mpc_frost_sign_ex)
 * the per-pubshare work is skipped.
 *
 * The core tables must be initialised first (mpc_ecmult_init()).
 */
#ifndef MPC_FROST_H
#define MPC_FROST_H

#include "group.h"

#define MPC_FROST_SECNONCE_LEN	64
#define MPC_FROST_PUBNONCE_LEN	66
#define MPC_FROST_AGGNONCE_LEN	66
#define MPC_FROST_PSIG_LEN	32
#define MPC_FROST_SIG_LEN	64
#define MPC_FROST_PUBSHARE_LEN	33
#define MPC_FROST_TWEAK_LEN	32

/* *blame when no list position is to blame (coordinator fault, or none). */
#define MPC_FROST_NO_BLAME	((size_t)-1)

#define MPC_FROST_DEFAULT_MAX_SIGNERS	1024
#define MPC_FROST_DEFAULT_MAX_TWEAKS	64
#define MPC_FROST_DEFAULT_MAX_MSGLEN	(1u << 20)

enum mpc_frost_err {
	MPC_FROST_OK = 0,

	/* InvalidContributionError (blame: list position or NO_BLAME) */
	MPC_FROST_ERR_PUBNONCE,		/* pubnonce[blame] does not decode */
	MPC_FROST_ERR_AGGNONCE,		/* coordinator's aggnonce does not decode */
	MPC_FROST_ERR_AGGOTHERNONCE,	/* coordinator's aggothernonce invalid */
	MPC_FROST_ERR_PSIG,		/* psig[blame] out of range (PartialSigAgg) */

	/* PartialSigVerify answer "False": psig of signer blame is wrong. */
	MPC_FROST_VERIFY_FAIL,

	/* ValueError: the signers context (ValidateSignersCtx) */
	MPC_FROST_ERR_THRESHOLD,	/* not 1 <= t <= n */
	MPC_FROST_ERR_SIGNER_COUNT,	/* not t <= u <= n */
	MPC_FROST_ERR_ID_RANGE,		/* ids[blame] > n - 1 */
	MPC_FROST_ERR_PUBSHARE,		/* pubshares[blame] not a valid point */
	MPC_FROST_ERR_ID_DUPLICATE,	/* ids[blame] occurs earlier in the list */
	MPC_FROST_ERR_KEY_MATERIAL,	/* pubshares don't interpolate to thresh_pk */

	/* ValueError: tweaks */
	MPC_FROST_ERR_THRESH_PK,	/* thresh_pk not a valid point */
	MPC_FROST_ERR_TWEAK_LEN,	/* tweak bytes not a multiple of 32 */
	MPC_FROST_ERR_TWEAK_COUNT,	/* #tweaks != #is_xonly */
	MPC_FROST_ERR_TWEAK_RANGE,	/* tweak[blame] >= group order */
	MPC_FROST_ERR_TWEAK_INFINITY,	/* tweak[blame] makes the key infinity */

	/* ValueError: the signer's own inputs */
	MPC_FROST_ERR_SECNONCE1,	/* first secnonce value out of range (used?) */
	MPC_FROST_ERR_SECNONCE2,	/* second secnonce value out of range */
	MPC_FROST_ERR_SECSHARE,		/* secret share out of range */
	MPC_FROST_ERR_MY_PUBSHARE,	/* secshare*G not among the pubshares */
	MPC_FROST_ERR_MY_ID,		/* my_id not among the ids */

	/* ValueError: list shapes */
	MPC_FROST_ERR_PSIG_COUNT,	/* #psigs != u */
	MPC_FROST_ERR_PUBNONCE_COUNT,	/* #pubnonces != u (or 0 in NonceAgg) */
	MPC_FROST_ERR_SIGNER_INDEX,	/* PartialSigVerify index i >= u */

	/* other */
	MPC_FROST_ERR_LIMIT,		/* a count or length exceeds the limits */
	MPC_FROST_ERR_ARG,		/* NULL pointer or malformed argument */
	MPC_FROST_ERR_NONCE_ZERO,	/* a derived nonce or hash scalar is zero
					 * (negligible probability) */
	MPC_FROST_ERR_INTERNAL,		/* Sign's self-verification failed */

	MPC_FROST_ERR_COUNT_		/* number of codes */
};

struct mpc_frost_limits {
	size_t max_signers;	/* max u (lists of ids, pubshares, nonces, psigs) */
	size_t max_tweaks;
	size_t max_msglen;
};

/*
 * Signers context (public).  ids[i] and pubshares[i] belong to the i-th
 * signing participant; thresh_pk is the (untweaked) threshold public key.
 * The pointers are borrowed: they must outlive every structure that
 * refers to this one.
 */
struct mpc_frost_signers {
	uint32_t n;		/* participants in key generation */
	uint32_t t;		/* threshold */
	size_t u;		/* signing participants */
	const uint32_t *ids;				/* u ids in 0..n-1 */
	const uint8_t (*pubshares)[MPC_FROST_PUBSHARE_LEN];	/* u entries */
	const uint8_t *thresh_pk;			/* 33 bytes */
};

/*
 * Tweaks: tweak_len bytes holding tweak_len / 32 tweaks of 32 bytes,
 * is_xonly[k] (0 or nonzero) the mode of tweak k, n_is_xonly entries.
 * A NULL struct pointer means no tweaks.
 */
struct mpc_frost_tweaks {
	const uint8_t *tweak;
	size_t tweak_len;
	const uint8_t *is_xonly;
	size_t n_is_xonly;
};

/* Tweak context (BIP327 KeyAgg context): Q, gacc (1 or -1), tacc. */
struct mpc_frost_tweak_ctx {
	mpc_ge q;
	int gacc_neg;		/* gacc == -1 */
	mpc_scalar tacc;
};

/*
 * Session context: the inputs of one signing session (BIP-445 "Session
 * Context").  aggnonce is 66 bytes (NonceAgg output); msg may be NULL when
 * msglen is 0.
 */
struct mpc_frost_session_ctx {
	const struct mpc_frost_signers *signers;
	const uint8_t *aggnonce;
	const struct mpc_frost_tweaks *tweaks;	/* NULL = no tweaks */
	const uint8_t *msg;
	size_t msglen;
};

/* GetSessionValues output (public).  Refers to the session's signers. */
struct mpc_frost_session_values {
	const struct mpc_frost_signers *signers;
	mpc_ge q;		/* tweaked threshold key */
	int q_odd;		/* g == -1: Q has odd y */
	int gacc_neg;		/* gacc == -1 */
	mpc_scalar tacc;
	mpc_scalar b;		/* nonce coefficient */
	mpc_ge r;		/* final nonce (never infinity) */
	mpc_scalar e;		/* challenge */
	uint8_t q_x[32];	/* xbytes(Q) */
	uint8_t r_x[32];	/* xbytes(R) */
};

/* A short English description and the name of the contribution an error
 * blames ("pubnonce", "aggnonce", "aggothernonce", "psig", "pubshare"), or
 * NULL if the code is not about a contribution. */
const char *mpc_frost_strerror(int err);
const char *mpc_frost_contrib(int err);

/* --- signers context ------------------------------------------------------ */

/* ValidateSignersCtx. */
int mpc_frost_signers_validate(const struct mpc_frost_signers *sc,
			       const struct mpc_frost_limits *lim, size_t *blame);

/* DeriveInterpolatingValue(ids, my_id) (public data). Fails with
 * MPC_FROST_ERR_MY_ID or MPC_FROST_ERR_ID_DUPLICATE. */
int mpc_frost_lagrange(mpc_scalar *lambda, const uint32_t *ids, size_t u,
		       uint32_t my_id);

/* --- tweaking -------------------------------------------------------------- */

int mpc_frost_tweak_ctx_init(struct mpc_frost_tweak_ctx *ctx,
			     const uint8_t thresh_pk[33]);
/* ApplyTweak: MPC_FROST_ERR_TWEAK_RANGE or _TWEAK_INFINITY (ctx unchanged). */
int mpc_frost_tweak_ctx_apply(struct mpc_frost_tweak_ctx *ctx,
			      const uint8_t tweak[32], int is_xonly);
/* Apply a list of tweaks in order; *blame = failing tweak index. */
int mpc_frost_tweak_ctx_apply_list(struct mpc_frost_tweak_ctx *ctx,
				   const struct mpc_frost_tweaks *tw,
				   const struct mpc_frost_limits *lim,
				   size_t *blame);
void mpc_frost_tweak_ctx_xonly_pk(uint8_t out[32],
				  const struct mpc_frost_tweak_ctx *ctx);
void mpc_frost_tweak_ctx_plain_pk(uint8_t out[33],
				  const struct mpc_frost_tweak_ctx *ctx);

/* --- nonces ---------------------------------------------------------------- */

/*
 * NonceGen with rand' = rand32 (32 fresh random bytes from the caller; the
 * caller wipes them).  Optional inputs are NULL when absent: secshare (32),
 * pubshare (33), thresh_pk_x (32, x-only, ideally the tweaked key),
 * extra_in (extra_len bytes, < 2^32).  The message is present iff
 * msg_present (then msg has msglen bytes, msg may be NULL if msglen is 0).
 * Outputs secnonce (64, secret) and pubnonce (66).  On failure both
 * outputs are zeroed.
 */
int mpc_frost_nonce_gen(uint8_t secnonce[64], uint8_t pubnonce[66],
			const uint8_t rand32[32], const uint8_t *secshare,
			const uint8_t *pubshare, const uint8_t *thresh_pk_x,
			int msg_present, const uint8_t *msg, size_t msglen,
			const uint8_t *extra_in, size_t extra_len);

/* NonceAgg over u concatenated 66-byte pubnonces. *blame = bad pubnonce. */
int mpc_frost_nonce_agg(uint8_t aggnonce[66], const uint8_t *pubnonces,
			size_t u, const struct mpc_frost_limits *lim,
			size_t *blame);

/* --- session --------------------------------------------------------------- */

/* GetSessionValues (validates the signers context and the tweaks). */
int mpc_frost_session_values(struct mpc_frost_session_values *sv,
			     const struct mpc_frost_session_ctx *ctx,
			     const struct mpc_frost_limits *lim, size_t *blame);

/* --- signing (signer side, secret inputs) ---------------------------------- */

/*
 * Sign.  secnonce is read and then wiped (64 zero bytes) before anything
 * else happens, on every path: a second call with the same buffer fails
 * with MPC_FROST_ERR_SECNONCE1.  The produced partial signature is
 * verified before it is returned (MPC_FROST_ERR_INTERNAL if not): the
 * point T = c^-1 (s - k)*G, with k the effective nonce scalar and
 * c = e*lambda*g*gacc, must be the signer's listed pubshare, which is the
 * BIP's equation s*G = K + c*P with K = k*G; the nonce scalar k is computed
 * twice and compared.  psig is zeroed on failure.  Constant time in
 * secnonce and secshare.
 */
int mpc_frost_sign(uint8_t psig[32], uint8_t secnonce[64],
		   const uint8_t secshare[32], uint32_t my_id,
		   const struct mpc_frost_session_ctx *ctx,
		   const struct mpc_frost_limits *lim, size_t *blame);

/*
 * Sign with options (flags: MPC_FROST_SIGN_*; 0 = exactly mpc_frost_sign()).
 *
 * MPC_FROST_SIGN_TRUSTED_SIGNERS: the caller vouches for the key material
 * of the signers context, and the expensive part of ValidateSignersCtx
 * (decoding every pubshare and checking that they interpolate to
 * thresh_pk: u variable-time point multiplications) is skipped.
 * Precondition, which the caller must have established itself:
 *   - n, t and thresh_pk are those of a key whose n public shares were
 *     validated when the key was imported or generated (every share a
 *     valid point, all n on one polynomial of degree < t whose value at 0
 *     is thresh_pk: the ChillDKG output, or the key store's import check);
 *   - for every i < u, ids[i] < n and pubshares[i] is byte-for-byte the
 *     stored, validated public share of participant ids[i].
 * The kernel establishes it with a range check of ids[i] and
 * memcmp(pubshares[i], key->pubshares[ids[i]], 33) for each i (or builds
 * the pubshares list itself from its stored shares).  What is still
 * checked here: 1 <= t <= n, t <= u <= n, ids in range, duplicate ids,
 * every check of Sign, and the self-verification; the results (psig and
 * error codes) are those of mpc_frost_sign() whenever the precondition
 * holds.  If it does not hold, the psig may be for a wrong signer set, but
 * nothing about the secrets leaks beyond what a psig reveals (the
 * self-verification still checks the psig against pubshares[my position]).
 */
#define MPC_FROST_SIGN_TRUSTED_SIGNERS	0x1u

int mpc_frost_sign_ex(uint8_t psig[32], uint8_t secnonce[64],
		      const uint8_t secshare[32], uint32_t my_id,
		      const struct mpc_frost_session_ctx *ctx,
		      const struct mpc_frost_limits *lim, unsigned int flags,
		      size_t *blame);

/*
 * DeterministicSign.  aggothernonce (66 bytes) and rand (32) are optional
 * (NULL); ctx->aggnonce is ignored (the aggregate nonce is computed here).
 * Outputs pubnonce (66) and psig (32); both zeroed on failure.  Checks in
 * the order of the reference code: signers context, tweaks,
 * aggothernonce (MPC_FROST_ERR_AGGOTHERNONCE; 33 zero bytes are invalid
 * here, as in NonceAgg), then the checks of Sign.
 */
int mpc_frost_deterministic_sign(uint8_t pubnonce[66], uint8_t psig[32],
				 const uint8_t secshare[32], uint32_t my_id,
				 const uint8_t *aggothernonce,
				 const struct mpc_frost_session_ctx *ctx,
				 const uint8_t *rand,
				 const struct mpc_frost_limits *lim,
				 size_t *blame);

/* --- coordinator side (public data, variable time) ------------------------- */

/*
 * PartialSigVerify: pubnonces holds n_pubnonces (must equal u) concatenated
 * 66-byte nonces, i is the position of the signer.  Returns MPC_FROST_OK
 * if psig is valid, MPC_FROST_VERIFY_FAIL (*blame = i) if it is not, or an
 * error (bad context, bad tweak, MPC_FROST_ERR_PUBNONCE with the culprit).
 */
int mpc_frost_partial_sig_verify(const uint8_t psig[32],
				 const uint8_t *pubnonces, size_t n_pubnonces,
				 const struct mpc_frost_signers *sc,
				 const struct mpc_frost_tweaks *tw,
				 const uint8_t *msg, size_t msglen, size_t i,
				 const struct mpc_frost_limits *lim,
				 size_t *blame);

/*
 * PartialSigVerifyInternal with precomputed session values (a coordinator
 * computes them once and checks every signer).  MPC_FROST_OK or
 * MPC_FROST_VERIFY_FAIL.
 */
int mpc_frost_psig_verify_session(const struct mpc_frost_session_values *sv,
				  const uint8_t psig[32], uint32_t my_id,
				  const uint8_t pubnonce[66],
				  const uint8_t pubshare[33]);

/* PartialSigAgg: n_psigs (must equal u) concatenated 32-byte psigs. */
int mpc_frost_partial_sig_agg(uint8_t sig[64], const uint8_t *psigs,
			      size_t n_psigs,
			      const struct mpc_frost_session_ctx *ctx,
			      const struct mpc_frost_limits *lim,
			      size_t *blame);
/* The same with precomputed session values. */
int mpc_frost_partial_sig_agg_session(uint8_t sig[64], const uint8_t *psigs,
				      size_t n_psigs,
				      const struct mpc_frost_session_values *sv,
				      size_t *blame);

#endif
