// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * party.c - the party's protocol state machine (see party.h).
 *
 * Lock rule: p->lock protects everything in struct mpcsign_party (sessions,
 * keys, allowlists, policy); every public function takes it, internal
 * functions ending in _locked expect it held.  Callbacks run under it.
 *
 * A session is found by its 16-byte id; it belongs to the coordinator that
 * opened it.  Each request type is answered once per session: the answer is
 * cached with the SHA-256 of the request (type and body), so a repeat gets
 * the same bytes and a different request of that type is a CONFLICT.
 * Requests refused by stateless checks (sizes, encodings) are not cached:
 * they change nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "party.h"
#include "policy.h"
#include "util.h"
#include "core/hash.h"

#define PARTY_DEFAULT_MAX_SESSIONS	64
#define PARTY_DEFAULT_TIMEOUT_S		300
#define PARTY_DEFAULT_MAX_EXPIRY_S	86400
#define PARTY_MAX_CACHE			6

/* snprintf that truncates quietly (reasons are for people; cut is fine) */
__attribute__((format(printf, 3, 4)))
static void fmt_to(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

struct pkey {
	struct pkey *next;
	uint8_t thresh_pk[33];
	uint32_t my_id, t, n;
	uint8_t (*hostpubkeys)[33];
	uint8_t (*pubshares)[33];	/* from KEY_INFO, on first use */
	int ready;
	uint8_t session[MPCSIGN_SESSION_ID_LEN];
	uint8_t fingerprint[32];
	uint8_t coord_pk[33];
	char desc[MPCSIGN_WIRE_MAX_DESC + 1];
	uint64_t created;
	uint64_t signatures;		/* psigs made */
};

enum sess_kind { SESS_DKG = 1, SESS_SIGN = 2 };
enum sess_state {
	/* DKG */
	ST_DKG_STEP1 = 1,	/* PMSG1 sent; waiting for CMSG1 */
	ST_DKG_STEP2,		/* PMSG2 sent; waiting for CMSG2 */
	ST_DKG_INVESTIGATE,	/* STEP2 said UNKNOWN_FAULTY; waiting for DKG_INVESTIGATE */
	ST_DKG_FINAL,		/* DKG_FINAL sent; waiting for DKG_ACKS */
	ST_DKG_READY,		/* done */
	/* signing */
	ST_SIGN_NONCE,		/* SIGN_NONCE sent; the nonce is in the kernel */
	ST_SIGN_DONE,		/* SIGN_PSIG sent (or SIGN failed): nonce consumed */
	/* both */
	ST_DEAD,		/* failed or conflicting; kernel state released */
};

struct cached {
	uint8_t req_type;
	uint8_t digest[32];
	uint8_t reply_type;
	uint8_t *reply;
	size_t reply_len;
};

struct sess {
	struct sess *next;
	uint8_t id[MPCSIGN_SESSION_ID_LEN];
	uint8_t coord_pk[33];
	enum sess_kind kind;
	enum sess_state state;
	uint64_t expiry;		/* the request's */
	uint64_t deadline;		/* min(expiry, last activity + timeout) */
	uint64_t created;
	struct cached cache[PARTY_MAX_CACHE];
	unsigned num_cached;
	/* DKG */
	uint32_t t, n, my_id;
	uint32_t kdkg;			/* kernel DKG session handle */
	int have_kdkg;
	uint8_t (*hostpubkeys)[33];
	uint8_t fingerprint[32];
	char desc[MPCSIGN_WIRE_MAX_DESC + 1];
	uint8_t thresh_pk[33];
	uint8_t *rd;
	size_t rd_len;
	struct pkey *key;		/* DKG: the key made; signing: the key used */
	/* signing */
	uint8_t *req_body;
	size_t req_len;
	uint8_t req_hash[32];
	uint32_t nonce;
	int have_nonce;
	uint32_t key_handle;
};

struct mpcsign_party {
	pthread_mutex_t lock;
	struct mpcsign *dev;
	uint8_t hostpubkey[33];
	uint32_t host_key_handle;
	uint8_t (*peers)[33];
	size_t num_peers;
	uint8_t (*coords)[33];
	size_t num_coords;
	struct mpcsign_policy *policy;
	unsigned max_sessions, timeout_s, max_expiry_s;
	void (*log)(void *arg, int level, const char *line);
	void *log_arg;
	int (*store)(void *arg, const struct mpcsign_party_key_record *rec);
	void *store_arg;
	uint64_t (*now)(void *arg);
	void *now_arg;
	struct sess *sessions;
	unsigned num_sessions;
	struct pkey *keys;
	unsigned num_keys;
};

/* --- helpers -------------------------------------------------------------------- */

static uint64_t party_now(struct mpcsign_party *p)
{
	if (p->now)
		return p->now(p->now_arg);
	return (uint64_t)time(NULL);
}

__attribute__((format(printf, 3, 4)))
static void plog(struct mpcsign_party *p, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!p->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->log(p->log_arg, level, line);
}

/* A request's context for logs and error replies. */
struct req {
	struct mpcsign_party *p;
	const uint8_t *coord_pk;
	const struct mpcsign_frame_hdr *hdr;
	const uint8_t *body;
	size_t len;
	uint64_t now;
	uint8_t digest[32];
	char sid[2 * MPCSIGN_SESSION_ID_LEN + 1];
	char coord[67];
	uint8_t *reply_type;
	struct mpcsign_buf *reply;
	int cache;	/* 1: cache the reply in the session */
};

__attribute__((format(printf, 7, 8)))
static void reply_error(struct req *r, uint32_t code, int sys_errno, uint32_t blame_kind,
			uint32_t blame_index, int level, const char *fmt, ...)
{
	struct mpcsign_msg_error e;
	char text[MPCSIGN_WIRE_MAX_ERRTEXT + 1];
	va_list ap;
	size_t i, n;

	if (sys_errno < 0)
		sys_errno = -sys_errno;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	n = strlen(text);
	for (i = 0; i < n; i++)
		if (text[i] < 0x20 || text[i] > 0x7e)
			text[i] = '?';
	plog(r->p, level, "session=%s coord=%s request=%s outcome=refused error=%s errno=%d: %s",
	     r->sid, r->coord, mpcsign_msg_type_name(r->hdr->type), mpcsign_wire_err_name(code),
	     sys_errno, text);
	memset(&e, 0, sizeof(e));
	e.code = code;
	e.sys_errno = (uint32_t)sys_errno;
	e.blame_kind = blame_kind;
	e.blame_index = blame_index;
	e.text = text;
	e.text_len = (uint16_t)n;
	mpcsign_msg_error_encode(r->reply, &e);
	*r->reply_type = MPCSIGN_MSG_ERROR;
}

#define REFUSE(r, code, err, ...) \
	reply_error(r, code, err, 0, MPCSIGN_BLAME_NONE, MPCSIGN_LOG_NOTICE, __VA_ARGS__)

static void digest_req(uint8_t out[32], uint8_t type, const uint8_t *body, size_t len)
{
	struct mpc_sha256 h;

	mpc_sha256_init(&h);
	mpc_sha256_update(&h, &type, 1);
	if (len)
		mpc_sha256_update(&h, body, len);
	mpc_sha256_final(&h, out);
}

static int in_list(const uint8_t (*list)[33], size_t n, const uint8_t pk[33])
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!memcmp(list[i], pk, 33))
			return 1;
	return 0;
}

