// SPDX-License-Identifier: GPL-2.0
/*
 * net_raw - a misbehaving coordinator for the network test (tests/vm/net-test.sh).
 * It authenticates like the real one (a key file in the party's allowlist,
 * TLS 1.3 + AUTH through libmpcsign's tls.h) and then breaks the protocol on
 * purpose, frame by frame:
 *
 *   net_raw oversize --identity F --peer HOSTPK --host H --port P [--body-len N]
 *       a frame header announcing N body bytes (default 2^31-1, above any
 *       max_frame); the party must close the connection without reading
 *       (or allocating) the body.
 *   net_raw replay --identity F --peer HOSTPK --host H --port P --key TPK --id I [--ids A,B]
 *       a valid SIGN_REQ (answered by SIGN_NONCE), then the very same bytes
 *       again (its seq already used): the party must close the connection and
 *       not answer the copy.
 *   net_raw tamper --identity F --peer HOSTPK --host H --port P --key TPK [--ids A,B]
 *       session A: SIGN_REQ then SIGN_AGG bound to it (the control: SIGN_PSIG);
 *       session B: SIGN_REQ for message M, then SIGN_AGG whose request hash is
 *       that of the same request for another message M' (a coordinator that
 *       changes the message between the rounds): the party must refuse
 *       (ERROR CONFLICT), and refuse again the honest SIGN_AGG that follows
 *       (its nonce is gone): no partial signature for B at all.
 *
 * Prints what happened; exit 0 if the party behaved, 1 if not, 2 on a setup
 * error (bad arguments, cannot connect).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "libmpcsign.h"
#include "tls.h"
#include "wire.h"

#define TIMEOUT_MS 10000

static const char *identity, *host, *port, *body_len_s = "2147483647", *ids_s = "0,1";
static uint8_t peer[33], tpk[33];
static int have_peer, have_key;

static int unhex(const char *s, uint8_t *out, size_t len)
{
	size_t i;

	if (strlen(s) != 2 * len)
		return -1;
	for (i = 0; i < 2 * len; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return -1;
	for (i = 0; i < len; i++) {
		unsigned int v;

		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return 0;
}

static int connect_party(struct mpcsign_chan **c)
{
	struct mpcsign_identity *id;
	struct mpcsign_tls *t;
	char err[256] = "";
	int ret;

	ret = mpcsign_identity_file(&id, identity, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "net_raw: identity %s: %s\n", identity, err);
		return ret;
	}
	ret = mpcsign_tls_new(&t, 0, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "net_raw: tls: %s\n", err);
		return ret;
	}
	ret = mpcsign_chan_connect(c, t, host, port, id, MPCSIGN_ROLE_COORDINATOR, peer, 0,
				   TIMEOUT_MS, err, sizeof(err));
	if (ret)
		fprintf(stderr, "net_raw: connect %s:%s: %s (%s)\n", host, port, err, strerror(-ret));
	/* (the identity and context live until exit) */
	return ret;
}

/* Receive one frame; print it; returns the mpcsign_link_recv result. */
static int recv_one(struct mpcsign_link *l, struct mpcsign_frame_hdr *h, uint8_t **body,
		    const char *what)
{
	struct mpcsign_msg_error e;
	int ret = mpcsign_link_recv(l, h, body, TIMEOUT_MS);

	if (ret) {
		printf("%s: no frame (%s)\n", what, strerror(-ret));
		return ret;
	}
	if (h->type == MPCSIGN_MSG_ERROR && !mpcsign_msg_error_decode(&e, *body, h->body_len))
		printf("%s: ERROR %s: %.*s\n", what, mpcsign_wire_err_name(e.code), (int)e.text_len,
		       e.text);
	else
		printf("%s: %s (%u bytes)\n", what, mpcsign_msg_type_name(h->type), h->body_len);
	return 0;
}

/* After a refusal: the connection must end (EOF/reset) within the timeout. */
static int expect_closed(struct mpcsign_link *l, const char *what)
{
	struct mpcsign_frame_hdr h;
	uint8_t *body = NULL;
	int ret, n;

	for (n = 0; n < 2; n++) {
		ret = mpcsign_link_recv(l, &h, &body, TIMEOUT_MS);
		if (ret == -ETIMEDOUT) {
			printf("%s: the connection is still open after %d ms\n", what, TIMEOUT_MS);
			return 1;
		}
		if (ret) {
			printf("%s: connection closed by the party (%s)\n", what, strerror(-ret));
			return 0;
		}
		printf("%s: got %s\n", what, mpcsign_msg_type_name(h.type));
		free(body);
		body = NULL;
		if (h.type != MPCSIGN_MSG_ERROR)
			return 1;	/* an answer to what it should have refused */
	}
	return 1;
}

static int parse_ids(uint32_t *ids, size_t *n)
{
	const char *p = ids_s;
	char *end;

	*n = 0;
	while (*p && *n < 16) {
		ids[(*n)++] = (uint32_t)strtoul(p, &end, 10);
		if (end == p)
			return -1;
		p = *end == ',' ? end + 1 : end;
	}
	return *n ? 0 : -1;
}

