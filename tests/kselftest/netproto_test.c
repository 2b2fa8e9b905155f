// SPDX-License-Identifier: GPL-2.0
/*
 * netproto_test.c - the network protocol's state machines (party.c,
 * coordinator.c) with the real kernel (kselftest, in the VM, as root).
 *
 * Up to five parties, each with its own /dev/mpcsign handle and host key,
 * and a coordinator in one process.  A connection is a socketpair(AF_UNIX)
 * with one serving thread on the party side (as mpcsignd has one thread per
 * connection); frames go through struct mpcsign_link over a small fd
 * transport local to this file.  A party can be told to misbehave (be down,
 * corrupt its partial signature, stay silent in round 2, lose DKG_ACKS).
 * Some tests talk to a party directly with mpcsign_party_handle() to look at
 * single answers (replays, a changed message, policy refusals) and at the
 * kernel's count of outstanding nonces (KEY_INFO).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "kselftest_harness.h"
#include "libmpcsign.h"
#include "wire.h"
#include "policy.h"
#include "party.h"
#include "coordinator.h"

#define NP 5
#define MAXKEYS 16

/* --- a plain fd transport ------------------------------------------------------- */

static int fd_wait(int fd, short ev, int timeout_ms)
{
	struct pollfd pf = { .fd = fd, .events = ev };
	int r;

	do
		r = poll(&pf, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r ? 0 : -ETIMEDOUT;
}

static int fd_write(void *ctx, const uint8_t *p, size_t n, int timeout_ms)
{
	int fd = *(int *)ctx, r;

	while (n) {
		ssize_t k;

		r = fd_wait(fd, POLLOUT, timeout_ms);
		if (r)
			return r;
		k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int fd_read(void *ctx, uint8_t *p, size_t n, int timeout_ms)
{
	int fd = *(int *)ctx, r;

	while (n) {
		ssize_t k;

		r = fd_wait(fd, POLLIN, timeout_ms);
		if (r)
			return r;
		k = recv(fd, p, n, 0);
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (!k)
			return -ECONNRESET;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static const struct mpcsign_link_ops fd_ops = { .write = fd_write, .read = fd_read };

/* --- parties -------------------------------------------------------------------- */

enum mode { M_OK, M_DOWN, M_BAD_PSIG, M_SILENT_R2, M_DROP_ACKS, M_BAD_SHARE };

struct tparty {
	struct mpcsign *h;
	uint32_t hk;
	uint8_t hpk[33];
	struct mpcsign_party *p;
	enum mode mode;
	uint8_t coord_pk[33];		/* who the serving thread says is talking */
	int stored;			/* store callback calls */
	struct mpcsign_party_key_record rec;
	uint8_t rec_hpks[NP][33];
	uint64_t now_offset;		/* added to the clock */
};

struct tconn {
	struct mpcsign_link l;		/* the coordinator's end */
	int cfd, pfd;
	pthread_t th;
	struct tparty *tp;
};

static void *serve(void *arg)
{
	struct tconn *c = arg;
	struct mpcsign_link l;
	int fd = c->pfd;

	mpcsign_link_init(&l, &fd_ops, &fd, 0);
	for (;;) {
		struct mpcsign_frame_hdr h;
		struct mpcsign_buf reply;
		uint8_t *body = NULL, type;

		if (mpcsign_link_recv(&l, &h, &body, -1))
			break;
		if (c->tp->mode == M_DROP_ACKS && h.type == MPCSIGN_MSG_DKG_ACKS) {
			static const char txt[] = "dropped";
			struct mpcsign_msg_error e = { MPCSIGN_WERR_INTERNAL, 0, 0,
						       MPCSIGN_BLAME_NONE, txt, 7 };

			free(body);
			mpcsign_buf_init(&reply);
			mpcsign_msg_error_encode(&reply, &e);
			mpcsign_link_send(&l, MPCSIGN_MSG_ERROR, h.session, reply.p, reply.len, 5000);
			mpcsign_buf_free(&reply);
			continue;
		}
		mpcsign_buf_init(&reply);
		if (mpcsign_party_handle(c->tp->p, c->tp->coord_pk, &h, body, &type, &reply)) {
			free(body);
			mpcsign_buf_free(&reply);
			break;
		}
		free(body);
		if (c->tp->mode == M_SILENT_R2 && h.type == MPCSIGN_MSG_SIGN_AGG) {
			mpcsign_buf_free(&reply);
			continue;
		}
		if (c->tp->mode == M_BAD_PSIG && type == MPCSIGN_MSG_SIGN_PSIG && reply.len == 32)
			reply.p[31] ^= 1;
		/* garbage as the encrypted share for participant 0 (the last 32 n
		 * bytes of pmsg1 are the encrypted shares; n = 3 here) */
		if (c->tp->mode == M_BAD_SHARE && type == MPCSIGN_MSG_DKG_PMSG1 && reply.len > 96)
			reply.p[reply.len - 3 * 32 + 7] ^= 1;
		if (mpcsign_link_send(&l, type, h.session, reply.p, reply.len, 5000)) {
			mpcsign_buf_free(&reply);
			break;
		}
		mpcsign_buf_free(&reply);
	}
	return NULL;
}

struct world {
	struct tparty tp[NP];
	size_t np;
	struct mpcsign_coord_party cp[NP];
	char addr[NP][16];
	uint8_t coord_pk[33];
	uint8_t keys[MAXKEYS][33];	/* threshold keys made, for cleanup */
	size_t num_keys;
	int events[16];			/* per event kind */
};

static struct mpcsign_link *t_connect(void *arg, size_t i, const struct mpcsign_coord_party *party,
				      char *err, size_t errlen)
{
	struct world *w = arg;
	struct tconn *c;
	int sv[2];

	if (i >= w->np || w->tp[i].mode == M_DOWN) {
		snprintf(err, errlen, "connection refused");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		free(c);
		snprintf(err, errlen, "socketpair failed");
		return NULL;
	}
	c->cfd = sv[0];
	c->pfd = sv[1];
	c->tp = &w->tp[i];
	mpcsign_link_init(&c->l, &fd_ops, &c->cfd, 0);
	if (pthread_create(&c->th, NULL, serve, c)) {
		close(sv[0]);
		close(sv[1]);
		free(c);
		snprintf(err, errlen, "pthread_create failed");
		return NULL;
	}
	return &c->l;
}

static void t_close(void *arg, size_t i, struct mpcsign_link *l)
{
	struct tconn *c = (struct tconn *)l;	/* l is the first member */

	shutdown(c->cfd, SHUT_RDWR);
	pthread_join(c->th, NULL);
	close(c->cfd);
	close(c->pfd);
	free(c);
}

static void t_event(void *arg, const struct mpcsign_coord_event *ev)
{
	struct world *w = arg;

	if ((unsigned)ev->kind < 16)
		__atomic_fetch_add(&w->events[ev->kind], 1, __ATOMIC_RELAXED);
}

static int t_store(void *arg, const struct mpcsign_party_key_record *rec)
{
	struct tparty *tp = arg;

	tp->stored++;
	tp->rec = *rec;
	if (rec->n <= NP)
		memcpy(tp->rec_hpks, rec->hostpubkeys, (size_t)rec->n * 33);
	tp->rec.hostpubkeys = (const uint8_t (*)[33])tp->rec_hpks;
	tp->rec.recovery_data = NULL;
	tp->rec.desc = NULL;
	return 0;
}

static uint64_t t_now(void *arg)
{
	struct tparty *tp = arg;

	return (uint64_t)time(NULL) + tp->now_offset;
}

static const char allow_all[] =
	"[rule everything]\naction = allow\nkey = any\ncoordinator = any\nkind = raw\n"
	"tweaks = allow\n";

static struct mpcsign_coord_ops ops_of(struct world *w)
{
	struct mpcsign_coord_ops o = { t_connect, t_close, t_event, w };

	return o;
}

/* (Re)make party i with a policy text and allowlists: peers = the first np
 * host keys (minus skip_peer, if < np), coordinators = coord_pk (if allow). */
static int party_make(struct world *w, size_t i, const char *policy, size_t skip_peer,
		      int allow_coord)
{
	struct mpcsign_party_cfg cfg;
	struct mpcsign_policy *pol = NULL;
	uint8_t peers[NP][33];
	size_t k, np = 0;
	char err[256];
	int ret;

	if (policy) {
		ret = mpcsign_policy_parse(&pol, policy, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "policy: %s\n", err);
			return ret;
		}
	}
	for (k = 0; k < w->np; k++)
		if (k != skip_peer)
			memcpy(peers[np++], w->tp[k].hpk, 33);
	memset(&cfg, 0, sizeof(cfg));
	cfg.dev = w->tp[i].h;
	memcpy(cfg.hostpubkey, w->tp[i].hpk, 33);
	cfg.host_key_handle = w->tp[i].hk;
	cfg.peers = (const uint8_t (*)[33])peers;
	cfg.num_peers = np;
	cfg.coordinators = (const uint8_t (*)[33])w->coord_pk;
	cfg.num_coordinators = allow_coord ? 1 : 0;
	cfg.policy = pol;
	cfg.store = t_store;
	cfg.store_arg = &w->tp[i];
	cfg.now = t_now;
	cfg.now_arg = &w->tp[i];
	mpcsign_party_free(w->tp[i].p);
	w->tp[i].p = NULL;
	return mpcsign_party_new(&w->tp[i].p, &cfg);
}

static int world_init(struct world *w, size_t np)
{
	size_t i;
	int ret;

	memset(w, 0, sizeof(*w));
	w->np = np;
	w->coord_pk[0] = 0x02;
	memset(w->coord_pk + 1, 0xc0, 32);
	for (i = 0; i < np; i++) {
		ret = mpcsign_open(&w->tp[i].h, NULL);
		if (!ret)
			ret = mpcsign_host_key_create(w->tp[i].h, &w->tp[i].hk, w->tp[i].hpk);
		if (ret)
			return ret;
		memcpy(w->tp[i].coord_pk, w->coord_pk, 33);
		memcpy(w->cp[i].hostpubkey, w->tp[i].hpk, 33);
		snprintf(w->addr[i], sizeof(w->addr[i]), "party%zu", i);
		w->cp[i].address = w->addr[i];
	}
	for (i = 0; i < np; i++) {
		ret = party_make(w, i, allow_all, NP, 1);
		if (ret)
			return ret;
	}
	return 0;
}

/* Party i's kernel key handle for thresh_pk (its own id), or 0. */
static uint32_t key_handle(struct world *w, size_t i, const uint8_t thresh_pk[33])
{
	uint32_t id = (uint32_t)i, h = 0, found;

	if (mpcsign_key_lookup(w->tp[i].h, thresh_pk, &id, &h, &found))
		return 0;
	return h;
}

/* Outstanding nonces of party i's share of thresh_pk (-1 if no key). */
static int nonces_of(struct world *w, size_t i, const uint8_t thresh_pk[33])
{
	struct mpcsign_key_info ki;
	uint32_t h = key_handle(w, i, thresh_pk);

	memset(&ki, 0, sizeof(ki));
	if (!h || mpcsign_key_info(w->tp[i].h, h, &ki, NULL, 0))
		return -1;
	return (int)ki.nonces;
}

static void world_free(struct world *w)
{
	size_t i, k;

	for (i = 0; i < w->np; i++) {
		mpcsign_party_free(w->tp[i].p);
		w->tp[i].p = NULL;
	}
	for (k = 0; k < w->num_keys; k++)
		for (i = 0; i < w->np; i++) {
			uint32_t h = key_handle(w, i, w->keys[k]);

			if (h)
				mpcsign_key_delete(w->tp[i].h, h);
		}
	for (i = 0; i < w->np; i++) {
		if (w->tp[i].hk)
			mpcsign_host_key_delete(w->tp[i].h, w->tp[i].hk);
		mpcsign_close(w->tp[i].h);
	}
}

static void track_key(struct world *w, const uint8_t thresh_pk[33])
{
	if (w->num_keys < MAXKEYS)
		memcpy(w->keys[w->num_keys++], thresh_pk, 33);
}

/* A DKG among the first n parties. */
static int run_dkg(struct world *w, uint32_t t, size_t n, struct mpcsign_coord_dkg_result *res)
{
	struct mpcsign_coord_ops o = ops_of(w);
	struct mpcsign_coord_dkg_req req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.t = t;
	req.n = n;
	req.parties = w->cp;
	req.desc = "netproto test key";
	req.expiry = (uint64_t)time(NULL) + 600;
	req.round_timeout_ms = 20000;
	ret = mpcsign_coord_run_dkg(res, &o, &req);
	if (!ret || res->thresh_pk[0])
		track_key(w, res->thresh_pk);
	return ret;
}

static int run_sign(struct world *w, const struct mpcsign_coord_dkg_result *key, size_t n,
		    const char *msg, const uint8_t (*tweaks)[32], size_t num_tweaks,
		    uint64_t tweak_xonly, int timeout_ms, struct mpcsign_coord_sign_result *res)
{
	struct mpcsign_coord_ops o = ops_of(w);
	struct mpcsign_coord_sign_req req;

	memset(&req, 0, sizeof(req));
	req.recovery_data = key->recovery_data;
	req.recovery_data_len = key->recovery_data_len;
	req.thresh_pk = key->thresh_pk;
	req.parties = w->cp;
	req.num_parties = n;
	req.kind = MPCSIGN_SIGN_KIND_RAW;
	req.msg = (const uint8_t *)msg;
	req.msg_len = strlen(msg);
	req.tweaks = tweaks;
	req.num_tweaks = num_tweaks;
	req.tweak_xonly = tweak_xonly;
	req.expiry = (uint64_t)time(NULL) + 600;
	req.round_timeout_ms = timeout_ms;
	return mpcsign_coord_run_sign(res, &o, &req);
}

static int verify(const struct mpcsign_coord_sign_result *res, const char *msg)
{
	return mpcsign_bip340_verify(res->sig, (const uint8_t *)msg, strlen(msg), res->pk32);
}

static size_t count_state(const struct mpcsign_coord_sign_result *res,
			  enum mpcsign_coord_party_state st)
{
	size_t i, k = 0;

	for (i = 0; i < res->n; i++)
		k += res->parties[i].state == st;
	return k;
}

/* --- direct requests to one party ------------------------------------------------ */

struct answer {
	uint8_t type;
	uint8_t body[1024];
	size_t len;
	uint32_t code;		/* ERROR code, if type == ERROR */
};

static int ask(struct world *w, size_t i, const uint8_t *coord_pk, uint8_t type,
	       const uint8_t session[16], const uint8_t *body, size_t len, struct answer *a)
{
	struct mpcsign_frame_hdr h;
	struct mpcsign_buf b;
	int ret;

	memset(&h, 0, sizeof(h));
	h.body_len = (uint32_t)len;
	h.version = MPCSIGN_WIRE_VERSION;
	h.type = type;
	h.seq = 1;
	memcpy(h.session, session, 16);
	memset(a, 0, sizeof(*a));
	mpcsign_buf_init(&b);
	ret = mpcsign_party_handle(w->tp[i].p, coord_pk ? coord_pk : w->coord_pk, &h, body, &a->type,
				   &b);
	if (!ret && b.len <= sizeof(a->body)) {
		memcpy(a->body, b.p, b.len);
		a->len = b.len;
		if (a->type == MPCSIGN_MSG_ERROR) {
			struct mpcsign_msg_error e;

			if (mpcsign_msg_error_decode(&e, b.p, b.len))
				ret = -EPROTO;
			else
				a->code = e.code;
		}
	}
	mpcsign_buf_free(&b);
	return ret;
}

/* A SIGN_REQ body for key (t signers ids) and msg. */
static int sign_req_body(struct mpcsign_buf *b, const struct mpcsign_coord_dkg_result *key,
			 const uint32_t *ids, uint16_t u, const char *msg,
			 const struct mpcsign_approval *appr, uint8_t num_appr)
{
	struct mpcsign_msg_sign_req m;

	memset(&m, 0, sizeof(m));
	memcpy(m.thresh_pk, key->thresh_pk, 33);
	m.expiry = (uint64_t)time(NULL) + 600;
	m.kind = MPCSIGN_SIGN_KIND_RAW;
	m.msg = (const uint8_t *)msg;
	m.msg_len = (uint32_t)strlen(msg);
	m.num_signers = u;
	m.approvals = appr;
	m.num_approvals = num_appr;
	mpcsign_buf_init(b);
	mpcsign_msg_sign_req_encode(b, &m, ids);
	return b->err;
}

static void rand_session(uint8_t s[16])
{
	if (getrandom(s, 16, 0) != 16)
		memset(s, 0x5a, 16);
}

/* --- tests ---------------------------------------------------------------------- */

FIXTURE(net) {
	struct world w;
	struct mpcsign_coord_dkg_result key;
};

FIXTURE_SETUP(net)
{
	memset(&self->key, 0, sizeof(self->key));
	ASSERT_EQ(0, mpcsign_coord_init());
	ASSERT_EQ(0, world_init(&self->w, NP));
}

FIXTURE_TEARDOWN(net)
{
	world_free(&self->w);
	mpcsign_coord_dkg_result_free(&self->key);
}

TEST_F(net, dkg_2_of_3_then_sign)
{
	struct mpcsign_coord_sign_result res;
	uint8_t tweak[1][32];
	size_t i;

	ASSERT_EQ(0, run_dkg(&self->w, 2, 3, &self->key));
	EXPECT_EQ(0x02, self->key.thresh_pk[0] & 0xfe);
	EXPECT_TRUE(self->key.recovery_data_len > 0);
	/* every party stored the same public result, with its own id */
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(1, self->w.tp[i].stored);
		EXPECT_EQ(0, memcmp(self->w.tp[i].rec.thresh_pk, self->key.thresh_pk, 33));
		EXPECT_EQ(i, self->w.tp[i].rec.my_id);
		EXPECT_EQ(2, self->w.tp[i].rec.t);
		EXPECT_EQ(3, self->w.tp[i].rec.n);
		EXPECT_EQ(0, memcmp(self->w.tp[i].rec.fingerprint, self->key.fingerprint, 32));
		EXPECT_EQ(0, memcmp(self->w.tp[i].rec_hpks[i], self->w.tp[i].hpk, 33));
		EXPECT_NE(0u, key_handle(&self->w, i, self->key.thresh_pk));
	}
	EXPECT_EQ(1, self->w.events[MPCSIGN_COORD_EV_FINGERPRINT]);
	EXPECT_EQ(3, self->w.events[MPCSIGN_COORD_EV_CONNECT]);
	/* 4 rounds, 3 parties */
	EXPECT_EQ(12, self->w.events[MPCSIGN_COORD_EV_SEND]);
	EXPECT_EQ(12, self->w.events[MPCSIGN_COORD_EV_RECV]);

	ASSERT_EQ(0, run_sign(&self->w, &self->key, 3, "hello over the network", NULL, 0, 0,
			      5000, &res));
	EXPECT_EQ(0, verify(&res, "hello over the network"));
	EXPECT_EQ(1u, res.attempts);
	EXPECT_EQ(2u, count_state(&res, MPCSIGN_COORD_P_SIGNED));
	/* the key it verifies under is the threshold key's x coordinate */
	EXPECT_EQ(0, memcmp(res.pk32, self->key.thresh_pk + 1, 32));
	/* a flipped message does not verify */
	EXPECT_NE(0, verify(&res, "hello over the network!"));
	mpcsign_coord_sign_result_free(&res);

	/* with an x-only tweak (Taproot-style) */
	memset(tweak, 0, sizeof(tweak));
	tweak[0][31] = 7;
	ASSERT_EQ(0, run_sign(&self->w, &self->key, 3, "tweaked", (const uint8_t (*)[32])tweak, 1,
			      1, 5000, &res));
	EXPECT_EQ(0, verify(&res, "tweaked"));
	EXPECT_NE(0, memcmp(res.pk32, self->key.thresh_pk + 1, 32));
	mpcsign_coord_sign_result_free(&res);
	/* no nonce is left behind at any party */
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, nonces_of(&self->w, i, self->key.thresh_pk));
}

TEST_F(net, dkg_3_of_5_then_sign)
{
	struct mpcsign_coord_sign_result res;
	size_t i;

	ASSERT_EQ(0, run_dkg(&self->w, 3, 5, &self->key));
	for (i = 0; i < 5; i++)
		EXPECT_EQ(1, self->w.tp[i].stored);
	ASSERT_EQ(0, run_sign(&self->w, &self->key, 5, "three of five", NULL, 0, 0, 5000, &res));
	EXPECT_EQ(0, verify(&res, "three of five"));
	EXPECT_EQ(3u, count_state(&res, MPCSIGN_COORD_P_SIGNED));
	mpcsign_coord_sign_result_free(&res);
	/* two parties down: still three left */
	self->w.tp[0].mode = M_DOWN;
	self->w.tp[2].mode = M_DOWN;
	ASSERT_EQ(0, run_sign(&self->w, &self->key, 5, "two down", NULL, 0, 0, 5000, &res));
	EXPECT_EQ(0, verify(&res, "two down"));
	EXPECT_EQ(MPCSIGN_COORD_P_UNREACHABLE, res.parties[0].state);
	EXPECT_EQ(MPCSIGN_COORD_P_UNREACHABLE, res.parties[2].state);
	EXPECT_EQ(MPCSIGN_COORD_P_SIGNED, res.parties[1].state);
	EXPECT_EQ(MPCSIGN_COORD_P_SIGNED, res.parties[3].state);
	EXPECT_EQ(MPCSIGN_COORD_P_SIGNED, res.parties[4].state);
	mpcsign_coord_sign_result_free(&res);
	/* three down: no signature, and it says so */
	self->w.tp[1].mode = M_DOWN;
	EXPECT_EQ(-EAGAIN, run_sign(&self->w, &self->key, 5, "three down", NULL, 0, 0, 5000, &res));
	EXPECT_EQ(3u, count_state(&res, MPCSIGN_COORD_P_UNREACHABLE));
	EXPECT_EQ(0u, count_state(&res, MPCSIGN_COORD_P_SIGNED));
	mpcsign_coord_sign_result_free(&res);
}

TEST_F(net, party_down_still_signs)
{
	struct mpcsign_coord_sign_result res;

	ASSERT_EQ(0, run_dkg(&self->w, 2, 3, &self->key));
	self->w.tp[0].mode = M_DOWN;
	ASSERT_EQ(0, run_sign(&self->w, &self->key, 3, "one down", NULL, 0, 0, 5000, &res));
	EXPECT_EQ(0, verify(&res, "one down"));
	EXPECT_EQ(MPCSIGN_COORD_P_UNREACHABLE, res.parties[0].state);
	EXPECT_EQ(MPCSIGN_COORD_P_SIGNED, res.parties[1].state);
	EXPECT_EQ(MPCSIGN_COORD_P_SIGNED, res.parties[2].state);
	EXPECT_EQ(1u, res.attempts);
	mpcsign_coord_sign_result_free(&res);
	/* a DKG needs everybody */
	{
		struct mpcsign_coord_dkg_result r2;

		EXPECT_EQ(-EHOSTUNREACH, run_dkg(&self->w, 2, 3, &r2));
		EXPECT_EQ(0u, r2.blame.party);
		EXPECT_EQ(0, memcmp(r2.blame.hostpubkey, self->w.tp[0].hpk, 33));
		mpcsign_coord_dkg_result_free(&r2);
	}
}

TEST_F(net, bad_psig_named_and_retried)
{
	struct mpcsign_coord_sign_result res;

	ASSERT_EQ(0, run_dkg(&self->w, 2, 3, &self->key));
	self->w.tp[0].mode = M_BAD_PSIG;
	ASSERT_EQ(0, run_sign(&self->w, &self->key, 3, "bad psig", NULL, 0, 0, 5000, &res));
	EXPECT_EQ(0, verify(&res, "bad psig"));
	EXPECT_EQ(2u, res.attempts);
	EXPECT_EQ(MPCSIGN_COORD_P_FAILED, res.parties[0].state);
	EXPECT_EQ(-EBADMSG, res.parties[0].err);
	EXPECT_EQ(MPCSIGN_COORD_P_SIGNED, res.parties[1].state);
	EXPECT_EQ(MPCSIGN_COORD_P_SIGNED, res.parties[2].state);
	EXPECT_EQ(1, self->w.events[MPCSIGN_COORD_EV_BLAME]);
	EXPECT_EQ(2, self->w.events[MPCSIGN_COORD_EV_ATTEMPT]);
	mpcsign_coord_sign_result_free(&res);
}

TEST_F(net, silent_in_round_2_named_and_retried)
{
	struct mpcsign_coord_sign_result res;
	size_t i;

	ASSERT_EQ(0, run_dkg(&self->w, 2, 3, &self->key));
	self->w.tp[1].mode = M_SILENT_R2;
	ASSERT_EQ(0, run_sign(&self->w, &self->key, 3, "silence", NULL, 0, 0, 3000, &res));
	EXPECT_EQ(0, verify(&res, "silence"));
	EXPECT_EQ(2u, res.attempts);
	EXPECT_EQ(MPCSIGN_COORD_P_FAILED, res.parties[1].state);
	EXPECT_EQ(-ETIMEDOUT, res.parties[1].err);
	EXPECT_EQ(MPCSIGN_COORD_P_SIGNED, res.parties[0].state);
	EXPECT_EQ(MPCSIGN_COORD_P_SIGNED, res.parties[2].state);
	mpcsign_coord_sign_result_free(&res);
	/* the silent party did sign in the kernel (it just never answered):
	 * its nonce is consumed, none outstanding anywhere */
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, nonces_of(&self->w, i, self->key.thresh_pk));
}

TEST_F(net, changed_message_between_rounds_is_conflict)
{
	const uint32_t ids[] = { 0, 1 };
	struct mpcsign_msg_sign_agg ag;
	struct mpcsign_buf rb, gb;
	struct answer a;
	uint8_t sid[16];

	ASSERT_EQ(0, run_dkg(&self->w, 2, 3, &self->key));
	ASSERT_EQ(0, sign_req_body(&rb, &self->key, ids, 2, "pay 1 coin", NULL, 0));
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	ASSERT_EQ(MPCSIGN_MSG_SIGN_NONCE, a.type);
	EXPECT_EQ(66u, a.len);
	EXPECT_EQ(1, nonces_of(&self->w, 0, self->key.thresh_pk));
	/* round 2 for another request (another message under this session) */
	{
		struct mpcsign_buf other;

		ASSERT_EQ(0, sign_req_body(&other, &self->key, ids, 2, "pay 1000 coins", NULL, 0));
		memset(&ag, 0, sizeof(ag));
		mpcsign_sign_request_hash(ag.request_hash, sid, other.p, other.len);
		mpcsign_buf_free(&other);
	}
	memcpy(ag.aggnonce, a.body, 66);	/* any valid-looking aggnonce */
	mpcsign_buf_init(&gb);
	mpcsign_msg_sign_agg_encode(&gb, &ag);
	ASSERT_EQ(0, gb.err);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_AGG, sid, gb.p, gb.len, &a));
	EXPECT_EQ(MPCSIGN_MSG_ERROR, a.type);
	EXPECT_EQ(MPCSIGN_WERR_CONFLICT, a.code);
	/* the nonce is gone from the kernel */
	EXPECT_EQ(0, nonces_of(&self->w, 0, self->key.thresh_pk));
	/* and round 2 for the right request gets no signature either */
	mpcsign_sign_request_hash(ag.request_hash, sid, rb.p, rb.len);
	gb.len = 0;
	mpcsign_msg_sign_agg_encode(&gb, &ag);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_AGG, sid, gb.p, gb.len, &a));
	EXPECT_EQ(MPCSIGN_MSG_ERROR, a.type);
	EXPECT_EQ(MPCSIGN_WERR_CONFLICT, a.code);
	/* nor does a replayed round 1 make a new nonce */
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	EXPECT_EQ(MPCSIGN_MSG_SIGN_NONCE, a.type);
	EXPECT_EQ(0, nonces_of(&self->w, 0, self->key.thresh_pk));
	mpcsign_buf_free(&rb);
	mpcsign_buf_free(&gb);
}

