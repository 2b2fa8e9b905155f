/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * wire.h - mpcsign's network frames and messages (Documentation/protocol.rst).
 *
 * Shared by the party daemon (mpcsignd), the coordinator (the mpcsign CLI)
 * and the tests.  Everything here is pure: no I/O except through the
 * caller's struct mpcsign_link_ops, no global state.
 *
 * A frame is a 32-byte header and a body:
 *
 *   off len  field
 *     0   4  magic "MPCS"
 *     4   4  body_len (big-endian), <= the receiver's maximum (at most
 *            MPCSIGN_FRAME_MAX_BODY), checked before anything is allocated
 *     8   1  version (MPCSIGN_WIRE_VERSION)
 *     9   1  type (enum mpcsign_msg_type)
 *    10   2  flags (must be 0)
 *    12   4  seq (big-endian): 1 for the first frame each side sends on a
 *            connection, then +1 per frame; a receiver refuses anything else
 *            (so a replayed or reordered frame ends the connection)
 *    16  16  session id (chosen by the coordinator; all zero for AUTH)
 *
 * All integers are big-endian.  Bodies use the specs' byte encodings
 * (33-byte compressed points, 32-byte scalars, 64-byte BIP340 signatures,
 * ChillDKG messages as the spec serializes them).
 *
 * Decoders never allocate: variable-length fields point into the body.
 * Every decoder checks every length, count, reserved byte and range it can
 * check without protocol state, and returns -EBADMSG for a body that is not
 * exactly one well-formed message of its type.  Encoders append to a
 * struct mpcsign_buf (errors are sticky: check buf->err once at the end).
 */
#ifndef MPCSIGN_WIRE_H
#define MPCSIGN_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define MPCSIGN_WIRE_MAGIC		"MPCS"
#define MPCSIGN_WIRE_VERSION		1
#define MPCSIGN_FRAME_HDR_LEN		32
#define MPCSIGN_SESSION_ID_LEN		16
/* Largest body of any frame (a receiver may set a smaller maximum). */
#define MPCSIGN_FRAME_MAX_BODY		(256u * 1024)
/* Protocol limits (a DKG of up to 255 parties fits in one frame). */
#define MPCSIGN_WIRE_MAX_N		255
#define MPCSIGN_WIRE_MAX_DESC		256	/* DKG description, bytes */
#define MPCSIGN_WIRE_MAX_MSG		65536	/* message to sign, bytes */
#define MPCSIGN_WIRE_MAX_TWEAKS		64
#define MPCSIGN_WIRE_MAX_APPROVALS	16
#define MPCSIGN_WIRE_MAX_ERRTEXT	512
/* ERROR's blame_kind: 0 .. the last enum mpcsign_dkg_kind (DKG_INTERNAL) */
#define MPCSIGN_WIRE_MAX_BLAME_KIND	15
/* ERROR's sys_errno: 0 .. 4095 (Linux's MAX_ERRNO) */
#define MPCSIGN_WIRE_MAX_ERRNO		4095
#ifndef MPCSIGN_BLAME_NONE		/* same value as the UAPI header's */
#define MPCSIGN_BLAME_NONE		0xffffffffu
#endif

enum mpcsign_msg_type {
	/* connection */
	MPCSIGN_MSG_AUTH = 1,		/* both ways, first frame each side */
	MPCSIGN_MSG_ERROR = 2,		/* any reply */
	/* DKG (coordinator -> party requests, party -> coordinator replies) */
	MPCSIGN_MSG_DKG_PROPOSE = 16,	/* c->p; reply DKG_PMSG1 */
	MPCSIGN_MSG_DKG_PMSG1 = 17,
	MPCSIGN_MSG_DKG_CMSG1 = 18,	/* c->p; reply DKG_PMSG2 */
	MPCSIGN_MSG_DKG_PMSG2 = 19,
	MPCSIGN_MSG_DKG_CMSG2 = 20,	/* c->p; reply DKG_FINAL */
	MPCSIGN_MSG_DKG_FINAL = 21,
	MPCSIGN_MSG_DKG_ACKS = 22,	/* c->p; reply DKG_READY */
	MPCSIGN_MSG_DKG_READY = 23,
	MPCSIGN_MSG_DKG_INVESTIGATE = 24, /* c->p; reply ERROR naming the culprit */
	/* signing */
	MPCSIGN_MSG_SIGN_REQ = 32,	/* c->p round 1; reply SIGN_NONCE */
	MPCSIGN_MSG_SIGN_NONCE = 33,
	MPCSIGN_MSG_SIGN_AGG = 34,	/* c->p round 2; reply SIGN_PSIG */
	MPCSIGN_MSG_SIGN_PSIG = 35,
	/* local control socket (unix, no TLS): request and JSON reply */
	MPCSIGN_MSG_CTL_REQ = 64,
	MPCSIGN_MSG_CTL_REPLY = 65,
};
/* 1 if type is one of enum mpcsign_msg_type. */
int mpcsign_msg_type_known(unsigned int type);
/* Its name ("SIGN_REQ"), or "UNKNOWN". */
const char *mpcsign_msg_type_name(unsigned int type);