static int copy_list(uint8_t (**out)[33], const uint8_t (*in)[33], size_t n)
{
	*out = NULL;
	if (!n)
		return 0;
	if (!in)
		return -EINVAL;
	*out = malloc(n * 33);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, in, n * 33);
	return 0;
}

static struct pkey *key_find(struct mpcsign_party *p, const uint8_t thresh_pk[33])
{
	struct pkey *k;

	for (k = p->keys; k; k = k->next)
		if (!memcmp(k->thresh_pk, thresh_pk, 33))
			return k;
	return NULL;
}

static void key_free(struct pkey *k)
{
	free(k->hostpubkeys);
	free(k->pubshares);
	free(k);
}

static struct sess *sess_find(struct mpcsign_party *p, const uint8_t id[MPCSIGN_SESSION_ID_LEN])
{
	struct sess *s;

	for (s = p->sessions; s; s = s->next)
		if (!memcmp(s->id, id, MPCSIGN_SESSION_ID_LEN))
			return s;
	return NULL;
}

/*
 * Consume the session's secret nonce without a partial signature: a SIGN
 * that the kernel takes the nonce for and then refuses (a signer id out of
 * range), so that it is wiped now rather than when the device is closed.
 */
static void abandon_nonce_locked(struct mpcsign_party *p, struct sess *s)
{
	static const uint8_t zero66[66], zero33[1][33];
	struct mpcsign_session ss;
	uint32_t bad_id = UINT32_MAX;
	uint8_t psig[32];
	int ret;

	if (!s->have_nonce)
		return;
	s->have_nonce = 0;
	memset(&ss, 0, sizeof(ss));
	ss.n = s->key ? s->key->n : 1;
	ss.t = s->key ? s->key->t : 1;
	ss.thresh_pk = s->key ? s->key->thresh_pk : zero33[0];
	ss.num_signers = 1;
	ss.ids = &bad_id;
	ss.pubshares = zero33;
	ss.msg = NULL;
	ss.msg_len = 0;
	ss.aggnonce = zero66;
	ret = mpcsign_sign(p->dev, s->nonce, &ss, psig, NULL);
	explicit_bzero(psig, sizeof(psig));
	if (ret != -EINVAL)
		plog(p, MPCSIGN_LOG_WARNING, "nonce %u: abandoning SIGN gave %d", s->nonce, ret);
}

/* Release the kernel state of a session (keeps its cached replies). */
static void sess_release_locked(struct mpcsign_party *p, struct sess *s)
{
	if (s->have_kdkg) {
		mpcsign_dkg_abort(p->dev, s->kdkg);
		s->have_kdkg = 0;
	}
	abandon_nonce_locked(p, s);
}

static void sess_free_locked(struct mpcsign_party *p, struct sess *s)
{
	unsigned i;

	sess_release_locked(p, s);
	for (i = 0; i < s->num_cached; i++)
		free(s->cache[i].reply);
	free(s->hostpubkeys);
	free(s->rd);
	free(s->req_body);
	free(s);
}

static void sess_unlink_locked(struct mpcsign_party *p, struct sess *s)
{
	struct sess **pp;

	for (pp = &p->sessions; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			p->num_sessions--;
			return;
		}
}

static int sess_terminal(const struct sess *s)
{
	return s->state == ST_DKG_READY || s->state == ST_SIGN_DONE || s->state == ST_DEAD;
}

static unsigned expire_locked(struct mpcsign_party *p, uint64_t now)
{
	struct sess **pp = &p->sessions;
	unsigned n = 0;
	char sid[2 * MPCSIGN_SESSION_ID_LEN + 1];

	while (*pp) {
		struct sess *s = *pp;

		if (now >= s->deadline) {
			*pp = s->next;
			p->num_sessions--;
			mpcsign_hex(sid, s->id, sizeof(s->id));
			if (!sess_terminal(s))
				plog(p, MPCSIGN_LOG_NOTICE, "session=%s expired (%s, state %d)", sid,
				     s->kind == SESS_DKG ? "dkg" : "sign", s->state);
			sess_free_locked(p, s);
			n++;
		} else {
			pp = &s->next;
		}
	}
	return n;
}

/* Room for one more session: evict the oldest finished one if full. */
static int sess_room_locked(struct mpcsign_party *p)
{
	struct sess *s, *old = NULL;

	if (p->num_sessions < p->max_sessions)
		return 0;
	for (s = p->sessions; s; s = s->next)
		if (sess_terminal(s) && (!old || s->created <= old->created))
			old = s;
	if (!old)
		return -EBUSY;
	sess_unlink_locked(p, old);
	sess_free_locked(p, old);
	return 0;
}

static struct sess *sess_new_locked(struct mpcsign_party *p, struct req *r, enum sess_kind kind,
				    uint64_t expiry)
{
	struct sess *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	memcpy(s->id, r->hdr->session, sizeof(s->id));
	memcpy(s->coord_pk, r->coord_pk, 33);
	s->kind = kind;
	s->expiry = expiry;
	s->created = r->now;
	s->deadline = r->now + p->timeout_s < expiry ? r->now + p->timeout_s : expiry;
	return s;
}

static void sess_insert_locked(struct mpcsign_party *p, struct sess *s)
{
	s->next = p->sessions;
	p->sessions = s;
	p->num_sessions++;
}

static void sess_touch(struct mpcsign_party *p, struct sess *s, uint64_t now)
{
	uint64_t d = now + p->timeout_s;

	s->deadline = d < s->expiry ? d : s->expiry;
}

/* The expiry of a request: in the future and at most max_expiry_s ahead. */
static int check_expiry(struct req *r, uint64_t expiry)
{
	if (expiry <= r->now) {
		REFUSE(r, MPCSIGN_WERR_EXPIRED, 0, "expiry %llu is not after now (%llu)",
		       (unsigned long long)expiry, (unsigned long long)r->now);
		return -1;
	}
	if (expiry - r->now > r->p->max_expiry_s) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, 0, "expiry %llu s ahead, more than the %u s allowed",
		       (unsigned long long)(expiry - r->now), r->p->max_expiry_s);
		return -1;
	}
	return 0;
}

static int no_device(struct req *r)
{
	if (r->p->dev)
		return 0;
	reply_error(r, MPCSIGN_WERR_INTERNAL, ENODEV, 0, MPCSIGN_BLAME_NONE, MPCSIGN_LOG_ERR,
		    "no device");
	return 1;
}

static void dkg_error(struct req *r, const char *step, int ret, const struct mpcsign_dkg_blame *b)
{
	reply_error(r, MPCSIGN_WERR_DKG, ret, b->kind, b->participant, MPCSIGN_LOG_WARNING,
		    "%s failed: %s (kind %u, participant %d)", step, strerror(-ret), b->kind,
		    b->participant == MPCSIGN_BLAME_NONE ? -1 : (int)b->participant);
}

/* --- DKG ------------------------------------------------------------------------ */