TEST_F(net, replayed_sign_req_same_nonce)
{
	const uint32_t ids[] = { 1, 2 };
	struct mpcsign_buf rb, rb2;
	struct answer a, b;
	uint8_t sid[16], sid2[16];

	ASSERT_EQ(0, run_dkg(&self->w, 2, 3, &self->key));
	ASSERT_EQ(0, sign_req_body(&rb, &self->key, ids, 2, "once", NULL, 0));
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	ASSERT_EQ(MPCSIGN_MSG_SIGN_NONCE, a.type);
	EXPECT_EQ(1, nonces_of(&self->w, 1, self->key.thresh_pk));
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &b));
	ASSERT_EQ(MPCSIGN_MSG_SIGN_NONCE, b.type);
	EXPECT_EQ(a.len, b.len);
	EXPECT_EQ(0, memcmp(a.body, b.body, 66));
	EXPECT_EQ(1, nonces_of(&self->w, 1, self->key.thresh_pk));
	/* the same session id with another message: CONFLICT, nonce abandoned */
	ASSERT_EQ(0, sign_req_body(&rb2, &self->key, ids, 2, "twice", NULL, 0));
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb2.p, rb2.len, &b));
	EXPECT_EQ(MPCSIGN_MSG_ERROR, b.type);
	EXPECT_EQ(MPCSIGN_WERR_CONFLICT, b.code);
	EXPECT_EQ(0, nonces_of(&self->w, 1, self->key.thresh_pk));
	/* a fresh session: a fresh nonce */
	rand_session(sid2);
	ASSERT_EQ(0, ask(&self->w, 2, NULL, MPCSIGN_MSG_SIGN_REQ, sid2, rb.p, rb.len, &b));
	ASSERT_EQ(MPCSIGN_MSG_SIGN_NONCE, b.type);
	EXPECT_EQ(1, nonces_of(&self->w, 2, self->key.thresh_pk));
	{
		uint8_t other[33];

		memcpy(other, self->w.coord_pk, 33);
		other[32] ^= 1;
		/* not an allowed coordinator: refused before any session lookup */
		ASSERT_EQ(0, ask(&self->w, 2, other, MPCSIGN_MSG_SIGN_REQ, sid2, rb.p, rb.len, &b));
		EXPECT_EQ(MPCSIGN_WERR_NOT_ALLOWED, b.code);
	}
	EXPECT_EQ(1, nonces_of(&self->w, 2, self->key.thresh_pk));
	mpcsign_buf_free(&rb);
	mpcsign_buf_free(&rb2);
}