struct mpcsign_frame_hdr {
	uint32_t body_len;
	uint8_t version;
	uint8_t type;
	uint16_t flags;
	uint32_t seq;
	uint8_t session[MPCSIGN_SESSION_ID_LEN];
};
/*
 * Parse a header.  -EBADMSG bad magic, version or flags; -EMSGSIZE body_len
 * > max_body (max_body 0 = MPCSIGN_FRAME_MAX_BODY; larger values are capped
 * to it); -EPROTO unknown type.  The body is not looked at.
 */
int mpcsign_frame_hdr_parse(struct mpcsign_frame_hdr *out,
			    const uint8_t in[MPCSIGN_FRAME_HDR_LEN], size_t max_body);
void mpcsign_frame_hdr_encode(uint8_t out[MPCSIGN_FRAME_HDR_LEN],
			      const struct mpcsign_frame_hdr *h);

/* A growable output buffer; err sticky (-ENOMEM, -EMSGSIZE past max, -EINVAL
 * NULL data with a length, or an encoder given a message its decoder refuses). */
struct mpcsign_buf {
	uint8_t *p;
	size_t len, cap;
	size_t max;		/* 0 = MPCSIGN_FRAME_MAX_BODY */
	int err;
};
void mpcsign_buf_init(struct mpcsign_buf *b);
void mpcsign_buf_put(struct mpcsign_buf *b, const void *p, size_t n);
void mpcsign_buf_u8(struct mpcsign_buf *b, uint8_t v);
void mpcsign_buf_u16(struct mpcsign_buf *b, uint16_t v);
void mpcsign_buf_u32(struct mpcsign_buf *b, uint32_t v);
void mpcsign_buf_u64(struct mpcsign_buf *b, uint64_t v);
/* Wipe (explicit_bzero) and free; the struct can be reused after init. */
void mpcsign_buf_free(struct mpcsign_buf *b);

/* --- links: frames over a byte stream (TLS, a unix socket, a test pipe) ---- */

struct mpcsign_link_ops {
	/* Write all n bytes, or fail: 0 or -errno (-ETIMEDOUT, -EPIPE, ...). */
	int (*write)(void *ctx, const uint8_t *p, size_t n, int timeout_ms);
	/* Read exactly n bytes, or fail: 0, -ECONNRESET at EOF, -ETIMEDOUT. */
	int (*read)(void *ctx, uint8_t *p, size_t n, int timeout_ms);
};

struct mpcsign_link {
	const struct mpcsign_link_ops *ops;
	void *ctx;
	uint32_t seq_out;	/* last seq sent (0 before the first frame) */
	uint32_t seq_in;	/* last seq received */
	size_t max_body;	/* receive limit (0 = MPCSIGN_FRAME_MAX_BODY) */
};
void mpcsign_link_init(struct mpcsign_link *l, const struct mpcsign_link_ops *ops, void *ctx,
		       size_t max_body);
/*
 * Send one frame with the next seq (header and body in one write).  0 or
 * -errno: -EINVAL unknown type, -EMSGSIZE len > MPCSIGN_FRAME_MAX_BODY,
 * -EOVERFLOW seq exhausted, else the write callback's error.  The seq is used
 * up even when the write fails (the connection is then unusable).
 * timeout_ms < 0: no limit (here and in mpcsign_link_recv).
 */
int mpcsign_link_send(struct mpcsign_link *l, uint8_t type,
		      const uint8_t session[MPCSIGN_SESSION_ID_LEN], const uint8_t *body,
		      size_t len, int timeout_ms);
