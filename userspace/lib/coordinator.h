/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * coordinator.h - the coordinator's protocol state machine (the mpcsign
 * CLI's network commands).
 *
 * The coordinator is untrusted by the parties: it only moves public data.
 * It dials every party through the caller's connect callback (which returns
 * an authenticated struct mpcsign_link, e.g. mpcsign_chan_link() of a TLS
 * channel, or an fd link in the tests), runs the protocol over those links
 * and reports what happened: who took part, who was unreachable, who was
 * blamed and why.  Parties are named by index (their position in the DKG's
 * host key list) and host public key.
 *
 * Every function is synchronous: requests go to all parties of a round,
 * then every reply is awaited (round_timeout_ms each).  A link that failed,
 * timed out or answered out of protocol is closed and not used again in the
 * run.  Not thread-safe per call; independent calls may run concurrently.
 * Call mpcsign_coord_init() once first.
 */
#ifndef MPCSIGN_COORDINATOR_H
#define MPCSIGN_COORDINATOR_H

#include <stddef.h>
#include <stdint.h>
#include "libmpcsign.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MPCSIGN_COORD_NOBODY	((size_t)-1)

/* One party as the coordinator knows it. */
struct mpcsign_coord_party {
	uint8_t hostpubkey[33];
	const char *address;	/* opaque to this module ("host:port"); NULL = unknown:
				 * never dialled, reported unreachable */
};

/* What the event callback hears (for human / JSON output and the demo). */
enum mpcsign_coord_event_kind {
	MPCSIGN_COORD_EV_CONNECT = 1,	/* party connected */
	MPCSIGN_COORD_EV_UNREACHABLE,	/* connect failed (text: why) */
	MPCSIGN_COORD_EV_SEND,		/* a frame to party (msg_type, len) */
	MPCSIGN_COORD_EV_RECV,		/* a frame from party (msg_type, len) */
	MPCSIGN_COORD_EV_FINGERPRINT,	/* DKG fingerprint (data: 32 bytes) */
	MPCSIGN_COORD_EV_ATTEMPT,	/* a signing attempt starts (attempt, text: signer ids) */
	MPCSIGN_COORD_EV_BLAME,		/* party blamed (text: why) */
	MPCSIGN_COORD_EV_DONE,		/* success */
};
struct mpcsign_coord_event {
	enum mpcsign_coord_event_kind kind;
	size_t party;			/* index, or MPCSIGN_COORD_NOBODY */
	const uint8_t *hostpubkey;	/* 33 bytes, or NULL */
	uint8_t msg_type;		/* SEND / RECV */
	size_t len;			/* body bytes (SEND / RECV), data bytes */
	const uint8_t *session;		/* MPCSIGN_SESSION_ID_LEN bytes, or NULL */
	const uint8_t *data;		/* FINGERPRINT */
	unsigned attempt;		/* ATTEMPT (1-based) */
	const char *text;		/* NUL-terminated, or NULL */
};

struct mpcsign_coord_ops {
	/*
	 * Connect to party i; return an authenticated link (the party's host
	 * key checked by the transport) or NULL with a reason in err.
	 */
	struct mpcsign_link *(*connect)(void *arg, size_t i, const struct mpcsign_coord_party *party,
					char *err, size_t errlen);
	/* Close a link returned by connect (always called, once). */
	void (*close)(void *arg, size_t i, struct mpcsign_link *link);
	/* May be NULL. */
	void (*event)(void *arg, const struct mpcsign_coord_event *ev);
	void *arg;
};

/* Why a run failed, or why a party was set aside. */
struct mpcsign_coord_blame {
	size_t party;		/* index, or MPCSIGN_COORD_NOBODY (the coordinator / unknown) */
	uint8_t hostpubkey[33];	/* valid if party != NOBODY */
	int err;		/* -errno of the step that failed */
	uint32_t wire_code;	/* the party's ERROR code (enum mpcsign_wire_err), or 0 */
	uint32_t dkg_kind;	/* enum mpcsign_dkg_kind, or 0 */
	char reason[256];	/* human-readable */
};

/* --- DKG -------------------------------------------------------------------- */

