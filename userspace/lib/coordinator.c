// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * coordinator.c - the coordinator's protocol state machine (see
 * coordinator.h).
 *
 * A run keeps one link per party (opened on first use, closed at the end or
 * as soon as it fails).  A round sends its request to every party of the
 * round, then reads one reply from each: every sent request gets its reply
 * read (or its link closed), so no late reply is ever taken for the next
 * round's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "coordinator.h"

#define COORD_DEFAULT_TIMEOUT_MS	30000

/* snprintf that truncates quietly (reasons are for people; cut is fine) */
__attribute__((format(printf, 3, 4)))
static void fmt_to(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

struct conn {
	struct mpcsign_link *l;
	int tried;		/* connect called */
	int down;		/* connect failed or the link broke */
	char why[160];
};

struct run {
	const struct mpcsign_coord_ops *ops;
	const struct mpcsign_coord_party *parties;
	size_t n;
	struct conn *c;
	uint8_t session[MPCSIGN_SESSION_ID_LEN];
	int timeout_ms;
};

static void emit(struct run *r, enum mpcsign_coord_event_kind kind, size_t i, uint8_t type,
		 size_t len, const uint8_t *data, unsigned attempt, const char *text)
{
	struct mpcsign_coord_event ev;

	if (!r->ops->event)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.party = i;
	ev.hostpubkey = i < r->n ? r->parties[i].hostpubkey : NULL;
	ev.msg_type = type;
	ev.len = len;
	ev.session = r->session;
	ev.data = data;
	ev.attempt = attempt;
	ev.text = text;
	r->ops->event(r->ops->arg, &ev);
}

__attribute__((format(printf, 5, 6)))
static void set_blame(struct run *r, struct mpcsign_coord_blame *b, size_t i, int err,
		      const char *fmt, ...)
{
	va_list ap;

	memset(b, 0, sizeof(*b));
	b->party = i;
	b->err = err;
	if (i < r->n)
		memcpy(b->hostpubkey, r->parties[i].hostpubkey, 33);
	va_start(ap, fmt);
	vsnprintf(b->reason, sizeof(b->reason), fmt, ap);
	va_end(ap);
	emit(r, MPCSIGN_COORD_EV_BLAME, i, 0, 0, NULL, 0, b->reason);
}

static void conn_close(struct run *r, size_t i)
{
	if (r->c[i].l) {
		r->ops->close(r->ops->arg, i, r->c[i].l);
		r->c[i].l = NULL;
	}
	r->c[i].down = 1;
}

static int run_init(struct run *r, const struct mpcsign_coord_ops *ops,
		    const struct mpcsign_coord_party *parties, size_t n, int timeout_ms)
{
	memset(r, 0, sizeof(*r));
	if (!ops || !ops->connect || !ops->close || !parties || !n)
		return -EINVAL;
	r->ops = ops;
	r->parties = parties;
	r->n = n;
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : COORD_DEFAULT_TIMEOUT_MS;
	r->c = calloc(n, sizeof(*r->c));
	return r->c ? 0 : -ENOMEM;
}

static void run_end(struct run *r)
{
	size_t i;

	if (!r->c)
		return;
	for (i = 0; i < r->n; i++)
		if (r->c[i].l) {
			r->ops->close(r->ops->arg, i, r->c[i].l);
			r->c[i].l = NULL;
		}
	free(r->c);
	r->c = NULL;
}

static int new_session(struct run *r)
{
	size_t got = 0;

	while (got < sizeof(r->session)) {
		ssize_t k = getrandom(r->session + got, sizeof(r->session) - got, 0);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)k;
	}
	return 0;
}

/* Connect to party i if not yet: 0 or -EHOSTUNREACH (reason in c[i].why). */
static int conn_get(struct run *r, size_t i)
{
	struct conn *c = &r->c[i];

	if (c->l)
		return 0;
	if (c->tried || c->down)
		return -EHOSTUNREACH;
	c->tried = 1;
	if (!r->parties[i].address) {
		fmt_to(c->why, sizeof(c->why), "no address");
	} else {
		c->why[0] = 0;
		c->l = r->ops->connect(r->ops->arg, i, &r->parties[i], c->why, sizeof(c->why));
		c->why[sizeof(c->why) - 1] = 0;
	}
	if (!c->l) {
		c->down = 1;
		if (!c->why[0])
			fmt_to(c->why, sizeof(c->why), "connect failed");
		emit(r, MPCSIGN_COORD_EV_UNREACHABLE, i, 0, 0, NULL, 0, c->why);
		return -EHOSTUNREACH;
	}
	emit(r, MPCSIGN_COORD_EV_CONNECT, i, 0, 0, NULL, 0, r->parties[i].address);
	return 0;
}

