// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * wire.c - libmpcsign: the network frames and messages of wire.h
 * (Documentation/protocol.rst).
 *
 * Pure code: no I/O except through the caller's link ops, no global state.
 * Decoders read a body with a cursor that fails once and stays failed; a
 * message is accepted only if every field checks out and the cursor ends
 * exactly at the end of the body.  Encoders append to a struct mpcsign_buf
 * and then run the decoder over what they wrote, so that nothing leaves an
 * encoder that a receiver would refuse (the buffer's err is -EINVAL then).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wire.h"
#include "core/hash.h"

/* --- message types and error codes ------------------------------------------- */

static const struct {
	unsigned int type;
	const char *name;
} k_types[] = {
	{ MPCSIGN_MSG_AUTH, "AUTH" },
	{ MPCSIGN_MSG_ERROR, "ERROR" },
	{ MPCSIGN_MSG_DKG_PROPOSE, "DKG_PROPOSE" },
	{ MPCSIGN_MSG_DKG_PMSG1, "DKG_PMSG1" },
	{ MPCSIGN_MSG_DKG_CMSG1, "DKG_CMSG1" },
	{ MPCSIGN_MSG_DKG_PMSG2, "DKG_PMSG2" },
	{ MPCSIGN_MSG_DKG_CMSG2, "DKG_CMSG2" },
	{ MPCSIGN_MSG_DKG_FINAL, "DKG_FINAL" },
	{ MPCSIGN_MSG_DKG_ACKS, "DKG_ACKS" },
	{ MPCSIGN_MSG_DKG_READY, "DKG_READY" },
	{ MPCSIGN_MSG_DKG_INVESTIGATE, "DKG_INVESTIGATE" },
	{ MPCSIGN_MSG_SIGN_REQ, "SIGN_REQ" },
	{ MPCSIGN_MSG_SIGN_NONCE, "SIGN_NONCE" },
	{ MPCSIGN_MSG_SIGN_AGG, "SIGN_AGG" },
	{ MPCSIGN_MSG_SIGN_PSIG, "SIGN_PSIG" },
	{ MPCSIGN_MSG_CTL_REQ, "CTL_REQ" },
	{ MPCSIGN_MSG_CTL_REPLY, "CTL_REPLY" },
};

int mpcsign_msg_type_known(unsigned int type)
{
	size_t i;

	for (i = 0; i < sizeof(k_types) / sizeof(k_types[0]); i++)
		if (k_types[i].type == type)
			return 1;
	return 0;
}

const char *mpcsign_msg_type_name(unsigned int type)
{
	size_t i;

	for (i = 0; i < sizeof(k_types) / sizeof(k_types[0]); i++)
		if (k_types[i].type == type)
			return k_types[i].name;
	return "UNKNOWN";
}

const char *mpcsign_wire_err_name(uint32_t code)
{
	static const char *const names[] = {
		[MPCSIGN_WERR_BAD_REQUEST] = "BAD_REQUEST",
		[MPCSIGN_WERR_NOT_ALLOWED] = "NOT_ALLOWED",
		[MPCSIGN_WERR_POLICY] = "POLICY",
		[MPCSIGN_WERR_RATE] = "RATE",
		[MPCSIGN_WERR_UNKNOWN_KEY] = "UNKNOWN_KEY",
		[MPCSIGN_WERR_STATE] = "STATE",
		[MPCSIGN_WERR_EXPIRED] = "EXPIRED",
		[MPCSIGN_WERR_CONFLICT] = "CONFLICT",
		[MPCSIGN_WERR_DKG] = "DKG",
		[MPCSIGN_WERR_SIGN] = "SIGN",
		[MPCSIGN_WERR_BUSY] = "BUSY",
		[MPCSIGN_WERR_INTERNAL] = "INTERNAL",
	};

	if (code == 0 || code > MPCSIGN_WERR_MAX)
		return "UNKNOWN";
	return names[code];
}

/* --- big-endian helpers --------------------------------------------------------- */

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* --- frame header ----------------------------------------------------------------- */

static size_t effective_max(size_t max_body)
{
	return max_body == 0 || max_body > MPCSIGN_FRAME_MAX_BODY ? MPCSIGN_FRAME_MAX_BODY :
								    max_body;
}

int mpcsign_frame_hdr_parse(struct mpcsign_frame_hdr *out,
			    const uint8_t in[MPCSIGN_FRAME_HDR_LEN], size_t max_body)
{
	struct mpcsign_frame_hdr h;

	if (!out || !in)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (memcmp(in, MPCSIGN_WIRE_MAGIC, 4))
		return -EBADMSG;
	h.body_len = get_be32(in + 4);
	h.version = in[8];
	h.type = in[9];
	h.flags = (uint16_t)(in[10] << 8 | in[11]);
	h.seq = get_be32(in + 12);
	memcpy(h.session, in + 16, MPCSIGN_SESSION_ID_LEN);
	if (h.version != MPCSIGN_WIRE_VERSION || h.flags)
		return -EBADMSG;
	if (h.body_len > effective_max(max_body))
		return -EMSGSIZE;
	if (!mpcsign_msg_type_known(h.type))
		return -EPROTO;
	*out = h;
	return 0;
}

void mpcsign_frame_hdr_encode(uint8_t out[MPCSIGN_FRAME_HDR_LEN],
			      const struct mpcsign_frame_hdr *h)
{
	memcpy(out, MPCSIGN_WIRE_MAGIC, 4);
	put_be32(out + 4, h->body_len);
	out[8] = h->version;
	out[9] = h->type;
	out[10] = (uint8_t)(h->flags >> 8);
	out[11] = (uint8_t)h->flags;
	put_be32(out + 12, h->seq);
	memcpy(out + 16, h->session, MPCSIGN_SESSION_ID_LEN);
}

/* --- output buffer ------------------------------------------------------------------ */

void mpcsign_buf_init(struct mpcsign_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void mpcsign_buf_put(struct mpcsign_buf *b, const void *p, size_t n)
{
	size_t max = effective_max(b->max), cap;
	uint8_t *q;

	if (b->err)
		return;
	if (!p && n) {
		b->err = -EINVAL;
		return;
	}
	if (n > max || b->len > max - n) {
		b->err = -EMSGSIZE;
		return;
	}
	if (!n)
		return;
	if (b->len + n > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		if (cap > max)
			cap = max;
		/* grow by copying, so that the old block can be wiped */
		q = malloc(cap);
		if (!q) {
			b->err = -ENOMEM;
			return;
		}
		if (b->len)
			memcpy(q, b->p, b->len);
		if (b->p) {
			explicit_bzero(b->p, b->cap);
			free(b->p);
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void mpcsign_buf_u8(struct mpcsign_buf *b, uint8_t v)
{
	mpcsign_buf_put(b, &v, 1);
}

void mpcsign_buf_u16(struct mpcsign_buf *b, uint16_t v)
{
	uint8_t t[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	mpcsign_buf_put(b, t, 2);
}

void mpcsign_buf_u32(struct mpcsign_buf *b, uint32_t v)
{
	uint8_t t[4];

	put_be32(t, v);
	mpcsign_buf_put(b, t, 4);
}

void mpcsign_buf_u64(struct mpcsign_buf *b, uint64_t v)
{
	uint8_t t[8];

	put_be64(t, v);
	mpcsign_buf_put(b, t, 8);
}

void mpcsign_buf_free(struct mpcsign_buf *b)
{
	size_t max = b->max;

	if (b->p) {
		explicit_bzero(b->p, b->cap);
		free(b->p);
	}
	memset(b, 0, sizeof(*b));
	b->max = max;
}

/* --- links ------------------------------------------------------------------------ */

void mpcsign_link_init(struct mpcsign_link *l, const struct mpcsign_link_ops *ops, void *ctx,
		       size_t max_body)
{
	memset(l, 0, sizeof(*l));
	l->ops = ops;
	l->ctx = ctx;
	l->max_body = max_body;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What is left of a deadline (-1 = none), as a timeout for the next call. */
static int remaining_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	if (left <= 0)
		return 0;
	return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

int mpcsign_link_send(struct mpcsign_link *l, uint8_t type,
		      const uint8_t session[MPCSIGN_SESSION_ID_LEN], const uint8_t *body,
		      size_t len, int timeout_ms)
{
	static const uint8_t zero_session[MPCSIGN_SESSION_ID_LEN];
	struct mpcsign_frame_hdr h;
	uint8_t *frame;
	int ret;

	if (!l || !l->ops || !l->ops->write || (len && !body))
		return -EINVAL;
	if (!mpcsign_msg_type_known(type))
		return -EINVAL;
	if (len > MPCSIGN_FRAME_MAX_BODY)
		return -EMSGSIZE;
	if (l->seq_out == UINT32_MAX)
		return -EOVERFLOW;
	memset(&h, 0, sizeof(h));
	h.body_len = (uint32_t)len;
	h.version = MPCSIGN_WIRE_VERSION;
	h.type = type;
	h.seq = l->seq_out + 1;
	memcpy(h.session, session ? session : zero_session, MPCSIGN_SESSION_ID_LEN);
	/* one write for header and body (no small first segment for Nagle to hold) */
	frame = malloc(MPCSIGN_FRAME_HDR_LEN + len);
	if (!frame)
		return -ENOMEM;
	mpcsign_frame_hdr_encode(frame, &h);
	if (len)
		memcpy(frame + MPCSIGN_FRAME_HDR_LEN, body, len);
	/* the seq is used up even if the write fails (the peer may have part of it) */
	l->seq_out = h.seq;
	ret = l->ops->write(l->ctx, frame, MPCSIGN_FRAME_HDR_LEN + len, timeout_ms);
	explicit_bzero(frame, MPCSIGN_FRAME_HDR_LEN + len);
	free(frame);
	return ret > 0 ? -EIO : ret;
}

int mpcsign_link_recv(struct mpcsign_link *l, struct mpcsign_frame_hdr *hdr, uint8_t **body,
		      int timeout_ms)
{
	uint8_t raw[MPCSIGN_FRAME_HDR_LEN];
	struct mpcsign_frame_hdr h;
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	uint8_t *p = NULL;
	int ret;

	if (!l || !l->ops || !l->ops->read || !hdr || !body)
		return -EINVAL;
	*body = NULL;
	memset(hdr, 0, sizeof(*hdr));
	ret = l->ops->read(l->ctx, raw, sizeof(raw), remaining_ms(deadline));
	if (ret)
		return ret > 0 ? -EIO : ret;
	ret = mpcsign_frame_hdr_parse(&h, raw, l->max_body);
	if (ret)
		return ret;
	if (l->seq_in == UINT32_MAX || h.seq != l->seq_in + 1)
		return -EPROTO;
	l->seq_in = h.seq;
	if (h.body_len) {
		/* body_len <= max_body <= MPCSIGN_FRAME_MAX_BODY: checked above */
		p = malloc(h.body_len);
		if (!p)
			return -ENOMEM;
		ret = l->ops->read(l->ctx, p, h.body_len, remaining_ms(deadline));
		if (ret) {
			explicit_bzero(p, h.body_len);
			free(p);
			return ret > 0 ? -EIO : ret;
		}
	}
	*hdr = h;
	*body = p;
	return 0;
}

/* --- decoding cursor ------------------------------------------------------------ */

struct rd {
	const uint8_t *p;
	size_t left;
	int bad;
};

static const uint8_t *rd_take(struct rd *r, size_t n)
{
	const uint8_t *q;

	if (r->bad || n > r->left) {
		r->bad = 1;
		return NULL;
	}
	q = r->p;
	r->p += n;
	r->left -= n;
	return q;
}

static void rd_copy(struct rd *r, void *out, size_t n)
{
	const uint8_t *q = rd_take(r, n);

	if (q)
		memcpy(out, q, n);
	else
		memset(out, 0, n);
}

static uint8_t rd_u8(struct rd *r)
{
	const uint8_t *q = rd_take(r, 1);

	return q ? q[0] : 0;
}

static uint16_t rd_u16(struct rd *r)
{
	const uint8_t *q = rd_take(r, 2);

	return q ? (uint16_t)(q[0] << 8 | q[1]) : 0;
}

static uint32_t rd_u32(struct rd *r)
{
	const uint8_t *q = rd_take(r, 4);

	return q ? get_be32(q) : 0;
}

static uint64_t rd_u64(struct rd *r)
{
	const uint8_t *q = rd_take(r, 8);

	return q ? (uint64_t)get_be32(q) << 32 | get_be32(q + 4) : 0;
}

/* 0 if the whole body was read without a failure, else -EBADMSG */
static int rd_end(const struct rd *r)
{
	return r->bad || r->left ? -EBADMSG : 0;
}

static int printable(const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

static int all_zero(const uint8_t *s, size_t n)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= s[i];
	return acc == 0;
}

static int point_prefix_ok(const uint8_t pk[33])
{
	return pk[0] == 2 || pk[0] == 3;
}

/* After an encoder: refuse (-EINVAL) bytes that its decoder would not accept. */
#define ENCODE_CHECK(b, start, decode, type)                                        \
	do {                                                                        \
		type chk_;                                                          \
		if (!(b)->err && decode(&chk_, (b)->p + (start), (b)->len - (start))) \
			(b)->err = -EINVAL;                                         \
	} while (0)

int mpcsign_msg_fixed_check(size_t len, size_t want)
{
	return len == want ? 0 : -EBADMSG;
}

/* --- AUTH ---------------------------------------------------------------------------- */

void mpcsign_auth_digest(uint8_t out[32], uint8_t role,
			 const uint8_t binding[MPCSIGN_TLS_BINDING_LEN],
			 const uint8_t sender_pk[33], const uint8_t receiver_pk[33])
{
	static const char prefix[] = "mpcsign/auth/v1";
	struct mpc_sha256 h;

	mpc_sha256_init(&h);
	mpc_sha256_update(&h, (const uint8_t *)prefix, sizeof(prefix) - 1);
	mpc_sha256_update(&h, &role, 1);
	mpc_sha256_update(&h, binding, MPCSIGN_TLS_BINDING_LEN);
	mpc_sha256_update(&h, sender_pk, 33);
	mpc_sha256_update(&h, receiver_pk, 33);
	mpc_sha256_final(&h, out);
}

int mpcsign_msg_auth_decode(struct mpcsign_msg_auth *m, const uint8_t *body, size_t len)
{
	struct rd r = { body, len, !body && len };
	uint8_t reserved[3];

	if (!m)
		return -EINVAL;
	m->role = rd_u8(&r);
	rd_copy(&r, reserved, 3);
	rd_copy(&r, m->sender_pk, 33);
	rd_copy(&r, m->receiver_pk, 33);
	rd_copy(&r, m->sig, 64);
	if (rd_end(&r))
		return -EBADMSG;
	if (m->role != MPCSIGN_ROLE_COORDINATOR && m->role != MPCSIGN_ROLE_PARTY)
		return -EBADMSG;
	if (!all_zero(reserved, 3))
		return -EBADMSG;
	if (!point_prefix_ok(m->sender_pk) || !point_prefix_ok(m->receiver_pk))
		return -EBADMSG;
	if (!memcmp(m->sender_pk, m->receiver_pk, 33))
		return -EBADMSG;
	return 0;
}

void mpcsign_msg_auth_encode(struct mpcsign_buf *b, const struct mpcsign_msg_auth *m)
{
	static const uint8_t reserved[3];
	size_t start = b->len;

	mpcsign_buf_u8(b, m->role);
	mpcsign_buf_put(b, reserved, 3);
	mpcsign_buf_put(b, m->sender_pk, 33);
	mpcsign_buf_put(b, m->receiver_pk, 33);
	mpcsign_buf_put(b, m->sig, 64);
	ENCODE_CHECK(b, start, mpcsign_msg_auth_decode, struct mpcsign_msg_auth);
}

/* --- ERROR --------------------------------------------------------------------------- */

int mpcsign_msg_error_decode(struct mpcsign_msg_error *m, const uint8_t *body, size_t len)
{
	struct rd r = { body, len, !body && len };

	if (!m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->code = rd_u32(&r);
	m->sys_errno = rd_u32(&r);
	m->blame_kind = rd_u32(&r);
	m->blame_index = rd_u32(&r);
	m->text_len = rd_u16(&r);
	m->text = (const char *)rd_take(&r, m->text_len);
	if (rd_end(&r))
		goto bad;
	if (m->code == 0 || m->code > MPCSIGN_WERR_MAX)
		goto bad;
	if (m->sys_errno > MPCSIGN_WIRE_MAX_ERRNO)
		goto bad;
	if (m->blame_kind > MPCSIGN_WIRE_MAX_BLAME_KIND)
		goto bad;
	if (m->blame_index != MPCSIGN_BLAME_NONE && m->blame_index >= MPCSIGN_WIRE_MAX_N)
		goto bad;
	if (m->text_len > MPCSIGN_WIRE_MAX_ERRTEXT || !printable((const uint8_t *)m->text,
								  m->text_len))
		goto bad;
	if (!m->text_len)
		m->text = NULL;
	return 0;
bad:
	memset(m, 0, sizeof(*m));
	return -EBADMSG;
}

void mpcsign_msg_error_encode(struct mpcsign_buf *b, const struct mpcsign_msg_error *m)
{
	size_t start = b->len;

	if (!b->err && (m->text_len > MPCSIGN_WIRE_MAX_ERRTEXT || (m->text_len && !m->text))) {
		b->err = -EINVAL;
		return;
	}
	mpcsign_buf_u32(b, m->code);
	mpcsign_buf_u32(b, m->sys_errno);
	mpcsign_buf_u32(b, m->blame_kind);
	mpcsign_buf_u32(b, m->blame_index);
	mpcsign_buf_u16(b, m->text_len);
	mpcsign_buf_put(b, m->text, m->text_len);
	ENCODE_CHECK(b, start, mpcsign_msg_error_decode, struct mpcsign_msg_error);
}

/* --- DKG ------------------------------------------------------------------------------- */

int mpcsign_msg_dkg_propose_decode(struct mpcsign_msg_dkg_propose *m, const uint8_t *body,
				   size_t len)
{
	struct rd r = { body, len, !body && len };
	const uint8_t *hpk;
	uint32_t i, j;

	if (!m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->t = rd_u32(&r);
	m->n = rd_u32(&r);
	m->expiry = rd_u64(&r);
	m->desc_len = rd_u16(&r);
	m->desc = (const char *)rd_take(&r, m->desc_len);
	if (r.bad || m->n < 1 || m->n > MPCSIGN_WIRE_MAX_N || m->t < 1 || m->t > m->n)
		goto bad;
	hpk = rd_take(&r, (size_t)m->n * 33);
	if (rd_end(&r))
		goto bad;
	if (m->desc_len > MPCSIGN_WIRE_MAX_DESC || !printable((const uint8_t *)m->desc,
							       m->desc_len))
		goto bad;
	for (i = 0; i < m->n; i++) {
		if (!point_prefix_ok(hpk + 33 * i))
			goto bad;
		for (j = 0; j < i; j++)
			if (!memcmp(hpk + 33 * i, hpk + 33 * j, 33))
				goto bad;
	}
	if (!m->desc_len)
		m->desc = NULL;
	m->hostpubkeys = (const uint8_t (*)[33])hpk;
	return 0;
bad:
	memset(m, 0, sizeof(*m));
	return -EBADMSG;
}

void mpcsign_msg_dkg_propose_encode(struct mpcsign_buf *b, const struct mpcsign_msg_dkg_propose *m)
{
	size_t start = b->len;

	if (!b->err && ((m->desc_len && !m->desc) || !m->hostpubkeys ||
			m->n > MPCSIGN_WIRE_MAX_N || m->desc_len > MPCSIGN_WIRE_MAX_DESC)) {
		b->err = -EINVAL;
		return;
	}
	mpcsign_buf_u32(b, m->t);
	mpcsign_buf_u32(b, m->n);
	mpcsign_buf_u64(b, m->expiry);
	mpcsign_buf_u16(b, m->desc_len);
	mpcsign_buf_put(b, m->desc, m->desc_len);
	mpcsign_buf_put(b, m->hostpubkeys, (size_t)m->n * 33);
	ENCODE_CHECK(b, start, mpcsign_msg_dkg_propose_decode, struct mpcsign_msg_dkg_propose);
}

void mpcsign_dkg_fingerprint(uint8_t out[32], const uint8_t *propose_body, size_t len,
			     const uint8_t session[MPCSIGN_SESSION_ID_LEN])
{
	static const char prefix[] = "mpcsign/dkg-fingerprint/v1";
	struct mpc_sha256 h;

	mpc_sha256_init(&h);
	mpc_sha256_update(&h, (const uint8_t *)prefix, sizeof(prefix) - 1);
	mpc_sha256_update(&h, propose_body, len);
	mpc_sha256_update(&h, session, MPCSIGN_SESSION_ID_LEN);
	mpc_sha256_final(&h, out);
}

int mpcsign_msg_dkg_final_decode(struct mpcsign_msg_dkg_final *m, const uint8_t *body, size_t len)
{
	struct rd r = { body, len, !body && len };

	if (!m)
		return -EINVAL;
	rd_copy(&r, m->thresh_pk, 33);
	rd_copy(&r, m->ack, 64);
	if (rd_end(&r) || !point_prefix_ok(m->thresh_pk)) {
		memset(m, 0, sizeof(*m));
		return -EBADMSG;
	}
	return 0;
}

void mpcsign_msg_dkg_final_encode(struct mpcsign_buf *b, const struct mpcsign_msg_dkg_final *m)
{
	size_t start = b->len;

	mpcsign_buf_put(b, m->thresh_pk, 33);
	mpcsign_buf_put(b, m->ack, 64);
	ENCODE_CHECK(b, start, mpcsign_msg_dkg_final_decode, struct mpcsign_msg_dkg_final);
}

int mpcsign_msg_dkg_acks_decode(struct mpcsign_msg_dkg_acks *m, const uint8_t *body, size_t len)
{
	struct rd r = { body, len, !body && len };

	if (!m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->n = rd_u32(&r);
	if (r.bad || m->n < 1 || m->n > MPCSIGN_WIRE_MAX_N)
		goto bad;
	m->acks = (const uint8_t (*)[64])rd_take(&r, (size_t)m->n * 64);
	if (r.bad || r.left == 0)
		goto bad;
	m->recovery_data = r.p;
	m->recovery_data_len = r.left;
	return 0;
bad:
	memset(m, 0, sizeof(*m));
	return -EBADMSG;
}

void mpcsign_msg_dkg_acks_encode(struct mpcsign_buf *b, const struct mpcsign_msg_dkg_acks *m)
{
	size_t start = b->len;

	if (!b->err && (!m->acks || !m->recovery_data || m->n > MPCSIGN_WIRE_MAX_N)) {
		b->err = -EINVAL;
		return;
	}
	mpcsign_buf_u32(b, m->n);
	mpcsign_buf_put(b, m->acks, (size_t)m->n * 64);
	mpcsign_buf_put(b, m->recovery_data, m->recovery_data_len);
	ENCODE_CHECK(b, start, mpcsign_msg_dkg_acks_decode, struct mpcsign_msg_dkg_acks);
}

/* --- signing ----------------------------------------------------------------------------- */

/* secp256k1's group order n, big-endian: tweaks are scalars < n (BIP-445) */
static const uint8_t k_order[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
};

int mpcsign_msg_sign_req_decode(struct mpcsign_msg_sign_req *m, const uint8_t *body, size_t len)
{
	struct rd r = { body, len, !body && len };
	const uint8_t *reserved;
	size_t i, j;

	if (!m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	rd_copy(&r, m->thresh_pk, 33);
	m->expiry = rd_u64(&r);
	m->kind = rd_u8(&r);
	reserved = rd_take(&r, 3);
	m->msg_len = rd_u32(&r);
	if (r.bad || m->msg_len > MPCSIGN_WIRE_MAX_MSG)
		goto bad;
	m->msg = rd_take(&r, m->msg_len);
	m->num_signers = rd_u16(&r);
	if (r.bad || m->num_signers < 1 || m->num_signers > MPCSIGN_WIRE_MAX_N)
		goto bad;
	m->ids_be = rd_take(&r, (size_t)m->num_signers * 4);
	m->num_tweaks = rd_u8(&r);
	m->tweak_xonly = rd_u64(&r);
	if (r.bad || m->num_tweaks > MPCSIGN_WIRE_MAX_TWEAKS)
		goto bad;
	m->tweaks = (const uint8_t (*)[32])rd_take(&r, (size_t)m->num_tweaks * 32);
	m->num_approvals = rd_u8(&r);
	if (r.bad || m->num_approvals > MPCSIGN_WIRE_MAX_APPROVALS)
		goto bad;
	m->approvals = (const struct mpcsign_approval *)rd_take(&r, (size_t)m->num_approvals * 96);
	if (rd_end(&r))
		goto bad;
	if (!point_prefix_ok(m->thresh_pk) || m->kind != MPCSIGN_SIGN_KIND_RAW ||
	    !all_zero(reserved, 3))
		goto bad;
	for (i = 0; i < m->num_signers; i++) {
		uint32_t id = get_be32(m->ids_be + 4 * i);

		if (id >= MPCSIGN_WIRE_MAX_N || (i && id <= get_be32(m->ids_be + 4 * (i - 1))))
			goto bad;
	}
	if (m->num_tweaks < 64 && m->tweak_xonly >> m->num_tweaks)
		goto bad;
	for (i = 0; i < m->num_tweaks; i++)
		if (memcmp(m->tweaks[i], k_order, 32) >= 0)
			goto bad;
	for (i = 0; i < m->num_approvals; i++)
		for (j = 0; j < i; j++)
			if (!memcmp(m->approvals[i].approver_x, m->approvals[j].approver_x, 32))
				goto bad;
	if (!m->msg_len)
		m->msg = NULL;
	if (!m->num_tweaks)
		m->tweaks = NULL;
	if (!m->num_approvals)
		m->approvals = NULL;
	return 0;
bad:
	memset(m, 0, sizeof(*m));
	return -EBADMSG;
}

void mpcsign_msg_sign_req_encode(struct mpcsign_buf *b, const struct mpcsign_msg_sign_req *m,
				 const uint32_t *ids)
{
	static const uint8_t reserved[3];
	size_t start = b->len, i;

	if (!b->err && ((m->msg_len && !m->msg) || (m->num_signers && !ids) ||
			(m->num_tweaks && !m->tweaks) || (m->num_approvals && !m->approvals) ||
			m->msg_len > MPCSIGN_WIRE_MAX_MSG || m->num_signers > MPCSIGN_WIRE_MAX_N ||
			m->num_tweaks > MPCSIGN_WIRE_MAX_TWEAKS ||
			m->num_approvals > MPCSIGN_WIRE_MAX_APPROVALS)) {
		b->err = -EINVAL;
		return;
	}
	mpcsign_buf_put(b, m->thresh_pk, 33);
	mpcsign_buf_u64(b, m->expiry);
	mpcsign_buf_u8(b, m->kind);
	mpcsign_buf_put(b, reserved, 3);
	mpcsign_buf_u32(b, m->msg_len);
	mpcsign_buf_put(b, m->msg, m->msg_len);
	mpcsign_buf_u16(b, m->num_signers);
	for (i = 0; i < m->num_signers; i++)
		mpcsign_buf_u32(b, ids[i]);
	mpcsign_buf_u8(b, m->num_tweaks);
	mpcsign_buf_u64(b, m->tweak_xonly);
	mpcsign_buf_put(b, m->tweaks, (size_t)m->num_tweaks * 32);
	mpcsign_buf_u8(b, m->num_approvals);
	mpcsign_buf_put(b, m->approvals, (size_t)m->num_approvals * 96);
	ENCODE_CHECK(b, start, mpcsign_msg_sign_req_decode, struct mpcsign_msg_sign_req);
}

uint32_t mpcsign_msg_sign_req_id(const struct mpcsign_msg_sign_req *m, size_t i)
{
	return get_be32(m->ids_be + 4 * i);
}

void mpcsign_approval_digest(uint8_t out[32], const struct mpcsign_msg_sign_req *m)
{
	static const char tag[] = "mpcsign/approval/v1";
	struct mpc_sha256 h;
	uint8_t t[8];

	mpc_sha256_tagged_init(&h, tag, sizeof(tag) - 1);
	mpc_sha256_update(&h, m->thresh_pk, 33);
	mpc_sha256_update(&h, &m->kind, 1);
	put_be32(t, m->msg_len);
	mpc_sha256_update(&h, t, 4);
	if (m->msg_len)
		mpc_sha256_update(&h, m->msg, m->msg_len);
	mpc_sha256_update(&h, &m->num_tweaks, 1);
	put_be64(t, m->tweak_xonly);
	mpc_sha256_update(&h, t, 8);
	if (m->num_tweaks)
		mpc_sha256_update(&h, (const uint8_t *)m->tweaks, (size_t)m->num_tweaks * 32);
	mpc_sha256_final(&h, out);
}

void mpcsign_sign_request_hash(uint8_t out[32], const uint8_t session[MPCSIGN_SESSION_ID_LEN],
			       const uint8_t *body, size_t len)
{
	static const char prefix[] = "mpcsign/sign-request/v1";
	struct mpc_sha256 h;

	mpc_sha256_init(&h);
	mpc_sha256_update(&h, (const uint8_t *)prefix, sizeof(prefix) - 1);
	mpc_sha256_update(&h, session, MPCSIGN_SESSION_ID_LEN);
	if (len)
		mpc_sha256_update(&h, body, len);
	mpc_sha256_final(&h, out);
}

int mpcsign_msg_sign_agg_decode(struct mpcsign_msg_sign_agg *m, const uint8_t *body, size_t len)
{
	struct rd r = { body, len, !body && len };

	if (!m)
		return -EINVAL;
	rd_copy(&r, m->request_hash, 32);
	rd_copy(&r, m->aggnonce, 66);
	/* an aggregate nonce may hold infinity (33 zero bytes), so only 0/2/3 prefixes */
	if (rd_end(&r) || (m->aggnonce[0] > 3 || m->aggnonce[0] == 1) ||
	    (m->aggnonce[33] > 3 || m->aggnonce[33] == 1) ||
	    (!m->aggnonce[0] && !all_zero(m->aggnonce, 33)) ||
	    (!m->aggnonce[33] && !all_zero(m->aggnonce + 33, 33))) {
		memset(m, 0, sizeof(*m));
		return -EBADMSG;
	}
	return 0;
}

void mpcsign_msg_sign_agg_encode(struct mpcsign_buf *b, const struct mpcsign_msg_sign_agg *m)
{
	size_t start = b->len;

	mpcsign_buf_put(b, m->request_hash, 32);
	mpcsign_buf_put(b, m->aggnonce, 66);
	ENCODE_CHECK(b, start, mpcsign_msg_sign_agg_decode, struct mpcsign_msg_sign_agg);
}

int mpcsign_msg_ctl_req_check(const uint8_t *body, size_t len)
{
	if (!body || len < 1 || len > MPCSIGN_CTL_MAX_CMD || !printable(body, len))
		return -EBADMSG;
	return 0;
}