/* A SIGN_REQ body for message msg (expiry in a minute, raw, no tweaks). */
static int sign_req(struct mpcsign_buf *b, const char *msg)
{
	struct mpcsign_msg_sign_req m;
	uint32_t ids[16];
	size_t n;

	if (parse_ids(ids, &n))
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	memcpy(m.thresh_pk, tpk, 33);
	m.expiry = (uint64_t)time(NULL) + 60;
	m.kind = MPCSIGN_SIGN_KIND_RAW;
	m.msg = (const uint8_t *)msg;
	m.msg_len = (uint32_t)strlen(msg);
	m.num_signers = (uint16_t)n;
	mpcsign_buf_init(b);
	mpcsign_msg_sign_req_encode(b, &m, ids);
	return b->err;
}

static void new_session(uint8_t s[MPCSIGN_SESSION_ID_LEN])
{
	if (getrandom(s, MPCSIGN_SESSION_ID_LEN, 0) != MPCSIGN_SESSION_ID_LEN)
		memset(s, 0x5a, MPCSIGN_SESSION_ID_LEN);
}

static int do_oversize(struct mpcsign_link *l)
{
	struct mpcsign_frame_hdr h;
	uint8_t raw[MPCSIGN_FRAME_HDR_LEN];
	int ret;

	memset(&h, 0, sizeof(h));
	h.body_len = (uint32_t)strtoul(body_len_s, NULL, 0);
	h.version = MPCSIGN_WIRE_VERSION;
	h.type = MPCSIGN_MSG_SIGN_REQ;
	h.seq = l->seq_out + 1;
	new_session(h.session);
	mpcsign_frame_hdr_encode(raw, &h);
	ret = l->ops->write(l->ctx, raw, sizeof(raw), TIMEOUT_MS);
	if (ret) {
		printf("oversize: header not sent (%s)\n", strerror(-ret));
		return 2;
	}
	/* a few bytes of the "body", then wait: the party must not wait for the rest */
	l->ops->write(l->ctx, raw, 16, TIMEOUT_MS);
	printf("oversize: sent a header with body_len %u\n", h.body_len);
	return expect_closed(l, "oversize");
}

/* Send a frame with the next seq and keep its bytes (header + body) for a replay. */
static int send_kept(struct mpcsign_link *l, uint8_t type, const uint8_t *session,
		     const uint8_t *body, size_t len, uint8_t **kept)
{
	struct mpcsign_frame_hdr h;

	memset(&h, 0, sizeof(h));
	h.body_len = (uint32_t)len;
	h.version = MPCSIGN_WIRE_VERSION;
	h.type = type;
	h.seq = l->seq_out + 1;
	memcpy(h.session, session, MPCSIGN_SESSION_ID_LEN);
	*kept = malloc(MPCSIGN_FRAME_HDR_LEN + len);
	if (!*kept)
		return -ENOMEM;
	mpcsign_frame_hdr_encode(*kept, &h);
	memcpy(*kept + MPCSIGN_FRAME_HDR_LEN, body, len);
	return mpcsign_link_send(l, type, session, body, len, TIMEOUT_MS);
}

static int do_replay(struct mpcsign_link *l)
{
	struct mpcsign_frame_hdr h;
	struct mpcsign_buf b;
	uint8_t session[MPCSIGN_SESSION_ID_LEN], *kept = NULL, *body = NULL;
	int ret, rc;

	new_session(session);
	if (sign_req(&b, "replay me"))
		return 2;
	ret = send_kept(l, MPCSIGN_MSG_SIGN_REQ, session, b.p, b.len, &kept);
	if (ret || recv_one(l, &h, &body, "replay: the original SIGN_REQ"))
		return 2;
	if (h.type != MPCSIGN_MSG_SIGN_NONCE) {
		printf("replay: the original request was not answered with SIGN_NONCE\n");
		return 2;
	}
	free(body);
	/* the same bytes again: a seq the party has already seen */
	ret = l->ops->write(l->ctx, kept, MPCSIGN_FRAME_HDR_LEN + b.len, TIMEOUT_MS);
	printf("replay: sent the same frame again (seq %u)%s\n", l->seq_out,
	       ret ? " (write failed: already closed)" : "");
	rc = ret ? 0 : expect_closed(l, "replay");
	free(kept);
	mpcsign_buf_free(&b);
	return rc;
}

/* Round 1 of a session: SIGN_REQ for msg; the party's pubnonce into nonce. */
static int round1(struct mpcsign_link *l, const uint8_t *session, const char *msg,
		  uint8_t req_hash[32], uint8_t nonce[66], const char *what)
{
	struct mpcsign_frame_hdr h;
	struct mpcsign_buf b;
	uint8_t *body = NULL;
	int ret;

	if (sign_req(&b, msg))
		return -EINVAL;
	mpcsign_sign_request_hash(req_hash, session, b.p, b.len);
	ret = mpcsign_link_send(l, MPCSIGN_MSG_SIGN_REQ, session, b.p, b.len, TIMEOUT_MS);
	mpcsign_buf_free(&b);
	if (ret || recv_one(l, &h, &body, what))
		return -EIO;
	ret = h.type == MPCSIGN_MSG_SIGN_NONCE && h.body_len == 66 ? 0 : -EPROTO;
	if (!ret)
		memcpy(nonce, body, 66);
	free(body);
	return ret;
}