static void dkg_propose(struct req *r)
{
	struct mpcsign_party *p = r->p;
	struct mpcsign_msg_dkg_propose m;
	struct mpcsign_dkg_blame b;
	char fp[65];
	uint8_t *pmsg1 = NULL;
	size_t cap, len = 0;
	uint32_t i, j, my_id = UINT32_MAX;
	struct sess *s;
	int ret;

	if (mpcsign_msg_dkg_propose_decode(&m, r->body, r->len)) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, EBADMSG, "malformed DKG_PROPOSE");
		return;
	}
	if (check_expiry(r, m.expiry))
		return;
	for (i = 0; i < m.n; i++) {
		char h[67];

		if (!in_list((const uint8_t (*)[33])p->peers, p->num_peers, m.hostpubkeys[i])) {
			mpcsign_hex(h, m.hostpubkeys[i], 33);
			REFUSE(r, MPCSIGN_WERR_NOT_ALLOWED, 0,
			       "host key %u (%s) is not in the peers allowlist", i, h);
			return;
		}
		for (j = 0; j < i; j++)
			if (!memcmp(m.hostpubkeys[i], m.hostpubkeys[j], 33)) {
				REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, 0,
				       "host keys %u and %u are the same", j, i);
				return;
			}
		if (!memcmp(m.hostpubkeys[i], p->hostpubkey, 33))
			my_id = i;
	}
	if (my_id == UINT32_MAX) {
		REFUSE(r, MPCSIGN_WERR_NOT_ALLOWED, 0, "our host key is not in the proposal");
		return;
	}
	if (sess_room_locked(p)) {
		REFUSE(r, MPCSIGN_WERR_BUSY, EBUSY, "too many sessions (%u)", p->max_sessions);
		return;
	}
	if (no_device(r))
		return;
	s = sess_new_locked(p, r, SESS_DKG, m.expiry);
	cap = mpcsign_dkg_pmsg1_len(m.n, m.t);
	pmsg1 = cap ? malloc(cap) : NULL;
	if (!s || copy_list(&s->hostpubkeys, m.hostpubkeys, m.n) || !pmsg1) {
		REFUSE(r, MPCSIGN_WERR_INTERNAL, ENOMEM, "out of memory");
		goto fail;
	}
	s->t = m.t;
	s->n = m.n;
	s->my_id = my_id;
	if (m.desc_len)
		memcpy(s->desc, m.desc, m.desc_len);
	s->desc[m.desc_len] = 0;
	mpcsign_dkg_fingerprint(s->fingerprint, r->body, r->len, r->hdr->session);
	mpcsign_hex(fp, s->fingerprint, 32);
	memset(&b, 0, sizeof(b));
	ret = mpcsign_dkg_step1(p->dev, p->host_key_handle, m.t, m.n, m.hostpubkeys, pmsg1, cap,
				&len, &s->kdkg, &b);
	if (ret) {
		dkg_error(r, "DKG_STEP1", ret, &b);
		goto fail;
	}
	s->have_kdkg = 1;
	s->state = ST_DKG_STEP1;
	plog(p, MPCSIGN_LOG_NOTICE,
	     "session=%s coord=%s request=DKG_PROPOSE outcome=accepted t=%u n=%u my_id=%u "
	     "fingerprint=%s desc=\"%s\"", r->sid, r->coord, m.t, m.n, my_id, fp, s->desc);
	mpcsign_buf_put(r->reply, pmsg1, len);
	*r->reply_type = MPCSIGN_MSG_DKG_PMSG1;
	free(pmsg1);
	sess_insert_locked(p, s);
	r->cache = 1;
	return;
fail:
	free(pmsg1);
	if (s)
		sess_free_locked(p, s);
}

static void dkg_cmsg1(struct req *r, struct sess *s)
{
	struct mpcsign_dkg_blame b;
	uint8_t pmsg2[64];
	int ret;

	if (s->state != ST_DKG_STEP1) {
		REFUSE(r, MPCSIGN_WERR_STATE, 0, "DKG_CMSG1 not expected now");
		return;
	}
	if (r->len != mpcsign_dkg_cmsg1_len(s->n, s->t)) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, EBADMSG, "DKG_CMSG1 of %zu bytes, want %zu",
		       r->len, mpcsign_dkg_cmsg1_len(s->n, s->t));
		return;
	}
	memset(&b, 0, sizeof(b));
	r->cache = 1;
	ret = mpcsign_dkg_step2(r->p->dev, s->kdkg, r->body, r->len, pmsg2, &b);
	if (ret == -EREMOTEIO) {
		s->state = ST_DKG_INVESTIGATE;
		reply_error(r, MPCSIGN_WERR_DKG, ret, MPCSIGN_DKG_UNKNOWN_FAULTY, MPCSIGN_BLAME_NONE,
			    MPCSIGN_LOG_WARNING, "DKG_STEP2: someone is faulty; investigation needed");
		return;
	}
	if (ret) {
		dkg_error(r, "DKG_STEP2", ret, &b);
		s->state = ST_DEAD;
		sess_release_locked(r->p, s);
		return;
	}
	s->state = ST_DKG_STEP2;
	mpcsign_buf_put(r->reply, pmsg2, 64);
	*r->reply_type = MPCSIGN_MSG_DKG_PMSG2;
}

static void dkg_investigate(struct req *r, struct sess *s)
{
	struct mpcsign_dkg_blame b;
	int ret;

	if (s->state != ST_DKG_INVESTIGATE) {
		REFUSE(r, MPCSIGN_WERR_STATE, 0, "DKG_INVESTIGATE not expected now");
		return;
	}
	if (r->len != mpcsign_dkg_cinv_len(s->n)) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, EBADMSG, "DKG_INVESTIGATE of %zu bytes, want %zu",
		       r->len, mpcsign_dkg_cinv_len(s->n));
		return;
	}
	memset(&b, 0, sizeof(b));
	r->cache = 1;
	ret = mpcsign_dkg_investigate(r->p->dev, s->kdkg, r->body, r->len, &b);
	s->have_kdkg = 0;	/* a message of the right size ends the session */
	s->state = ST_DEAD;
	if (!ret) {	/* cannot happen: the answer always names a culprit */
		reply_error(r, MPCSIGN_WERR_INTERNAL, 0, 0, MPCSIGN_BLAME_NONE, MPCSIGN_LOG_ERR,
			    "DKG_INVESTIGATE succeeded");
		return;
	}
	if (ret == -EPROTO && b.participant == MPCSIGN_BLAME_NONE)
		b.kind = MPCSIGN_DKG_FAULTY_COORDINATOR;
	dkg_error(r, "DKG investigation", ret, &b);
}