TEST_F(net, policy_denies_and_rate_limit)
{
	static const char pol[] =
		"[rule short-only]\naction = allow\nkind = raw\nmax_msg_len = 8\nrate = 2/3600\n";
	const uint32_t ids[] = { 0, 1 };
	struct mpcsign_coord_sign_result res;
	struct mpcsign_buf rb;
	struct answer a;
	uint8_t sid[16];
	size_t i;

	ASSERT_EQ(0, run_dkg(&self->w, 2, 3, &self->key));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, party_make(&self->w, i, pol, NP, 1));
		ASSERT_EQ(0, mpcsign_party_add_key(self->w.tp[i].p, &self->w.tp[i].rec));
	}
	/* too long for the rule: no rule matches, default deny, no nonce */
	ASSERT_EQ(0, sign_req_body(&rb, &self->key, ids, 2, "a long message", NULL, 0));
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	EXPECT_EQ(MPCSIGN_MSG_ERROR, a.type);
	EXPECT_EQ(MPCSIGN_WERR_POLICY, a.code);
	EXPECT_EQ(0, nonces_of(&self->w, 0, self->key.thresh_pk));
	mpcsign_buf_free(&rb);
	/* through the coordinator: both signers refuse, one party is left, too
	 * few for t = 2; the report says why */
	EXPECT_EQ(-EAGAIN, run_sign(&self->w, &self->key, 3, "a long message", NULL, 0, 0, 5000,
				    &res));
	EXPECT_EQ(2u, count_state(&res, MPCSIGN_COORD_P_REFUSED));
	EXPECT_EQ(MPCSIGN_COORD_P_UNUSED, res.parties[2].state);
	EXPECT_EQ(MPCSIGN_WERR_POLICY, res.parties[0].wire_code);
	EXPECT_EQ(MPCSIGN_WERR_POLICY, res.parties[1].wire_code);
	EXPECT_EQ(1u, res.attempts);
	mpcsign_coord_sign_result_free(&res);
	/* short messages: twice allowed, then over the rate */
	ASSERT_EQ(0, run_sign(&self->w, &self->key, 3, "short1", NULL, 0, 0, 5000, &res));
	EXPECT_EQ(0, verify(&res, "short1"));
	mpcsign_coord_sign_result_free(&res);
	ASSERT_EQ(0, run_sign(&self->w, &self->key, 3, "short2", NULL, 0, 0, 5000, &res));
	EXPECT_EQ(0, verify(&res, "short2"));
	EXPECT_EQ(2u, count_state(&res, MPCSIGN_COORD_P_SIGNED));
	mpcsign_coord_sign_result_free(&res);
	/* parties 0 and 1 signed twice; party 2 still has room: 0 or 1 refuse */
	ASSERT_EQ(0, sign_req_body(&rb, &self->key, ids, 2, "short3", NULL, 0));
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	EXPECT_EQ(MPCSIGN_MSG_ERROR, a.type);
	EXPECT_EQ(MPCSIGN_WERR_RATE, a.code);
	EXPECT_EQ(0, nonces_of(&self->w, 0, self->key.thresh_pk));
	mpcsign_buf_free(&rb);
	/* a new policy (SIGHUP) resets the counters */
	{
		struct mpcsign_policy *np;
		char err[128];

		ASSERT_EQ(0, mpcsign_policy_parse(&np, allow_all, err, sizeof(err)));
		mpcsign_party_set_policy(self->w.tp[0].p, np);
	}
	ASSERT_EQ(0, sign_req_body(&rb, &self->key, ids, 2, "short3", NULL, 0));
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	EXPECT_EQ(MPCSIGN_MSG_SIGN_NONCE, a.type);
	mpcsign_buf_free(&rb);
}