/*
 * Receive one frame: the header is read and checked (mpcsign_frame_hdr_parse,
 * and seq == seq_in + 1, else -EPROTO: a replayed or dropped frame) before
 * the body is allocated; *body is malloc'ed (NULL for an empty body), the
 * caller frees it.  The timeout covers the whole frame: each read gets
 * what is left of it (the read callback must bound its own partial reads by
 * the timeout it is given).  Errors: those of mpcsign_frame_hdr_parse,
 * -EPROTO bad seq, -ENOMEM, the read callback's (-ECONNRESET at EOF, also in
 * the middle of a frame; -ETIMEDOUT).  After any error the link is unusable.
 */
int mpcsign_link_recv(struct mpcsign_link *l, struct mpcsign_frame_hdr *hdr, uint8_t **body,
		      int timeout_ms);

/* --- messages ------------------------------------------------------------------ */

/*
 * AUTH: the first frame each side sends after the TLS handshake.
 *   role u8 | reserved u8[3] (0) | sender_pk[33] | receiver_pk[33] | sig[64]
 * role is COORDINATOR or PARTY, sender_pk and receiver_pk have a 0x02/0x03
 * prefix and differ.
 * sig is a HOST_KEY_SIGN transport signature (or the key file's BIP340
 * signature over the same tagged hash) by sender_pk over
 * mpcsign_auth_digest(role, binding, sender_pk, receiver_pk), where binding is
 * the connection's RFC 9266 tls-exporter value.
 */
#define MPCSIGN_ROLE_COORDINATOR	1
#define MPCSIGN_ROLE_PARTY		2
#define MPCSIGN_AUTH_BODY_LEN		134
#define MPCSIGN_TLS_EXPORTER_LABEL	"EXPORTER-Channel-Binding"
#define MPCSIGN_TLS_BINDING_LEN		32
struct mpcsign_msg_auth {
	uint8_t role;
	uint8_t sender_pk[33];
	uint8_t receiver_pk[33];
	uint8_t sig[64];
};
/*
 * The 32 bytes handed to HOST_KEY_SIGN:
 * SHA256("mpcsign/auth/v1" || role || binding[32] || sender_pk || receiver_pk).
 */
void mpcsign_auth_digest(uint8_t out[32], uint8_t role,
			 const uint8_t binding[MPCSIGN_TLS_BINDING_LEN],
			 const uint8_t sender_pk[33], const uint8_t receiver_pk[33]);
int mpcsign_msg_auth_decode(struct mpcsign_msg_auth *m, const uint8_t *body, size_t len);
void mpcsign_msg_auth_encode(struct mpcsign_buf *b, const struct mpcsign_msg_auth *m);

/*
 * ERROR: code u32 | sys_errno u32 | blame_kind u32 | blame_index u32 |
 *        text_len u16 | text (printable ASCII, <= MPCSIGN_WIRE_MAX_ERRTEXT)
 * blame_kind is enum mpcsign_dkg_kind (DKG) or 0; blame_index a participant
 * index or MPCSIGN_BLAME_NONE (0xffffffff).
 * The decoder refuses code 0 or > MPCSIGN_WERR_MAX, sys_errno >
 * MPCSIGN_WIRE_MAX_ERRNO, blame_kind > MPCSIGN_WIRE_MAX_BLAME_KIND,
 * blame_index >= MPCSIGN_WIRE_MAX_N other than MPCSIGN_BLAME_NONE; text is
 * NULL when text_len is 0.
 */