static void dkg_cmsg2(struct req *r, struct sess *s)
{
	struct mpcsign_party *p = r->p;
	struct mpcsign_dkg_result res;
	struct mpcsign_dkg_blame b;
	struct mpcsign_dkg_params params;
	struct mpcsign_msg_dkg_final f;
	uint8_t (*pubs)[33] = NULL;
	size_t cap;
	struct pkey *k, *old;
	char tpk[67];
	int ret;

	if (s->state != ST_DKG_STEP2) {
		REFUSE(r, MPCSIGN_WERR_STATE, 0, "DKG_CMSG2 not expected now");
		return;
	}
	if (r->len != mpcsign_dkg_cmsg2_len(s->n)) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, EBADMSG, "DKG_CMSG2 of %zu bytes, want %zu",
		       r->len, mpcsign_dkg_cmsg2_len(s->n));
		return;
	}
	cap = mpcsign_dkg_recovery_data_len(s->n, s->t);
	pubs = malloc((size_t)s->n * 33);
	s->rd = malloc(cap);
	k = calloc(1, sizeof(*k));
	if (!pubs || !s->rd || !k || copy_list(&k->hostpubkeys, (const uint8_t (*)[33])s->hostpubkeys, s->n)) {
		REFUSE(r, MPCSIGN_WERR_INTERNAL, ENOMEM, "out of memory");
		free(pubs);
		free(s->rd);
		s->rd = NULL;
		if (k)
			key_free(k);
		return;
	}
	memset(&res, 0, sizeof(res));
	res.pubshares = pubs;
	res.pubshares_cap = s->n;
	res.recovery_data = s->rd;
	res.recovery_data_cap = cap;
	memset(&b, 0, sizeof(b));
	r->cache = 1;
	ret = mpcsign_dkg_finalize(p->dev, s->kdkg, r->body, r->len, &res, &b);
	s->have_kdkg = 0;	/* FINALIZE ends the session, whatever the outcome */
	if (ret) {
		dkg_error(r, "DKG_FINALIZE", ret, &b);
		s->state = ST_DEAD;
		goto out_free;
	}
	s->rd_len = res.recovery_data_len;
	memcpy(s->thresh_pk, res.thresh_pk, 33);
	mpcsign_hex(tpk, res.thresh_pk, 33);
	if (res.my_id != s->my_id || res.t != s->t || res.n != s->n) {
		reply_error(r, MPCSIGN_WERR_INTERNAL, EPROTO, 0, MPCSIGN_BLAME_NONE, MPCSIGN_LOG_ERR,
			    "DKG_FINALIZE gave id %u t %u n %u, the proposal says %u %u %u",
			    res.my_id, res.t, res.n, s->my_id, s->t, s->n);
		s->state = ST_DEAD;
		goto out_free;
	}
	params.t = s->t;
	params.n = s->n;
	params.hostpubkeys = (const uint8_t (*)[33])s->hostpubkeys;
	ret = mpcsign_recovery_ack_sign_params(p->dev, p->host_key_handle, s->rd, s->rd_len,
					       &params, f.ack, &b);
	if (ret) {
		dkg_error(r, "RECOVERY_ACK_SIGN", ret, &b);
		s->state = ST_DEAD;
		goto out_free;
	}
	memcpy(f.thresh_pk, res.thresh_pk, 33);
	/* the key, not ready until DKG_ACKS verify */
	old = key_find(p, res.thresh_pk);
	if (old) {
		reply_error(r, MPCSIGN_WERR_INTERNAL, EEXIST, 0, MPCSIGN_BLAME_NONE, MPCSIGN_LOG_ERR,
			    "key %s already known here", tpk);
		s->state = ST_DEAD;
		goto out_free;
	}
	memcpy(k->thresh_pk, res.thresh_pk, 33);
	k->my_id = s->my_id;
	k->t = s->t;
	k->n = s->n;
	k->pubshares = pubs;
	pubs = NULL;
	memcpy(k->session, s->id, sizeof(k->session));
	memcpy(k->fingerprint, s->fingerprint, 32);
	memcpy(k->coord_pk, s->coord_pk, 33);
	memcpy(k->desc, s->desc, sizeof(k->desc));
	k->created = r->now;
	k->next = p->keys;
	p->keys = k;
	p->num_keys++;
	s->key = k;
	k = NULL;
	s->state = ST_DKG_FINAL;
	plog(p, MPCSIGN_LOG_NOTICE,
	     "session=%s coord=%s request=DKG_CMSG2 outcome=finalized key=%s my_id=%u (not ready "
	     "until DKG_ACKS)", r->sid, r->coord, tpk, s->my_id);
	mpcsign_msg_dkg_final_encode(r->reply, &f);
	*r->reply_type = MPCSIGN_MSG_DKG_FINAL;
out_free:
	free(pubs);
	if (k)
		key_free(k);
}

static void dkg_acks(struct req *r, struct sess *s)
{
	struct mpcsign_party *p = r->p;
	struct mpcsign_msg_dkg_acks m;
	struct mpcsign_dkg_params params;
	struct mpcsign_dkg_blame b;
	struct mpcsign_party_key_record rec;
	char tpk[67];
	int ret;

	if (s->state != ST_DKG_FINAL) {
		REFUSE(r, MPCSIGN_WERR_STATE, 0, "DKG_ACKS not expected now");
		return;
	}
	if (mpcsign_msg_dkg_acks_decode(&m, r->body, r->len) || m.n != s->n) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, EBADMSG, "malformed DKG_ACKS (or not %u acks)", s->n);
		return;
	}
	mpcsign_hex(tpk, s->thresh_pk, 33);
	if (m.recovery_data_len != s->rd_len || memcmp(m.recovery_data, s->rd, s->rd_len)) {
		r->cache = 1;
		reply_error(r, MPCSIGN_WERR_DKG, EILSEQ, MPCSIGN_DKG_RECOVERY_DATA, MPCSIGN_BLAME_NONE,
			    MPCSIGN_LOG_WARNING, "DKG_ACKS carries other recovery data than ours");
		s->state = ST_DEAD;
		return;
	}
	params.t = s->t;
	params.n = s->n;
	params.hostpubkeys = (const uint8_t (*)[33])s->hostpubkeys;
	memset(&b, 0, sizeof(b));
	ret = mpcsign_dkg_acks_verify_params(s->rd, s->rd_len, &params, m.acks, &b);
	if (ret) {
		r->cache = 1;
		dkg_error(r, "recovery acks", ret, &b);
		s->state = ST_DEAD;
		return;
	}
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.thresh_pk, s->thresh_pk, 33);
	rec.my_id = s->my_id;
	rec.t = s->t;
	rec.n = s->n;
	rec.hostpubkeys = (const uint8_t (*)[33])s->hostpubkeys;
	rec.recovery_data = s->rd;
	rec.recovery_data_len = s->rd_len;
	memcpy(rec.session, s->id, sizeof(rec.session));
	memcpy(rec.fingerprint, s->fingerprint, 32);
	memcpy(rec.coord_pk, s->coord_pk, 33);
	rec.desc = s->desc;
	rec.created = s->key->created;
	if (p->store) {
		ret = p->store(p->store_arg, &rec);
		if (ret) {	/* not cached: the coordinator may retry */
			reply_error(r, MPCSIGN_WERR_INTERNAL, ret, 0, MPCSIGN_BLAME_NONE,
				    MPCSIGN_LOG_ERR, "storing key %s failed: %s", tpk, strerror(-ret));
			return;
		}
	}
	r->cache = 1;
	s->key->ready = 1;
	s->state = ST_DKG_READY;
	plog(p, MPCSIGN_LOG_NOTICE, "session=%s coord=%s request=DKG_ACKS outcome=ready key=%s "
	     "my_id=%u t=%u n=%u", r->sid, r->coord, tpk, s->my_id, s->t, s->n);
	mpcsign_buf_put(r->reply, s->thresh_pk, 33);
	*r->reply_type = MPCSIGN_MSG_DKG_READY;
}

/* --- signing -------------------------------------------------------------------- */