static secp256k1_context *sctx(void)
{
	static secp256k1_context *c;

	if (!c)
		c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	return c;
}

TEST_F(net, approval_quorum)
{
	const uint32_t ids[] = { 0, 2 };
	secp256k1_keypair kp[3];
	secp256k1_xonly_pubkey xp;
	uint8_t sk[3][32], x[3][32], digest[32];
	struct mpcsign_approval ap[3];
	struct mpcsign_msg_sign_req m;
	struct mpcsign_buf rb;
	struct answer a;
	char pol[1024], hx[3][65];
	uint8_t sid[16];
	size_t i, j;

	ASSERT_EQ(0, run_dkg(&self->w, 2, 3, &self->key));
	for (i = 0; i < 3; i++) {
		memset(sk[i], 0, 32);
		sk[i][31] = (uint8_t)(i + 11);
		sk[i][0] = 0x42;
		ASSERT_EQ(1, secp256k1_keypair_create(sctx(), &kp[i], sk[i]));
		ASSERT_EQ(1, secp256k1_keypair_xonly_pub(sctx(), &xp, NULL, &kp[i]));
		ASSERT_EQ(1, secp256k1_xonly_pubkey_serialize(sctx(), x[i], &xp));
		for (j = 0; j < 32; j++)
			sprintf(hx[i] + 2 * j, "%02x", x[i][j]);
	}
	/* approvers 0 and 1, two needed; key 2 is nobody's approver */
	snprintf(pol, sizeof(pol), "[rule approved]\naction = allow\napprovers = %s,%s\n"
		 "approvals = 2\n", hx[0], hx[1]);
	ASSERT_EQ(0, party_make(&self->w, 0, pol, NP, 1));
	ASSERT_EQ(0, mpcsign_party_add_key(self->w.tp[0].p, &self->w.tp[0].rec));
	/* the approval digest of the request */
	memset(&m, 0, sizeof(m));
	memcpy(m.thresh_pk, self->key.thresh_pk, 33);
	m.kind = MPCSIGN_SIGN_KIND_RAW;
	m.msg = (const uint8_t *)"approved payment";
	m.msg_len = 16;
	mpcsign_approval_digest(digest, &m);
	for (i = 0; i < 3; i++) {
		memcpy(ap[i].approver_x, x[i], 32);
		ASSERT_EQ(1, secp256k1_schnorrsig_sign32(sctx(), ap[i].sig, digest, &kp[i], NULL));
	}
	/* one approval of two: refused, no nonce */
	ASSERT_EQ(0, sign_req_body(&rb, &self->key, ids, 2, "approved payment", ap, 1));
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	EXPECT_EQ(MPCSIGN_WERR_POLICY, a.code);
	mpcsign_buf_free(&rb);
	/* approver 0 and a stranger (2): still one */
	{
		struct mpcsign_approval two[2] = { ap[0], ap[2] };

		ASSERT_EQ(0, sign_req_body(&rb, &self->key, ids, 2, "approved payment", two, 2));
		rand_session(sid);
		ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
		EXPECT_EQ(MPCSIGN_WERR_POLICY, a.code);
		mpcsign_buf_free(&rb);
	}
	/* approvals of another message do not count */
	ASSERT_EQ(0, sign_req_body(&rb, &self->key, ids, 2, "approved paymenT", ap, 2));
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	EXPECT_EQ(MPCSIGN_WERR_POLICY, a.code);
	mpcsign_buf_free(&rb);
	EXPECT_EQ(0, nonces_of(&self->w, 0, self->key.thresh_pk));
	/* both approvers: allowed */
	ASSERT_EQ(0, sign_req_body(&rb, &self->key, ids, 2, "approved payment", ap, 2));
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	EXPECT_EQ(MPCSIGN_MSG_SIGN_NONCE, a.type);
	EXPECT_EQ(1, nonces_of(&self->w, 0, self->key.thresh_pk));
	mpcsign_buf_free(&rb);
}