/* Round 2: SIGN_AGG(hash, aggnonce); returns the reply's type or -errno. */
static int round2(struct mpcsign_link *l, const uint8_t *session, const uint8_t hash[32],
		  const uint8_t aggnonce[66], const char *what)
{
	struct mpcsign_msg_sign_agg a;
	struct mpcsign_frame_hdr h;
	struct mpcsign_buf b;
	uint8_t *body = NULL;
	int ret;

	memcpy(a.request_hash, hash, 32);
	memcpy(a.aggnonce, aggnonce, 66);
	mpcsign_buf_init(&b);
	mpcsign_msg_sign_agg_encode(&b, &a);
	ret = b.err ? b.err : mpcsign_link_send(l, MPCSIGN_MSG_SIGN_AGG, session, b.p, b.len,
						  TIMEOUT_MS);
	mpcsign_buf_free(&b);
	if (ret)
		return ret;
	ret = recv_one(l, &h, &body, what);
	free(body);
	return ret ? ret : h.type;
}

static int do_tamper(struct mpcsign_link *l)
{
	uint8_t sa[MPCSIGN_SESSION_ID_LEN], sb[MPCSIGN_SESSION_ID_LEN];
	uint8_t ha[32], hb[32], hb_other[32], na[66], nb[66];
	struct mpcsign_buf b;
	int ret;

	/* the control: an honest session gets its partial signature (the
	 * aggregate nonce is just our own nonce: valid points, enough here) */
	new_session(sa);
	if (round1(l, sa, "honest message", ha, na, "tamper: control round 1"))
		return 2;
	ret = round2(l, sa, ha, na, "tamper: control round 2");
	if (ret != MPCSIGN_MSG_SIGN_PSIG) {
		printf("tamper: the honest control session got no SIGN_PSIG\n");
		return 2;
	}
	/* session B: round 1 for one message, round 2 bound to another */
	new_session(sb);
	if (round1(l, sb, "pay 1 coin to alice", hb, nb, "tamper: round 1 (pay 1 coin to alice)"))
		return 2;
	if (sign_req(&b, "pay 9 coins to mallory"))
		return 2;
	mpcsign_sign_request_hash(hb_other, sb, b.p, b.len);
	mpcsign_buf_free(&b);
	ret = round2(l, sb, hb_other, nb, "tamper: round 2 bound to 'pay 9 coins to mallory'");
	if (ret == MPCSIGN_MSG_SIGN_PSIG) {
		printf("tamper: the party signed in round 2 for another message than round 1's\n");
		return 1;
	}
	if (ret != MPCSIGN_MSG_ERROR) {
		/* a refusal is an ERROR frame; a dropped connection (or a crash) is not */
		printf("tamper: round 2 bound to another message got %s, not ERROR\n",
		       ret < 0 ? strerror(-ret) : mpcsign_msg_type_name((unsigned int)ret));
		return 1;
	}
	ret = round2(l, sb, hb, nb, "tamper: then the honest round 2 of the same session");
	if (ret == MPCSIGN_MSG_SIGN_PSIG) {
		printf("tamper: after the tampered round 2, the session still signed\n");
		return 1;
	}
	printf("tamper: refused; no partial signature for the tampered session\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct mpcsign_chan *c;
	const char *mode;
	int i, rc;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		goto usage;
	mode = argv[1];
	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--identity"))
			identity = argv[i + 1];
		else if (!strcmp(argv[i], "--host"))
			host = argv[i + 1];
		else if (!strcmp(argv[i], "--port"))
			port = argv[i + 1];
		else if (!strcmp(argv[i], "--body-len"))
			body_len_s = argv[i + 1];
		else if (!strcmp(argv[i], "--ids"))
			ids_s = argv[i + 1];
		else if (!strcmp(argv[i], "--peer") && !unhex(argv[i + 1], peer, 33))
			have_peer = 1;
		else if (!strcmp(argv[i], "--key") && !unhex(argv[i + 1], tpk, 33))
			have_key = 1;
		else
			goto usage;
	}
	if (i != argc || !identity || !host || !port || !have_peer)
		goto usage;
	if (strcmp(mode, "oversize") && !have_key)
		goto usage;
	if (mpcsign_coord_init())
		return 2;
	if (connect_party(&c))
		return 2;
	if (!strcmp(mode, "oversize"))
		rc = do_oversize(mpcsign_chan_link(c));
	else if (!strcmp(mode, "replay"))
		rc = do_replay(mpcsign_chan_link(c));
	else if (!strcmp(mode, "tamper"))
		rc = do_tamper(mpcsign_chan_link(c));
	else
		goto usage;
	mpcsign_chan_close(c);
	return rc;
usage:
	fprintf(stderr, "usage: net_raw oversize|replay|tamper --identity KEYFILE --peer HOSTPK33 "
			"--host H --port P [--key TPK33] [--ids A,B] [--body-len N]\n");
	return 2;
}