enum mpcsign_wire_err {
	MPCSIGN_WERR_BAD_REQUEST = 1,	/* malformed or inconsistent request */
	MPCSIGN_WERR_NOT_ALLOWED = 2,	/* identity not in the allowlist */
	MPCSIGN_WERR_POLICY = 3,	/* the policy denied it */
	MPCSIGN_WERR_RATE = 4,		/* over a rate limit */
	MPCSIGN_WERR_UNKNOWN_KEY = 5,	/* no such key at this party */
	MPCSIGN_WERR_STATE = 6,		/* not the round this session is in */
	MPCSIGN_WERR_EXPIRED = 7,	/* the request or session expired */
	MPCSIGN_WERR_CONFLICT = 8,	/* same session id, other content */
	MPCSIGN_WERR_DKG = 9,		/* a DKG step failed (blame set) */
	MPCSIGN_WERR_SIGN = 10,		/* SIGN failed in the kernel (blame set) */
	MPCSIGN_WERR_BUSY = 11,		/* limits: sessions, connections */
	MPCSIGN_WERR_INTERNAL = 12,
	MPCSIGN_WERR_MAX = 12,
};
const char *mpcsign_wire_err_name(uint32_t code);
struct mpcsign_msg_error {
	uint32_t code;		/* enum mpcsign_wire_err */
	uint32_t sys_errno;	/* positive errno of the failing call, or 0 */
	uint32_t blame_kind;
	uint32_t blame_index;
	const char *text;	/* points into the body; NOT NUL-terminated */
	uint16_t text_len;
};
int mpcsign_msg_error_decode(struct mpcsign_msg_error *m, const uint8_t *body, size_t len);
void mpcsign_msg_error_encode(struct mpcsign_buf *b, const struct mpcsign_msg_error *m);

/*
 * DKG_PROPOSE: t u32 | n u32 | expiry u64 (Unix seconds) | desc_len u16 |
 *   desc (printable ASCII) | hostpubkeys n*33
 * 1 <= t <= n <= MPCSIGN_WIRE_MAX_N; each host key a valid compressed point
 * encoding (0x02/0x03 prefix; curve membership is the kernel's check), all
 * distinct; desc_len <= MPCSIGN_WIRE_MAX_DESC (desc NULL when 0).
 */
struct mpcsign_msg_dkg_propose {
	uint32_t t, n;
	uint64_t expiry;
	const char *desc;	/* into the body, desc_len bytes, not NUL-terminated */
	uint16_t desc_len;
	const uint8_t (*hostpubkeys)[33];	/* into the body */
};
int mpcsign_msg_dkg_propose_decode(struct mpcsign_msg_dkg_propose *m, const uint8_t *body,
				   size_t len);
void mpcsign_msg_dkg_propose_encode(struct mpcsign_buf *b, const struct mpcsign_msg_dkg_propose *m);
/*
 * The DKG's fingerprint for people to compare (printed by the coordinator,
 * logged by every party): SHA256("mpcsign/dkg-fingerprint/v1" || the
 * DKG_PROPOSE body || session id).
 */
void mpcsign_dkg_fingerprint(uint8_t out[32], const uint8_t *propose_body, size_t len,
			     const uint8_t session[MPCSIGN_SESSION_ID_LEN]);

/* DKG_PMSG1, DKG_CMSG1, DKG_CMSG2, DKG_INVESTIGATE: the body is the ChillDKG
 * message itself (its length is checked against n, t by the receiver);
 * DKG_PMSG2: 64 bytes. */

/* DKG_FINAL: thresh_pk[33] (0x02/0x03 prefix) | ack[64] (the party's recovery ack). */
struct mpcsign_msg_dkg_final {
	uint8_t thresh_pk[33];
	uint8_t ack[64];
};
int mpcsign_msg_dkg_final_decode(struct mpcsign_msg_dkg_final *m, const uint8_t *body, size_t len);
void mpcsign_msg_dkg_final_encode(struct mpcsign_buf *b, const struct mpcsign_msg_dkg_final *m);

/* DKG_ACKS: n u32 (1..MPCSIGN_WIRE_MAX_N) | acks n*64 | recovery_data (the
 * rest, non-empty; its length is checked against n, t by the receiver). */
struct mpcsign_msg_dkg_acks {
	uint32_t n;
	const uint8_t (*acks)[64];
	const uint8_t *recovery_data;
	size_t recovery_data_len;
};
int mpcsign_msg_dkg_acks_decode(struct mpcsign_msg_dkg_acks *m, const uint8_t *body, size_t len);
void mpcsign_msg_dkg_acks_encode(struct mpcsign_buf *b, const struct mpcsign_msg_dkg_acks *m);

/* DKG_READY: thresh_pk[33]. */