TEST_F(net, coordinator_not_in_allowlist)
{
	struct mpcsign_coord_dkg_result r;

	ASSERT_EQ(0, party_make(&self->w, 1, allow_all, NP, 0));
	EXPECT_EQ(-EACCES, run_dkg(&self->w, 2, 3, &r));
	EXPECT_EQ(1u, r.blame.party);
	EXPECT_EQ(MPCSIGN_WERR_NOT_ALLOWED, r.blame.wire_code);
	EXPECT_EQ(0, memcmp(r.blame.hostpubkey, self->w.tp[1].hpk, 33));
	EXPECT_EQ(0, r.thresh_pk[0]);
	mpcsign_coord_dkg_result_free(&r);
	/* the others made a DKG session and nothing else: no key anywhere */
	EXPECT_EQ(0, self->w.tp[0].stored);
	EXPECT_EQ(0, self->w.tp[2].stored);
}

TEST_F(net, unknown_host_key_in_proposal)
{
	struct mpcsign_coord_dkg_result r;
	struct mpcsign_msg_dkg_propose pm;
	struct mpcsign_buf pb;
	uint8_t hpks[3][33], sid[16];
	struct answer a;
	size_t i;

	/* party 2 does not know party 0 */
	ASSERT_EQ(0, party_make(&self->w, 2, allow_all, 0, 1));
	EXPECT_EQ(-EACCES, run_dkg(&self->w, 2, 3, &r));
	EXPECT_EQ(2u, r.blame.party);
	EXPECT_EQ(MPCSIGN_WERR_NOT_ALLOWED, r.blame.wire_code);
	mpcsign_coord_dkg_result_free(&r);
	/* directly: a stranger's key, and a proposal without our own key */
	for (i = 0; i < 3; i++)
		memcpy(hpks[i], self->w.tp[i].hpk, 33);
	hpks[1][32] ^= 1;
	memset(&pm, 0, sizeof(pm));
	pm.t = 2;
	pm.n = 3;
	pm.expiry = (uint64_t)time(NULL) + 100;
	pm.hostpubkeys = (const uint8_t (*)[33])hpks;
	mpcsign_buf_init(&pb);
	mpcsign_msg_dkg_propose_encode(&pb, &pm);
	ASSERT_EQ(0, pb.err);
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, pb.p, pb.len, &a));
	EXPECT_EQ(MPCSIGN_WERR_NOT_ALLOWED, a.code);
	memcpy(hpks[1], self->w.tp[3].hpk, 33);	/* all known, but not party 1 */
	pb.len = 0;
	mpcsign_msg_dkg_propose_encode(&pb, &pm);
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, pb.p, pb.len, &a));
	EXPECT_EQ(MPCSIGN_WERR_NOT_ALLOWED, a.code);
	/* expiry in the past, and too far ahead */
	pm.expiry = (uint64_t)time(NULL) - 1;
	pb.len = 0;
	mpcsign_msg_dkg_propose_encode(&pb, &pm);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, pb.p, pb.len, &a));
	EXPECT_EQ(MPCSIGN_WERR_EXPIRED, a.code);
	pm.expiry = (uint64_t)time(NULL) + 10 * 86400;
	pb.len = 0;
	mpcsign_msg_dkg_propose_encode(&pb, &pm);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, pb.p, pb.len, &a));
	EXPECT_EQ(MPCSIGN_WERR_BAD_REQUEST, a.code);
	mpcsign_buf_free(&pb);
}