/* The key's public shares from the kernel (once). */
static int key_pubshares_locked(struct mpcsign_party *p, struct pkey *k, uint32_t handle)
{
	struct mpcsign_key_info ki;
	uint8_t (*pubs)[33];
	int ret;

	if (k->pubshares)
		return 0;
	pubs = malloc((size_t)k->n * 33);
	if (!pubs)
		return -ENOMEM;
	memset(&ki, 0, sizeof(ki));
	ret = mpcsign_key_info(p->dev, handle, &ki, pubs, k->n);
	if (!ret && (ki.my_id != k->my_id || ki.t != k->t || ki.n != k->n ||
		     memcmp(ki.thresh_pk, k->thresh_pk, 33)))
		ret = -EKEYREJECTED;
	if (ret) {
		free(pubs);
		return ret;
	}
	k->pubshares = pubs;
	return 0;
}

static void sign_req(struct req *r)
{
	struct mpcsign_party *p = r->p;
	struct mpcsign_msg_sign_req m;
	struct mpcsign_policy_req pr;
	struct mpcsign_policy_decision d;
	struct mpcsign_nonce_opts no;
	struct mpcsign_session ss;
	uint8_t adigest[32], mhash[32], pk32[32], pubnonce[66];
	char tpk[67], mh[65];
	struct pkey *k;
	struct sess *s;
	uint32_t i, id, prev = 0, found;
	int mine = 0, ret;

	if (mpcsign_msg_sign_req_decode(&m, r->body, r->len)) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, EBADMSG, "malformed SIGN_REQ");
		return;
	}
	mpcsign_hex(tpk, m.thresh_pk, 33);
	mpc_sha256(mhash, m.msg, m.msg_len);
	mpcsign_hex(mh, mhash, 32);
	if (m.kind != MPCSIGN_SIGN_KIND_RAW) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, 0, "key=%s: unknown kind %u", tpk, m.kind);
		return;
	}
	if (check_expiry(r, m.expiry))
		return;
	k = key_find(p, m.thresh_pk);
	if (!k) {
		REFUSE(r, MPCSIGN_WERR_UNKNOWN_KEY, ENOENT, "key=%s is not held here", tpk);
		return;
	}
	if (!k->ready) {
		REFUSE(r, MPCSIGN_WERR_UNKNOWN_KEY, EAGAIN,
		       "key=%s is not ready (its DKG_ACKS have not verified)", tpk);
		return;
	}
	if (m.num_signers < k->t || m.num_signers > k->n) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, 0, "key=%s: %u signers, need %u..%u", tpk,
		       m.num_signers, k->t, k->n);
		return;
	}
	for (i = 0; i < m.num_signers; i++) {
		id = mpcsign_msg_sign_req_id(&m, i);
		if (id >= k->n || (i && id <= prev)) {
			REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, 0, "key=%s: bad signer id %u", tpk, id);
			return;
		}
		prev = id;
		if (id == k->my_id)
			mine = 1;
	}
	if (!mine) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, 0, "key=%s: our id %u is not in the signer set",
		       tpk, k->my_id);
		return;
	}
	if (sess_room_locked(p)) {
		REFUSE(r, MPCSIGN_WERR_BUSY, EBUSY, "too many sessions (%u)", p->max_sessions);
		return;
	}
	/* the tweaked key (also checks the tweaks) */
	memset(&ss, 0, sizeof(ss));
	ss.n = k->n;
	ss.t = k->t;
	ss.thresh_pk = k->thresh_pk;
	ss.num_tweaks = m.num_tweaks;
	ss.tweaks = m.tweaks;
	ss.tweak_xonly = m.tweak_xonly;
	ret = mpcsign_coord_session_pubkey(pk32, &ss);
	if (ret) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, ret, "key=%s: the key or the tweaks are not valid",
		       tpk);
		return;
	}
	/* the policy */
	mpcsign_approval_digest(adigest, &m);
	memset(&pr, 0, sizeof(pr));
	pr.thresh_pk = m.thresh_pk;
	pr.coord_pk = r->coord_pk;
	pr.kind = m.kind;
	pr.msg = m.msg;
	pr.msg_len = m.msg_len;
	pr.tweaks = m.tweaks;
	pr.num_tweaks = m.num_tweaks;
	pr.approvals = m.approvals;
	pr.num_approvals = m.num_approvals;
	pr.approval_digest = adigest;
	pr.now = r->now;
	memset(&d, 0, sizeof(d));
	if (!p->policy) {
		d.allow = 0;
		d.code = MPCSIGN_WERR_POLICY;
		fmt_to(d.rule, sizeof(d.rule), "none");
		fmt_to(d.reason, sizeof(d.reason), "no policy loaded");
	} else {
		ret = mpcsign_policy_check(p->policy, &pr, &d);
		if (ret) {
			reply_error(r, MPCSIGN_WERR_INTERNAL, ret, 0, MPCSIGN_BLAME_NONE,
				    MPCSIGN_LOG_ERR, "key=%s msg_sha256=%s: policy check failed: %s",
				    tpk, mh, strerror(-ret));
			return;
		}
		d.rule[sizeof(d.rule) - 1] = 0;
		d.reason[sizeof(d.reason) - 1] = 0;
	}
	if (!d.allow) {
		uint32_t code = d.code == MPCSIGN_WERR_RATE ? MPCSIGN_WERR_RATE : MPCSIGN_WERR_POLICY;

		REFUSE(r, code, EPERM, "key=%s msg_sha256=%s rule=%s: denied: %s", tpk, mh, d.rule,
		       d.reason);
		return;
	}
	if (no_device(r))
		return;
	ret = mpcsign_key_lookup(p->dev, m.thresh_pk, &k->my_id, &id, &found);
	if (ret) {
		REFUSE(r, MPCSIGN_WERR_UNKNOWN_KEY, ret, "key=%s id %u: not in the kernel: %s", tpk,
		       k->my_id, strerror(-ret));
		return;
	}
	ret = key_pubshares_locked(p, k, id);
	if (ret) {
		reply_error(r, MPCSIGN_WERR_INTERNAL, ret, 0, MPCSIGN_BLAME_NONE, MPCSIGN_LOG_ERR,
			    "key=%s: KEY_INFO: %s", tpk, strerror(-ret));
		return;
	}
	s = sess_new_locked(p, r, SESS_SIGN, m.expiry);
	if (!s || !(s->req_body = malloc(r->len))) {
		free(s);
		REFUSE(r, MPCSIGN_WERR_INTERNAL, ENOMEM, "out of memory");
		return;
	}
	memcpy(s->req_body, r->body, r->len);
	s->req_len = r->len;
	mpcsign_sign_request_hash(s->req_hash, r->hdr->session, r->body, r->len);
	s->key = k;
	s->key_handle = id;
	memset(&no, 0, sizeof(no));
	no.has_msg = 1;
	no.msg = m.msg;
	no.msg_len = m.msg_len;
	no.thresh_pk_x = pk32;
	no.extra_in = s->req_hash;
	no.extra_in_len = 32;
	ret = mpcsign_nonce_gen(p->dev, id, &no, pubnonce, &s->nonce);
	if (ret) {
		reply_error(r, ret == -ENOSPC || ret == -EDQUOT ? MPCSIGN_WERR_BUSY :
			    MPCSIGN_WERR_INTERNAL, ret, 0, MPCSIGN_BLAME_NONE, MPCSIGN_LOG_ERR,
			    "key=%s: NONCE_GEN: %s", tpk, strerror(-ret));
		sess_free_locked(p, s);
		return;
	}
	s->have_nonce = 1;
	s->state = ST_SIGN_NONCE;
	sess_insert_locked(p, s);
	plog(p, MPCSIGN_LOG_NOTICE,
	     "session=%s coord=%s request=SIGN_REQ key=%s my_id=%u signers=%u msg_len=%u "
	     "msg_sha256=%s tweaks=%u approvals=%u rule=%s outcome=allowed (nonce %u)",
	     r->sid, r->coord, tpk, k->my_id, m.num_signers, m.msg_len, mh, m.num_tweaks,
	     m.num_approvals, d.rule, s->nonce);
	mpcsign_buf_put(r->reply, pubnonce, 66);
	*r->reply_type = MPCSIGN_MSG_SIGN_NONCE;
	r->cache = 1;
}