static int xsend(struct run *r, size_t i, uint8_t type, const uint8_t *body, size_t len)
{
	int ret;

	if (!r->c[i].l)
		return -ENOTCONN;
	emit(r, MPCSIGN_COORD_EV_SEND, i, type, len, NULL, 0, mpcsign_msg_type_name(type));
	ret = mpcsign_link_send(r->c[i].l, type, r->session, body, len, r->timeout_ms);
	if (ret) {
		fmt_to(r->c[i].why, sizeof(r->c[i].why), "sending %s: %s",
			 mpcsign_msg_type_name(type), strerror(-ret));
		conn_close(r, i);
	}
	return ret;
}

/*
 * One reply from party i: want (with a body of want_len bytes, or any length
 * if want_len is SIZE_MAX) or ERROR (decoded into *e, returns -EACCES).
 * Anything else closes the link: -EPROTO (or the link's error).
 */
struct reply {
	uint8_t *body;
	size_t len;
	struct mpcsign_msg_error e;
	char text[MPCSIGN_WIRE_MAX_ERRTEXT + 1];
};

static void reply_free(struct reply *rp)
{
	free(rp->body);
	memset(rp, 0, sizeof(*rp));
}

static int xrecv(struct run *r, size_t i, uint8_t want, size_t want_len, struct reply *rp)
{
	struct mpcsign_frame_hdr h;
	int ret;

	memset(rp, 0, sizeof(*rp));
	if (!r->c[i].l)
		return -ENOTCONN;
	ret = mpcsign_link_recv(r->c[i].l, &h, &rp->body, r->timeout_ms);
	if (ret) {
		fmt_to(r->c[i].why, sizeof(r->c[i].why), "waiting for %s: %s",
			 mpcsign_msg_type_name(want), strerror(-ret));
		conn_close(r, i);
		return ret;
	}
	rp->len = h.body_len;
	emit(r, MPCSIGN_COORD_EV_RECV, i, h.type, rp->len, NULL, 0, mpcsign_msg_type_name(h.type));
	if (memcmp(h.session, r->session, sizeof(r->session))) {
		fmt_to(r->c[i].why, sizeof(r->c[i].why), "reply for another session");
		ret = -EPROTO;
	} else if (h.type == MPCSIGN_MSG_ERROR) {
		if (mpcsign_msg_error_decode(&rp->e, rp->body, rp->len)) {
			fmt_to(r->c[i].why, sizeof(r->c[i].why), "malformed ERROR");
			ret = -EPROTO;
		} else {
			memcpy(rp->text, rp->e.text, rp->e.text_len);
			rp->text[rp->e.text_len] = 0;
			fmt_to(r->c[i].why, sizeof(r->c[i].why), "%s: %s",
				 mpcsign_wire_err_name(rp->e.code), rp->text);
			return -EACCES;
		}
	} else if (h.type != want) {
		fmt_to(r->c[i].why, sizeof(r->c[i].why), "%s instead of %s",
			 mpcsign_msg_type_name(h.type), mpcsign_msg_type_name(want));
		ret = -EPROTO;
	} else if (want_len != SIZE_MAX && rp->len != want_len) {
		fmt_to(r->c[i].why, sizeof(r->c[i].why), "%s of %zu bytes, want %zu",
			 mpcsign_msg_type_name(want), rp->len, want_len);
		ret = -EPROTO;
	}
	if (ret) {
		reply_free(rp);
		conn_close(r, i);
	}
	return ret;
}

static int printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* --- DKG ------------------------------------------------------------------------ */

void mpcsign_coord_dkg_result_free(struct mpcsign_coord_dkg_result *res)
{
	if (!res)
		return;
	free(res->recovery_data);
	res->recovery_data = NULL;
	res->recovery_data_len = 0;
}