TEST_F(net, key_not_ready_without_acks)
{
	const uint32_t ids[] = { 0, 2 };
	struct mpcsign_coord_dkg_result r;
	struct mpcsign_buf rb;
	struct answer a;
	uint8_t sid[16];

	self->w.tp[2].mode = M_DROP_ACKS;
	EXPECT_EQ(-EACCES, run_dkg(&self->w, 2, 3, &r));
	EXPECT_EQ(2u, r.blame.party);
	/* the others' keys are ready, party 2's exists in the kernel but is not */
	EXPECT_EQ(1, self->w.tp[0].stored);
	EXPECT_EQ(0, self->w.tp[2].stored);
	track_key(&self->w, self->w.tp[0].rec.thresh_pk);
	EXPECT_NE(0u, key_handle(&self->w, 2, self->w.tp[0].rec.thresh_pk));
	memcpy(r.thresh_pk, self->w.tp[0].rec.thresh_pk, 33);
	ASSERT_EQ(0, sign_req_body(&rb, &r, ids, 2, "not ready", NULL, 0));
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 2, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	EXPECT_EQ(MPCSIGN_MSG_ERROR, a.type);
	EXPECT_EQ(MPCSIGN_WERR_UNKNOWN_KEY, a.code);
	EXPECT_EQ(0, nonces_of(&self->w, 2, r.thresh_pk));
	/* party 0's key is ready */
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	EXPECT_EQ(MPCSIGN_MSG_SIGN_NONCE, a.type);
	mpcsign_buf_free(&rb);
	mpcsign_coord_dkg_result_free(&r);
}