static void sign_agg(struct req *r, struct sess *s)
{
	struct mpcsign_party *p = r->p;
	struct mpcsign_msg_sign_agg a;
	struct mpcsign_msg_sign_req m;
	struct mpcsign_session ss;
	uint32_t ids[MPCSIGN_WIRE_MAX_N];
	uint8_t (*pubs)[33] = NULL;
	uint8_t psig[32];
	uint32_t i, blame = MPCSIGN_BLAME_NONE;
	char tpk[67];
	int ret;

	if (s->state != ST_SIGN_NONCE) {
		REFUSE(r, MPCSIGN_WERR_STATE, 0, "SIGN_AGG not expected now");
		return;
	}
	if (mpcsign_msg_sign_agg_decode(&a, r->body, r->len)) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, EBADMSG, "malformed SIGN_AGG");
		return;
	}
	mpcsign_hex(tpk, s->key->thresh_pk, 33);
	r->cache = 1;
	if (memcmp(a.request_hash, s->req_hash, 32)) {
		sess_release_locked(p, s);
		s->state = ST_DEAD;
		reply_error(r, MPCSIGN_WERR_CONFLICT, 0, 0, MPCSIGN_BLAME_NONE, MPCSIGN_LOG_WARNING,
			    "key=%s: SIGN_AGG is for another request than round 1's; nonce abandoned",
			    tpk);
		return;
	}
	if (mpcsign_msg_sign_req_decode(&m, s->req_body, s->req_len) ||
	    !(pubs = malloc((size_t)m.num_signers * 33))) {
		sess_release_locked(p, s);
		s->state = ST_DEAD;
		reply_error(r, MPCSIGN_WERR_INTERNAL, ENOMEM, 0, MPCSIGN_BLAME_NONE, MPCSIGN_LOG_ERR,
			    "out of memory");
		return;
	}
	for (i = 0; i < m.num_signers; i++) {
		ids[i] = mpcsign_msg_sign_req_id(&m, i);
		memcpy(pubs[i], s->key->pubshares[ids[i]], 33);
	}
	memset(&ss, 0, sizeof(ss));
	ss.n = s->key->n;
	ss.t = s->key->t;
	ss.thresh_pk = s->key->thresh_pk;
	ss.num_signers = m.num_signers;
	ss.ids = ids;
	ss.pubshares = (const uint8_t (*)[33])pubs;
	ss.num_tweaks = m.num_tweaks;
	ss.tweaks = m.tweaks;
	ss.tweak_xonly = m.tweak_xonly;
	ss.msg = m.msg;
	ss.msg_len = m.msg_len;
	ss.aggnonce = a.aggnonce;
	s->have_nonce = 0;	/* SIGN consumes it whatever the outcome */
	ret = mpcsign_sign(p->dev, s->nonce, &ss, psig, &blame);
	free(pubs);
	s->state = ST_SIGN_DONE;
	if (ret) {
		reply_error(r, MPCSIGN_WERR_SIGN, ret, 0, blame, MPCSIGN_LOG_WARNING,
			    "key=%s: SIGN failed: %s (blame %d)", tpk, strerror(-ret),
			    blame == MPCSIGN_BLAME_NONE ? -1 : (int)blame);
		return;
	}
	s->key->signatures++;
	plog(p, MPCSIGN_LOG_NOTICE, "session=%s coord=%s request=SIGN_AGG key=%s outcome=signed",
	     r->sid, r->coord, tpk);
	mpcsign_buf_put(r->reply, psig, 32);
	explicit_bzero(psig, sizeof(psig));
	*r->reply_type = MPCSIGN_MSG_SIGN_PSIG;
}

/* --- dispatch ------------------------------------------------------------------- */

static int cache_put(struct sess *s, struct req *r, size_t start)
{
	struct cached *c;

	if (s->num_cached >= PARTY_MAX_CACHE || r->reply->err)
		return -ENOMEM;
	c = &s->cache[s->num_cached];
	c->reply_len = r->reply->len - start;
	c->reply = malloc(c->reply_len ? c->reply_len : 1);
	if (!c->reply)
		return -ENOMEM;
	memcpy(c->reply, r->reply->p + start, c->reply_len);
	c->req_type = r->hdr->type;
	memcpy(c->digest, r->digest, 32);
	c->reply_type = *r->reply_type;
	s->num_cached++;
	return 0;
}