/* A party's ERROR as the run's blame: the participant it names, if any. */
static void blame_from_error(struct run *r, struct mpcsign_coord_blame *b, size_t i,
			     const struct reply *rp, const char *step)
{
	size_t who = i;

	if (rp->e.code == MPCSIGN_WERR_DKG && rp->e.blame_index < r->n)
		who = rp->e.blame_index;
	else if (rp->e.code == MPCSIGN_WERR_DKG &&
		 rp->e.blame_kind == MPCSIGN_DKG_FAULTY_COORDINATOR)
		who = MPCSIGN_COORD_NOBODY;
	set_blame(r, b, who, -EACCES, "%s: party %zu answered %s", step, i, r->c[i].why);
	b->wire_code = rp->e.code;
	b->dkg_kind = rp->e.blame_kind;
	if (rp->e.code == MPCSIGN_WERR_DKG)
		b->err = who == MPCSIGN_COORD_NOBODY ? -EPROTO : -EBADMSG;
}

static int dkg_investigate(struct run *r, struct mpcsign_dkg_coord *dc,
			   uint8_t *const *pmsg1, const size_t *lens, const uint8_t *faulty,
			   struct mpcsign_coord_blame *b)
{
	uint8_t *cinvs = NULL;
	size_t cinvs_len, one = mpcsign_dkg_cinv_len((uint32_t)r->n), i;
	struct reply rp;
	int ret, done = 0;

	ret = mpcsign_dkg_coord_investigate(dc, (const uint8_t *const *)pmsg1, lens, &cinvs,
					    &cinvs_len);
	if (ret || cinvs_len != one * r->n) {
		free(cinvs);
		set_blame(r, b, MPCSIGN_COORD_NOBODY, ret ? ret : -EINVAL,
			  "investigation messages could not be made: %s", strerror(ret ? -ret : EINVAL));
		return b->err;
	}
	for (i = 0; i < r->n; i++)
		if (faulty[i])
			xsend(r, i, MPCSIGN_MSG_DKG_INVESTIGATE, cinvs + i * one, one);
	for (i = 0; i < r->n; i++) {
		if (!faulty[i] || !r->c[i].l)
			continue;
		ret = xrecv(r, i, MPCSIGN_MSG_ERROR, SIZE_MAX, &rp);
		if (ret == -EACCES && !done && rp.e.code == MPCSIGN_WERR_DKG) {
			blame_from_error(r, b, i, &rp, "investigation");
			done = 1;
		}
		reply_free(&rp);
	}
	free(cinvs);
	if (!done)
		set_blame(r, b, MPCSIGN_COORD_NOBODY, -EREMOTEIO,
			  "a party is faulty, the investigation named nobody");
	return b->err ? b->err : -EREMOTEIO;
}

