/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * party.h - the party's protocol state machine (one mpcsignd per machine).
 *
 * struct mpcsign_party turns one request frame from an authenticated
 * coordinator into one reply frame.  It holds the DKG and signing sessions
 * by session id (bounded count, expiring) and the metadata of the keys this
 * party holds (threshold key, own participant id, t, n, host key list).
 * Every secret stays in the kernel: the party keeps handles only (DKG
 * session handle, nonce handle, key handle via KEY_LOOKUP).
 *
 * A party trusts nobody.  Before any ioctl that creates state it checks:
 *   - the coordinator's identity is in the coordinators allowlist;
 *   - DKG_PROPOSE: every host key in the peers allowlist, its own among
 *     them, expiry in the future and at most max_expiry_s ahead;
 *   - every ChillDKG message's size against the session's n and t;
 *   - the session's round order (one request type per round);
 *   - SIGN_REQ: the key is known here and ready (its DKG_ACKS verified),
 *     its own id (position of its host key in the key's host key list) is in
 *     the signer set, num_signers >= t, ids < n, expiry, and the policy
 *     allows it -- all before NONCE_GEN;
 *   - SIGN_AGG: the request hash equals that of the stored round-1 request
 *     (else ERROR CONFLICT and the nonce is abandoned at once: the party
 *     hands it to a SIGN that the kernel takes the nonce for and then
 *     refuses (a signer id out of range), so the kernel wipes it and no
 *     psig is ever made on another message; KEY_INFO's nonce count drops).
 *     The same happens to the nonce of a session that expires or is
 *     evicted, and on mpcsign_party_free().
 * Idempotency: the same session id, round and body (from the same
 * coordinator) gets the cached reply (never a second nonce); the same
 * session id with another body or coordinator is ERROR CONFLICT.
 *
 * Thread safety: every function takes the party's one mutex; the daemon may
 * call mpcsign_party_handle() from one thread per connection.  Callbacks
 * (log, store, now) are called with the mutex held: they must not call back
 * into the party.
 */
#ifndef MPCSIGN_PARTY_H
#define MPCSIGN_PARTY_H

#include <stddef.h>
#include <stdint.h>
#include "libmpcsign.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mpcsign_party;
struct mpcsign_policy;		/* policy.h */

/* Log levels: syslog's. */
#define MPCSIGN_LOG_ERR		3
#define MPCSIGN_LOG_WARNING	4
#define MPCSIGN_LOG_NOTICE	5
#define MPCSIGN_LOG_INFO	6
#define MPCSIGN_LOG_DEBUG	7

/*
 * The public result of a DKG, handed to the store callback once DKG_ACKS
 * verified (and given back with mpcsign_party_add_key after a restart).
 * Pointers are valid during the call only.
 */
struct mpcsign_party_key_record {
	uint8_t thresh_pk[33];
	uint32_t my_id, t, n;
	const uint8_t (*hostpubkeys)[33];	/* n, in participant order */
	const uint8_t *recovery_data;		/* the certified recovery data */
	size_t recovery_data_len;
	uint8_t session[MPCSIGN_SESSION_ID_LEN];	/* the DKG's session id */
	uint8_t fingerprint[32];		/* mpcsign_dkg_fingerprint */
	uint8_t coord_pk[33];			/* who ran the DKG */
	const char *desc;			/* description (NUL-terminated) */
	uint64_t created;			/* Unix seconds */
};

struct mpcsign_party_cfg {
	struct mpcsign *dev;			/* the device (NULL: tests that never reach an ioctl) */
	uint8_t hostpubkey[33];			/* this party's host key */
	uint32_t host_key_handle;		/* its handle in dev */
	/* Allowlists (copied): DKG host keys, coordinators. */
	const uint8_t (*peers)[33];
	size_t num_peers;
	const uint8_t (*coordinators)[33];
	size_t num_coordinators;
	/* Signing policy; taken over by the party (freed by mpcsign_party_free),
	 * also on failure of mpcsign_party_new.  NULL: every SIGN_REQ denied. */
	struct mpcsign_policy *policy;
	unsigned max_sessions;			/* DKG + signing sessions; 0 = 64 */
	unsigned session_timeout_s;		/* idle session lifetime; 0 = 300 */
	unsigned max_expiry_s;			/* cap on expiry - now; 0 = 86400 */
	/* One line per decision (request id = session id in hex, key,
	 * coordinator, message hash, rule, outcome).  NULL = silent. */
	void (*log)(void *arg, int level, const char *line);
	void *log_arg;
	/* Persist a key record; 0 or -errno (the key is then not ready and
	 * DKG_ACKS answers ERROR INTERNAL).  NULL = nothing stored. */
	int (*store)(void *arg, const struct mpcsign_party_key_record *rec);
	void *store_arg;
	/* Unix seconds (tests); NULL = time(NULL). */
	uint64_t (*now)(void *arg);
	void *now_arg;
};

/*
 * A new party.  -EINVAL bad cfg (log/store may be NULL), -ENOMEM.
 * cfg->policy is taken over whatever the result.
 */
int mpcsign_party_new(struct mpcsign_party **out, const struct mpcsign_party_cfg *cfg);
/* Ends every session (DKG_ABORT; outstanding nonces abandoned as above),
 * frees the policy.  NULL is fine. */
void mpcsign_party_free(struct mpcsign_party *p);

/* Replace the policy (SIGHUP); taken over, the old one is freed (its rate
 * counters with it).  policy NULL = deny all. */
void mpcsign_party_set_policy(struct mpcsign_party *p, struct mpcsign_policy *policy);
/* Replace the allowlists (copied).  0, -ENOMEM (old lists kept). */
int mpcsign_party_set_allowlists(struct mpcsign_party *p, const uint8_t (*peers)[33],
				 size_t num_peers, const uint8_t (*coordinators)[33],
				 size_t num_coordinators);

/*
 * 1 if coord_pk may connect as a coordinator (the TLS layer's allowed()
 * callback can use this), else 0.
 */
int mpcsign_party_coordinator_allowed(struct mpcsign_party *p, const uint8_t coord_pk[33]);

/*
 * A known key (a record loaded from the daemon's state after a restart):
 * marked ready.  It is checked against the kernel (KEY_LOOKUP with its
 * my_id) when a SIGN_REQ names it.  0, -EEXIST (same key and id already
 * known), -EINVAL (n, t, my_id out of range), -ENOMEM.
 */
int mpcsign_party_add_key(struct mpcsign_party *p, const struct mpcsign_party_key_record *rec);

/*
 * Handle one request frame (hdr as parsed by the link, body hdr->body_len
 * bytes) from the authenticated coordinator coord_pk.  On 0, *reply_type
 * and reply (an initialised buffer, appended to) hold the answer: the
 * protocol's next message or an ERROR frame for every refusal (a refusal is
 * not a function error).  The reply goes out with hdr->session.
 * -ENOMEM (reply buffer) or -EINVAL (NULL arguments) only: the caller should
 * then close the connection.
 */
int mpcsign_party_handle(struct mpcsign_party *p, const uint8_t coord_pk[33],
			 const struct mpcsign_frame_hdr *hdr, const uint8_t *body,
			 uint8_t *reply_type, struct mpcsign_buf *reply);

/* Drop expired sessions (also done lazily by handle()); returns how many. */
unsigned mpcsign_party_expire(struct mpcsign_party *p);

/*
 * The control socket's answers as JSON text appended to out:
 *   "status": {"hostpubkey":..., "sessions":{"dkg":N,"sign":N}, "keys":N,
 *              "peers":N, "coordinators":N, "policy":true|false}
 *   "keys":   [{"thresh_pk":..., "my_id":..., "t":..., "n":..., "ready":...,
 *              "desc":..., "fingerprint":..., "created":...}, ...]
 *   "peers":  {"peers":[hex...], "coordinators":[hex...]}
 *   "sessions": [{"id":..., "kind":"dkg"|"sign", "state":..., "expires":...}]
 * 0, -EINVAL unknown cmd, -ENOMEM.
 */
int mpcsign_party_ctl(struct mpcsign_party *p, const char *cmd, struct mpcsign_buf *out);

#ifdef __cplusplus
}
#endif
#endif