/*
 * SIGN_REQ (round 1):
 *   thresh_pk[33] | expiry u64 | kind u8 | reserved u8[3] (0) |
 *   msg_len u32 | msg | num_signers u16 | ids num_signers*u32 (strictly
 *   increasing) | num_tweaks u8 | tweak_xonly u64 (bits >= num_tweaks zero) |
 *   tweaks num_tweaks*32 | num_approvals u8 | approvals num_approvals *
 *   (approver_x[32] | sig[64])
 * 1 <= num_signers <= MPCSIGN_WIRE_MAX_N, msg_len <= MPCSIGN_WIRE_MAX_MSG,
 * num_tweaks <= MPCSIGN_WIRE_MAX_TWEAKS, num_approvals <=
 * MPCSIGN_WIRE_MAX_APPROVALS (approver keys distinct).  Also refused:
 * thresh_pk without a 0x02/0x03 prefix, kind other than
 * MPCSIGN_SIGN_KIND_RAW, an id >= MPCSIGN_WIRE_MAX_N (ids are participant
 * positions 0..n-1), a tweak >= the group order.  msg, tweaks and approvals
 * are NULL when their count is 0.
 */
#define MPCSIGN_SIGN_KIND_RAW	0	/* raw message bytes */
struct mpcsign_approval {
	uint8_t approver_x[32];	/* BIP340 x-only public key */
	uint8_t sig[64];	/* over mpcsign_approval_digest() */
};
struct mpcsign_msg_sign_req {
	uint8_t thresh_pk[33];
	uint64_t expiry;
	uint8_t kind;
	uint32_t msg_len;
	const uint8_t *msg;
	uint16_t num_signers;
	const uint8_t *ids_be;		/* into the body: num_signers big-endian u32 */
	uint8_t num_tweaks;
	uint64_t tweak_xonly;
	const uint8_t (*tweaks)[32];
	uint8_t num_approvals;
	const struct mpcsign_approval *approvals;	/* into the body (packed 96-byte entries) */
};
_Static_assert(sizeof(struct mpcsign_approval) == 96, "approval entries are packed");
int mpcsign_msg_sign_req_decode(struct mpcsign_msg_sign_req *m, const uint8_t *body, size_t len);
/* ids: num_signers host-order identifiers (encoded big-endian). */
void mpcsign_msg_sign_req_encode(struct mpcsign_buf *b, const struct mpcsign_msg_sign_req *m,
				 const uint32_t *ids);
/* The i-th signer id of a decoded request. */
uint32_t mpcsign_msg_sign_req_id(const struct mpcsign_msg_sign_req *m, size_t i);
/*
 * What approvers sign (BIP340, their own keys), independent of the signer set,
 * session id and expiry so that an approval survives the coordinator's retries:
 * TaggedHash("mpcsign/approval/v1", thresh_pk || kind || msg_len u32 || msg ||
 * num_tweaks u8 || tweak_xonly u64 || tweaks).
 */
void mpcsign_approval_digest(uint8_t out[32], const struct mpcsign_msg_sign_req *m);
/*
 * The request hash that binds round 2 to round 1:
 * SHA256("mpcsign/sign-request/v1" || session id || the SIGN_REQ body).
 */
void mpcsign_sign_request_hash(uint8_t out[32], const uint8_t session[MPCSIGN_SESSION_ID_LEN],
			       const uint8_t *body, size_t len);

/* SIGN_NONCE: pubnonce[66]. */
/* SIGN_AGG (round 2): request_hash[32] | aggnonce[66] (each half a 0x02/0x03
 * point encoding or 33 zero bytes, the spec's infinity). */
struct mpcsign_msg_sign_agg {
	uint8_t request_hash[32];
	uint8_t aggnonce[66];
};
int mpcsign_msg_sign_agg_decode(struct mpcsign_msg_sign_agg *m, const uint8_t *body, size_t len);
void mpcsign_msg_sign_agg_encode(struct mpcsign_buf *b, const struct mpcsign_msg_sign_agg *m);
/* SIGN_PSIG: psig[32]. */

/* Fixed-size bodies: 0 if len == want, else -EBADMSG. */
int mpcsign_msg_fixed_check(size_t len, size_t want);

/*
 * CTL_REQ: command (printable ASCII, 1..64 bytes: "status", "peers", "keys");
 * CTL_REPLY: JSON text (UTF-8).
 */
#define MPCSIGN_CTL_MAX_CMD	64
/* 0 if body is a well-formed CTL_REQ command, else -EBADMSG. */
int mpcsign_msg_ctl_req_check(const uint8_t *body, size_t len);

#endif