int mpcsign_coord_run_dkg(struct mpcsign_coord_dkg_result *out, const struct mpcsign_coord_ops *ops,
			  const struct mpcsign_coord_dkg_req *req)
{
	struct mpcsign_msg_dkg_propose pm;
	struct mpcsign_msg_dkg_acks am;
	struct mpcsign_dkg_params params;
	struct mpcsign_dkg_coord *dc = NULL;
	struct mpcsign_dkg_blame db;
	struct mpcsign_buf pb, ab;
	struct run r;
	uint8_t (*hpks)[33] = NULL, (*pmsg2)[64] = NULL, (*acks)[64] = NULL;
	uint8_t **pmsg1 = NULL, *faulty = NULL, *cmsg1 = NULL, *cmsg2 = NULL, *rd = NULL;
	size_t *lens = NULL, cmsg1_len = 0, cmsg2_len = 0, rd_len = 0, i, n, dl;
	uint8_t tpk[33];
	struct reply rp;
	int ret, nfaulty = 0;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->blame.party = MPCSIGN_COORD_NOBODY;
	mpcsign_buf_init(&pb);
	mpcsign_buf_init(&ab);
	if (!req || !req->n || req->n > MPCSIGN_WIRE_MAX_N || !req->t || req->t > req->n)
		return -EINVAL;
	dl = req->desc ? strlen(req->desc) : 0;
	if (dl > MPCSIGN_WIRE_MAX_DESC || !printable(req->desc ? req->desc : "", dl))
		return -EINVAL;
	ret = run_init(&r, ops, req->parties, req->n, req->round_timeout_ms);
	if (ret)
		return ret;
	n = req->n;
	ret = mpcsign_coord_init();
	if (!ret)
		ret = new_session(&r);
	if (ret)
		goto out;
	memcpy(out->session, r.session, sizeof(out->session));
	ret = -ENOMEM;
	hpks = malloc(n * 33);
	pmsg1 = calloc(n, sizeof(*pmsg1));
	lens = calloc(n, sizeof(*lens));
	pmsg2 = calloc(n, sizeof(*pmsg2));
	acks = calloc(n, sizeof(*acks));
	faulty = calloc(n, 1);
	if (!hpks || !pmsg1 || !lens || !pmsg2 || !acks || !faulty)
		goto out;
	for (i = 0; i < n; i++)
		memcpy(hpks[i], req->parties[i].hostpubkey, 33);
	ret = mpcsign_dkg_coord_new(&dc, req->t, (uint32_t)n, (const uint8_t (*)[33])hpks);
	if (ret) {
		set_blame(&r, &out->blame, MPCSIGN_COORD_NOBODY, ret,
			  "the session parameters are not valid: %s", strerror(-ret));
		goto out;
	}
	memset(&pm, 0, sizeof(pm));
	pm.t = req->t;
	pm.n = (uint32_t)n;
	pm.expiry = req->expiry;
	pm.desc = req->desc ? req->desc : "";
	pm.desc_len = (uint16_t)dl;
	pm.hostpubkeys = (const uint8_t (*)[33])hpks;
	mpcsign_msg_dkg_propose_encode(&pb, &pm);
	if (pb.err) {
		ret = pb.err < 0 ? pb.err : -ENOMEM;
		goto out;
	}
	mpcsign_dkg_fingerprint(out->fingerprint, pb.p, pb.len, r.session);
	emit(&r, MPCSIGN_COORD_EV_FINGERPRINT, MPCSIGN_COORD_NOBODY, 0, 32, out->fingerprint, 0,
	     NULL);

	/* everybody must take part */
	for (i = 0; i < n; i++)
		if (conn_get(&r, i)) {
			ret = -EHOSTUNREACH;
			set_blame(&r, &out->blame, i, ret, "party %zu unreachable: %s", i, r.c[i].why);
			goto out;
		}

	/* round 1: DKG_PROPOSE -> DKG_PMSG1 */
	for (i = 0; i < n; i++)
		xsend(&r, i, MPCSIGN_MSG_DKG_PROPOSE, pb.p, pb.len);
	ret = 0;
	for (i = 0; i < n; i++) {
		int e = xrecv(&r, i, MPCSIGN_MSG_DKG_PMSG1, mpcsign_dkg_pmsg1_len((uint32_t)n, req->t),
			      &rp);

		if (e && !ret) {
			ret = e;
			if (e == -EACCES)
				blame_from_error(&r, &out->blame, i, &rp, "DKG_PROPOSE");
			else
				set_blame(&r, &out->blame, i, e, "DKG_PROPOSE: party %zu: %s", i,
					  r.c[i].why);
		}
		if (!e) {
			pmsg1[i] = rp.body;
			lens[i] = rp.len;
			rp.body = NULL;
		}
		reply_free(&rp);
	}
	if (ret)
		goto out;
	memset(&db, 0, sizeof(db));
	ret = mpcsign_dkg_coord_step1(dc, (const uint8_t *const *)pmsg1, lens, &cmsg1, &cmsg1_len,
				      &db);
	if (ret) {
		set_blame(&r, &out->blame, db.participant < n ? db.participant : MPCSIGN_COORD_NOBODY,
			  ret, "coordinator step 1: %s (kind %u)", strerror(-ret), db.kind);
		out->blame.dkg_kind = db.kind;
		goto out;
	}

	/* round 2: DKG_CMSG1 -> DKG_PMSG2 (or an investigation) */
	for (i = 0; i < n; i++)
		xsend(&r, i, MPCSIGN_MSG_DKG_CMSG1, cmsg1, cmsg1_len);
	ret = 0;
	for (i = 0; i < n; i++) {
		int e = xrecv(&r, i, MPCSIGN_MSG_DKG_PMSG2, 64, &rp);

		if (e == -EACCES && rp.e.code == MPCSIGN_WERR_DKG &&
		    rp.e.blame_kind == MPCSIGN_DKG_UNKNOWN_FAULTY) {
			faulty[i] = 1;
			nfaulty++;
		} else if (e && !ret) {
			ret = e;
			if (e == -EACCES)
				blame_from_error(&r, &out->blame, i, &rp, "DKG_CMSG1");
			else
				set_blame(&r, &out->blame, i, e, "DKG_CMSG1: party %zu: %s", i,
					  r.c[i].why);
		}
		if (!e)
			memcpy(pmsg2[i], rp.body, 64);
		reply_free(&rp);
	}
	if (nfaulty) {
		ret = dkg_investigate(&r, dc, pmsg1, lens, faulty, &out->blame);
		goto out;
	}
	if (ret)
		goto out;
	memset(&db, 0, sizeof(db));
	ret = mpcsign_dkg_coord_finalize(dc, (const uint8_t (*)[64])pmsg2, &cmsg2, &cmsg2_len, &rd,
					 &rd_len, tpk, &db);
	if (ret) {
		set_blame(&r, &out->blame, db.participant < n ? db.participant : MPCSIGN_COORD_NOBODY,
			  ret, "coordinator finalize: %s (kind %u)", strerror(-ret), db.kind);
		out->blame.dkg_kind = db.kind;
		goto out;
	}

	/* round 3: DKG_CMSG2 -> DKG_FINAL */
	for (i = 0; i < n; i++)
		xsend(&r, i, MPCSIGN_MSG_DKG_CMSG2, cmsg2, cmsg2_len);
	ret = 0;
	for (i = 0; i < n; i++) {
		struct mpcsign_msg_dkg_final f;
		int e = xrecv(&r, i, MPCSIGN_MSG_DKG_FINAL, SIZE_MAX, &rp);

		if (!e && mpcsign_msg_dkg_final_decode(&f, rp.body, rp.len)) {
			e = -EPROTO;
			fmt_to(r.c[i].why, sizeof(r.c[i].why), "malformed DKG_FINAL");
		} else if (!e && memcmp(f.thresh_pk, tpk, 33)) {
			e = -EBADMSG;
			fmt_to(r.c[i].why, sizeof(r.c[i].why), "DKG_FINAL with another threshold key");
		} else if (!e) {
			memcpy(acks[i], f.ack, 64);
		}
		if (e && !ret) {
			ret = e;
			if (e == -EACCES)
				blame_from_error(&r, &out->blame, i, &rp, "DKG_CMSG2");
			else
				set_blame(&r, &out->blame, i, e, "DKG_CMSG2: party %zu: %s", i,
					  r.c[i].why);
		}
		reply_free(&rp);
	}
	if (ret)
		goto out;
	/* check the acks here first, to name a bad one */
	params.t = req->t;
	params.n = (uint32_t)n;
	params.hostpubkeys = (const uint8_t (*)[33])hpks;
	memset(&db, 0, sizeof(db));
	ret = mpcsign_dkg_acks_verify_params(rd, rd_len, &params, (const uint8_t (*)[64])acks, &db);
	if (ret) {
		set_blame(&r, &out->blame, db.participant < n ? db.participant : MPCSIGN_COORD_NOBODY,
			  ret, "recovery ack does not verify: %s (kind %u)", strerror(-ret), db.kind);
		out->blame.dkg_kind = db.kind;
		goto out;
	}

	/* round 4: DKG_ACKS -> DKG_READY */
	memset(&am, 0, sizeof(am));
	am.n = (uint32_t)n;
	am.acks = (const uint8_t (*)[64])acks;
	am.recovery_data = rd;
	am.recovery_data_len = rd_len;
	mpcsign_msg_dkg_acks_encode(&ab, &am);
	if (ab.err) {
		ret = ab.err < 0 ? ab.err : -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		xsend(&r, i, MPCSIGN_MSG_DKG_ACKS, ab.p, ab.len);
	ret = 0;
	for (i = 0; i < n; i++) {
		int e = xrecv(&r, i, MPCSIGN_MSG_DKG_READY, 33, &rp);

		if (!e && memcmp(rp.body, tpk, 33)) {
			e = -EBADMSG;
			fmt_to(r.c[i].why, sizeof(r.c[i].why), "DKG_READY for another key");
		}
		if (e && !ret) {
			ret = e;
			if (e == -EACCES)
				blame_from_error(&r, &out->blame, i, &rp, "DKG_ACKS");
			else
				set_blame(&r, &out->blame, i, e, "DKG_ACKS: party %zu: %s", i,
					  r.c[i].why);
		}
		reply_free(&rp);
	}
	if (ret)
		goto out;
	memcpy(out->thresh_pk, tpk, 33);
	out->recovery_data = rd;
	out->recovery_data_len = rd_len;
	rd = NULL;
	emit(&r, MPCSIGN_COORD_EV_DONE, MPCSIGN_COORD_NOBODY, 0, 33, out->thresh_pk, 0, "dkg");
out:
	run_end(&r);
	if (pmsg1)
		for (i = 0; i < n; i++)
			free(pmsg1[i]);
	free(pmsg1);
	free(lens);
	free(pmsg2);
	free(acks);
	free(faulty);
	free(hpks);
	free(cmsg1);
	free(cmsg2);
	free(rd);
	mpcsign_buf_free(&pb);
	mpcsign_buf_free(&ab);
	mpcsign_dkg_coord_free(dc);
	return ret;
}

/* --- signing -------------------------------------------------------------------- */

int mpcsign_coord_pick_signers(uint32_t *ids, const uint8_t *usable, size_t n, uint32_t t)
{
	size_t i, k = 0;

	if (!ids || !usable || !t)
		return -EINVAL;
	for (i = 0; i < n && k < t; i++)
		if (usable[i])
			ids[k++] = (uint32_t)i;
	return k == t ? 0 : -EAGAIN;
}

void mpcsign_coord_sign_result_free(struct mpcsign_coord_sign_result *res)
{
	if (!res)
		return;
	free(res->parties);
	res->parties = NULL;
}

__attribute__((format(printf, 6, 7)))
static void party_fail(struct run *r, struct mpcsign_coord_sign_result *out, uint8_t *usable,
		       size_t i, int err, const char *fmt, ...)
{
	struct mpcsign_coord_party_report *pr = &out->parties[i];
	va_list ap;

	usable[i] = 0;
	pr->err = err;
	va_start(ap, fmt);
	vsnprintf(pr->reason, sizeof(pr->reason), fmt, ap);
	va_end(ap);
	if (err == -EHOSTUNREACH) {
		pr->state = MPCSIGN_COORD_P_UNREACHABLE;
		return;
	}
	pr->state = err == -EACCES ? MPCSIGN_COORD_P_REFUSED : MPCSIGN_COORD_P_FAILED;
	set_blame(r, &out->blame, i, err, "party %zu: %s", i, pr->reason);
}

/* The error reply of party i into its report. */
static void party_refused(struct run *r, struct mpcsign_coord_sign_result *out, uint8_t *usable,
			  size_t i, int err, const struct reply *rp, const char *step)
{
	party_fail(r, out, usable, i, err, "%s: %s", step, r->c[i].why);
	if (err == -EACCES) {
		out->parties[i].wire_code = rp->e.code;
		out->blame.wire_code = rp->e.code;
	}
}

int mpcsign_coord_run_sign(struct mpcsign_coord_sign_result *out, const struct mpcsign_coord_ops *ops,
			   const struct mpcsign_coord_sign_req *req)
{
	struct mpcsign_dkg_public pub;
	struct mpcsign_dkg_blame db;
	struct mpcsign_msg_sign_req m;
	struct mpcsign_msg_sign_agg ag;
	struct mpcsign_session ss;
	struct mpcsign_buf rb, gb;
	struct run r;
	uint8_t *pubshares = NULL, *hpks = NULL, *usable = NULL;
	uint8_t (*pubnonces)[66] = NULL, (*psigs)[32] = NULL, (*spubs)[33] = NULL;
	uint32_t *ids = NULL, t = 0, blame;
	size_t n, i, k;
	unsigned attempt, max_attempts;
	struct reply rp;
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->blame.party = MPCSIGN_COORD_NOBODY;
	mpcsign_buf_init(&rb);
	mpcsign_buf_init(&gb);
	if (!req || !req->recovery_data || !req->parties || !req->num_parties ||
	    req->num_parties > MPCSIGN_WIRE_MAX_N || (req->msg_len && !req->msg) ||
	    req->msg_len > MPCSIGN_WIRE_MAX_MSG || req->num_tweaks > MPCSIGN_WIRE_MAX_TWEAKS ||
	    (req->num_tweaks && !req->tweaks) ||
	    (req->num_tweaks < 64 && req->tweak_xonly >> req->num_tweaks) ||
	    req->num_approvals > MPCSIGN_WIRE_MAX_APPROVALS ||
	    (req->num_approvals && !req->approvals) || req->kind != MPCSIGN_SIGN_KIND_RAW)
		return -EINVAL;
	n = req->num_parties;
	ret = mpcsign_coord_init();
	if (ret)
		return ret;
	ret = run_init(&r, ops, req->parties, n, req->round_timeout_ms);
	if (ret)
		return ret;
	ret = -ENOMEM;
	out->parties = calloc(n, sizeof(*out->parties));
	pubshares = malloc(n * 33);
	hpks = malloc(n * 33);
	usable = malloc(n);
	ids = malloc(n * sizeof(*ids));
	pubnonces = malloc(n * 66);
	psigs = malloc(n * 32);
	spubs = malloc(n * 33);
	if (!out->parties || !pubshares || !hpks || !usable || !ids || !pubnonces || !psigs || !spubs)
		goto out;
	out->n = n;
	/* the key's public data from its recovery data */
	memset(&pub, 0, sizeof(pub));
	pub.pubshares = pubshares;
	pub.pubshares_cap = n * 33;
	pub.hostpubkeys = hpks;
	pub.hostpubkeys_cap = n * 33;
	memset(&db, 0, sizeof(db));
	ret = mpcsign_dkg_coord_recover(req->recovery_data, req->recovery_data_len, &pub, &db);
	if (ret) {
		set_blame(&r, &out->blame, MPCSIGN_COORD_NOBODY, ret,
			  "recovery data does not check out: %s", strerror(-ret));
		ret = ret == -ENOMEM ? ret : -EINVAL;
		goto out;
	}
	t = pub.t;
	ret = -EINVAL;
	if (pub.n != n) {
		set_blame(&r, &out->blame, MPCSIGN_COORD_NOBODY, ret,
			  "the key has %u parties, %zu given", pub.n, n);
		goto out;
	}
	if (req->thresh_pk && memcmp(req->thresh_pk, pub.thresh_pk, 33)) {
		set_blame(&r, &out->blame, MPCSIGN_COORD_NOBODY, ret,
			  "the recovery data is for another key");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (memcmp(req->parties[i].hostpubkey, hpks + 33 * i, 33)) {
			set_blame(&r, &out->blame, i, ret,
				  "party %zu is not the key's participant %zu (host key)", i, i);
			goto out;
		}
	for (i = 0; i < n; i++)
		usable[i] = 1;
	memset(&m, 0, sizeof(m));
	memcpy(m.thresh_pk, pub.thresh_pk, 33);
	m.expiry = req->expiry;
	m.kind = req->kind;
	m.msg_len = (uint32_t)req->msg_len;
	m.msg = req->msg;
	m.num_signers = (uint16_t)t;
	m.num_tweaks = (uint8_t)req->num_tweaks;
	m.tweak_xonly = req->tweak_xonly;
	m.tweaks = req->tweaks;
	m.num_approvals = (uint8_t)req->num_approvals;
	m.approvals = req->approvals;
	max_attempts = req->max_attempts ? req->max_attempts : (unsigned)(n - t + 1);
	ret = -EAGAIN;

	for (attempt = 1; attempt <= max_attempts; attempt++) {
		char idtext[128];
		size_t off = 0;
		int failed = 0;

		/* t usable parties that we can reach */
		for (;;) {
			if (mpcsign_coord_pick_signers(ids, usable, n, t)) {
				char last[sizeof(out->blame.reason)];

				memcpy(last, out->blame.reason, sizeof(last));
				set_blame(&r, &out->blame, MPCSIGN_COORD_NOBODY, -EAGAIN,
					  "fewer than %u usable parties left%s%s", t,
					  last[0] ? "; last: " : "", last);
				ret = -EAGAIN;
				goto out;
			}
			for (k = 0; k < t; k++)
				if (conn_get(&r, ids[k])) {
					party_fail(&r, out, usable, ids[k], -EHOSTUNREACH,
						   "unreachable: %s", r.c[ids[k]].why);
					break;
				}
			if (k == t)
				break;
		}
		ret = new_session(&r);
		if (ret)
			goto out;
		out->attempts = attempt;
		for (k = 0; k < t && off < sizeof(idtext) - 12; k++)
			off += (size_t)snprintf(idtext + off, sizeof(idtext) - off, "%s%u",
						k ? "," : "", ids[k]);
		if (!t)
			idtext[0] = 0;
		emit(&r, MPCSIGN_COORD_EV_ATTEMPT, MPCSIGN_COORD_NOBODY, 0, 0, NULL, attempt, idtext);

		/* round 1: SIGN_REQ -> SIGN_NONCE */
		rb.len = 0;
		mpcsign_msg_sign_req_encode(&rb, &m, ids);
		if (rb.err) {
			ret = rb.err < 0 ? rb.err : -ENOMEM;
			goto out;
		}
		for (k = 0; k < t; k++)
			xsend(&r, ids[k], MPCSIGN_MSG_SIGN_REQ, rb.p, rb.len);
		for (k = 0; k < t; k++) {
			int e = xrecv(&r, ids[k], MPCSIGN_MSG_SIGN_NONCE, 66, &rp);

			if (e) {
				party_refused(&r, out, usable, ids[k], e, &rp, "SIGN_REQ");
				failed = 1;
			} else {
				memcpy(pubnonces[k], rp.body, 66);
			}
			reply_free(&rp);
		}
		if (failed)
			continue;
		blame = MPCSIGN_BLAME_NONE;
		ret = mpcsign_coord_nonce_agg(ag.aggnonce, (const uint8_t (*)[66])pubnonces, t, &blame);
		if (ret) {
			if (blame < t) {
				party_fail(&r, out, usable, ids[blame], -EBADMSG, "invalid public nonce");
				conn_close(&r, ids[blame]);
				continue;
			}
			set_blame(&r, &out->blame, MPCSIGN_COORD_NOBODY, ret, "NonceAgg: %s",
				  strerror(-ret));
			goto out;
		}

		/* round 2: SIGN_AGG -> SIGN_PSIG */
		mpcsign_sign_request_hash(ag.request_hash, r.session, rb.p, rb.len);
		gb.len = 0;
		mpcsign_msg_sign_agg_encode(&gb, &ag);
		if (gb.err) {
			ret = gb.err < 0 ? gb.err : -ENOMEM;
			goto out;
		}
		for (k = 0; k < t; k++)
			xsend(&r, ids[k], MPCSIGN_MSG_SIGN_AGG, gb.p, gb.len);
		for (k = 0; k < t; k++) {
			int e = xrecv(&r, ids[k], MPCSIGN_MSG_SIGN_PSIG, 32, &rp);

			if (e) {
				party_refused(&r, out, usable, ids[k], e, &rp, "SIGN_AGG");
				failed = 1;
			} else {
				memcpy(psigs[k], rp.body, 32);
			}
			reply_free(&rp);
		}
		if (failed)
			continue;
		for (k = 0; k < t; k++)
			memcpy(spubs[k], pubshares + 33 * ids[k], 33);
		memset(&ss, 0, sizeof(ss));
		ss.n = (uint32_t)n;
		ss.t = t;
		ss.thresh_pk = pub.thresh_pk;
		ss.num_signers = t;
		ss.ids = ids;
		ss.pubshares = (const uint8_t (*)[33])spubs;
		ss.num_tweaks = (uint32_t)req->num_tweaks;
		ss.tweaks = req->tweaks;
		ss.tweak_xonly = req->tweak_xonly;
		ss.msg = req->msg;
		ss.msg_len = req->msg_len;
		ss.aggnonce = ag.aggnonce;
		/* name every bad psig, not only the first */
		for (k = 0; k < t; k++) {
			blame = MPCSIGN_BLAME_NONE;
			if (mpcsign_coord_psig_verify(&ss, (const uint8_t (*)[66])pubnonces, psigs[k], k,
						      &blame)) {
				party_fail(&r, out, usable, ids[k], -EBADMSG,
					   "invalid partial signature");
				failed = 1;
			}
		}
		if (failed)
			continue;
		blame = MPCSIGN_BLAME_NONE;
		ret = mpcsign_coord_aggregate(out->sig, &ss, (const uint8_t (*)[66])pubnonces,
					      (const uint8_t (*)[32])psigs, &blame);
		if (!ret)
			ret = mpcsign_coord_session_pubkey(out->pk32, &ss);
		if (ret) {
			set_blame(&r, &out->blame, MPCSIGN_COORD_NOBODY, ret,
				  "aggregation failed: %s", strerror(-ret));
			memset(out->sig, 0, sizeof(out->sig));
			goto out;
		}
		for (k = 0; k < t; k++)
			out->parties[ids[k]].state = MPCSIGN_COORD_P_SIGNED;
		memset(&out->blame, 0, sizeof(out->blame));
		out->blame.party = MPCSIGN_COORD_NOBODY;
		emit(&r, MPCSIGN_COORD_EV_DONE, MPCSIGN_COORD_NOBODY, 0, 64, out->sig, attempt, "sign");
		ret = 0;
		goto out;
	}
	{
		char last[sizeof(out->blame.reason)];

		memcpy(last, out->blame.reason, sizeof(last));
		set_blame(&r, &out->blame, MPCSIGN_COORD_NOBODY, -EAGAIN,
			  "no signature after %u attempts%s%s", max_attempts,
			  last[0] ? "; last: " : "", last);
	}
	ret = -EAGAIN;
out:
	run_end(&r);
	free(pubshares);
	free(hpks);
	free(usable);
	free(ids);
	free(pubnonces);
	free(psigs);
	free(spubs);
	mpcsign_buf_free(&rb);
	mpcsign_buf_free(&gb);
	return ret;
}