static void dispatch_locked(struct req *r)
{
	struct mpcsign_party *p = r->p;
	uint8_t type = r->hdr->type;
	size_t start = r->reply->len;
	struct sess *s;
	unsigned i;

	if (!in_list((const uint8_t (*)[33])p->coords, p->num_coords, r->coord_pk)) {
		reply_error(r, MPCSIGN_WERR_NOT_ALLOWED, EACCES, 0, MPCSIGN_BLAME_NONE,
			    MPCSIGN_LOG_WARNING, "coordinator not in the allowlist");
		return;
	}
	if (r->hdr->flags || r->hdr->version != MPCSIGN_WIRE_VERSION) {
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, EBADMSG, "bad frame header");
		return;
	}
	switch (type) {
	case MPCSIGN_MSG_DKG_PROPOSE:
	case MPCSIGN_MSG_DKG_CMSG1:
	case MPCSIGN_MSG_DKG_CMSG2:
	case MPCSIGN_MSG_DKG_ACKS:
	case MPCSIGN_MSG_DKG_INVESTIGATE:
	case MPCSIGN_MSG_SIGN_REQ:
	case MPCSIGN_MSG_SIGN_AGG:
		break;
	default:
		REFUSE(r, MPCSIGN_WERR_BAD_REQUEST, EPROTO, "%s is not a request",
		       mpcsign_msg_type_name(type));
		return;
	}
	s = sess_find(p, r->hdr->session);
	if (!s) {
		if (type == MPCSIGN_MSG_DKG_PROPOSE)
			dkg_propose(r);
		else if (type == MPCSIGN_MSG_SIGN_REQ)
			sign_req(r);
		else
			REFUSE(r, MPCSIGN_WERR_STATE, ENOENT, "no such session (expired or never begun)");
		if (r->cache) {
			s = sess_find(p, r->hdr->session);
			if (s)
				cache_put(s, r, start);
		}
		return;
	}
	if (memcmp(s->coord_pk, r->coord_pk, 33)) {
		REFUSE(r, MPCSIGN_WERR_CONFLICT, 0, "session belongs to another coordinator");
		return;
	}
	for (i = 0; i < s->num_cached; i++) {
		struct cached *c = &s->cache[i];

		if (c->req_type != type)
			continue;
		if (!memcmp(c->digest, r->digest, 32)) {
			plog(p, MPCSIGN_LOG_INFO, "session=%s coord=%s request=%s outcome=repeated "
			     "(same answer)", r->sid, r->coord, mpcsign_msg_type_name(type));
			mpcsign_buf_put(r->reply, c->reply, c->reply_len);
			*r->reply_type = c->reply_type;
			return;
		}
		if (s->state != ST_DEAD) {
			sess_release_locked(p, s);
			s->state = ST_DEAD;
		}
		reply_error(r, MPCSIGN_WERR_CONFLICT, 0, 0, MPCSIGN_BLAME_NONE, MPCSIGN_LOG_WARNING,
			    "another %s for this session; session ended", mpcsign_msg_type_name(type));
		return;
	}
	if ((s->kind == SESS_DKG) != (type >= MPCSIGN_MSG_DKG_PROPOSE &&
				      type <= MPCSIGN_MSG_DKG_INVESTIGATE)) {
		REFUSE(r, MPCSIGN_WERR_CONFLICT, 0, "session id in use by a %s session",
		       s->kind == SESS_DKG ? "DKG" : "signing");
		return;
	}
	sess_touch(p, s, r->now);
	switch (type) {
	case MPCSIGN_MSG_DKG_CMSG1:
		dkg_cmsg1(r, s);
		break;
	case MPCSIGN_MSG_DKG_CMSG2:
		dkg_cmsg2(r, s);
		break;
	case MPCSIGN_MSG_DKG_ACKS:
		dkg_acks(r, s);
		break;
	case MPCSIGN_MSG_DKG_INVESTIGATE:
		dkg_investigate(r, s);
		break;
	case MPCSIGN_MSG_SIGN_AGG:
		sign_agg(r, s);
		break;
	default:	/* DKG_PROPOSE, SIGN_REQ: a first request, cached above */
		REFUSE(r, MPCSIGN_WERR_STATE, 0, "%s not expected now", mpcsign_msg_type_name(type));
		break;
	}
	if (r->cache)
		cache_put(s, r, start);
}

int mpcsign_party_handle(struct mpcsign_party *p, const uint8_t coord_pk[33],
			 const struct mpcsign_frame_hdr *hdr, const uint8_t *body,
			 uint8_t *reply_type, struct mpcsign_buf *reply)
{
	struct req r;
	int ret;

	if (!p || !coord_pk || !hdr || !reply_type || !reply || (hdr->body_len && !body))
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	r.p = p;
	r.coord_pk = coord_pk;
	r.hdr = hdr;
	r.body = body;
	r.len = hdr->body_len;
	r.reply_type = reply_type;
	r.reply = reply;
	mpcsign_hex(r.sid, hdr->session, MPCSIGN_SESSION_ID_LEN);
	mpcsign_hex(r.coord, coord_pk, 33);
	digest_req(r.digest, hdr->type, body, r.len);
	*reply_type = MPCSIGN_MSG_ERROR;
	pthread_mutex_lock(&p->lock);
	r.now = party_now(p);
	expire_locked(p, r.now);
	dispatch_locked(&r);
	pthread_mutex_unlock(&p->lock);
	ret = reply->err;
	return ret < 0 ? ret : ret ? -ENOMEM : 0;
}

/* --- setup and control --------------------------------------------------------- */

int mpcsign_party_new(struct mpcsign_party **out, const struct mpcsign_party_cfg *cfg)
{
	struct mpcsign_party *p;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg) {
		return -EINVAL;
	}
	if ((cfg->num_peers && !cfg->peers) || (cfg->num_coordinators && !cfg->coordinators)) {
		mpcsign_policy_free(cfg->policy);
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		mpcsign_policy_free(cfg->policy);
		return -ENOMEM;
	}
	ret = mpcsign_coord_init();
	if (!ret)
		ret = copy_list(&p->peers, cfg->peers, cfg->num_peers);
	if (!ret)
		ret = copy_list(&p->coords, cfg->coordinators, cfg->num_coordinators);
	if (ret || pthread_mutex_init(&p->lock, NULL)) {
		free(p->peers);
		free(p->coords);
		free(p);
		mpcsign_policy_free(cfg->policy);
		return ret ? ret : -ENOMEM;
	}
	p->num_peers = cfg->num_peers;
	p->num_coords = cfg->num_coordinators;
	p->dev = cfg->dev;
	memcpy(p->hostpubkey, cfg->hostpubkey, 33);
	p->host_key_handle = cfg->host_key_handle;
	p->policy = cfg->policy;
	p->max_sessions = cfg->max_sessions ? cfg->max_sessions : PARTY_DEFAULT_MAX_SESSIONS;
	p->timeout_s = cfg->session_timeout_s ? cfg->session_timeout_s : PARTY_DEFAULT_TIMEOUT_S;
	p->max_expiry_s = cfg->max_expiry_s ? cfg->max_expiry_s : PARTY_DEFAULT_MAX_EXPIRY_S;
	p->log = cfg->log;
	p->log_arg = cfg->log_arg;
	p->store = cfg->store;
	p->store_arg = cfg->store_arg;
	p->now = cfg->now;
	p->now_arg = cfg->now_arg;
	*out = p;
	return 0;
}