TEST_F(net, sessions_bounded_and_expiring)
{
	const uint32_t ids[] = { 0, 1 };
	struct mpcsign_party_cfg cfg;
	struct mpcsign_policy *pol;
	struct mpcsign_buf rb;
	struct answer a;
	uint8_t sid[16];
	char err[64];
	int k;

	ASSERT_EQ(0, run_dkg(&self->w, 2, 3, &self->key));
	ASSERT_EQ(0, mpcsign_policy_parse(&pol, allow_all, err, sizeof(err)));
	memset(&cfg, 0, sizeof(cfg));
	cfg.dev = self->w.tp[0].h;
	memcpy(cfg.hostpubkey, self->w.tp[0].hpk, 33);
	cfg.host_key_handle = self->w.tp[0].hk;
	cfg.coordinators = (const uint8_t (*)[33])self->w.coord_pk;
	cfg.num_coordinators = 1;
	cfg.policy = pol;
	cfg.max_sessions = 2;
	cfg.session_timeout_s = 60;
	cfg.now = t_now;
	cfg.now_arg = &self->w.tp[0];
	mpcsign_party_free(self->w.tp[0].p);
	ASSERT_EQ(0, mpcsign_party_new(&self->w.tp[0].p, &cfg));
	ASSERT_EQ(0, mpcsign_party_add_key(self->w.tp[0].p, &self->w.tp[0].rec));
	ASSERT_EQ(0, sign_req_body(&rb, &self->key, ids, 2, "bounded", NULL, 0));
	for (k = 0; k < 2; k++) {
		rand_session(sid);
		ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
		EXPECT_EQ(MPCSIGN_MSG_SIGN_NONCE, a.type);
	}
	rand_session(sid);
	ASSERT_EQ(0, ask(&self->w, 0, NULL, MPCSIGN_MSG_SIGN_REQ, sid, rb.p, rb.len, &a));
	EXPECT_EQ(MPCSIGN_WERR_BUSY, a.code);
	EXPECT_EQ(2, nonces_of(&self->w, 0, self->key.thresh_pk));
	/* a minute later both expired: their nonces are wiped */
	self->w.tp[0].now_offset = 61;
	EXPECT_EQ(2u, mpcsign_party_expire(self->w.tp[0].p));
	EXPECT_EQ(0, nonces_of(&self->w, 0, self->key.thresh_pk));
	mpcsign_buf_free(&rb);
}

TEST_F(net, faulty_participant_found_by_investigation)
{
	struct mpcsign_coord_dkg_result r;

	self->w.tp[2].mode = M_BAD_SHARE;
	EXPECT_EQ(-EBADMSG, run_dkg(&self->w, 2, 3, &r));
	EXPECT_EQ(2u, r.blame.party);
	EXPECT_EQ(0, memcmp(r.blame.hostpubkey, self->w.tp[2].hpk, 33));
	EXPECT_EQ(MPCSIGN_WERR_DKG, r.blame.wire_code);
	EXPECT_EQ(MPCSIGN_DKG_FAULTY_PARTICIPANT_OR_COORDINATOR, r.blame.dkg_kind);
	EXPECT_EQ(0, r.thresh_pk[0]);
	EXPECT_EQ(0, self->w.tp[0].stored);
	/* DKG_INVESTIGATE went to party 0 only (the one that could not tell) */
	EXPECT_EQ(1, self->w.events[MPCSIGN_COORD_EV_BLAME]);
	mpcsign_coord_dkg_result_free(&r);
}