struct mpcsign_coord_dkg_req {
	uint32_t t;
	size_t n;
	const struct mpcsign_coord_party *parties;	/* n, in participant order */
	const char *desc;				/* printable ASCII, <= MPCSIGN_WIRE_MAX_DESC */
	uint64_t expiry;				/* Unix seconds */
	int round_timeout_ms;				/* per reply; 0 = 30000 */
};
struct mpcsign_coord_dkg_result {
	uint8_t session[MPCSIGN_SESSION_ID_LEN];
	uint8_t fingerprint[32];
	uint8_t thresh_pk[33];				/* on success */
	uint8_t *recovery_data;				/* on success, malloc'ed */
	size_t recovery_data_len;
	struct mpcsign_coord_blame blame;		/* on failure */
};
/*
 * Run a ChillDKG among req->parties (all must take part).  0 and the key,
 * or -errno with out->blame: -EHOSTUNREACH (a party could not be reached),
 * -EACCES (a party refused: ERROR code in blame), -EBADMSG / -EPROTO (a
 * party, or the coordinator's own inputs, at fault: after an -EREMOTEIO
 * from the parties the investigation is run and its culprit named),
 * -ETIMEDOUT, -EINVAL (bad req), -ENOMEM.
 */
int mpcsign_coord_run_dkg(struct mpcsign_coord_dkg_result *out, const struct mpcsign_coord_ops *ops,
			  const struct mpcsign_coord_dkg_req *req);
void mpcsign_coord_dkg_result_free(struct mpcsign_coord_dkg_result *r);

/* --- signing ---------------------------------------------------------------- */

struct mpcsign_coord_sign_req {
	/* The key: its recovery data gives t, n, the public shares and the
	 * host keys (mpcsign_dkg_coord_recover); thresh_pk (may be NULL) must
	 * match it. */
	const uint8_t *recovery_data;
	size_t recovery_data_len;
	const uint8_t *thresh_pk;
	/* Where the n parties are: parties[i] for participant i, its
	 * hostpubkey must be the recovery data's i-th host key. */
	const struct mpcsign_coord_party *parties;
	size_t num_parties;
	uint8_t kind;					/* MPCSIGN_SIGN_KIND_RAW */
	const uint8_t *msg;
	size_t msg_len;
	const uint8_t (*tweaks)[32];
	size_t num_tweaks;
	uint64_t tweak_xonly;
	const struct mpcsign_approval *approvals;
	size_t num_approvals;
	uint64_t expiry;				/* Unix seconds */
	int round_timeout_ms;				/* per reply; 0 = 30000 */
	unsigned max_attempts;				/* 0 = n - t + 1 */
};

enum mpcsign_coord_party_state {
	MPCSIGN_COORD_P_UNUSED = 0,	/* not needed */
	MPCSIGN_COORD_P_SIGNED,		/* its psig is in the signature */
	MPCSIGN_COORD_P_UNREACHABLE,	/* connect failed / no address */
	MPCSIGN_COORD_P_REFUSED,	/* answered ERROR (policy, rate, ...) */
	MPCSIGN_COORD_P_FAILED,		/* timed out / link broke / bad reply / bad psig */
};
struct mpcsign_coord_party_report {
	enum mpcsign_coord_party_state state;
	int err;			/* -errno, if REFUSED / FAILED / UNREACHABLE */
	uint32_t wire_code;		/* ERROR code, if REFUSED */
	char reason[160];
};
struct mpcsign_coord_sign_result {
	uint8_t sig[64];		/* on success: BIP340, verified with libsecp256k1 */
	uint8_t pk32[32];		/* the x-only (tweaked) key it verifies under */
	unsigned attempts;
	size_t n;
	struct mpcsign_coord_party_report *parties;	/* n entries, malloc'ed */
	struct mpcsign_coord_blame blame;		/* on failure: the last reason */
};
/*
 * Sign msg with any t of the reachable parties.  Each attempt uses a fresh
 * random session id (so fresh nonces at every party); a party that refuses,
 * times out or sends a bad nonce / psig is reported, set aside and the
 * attempt is retried with another subset without it.  0 and the signature,
 * or -errno: -EHOSTUNREACH / -EAGAIN (fewer than t usable parties left),
 * -EINVAL (bad req, recovery data that does not match thresh_pk or the
 * parties), -ENOMEM.  out->parties is filled in both cases.
 */
int mpcsign_coord_run_sign(struct mpcsign_coord_sign_result *out, const struct mpcsign_coord_ops *ops,
			   const struct mpcsign_coord_sign_req *req);
void mpcsign_coord_sign_result_free(struct mpcsign_coord_sign_result *r);

/*
 * The subset choice (exposed for the tests): the first t indices i < n with
 * usable[i] != 0 into ids (ascending).  0, or -EAGAIN if fewer than t.
 */
int mpcsign_coord_pick_signers(uint32_t *ids, const uint8_t *usable, size_t n, uint32_t t);

#ifdef __cplusplus
}
#endif
#endif