void mpcsign_party_free(struct mpcsign_party *p)
{
	struct sess *s;
	struct pkey *k;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	while ((s = p->sessions)) {
		p->sessions = s->next;
		sess_free_locked(p, s);
	}
	while ((k = p->keys)) {
		p->keys = k->next;
		key_free(k);
	}
	mpcsign_policy_free(p->policy);
	free(p->peers);
	free(p->coords);
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void mpcsign_party_set_policy(struct mpcsign_party *p, struct mpcsign_policy *policy)
{
	struct mpcsign_policy *old;

	if (!p) {
		mpcsign_policy_free(policy);
		return;
	}
	pthread_mutex_lock(&p->lock);
	old = p->policy;
	p->policy = policy;
	plog(p, MPCSIGN_LOG_NOTICE, "policy replaced (%s)", policy ? "loaded" : "none: deny all");
	pthread_mutex_unlock(&p->lock);
	mpcsign_policy_free(old);
}

int mpcsign_party_set_allowlists(struct mpcsign_party *p, const uint8_t (*peers)[33],
				 size_t num_peers, const uint8_t (*coordinators)[33],
				 size_t num_coordinators)
{
	uint8_t (*np)[33], (*nc)[33];
	int ret;

	if (!p)
		return -EINVAL;
	ret = copy_list(&np, peers, num_peers);
	if (ret)
		return ret;
	ret = copy_list(&nc, coordinators, num_coordinators);
	if (ret) {
		free(np);
		return ret;
	}
	pthread_mutex_lock(&p->lock);
	free(p->peers);
	free(p->coords);
	p->peers = np;
	p->num_peers = num_peers;
	p->coords = nc;
	p->num_coords = num_coordinators;
	plog(p, MPCSIGN_LOG_NOTICE, "allowlists replaced: %zu peers, %zu coordinators", num_peers,
	     num_coordinators);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int mpcsign_party_coordinator_allowed(struct mpcsign_party *p, const uint8_t coord_pk[33])
{
	int ok;

	if (!p || !coord_pk)
		return 0;
	pthread_mutex_lock(&p->lock);
	ok = in_list((const uint8_t (*)[33])p->coords, p->num_coords, coord_pk);
	pthread_mutex_unlock(&p->lock);
	return ok;
}

int mpcsign_party_add_key(struct mpcsign_party *p, const struct mpcsign_party_key_record *rec)
{
	struct pkey *k;
	size_t dl;
	int ret = 0;

	if (!p || !rec || !rec->hostpubkeys || rec->n < 1 || rec->n > MPCSIGN_WIRE_MAX_N ||
	    rec->t < 1 || rec->t > rec->n || rec->my_id >= rec->n)
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k || copy_list(&k->hostpubkeys, rec->hostpubkeys, rec->n)) {
		free(k);
		return -ENOMEM;
	}
	memcpy(k->thresh_pk, rec->thresh_pk, 33);
	k->my_id = rec->my_id;
	k->t = rec->t;
	k->n = rec->n;
	k->ready = 1;
	memcpy(k->session, rec->session, sizeof(k->session));
	memcpy(k->fingerprint, rec->fingerprint, 32);
	memcpy(k->coord_pk, rec->coord_pk, 33);
	if (rec->desc) {
		dl = strnlen(rec->desc, MPCSIGN_WIRE_MAX_DESC);
		memcpy(k->desc, rec->desc, dl);
		k->desc[dl] = 0;
	}
	k->created = rec->created;
	pthread_mutex_lock(&p->lock);
	if (key_find(p, rec->thresh_pk)) {
		ret = -EEXIST;
	} else {
		k->next = p->keys;
		p->keys = k;
		p->num_keys++;
		k = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	if (k)
		key_free(k);
	return ret;
}

unsigned mpcsign_party_expire(struct mpcsign_party *p)
{
	unsigned n;

	if (!p)
		return 0;
	pthread_mutex_lock(&p->lock);
	n = expire_locked(p, party_now(p));
	pthread_mutex_unlock(&p->lock);
	return n;
}

static void json_str(struct mpcsign_buf *b, const char *s)
{
	mpcsign_buf_put(b, "\"", 1);
	for (; *s; s++) {
		char e[8];

		if (*s == '"' || *s == '\\') {
			e[0] = '\\';
			e[1] = *s;
			mpcsign_buf_put(b, e, 2);
		} else if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) {
			fmt_to(e, sizeof(e), "\\u%04x", (unsigned char)*s);
			mpcsign_buf_put(b, e, 6);
		} else {
			mpcsign_buf_put(b, s, 1);
		}
	}
	mpcsign_buf_put(b, "\"", 1);
}

__attribute__((format(printf, 2, 3)))
static void json_fmt(struct mpcsign_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		mpcsign_buf_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void json_hex(struct mpcsign_buf *b, const uint8_t *p, size_t n)
{
	char h[2 * 64 + 1];

	mpcsign_hex(h, p, n);
	json_str(b, h);
}

static void json_list(struct mpcsign_buf *b, const uint8_t (*l)[33], size_t n)
{
	size_t i;

	mpcsign_buf_put(b, "[", 1);
	for (i = 0; i < n; i++) {
		if (i)
			mpcsign_buf_put(b, ",", 1);
		json_hex(b, l[i], 33);
	}
	mpcsign_buf_put(b, "]", 1);
}

static const char *state_name(enum sess_state s)
{
	switch (s) {
	case ST_DKG_STEP1: return "step1";
	case ST_DKG_STEP2: return "step2";
	case ST_DKG_INVESTIGATE: return "investigate";
	case ST_DKG_FINAL: return "final";
	case ST_DKG_READY: return "ready";
	case ST_SIGN_NONCE: return "nonce";
	case ST_SIGN_DONE: return "done";
	case ST_DEAD: return "failed";
	}
	return "unknown";
}

int mpcsign_party_ctl(struct mpcsign_party *p, const char *cmd, struct mpcsign_buf *out)
{
	struct sess *s;
	struct pkey *k;
	unsigned nd = 0, ns = 0;
	int ret = 0;

	if (!p || !cmd || !out)
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	expire_locked(p, party_now(p));
	if (!strcmp(cmd, "status")) {
		for (s = p->sessions; s; s = s->next)
			if (s->kind == SESS_DKG)
				nd++;
			else
				ns++;
		json_fmt(out, "{\"hostpubkey\":");
		json_hex(out, p->hostpubkey, 33);
		json_fmt(out, ",\"sessions\":{\"dkg\":%u,\"sign\":%u,\"max\":%u},\"keys\":%u,"
			 "\"peers\":%zu,\"coordinators\":%zu,\"policy\":%s}", nd, ns,
			 p->max_sessions, p->num_keys, p->num_peers, p->num_coords,
			 p->policy ? "true" : "false");
	} else if (!strcmp(cmd, "keys")) {
		json_fmt(out, "[");
		for (k = p->keys; k; k = k->next) {
			json_fmt(out, "%s{\"thresh_pk\":", k == p->keys ? "" : ",");
			json_hex(out, k->thresh_pk, 33);
			json_fmt(out, ",\"my_id\":%u,\"t\":%u,\"n\":%u,\"ready\":%s,\"signatures\":%llu,"
				 "\"created\":%llu,\"desc\":", k->my_id, k->t, k->n,
				 k->ready ? "true" : "false", (unsigned long long)k->signatures,
				 (unsigned long long)k->created);
			json_str(out, k->desc);
			json_fmt(out, ",\"fingerprint\":");
			json_hex(out, k->fingerprint, 32);
			json_fmt(out, ",\"coordinator\":");
			json_hex(out, k->coord_pk, 33);
			json_fmt(out, ",\"hostpubkeys\":");
			json_list(out, (const uint8_t (*)[33])k->hostpubkeys, k->n);
			json_fmt(out, "}");
		}
		json_fmt(out, "]");
	} else if (!strcmp(cmd, "peers")) {
		json_fmt(out, "{\"peers\":");
		json_list(out, (const uint8_t (*)[33])p->peers, p->num_peers);
		json_fmt(out, ",\"coordinators\":");
		json_list(out, (const uint8_t (*)[33])p->coords, p->num_coords);
		json_fmt(out, "}");
	} else if (!strcmp(cmd, "sessions")) {
		json_fmt(out, "[");
		for (s = p->sessions; s; s = s->next) {
			json_fmt(out, "%s{\"id\":", s == p->sessions ? "" : ",");
			json_hex(out, s->id, sizeof(s->id));
			json_fmt(out, ",\"kind\":\"%s\",\"state\":\"%s\",\"expires\":%llu,"
				 "\"coordinator\":", s->kind == SESS_DKG ? "dkg" : "sign",
				 state_name(s->state), (unsigned long long)s->deadline);
			json_hex(out, s->coord_pk, 33);
			json_fmt(out, "}");
		}
		json_fmt(out, "]");
	} else {
		ret = -EINVAL;
	}
	pthread_mutex_unlock(&p->lock);
	if (!ret && out->err)
		ret = out->err < 0 ? out->err : -ENOMEM;
	return ret;
}