TEST_F(net, dkg_round_order_and_sizes)
{
	struct mpcsign_msg_dkg_propose pm;
	struct mpcsign_buf pb;
	uint8_t hpks[3][33], sid[16], junk[2048];
	struct answer a, b;
	size_t i;

	for (i = 0; i < 3; i++)
		memcpy(hpks[i], self->w.tp[i].hpk, 33);
	memset(&pm, 0, sizeof(pm));
	pm.t = 2;
	pm.n = 3;
	pm.expiry = (uint64_t)time(NULL) + 100;
	pm.desc = "by hand";
	pm.desc_len = 7;
	pm.hostpubkeys = (const uint8_t (*)[33])hpks;
	mpcsign_buf_init(&pb);
	mpcsign_msg_dkg_propose_encode(&pb, &pm);
	ASSERT_EQ(0, pb.err);
	rand_session(sid);
	memset(junk, 0, sizeof(junk));
	/* round 2 before round 1: no such session */
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_CMSG1, sid, junk, 10, &a));
	EXPECT_EQ(MPCSIGN_WERR_STATE, a.code);
	/* a reply type as a request; a truncated proposal */
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_PMSG1, sid, junk, 10, &a));
	EXPECT_EQ(MPCSIGN_WERR_BAD_REQUEST, a.code);
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, pb.p, pb.len - 1, &a));
	EXPECT_EQ(MPCSIGN_WERR_BAD_REQUEST, a.code);
	/* the proposal: PMSG1 of the size ChillDKG says; the same again */
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, pb.p, pb.len, &a));
	ASSERT_EQ(MPCSIGN_MSG_DKG_PMSG1, a.type);
	EXPECT_EQ(mpcsign_dkg_pmsg1_len(3, 2), a.len);
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, pb.p, pb.len, &b));
	EXPECT_EQ(MPCSIGN_MSG_DKG_PMSG1, b.type);
	EXPECT_EQ(0, memcmp(a.body, b.body, a.len));
	/* wrong sizes and rounds are refused and change nothing */
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_CMSG1, sid, junk,
			 mpcsign_dkg_cmsg1_len(3, 2) - 1, &a));
	EXPECT_EQ(MPCSIGN_WERR_BAD_REQUEST, a.code);
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_CMSG2, sid, junk,
			 mpcsign_dkg_cmsg2_len(3), &a));
	EXPECT_EQ(MPCSIGN_WERR_STATE, a.code);
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_ACKS, sid, junk, 10, &a));
	EXPECT_EQ(MPCSIGN_WERR_STATE, a.code);
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_SIGN_AGG, sid, junk, 98, &a));
	EXPECT_EQ(MPCSIGN_WERR_CONFLICT, a.code);
	/* a frame with flags set */
	{
		struct mpcsign_frame_hdr h;
		struct mpcsign_buf rb;
		uint8_t type;

		memset(&h, 0, sizeof(h));
		h.version = MPCSIGN_WIRE_VERSION;
		h.type = MPCSIGN_MSG_DKG_CMSG1;
		h.flags = 1;
		memcpy(h.session, sid, 16);
		mpcsign_buf_init(&rb);
		ASSERT_EQ(0, mpcsign_party_handle(self->w.tp[1].p, self->w.coord_pk, &h, NULL, &type,
						  &rb));
		EXPECT_EQ(MPCSIGN_MSG_ERROR, type);
		mpcsign_buf_free(&rb);
	}
	/* the session is still in round 1: a CMSG1 of the right size reaches
	 * the kernel (which finds it bad: all zero) */
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_CMSG1, sid, junk,
			 mpcsign_dkg_cmsg1_len(3, 2), &a));
	EXPECT_EQ(MPCSIGN_MSG_ERROR, a.type);
	EXPECT_EQ(MPCSIGN_WERR_DKG, a.code);
	/* another proposal under the same session id: CONFLICT */
	pb.len = 0;
	pm.desc_len = 6;
	mpcsign_msg_dkg_propose_encode(&pb, &pm);
	ASSERT_EQ(0, ask(&self->w, 1, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, pb.p, pb.len, &a));
	EXPECT_EQ(MPCSIGN_WERR_CONFLICT, a.code);
	mpcsign_buf_free(&pb);
	/* the control socket's view */
	{
		struct mpcsign_buf j;

		mpcsign_buf_init(&j);
		ASSERT_EQ(0, mpcsign_party_ctl(self->w.tp[1].p, "status", &j));
		mpcsign_buf_u8(&j, 0);
		EXPECT_NE(NULL, strstr((char *)j.p, "\"dkg\":1"));
		j.len = 0;
		ASSERT_EQ(0, mpcsign_party_ctl(self->w.tp[1].p, "sessions", &j));
		mpcsign_buf_u8(&j, 0);
		EXPECT_NE(NULL, strstr((char *)j.p, "\"state\":\"failed\""));
		EXPECT_EQ(-EINVAL, mpcsign_party_ctl(self->w.tp[1].p, "nonsense", &j));
		mpcsign_buf_free(&j);
	}
}

struct conc {
	struct world *w;
	const struct mpcsign_coord_dkg_result *key;
	int idx, good;
};

static void *conc_sign(void *arg)
{
	struct conc *c = arg;
	struct mpcsign_coord_sign_result res;
	char msg[64];
	int k;

	for (k = 0; k < 3; k++) {
		snprintf(msg, sizeof(msg), "concurrent %d/%d", c->idx, k);
		if (!run_sign(c->w, c->key, 3, msg, NULL, 0, 0, 20000, &res) && !verify(&res, msg) &&
		    res.attempts == 1)
			c->good++;
		mpcsign_coord_sign_result_free(&res);
	}
	return NULL;
}

/* Three coordinators at once on the same parties (a connection thread each
 * at every party, one party mutex): nine signatures, all first time. */
TEST_F(net, concurrent_coordinators)
{
	struct conc c[3];
	pthread_t th[3];
	size_t i;

	ASSERT_EQ(0, run_dkg(&self->w, 2, 3, &self->key));
	for (i = 0; i < 3; i++) {
		c[i].w = &self->w;
		c[i].key = &self->key;
		c[i].idx = (int)i;
		c[i].good = 0;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, conc_sign, &c[i]));
	}
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(3, c[i].good);
	}
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, nonces_of(&self->w, i, self->key.thresh_pk));
}

TEST_HARNESS_MAIN
