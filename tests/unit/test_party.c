// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_party.c - party.c and coordinator.c without the kernel.
 *
 * A party whose device is NULL answers "no device" (INTERNAL, ENODEV) as
 * soon as a request would reach an ioctl: so every other answer shows the
 * request was refused by the party's own checks first.  Random and
 * truncated bodies of every type get an ERROR, never that one.  The
 * coordinator's subset choice, its argument checks, and its handling of a
 * party that answers out of protocol (over a socketpair) are checked too.
 * The kernel paths are in tests/kselftest/netproto_test.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <secp256k1.h>
#include "test.h"
#include "libmpcsign.h"
#include "wire.h"
#include "policy.h"
#include "party.h"
#include "coordinator.h"

static uint8_t coord[33], hpk[4][33];

static void make_points(void)
{
	secp256k1_context *c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	secp256k1_pubkey pk;
	uint8_t sk[32];
	size_t i, len;

	for (i = 0; i < 5; i++) {
		memset(sk, 0, 32);
		sk[31] = (uint8_t)(i + 1);
		sk[5] = 0x77;
		len = 33;
		if (!secp256k1_ec_pubkey_create(c, &pk, sk) ||
		    !secp256k1_ec_pubkey_serialize(c, i ? hpk[i - 1] : coord, &len, &pk,
						   SECP256K1_EC_COMPRESSED))
			abort();
	}
	secp256k1_context_destroy(c);
}

struct answer {
	int ret;
	uint8_t type;
	uint32_t code, sys_errno;
	size_t len;
};

static struct answer ask(struct mpcsign_party *p, const uint8_t *who, uint8_t type,
			 const uint8_t sid[16], const uint8_t *body, size_t len)
{
	struct mpcsign_frame_hdr h;
	struct mpcsign_buf b;
	struct answer a;

	memset(&h, 0, sizeof(h));
	h.body_len = (uint32_t)len;
	h.version = MPCSIGN_WIRE_VERSION;
	h.type = type;
	h.seq = 1;
	memcpy(h.session, sid, 16);
	memset(&a, 0, sizeof(a));
	mpcsign_buf_init(&b);
	a.ret = mpcsign_party_handle(p, who ? who : coord, &h, body, &a.type, &b);
	a.len = b.len;
	if (!a.ret && a.type == MPCSIGN_MSG_ERROR) {
		struct mpcsign_msg_error e;

		if (mpcsign_msg_error_decode(&e, b.p, b.len))
			a.ret = -EPROTO;
		a.code = e.code;
		a.sys_errno = e.sys_errno;
	}
	mpcsign_buf_free(&b);
	return a;
}

static int reached_ioctl(const struct answer *a)
{
	return a->type == MPCSIGN_MSG_ERROR && a->code == MPCSIGN_WERR_INTERNAL &&
	       a->sys_errno == ENODEV;
}

static int logged;
static void logf_(void *arg, int level, const char *line)
{
	logged++;
	if (getenv("TEST_PARTY_LOG"))
		printf("# log %d: %s\n", level, line);
}

static struct mpcsign_party *new_party(const char *policy)
{
	struct mpcsign_party_cfg cfg;
	struct mpcsign_party *p;
	char err[128];

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.hostpubkey, hpk[1], 33);
	cfg.peers = (const uint8_t (*)[33])hpk;
	cfg.num_peers = 3;	/* hpk[3] is a stranger */
	cfg.coordinators = (const uint8_t (*)[33])coord;
	cfg.num_coordinators = 1;
	cfg.log = logf_;
	if (policy && mpcsign_policy_parse(&cfg.policy, policy, err, sizeof(err)))
		return NULL;
	if (mpcsign_party_new(&p, &cfg))
		return NULL;
	return p;
}

static void party_checks(void)
{
	static const uint8_t types[] = {
		MPCSIGN_MSG_AUTH, MPCSIGN_MSG_ERROR, MPCSIGN_MSG_DKG_PROPOSE, MPCSIGN_MSG_DKG_PMSG1,
		MPCSIGN_MSG_DKG_CMSG1, MPCSIGN_MSG_DKG_PMSG2, MPCSIGN_MSG_DKG_CMSG2,
		MPCSIGN_MSG_DKG_FINAL, MPCSIGN_MSG_DKG_ACKS, MPCSIGN_MSG_DKG_READY,
		MPCSIGN_MSG_DKG_INVESTIGATE, MPCSIGN_MSG_SIGN_REQ, MPCSIGN_MSG_SIGN_NONCE,
		MPCSIGN_MSG_SIGN_AGG, MPCSIGN_MSG_SIGN_PSIG, MPCSIGN_MSG_CTL_REQ,
		MPCSIGN_MSG_CTL_REPLY,
	};
	struct mpcsign_party *p = new_party(NULL);
	struct mpcsign_msg_dkg_propose pm;
	struct mpcsign_msg_sign_req sr;
	struct mpcsign_party_key_record rec;
	struct mpcsign_buf b, j;
	uint8_t sid[16] = { 1 }, body[4096], tpk[33];
	uint32_t ids[3] = { 0, 1, 2 };
	struct answer a;
	int i, bad = 0, ok;

	if (!test_report(p != NULL, "party: new with a NULL device"))
		return;
	/* arguments */
	{
		struct mpcsign_frame_hdr h;
		struct mpcsign_buf rb;
		uint8_t type;

		memset(&h, 0, sizeof(h));
		h.body_len = 5;
		mpcsign_buf_init(&rb);
		ok = mpcsign_party_handle(NULL, coord, &h, body, &type, &rb) == -EINVAL &&
		     mpcsign_party_handle(p, NULL, &h, body, &type, &rb) == -EINVAL &&
		     mpcsign_party_handle(p, coord, &h, NULL, &type, &rb) == -EINVAL &&
		     mpcsign_party_handle(p, coord, NULL, body, &type, &rb) == -EINVAL &&
		     rb.len == 0;
		test_report(ok, "party: NULL arguments are -EINVAL, no reply");
	}
	/* random bodies of every type and many lengths: an ERROR each time,
	 * and none reaches an ioctl */
	test_rand_seed(7);
	for (i = 0; i < 4000; i++) {
		uint8_t type = types[test_rand64() % sizeof(types)];
		size_t len = test_rand64() % 3 ? test_rand64() % 200 : test_rand64() % sizeof(body);

		test_rand_bytes(body, len);
		test_rand_bytes(sid, 1);
		a = ask(p, NULL, type, sid, body, len);
		if (a.ret || a.type != MPCSIGN_MSG_ERROR || reached_ioctl(&a) || !a.code ||
		    a.code > MPCSIGN_WERR_MAX)
			bad++;
	}
	test_report(!bad, "party: 4000 random requests all refused before any ioctl (%d not)", bad);
	/* a coordinator not in the allowlist, whatever it sends */
	{
		uint8_t other[33];

		memcpy(other, coord, 33);
		other[7] ^= 1;
		a = ask(p, other, MPCSIGN_MSG_SIGN_REQ, sid, body, 10);
		test_report(a.code == MPCSIGN_WERR_NOT_ALLOWED &&
			    !mpcsign_party_coordinator_allowed(p, other) &&
			    mpcsign_party_coordinator_allowed(p, coord),
			    "party: unknown coordinator refused (NOT_ALLOWED)");
	}

	/* DKG_PROPOSE checks */
	memset(&pm, 0, sizeof(pm));
	pm.t = 2;
	pm.n = 3;
	pm.expiry = (uint64_t)time(NULL) + 60;
	pm.hostpubkeys = (const uint8_t (*)[33])hpk;
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_propose_encode(&b, &pm);
	a = ask(p, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, b.p, b.len);
	test_report(reached_ioctl(&a), "party: a good DKG_PROPOSE passes every check (reaches DKG_STEP1)");
	pm.hostpubkeys = (const uint8_t (*)[33])hpk[1];	/* hpk[1..3]: hpk[3] unknown */
	mpcsign_buf_free(&b);
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_propose_encode(&b, &pm);
	a = ask(p, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, b.p, b.len);
	test_report(a.code == MPCSIGN_WERR_NOT_ALLOWED, "party: a proposal with a stranger's host key");
	{
		uint8_t dup[3][33];

		memcpy(dup[0], hpk[0], 33);
		memcpy(dup[1], hpk[1], 33);
		memcpy(dup[2], hpk[0], 33);
		pm.hostpubkeys = (const uint8_t (*)[33])dup;
		mpcsign_buf_free(&b);
		mpcsign_buf_init(&b);
		mpcsign_msg_dkg_propose_encode(&b, &pm);
		a = ask(p, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, b.p, b.len);
		test_report(a.code == MPCSIGN_WERR_BAD_REQUEST || b.err,
			    "party: a proposal naming a host twice");
		memcpy(dup[1], hpk[2], 33);
		pm.n = 2;
		mpcsign_buf_free(&b);
		mpcsign_buf_init(&b);
		mpcsign_msg_dkg_propose_encode(&b, &pm);
		a = ask(p, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, b.p, b.len);
		test_report(a.code == MPCSIGN_WERR_NOT_ALLOWED,
			    "party: a proposal without our own host key");
		pm.n = 3;
	}
	pm.hostpubkeys = (const uint8_t (*)[33])hpk;
	pm.expiry = (uint64_t)time(NULL) - 5;
	mpcsign_buf_free(&b);
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_propose_encode(&b, &pm);
	a = ask(p, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, b.p, b.len);
	test_report(a.code == MPCSIGN_WERR_EXPIRED, "party: an expired proposal");
	pm.expiry = (uint64_t)time(NULL) + 2 * 86400;
	mpcsign_buf_free(&b);
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_propose_encode(&b, &pm);
	a = ask(p, NULL, MPCSIGN_MSG_DKG_PROPOSE, sid, b.p, b.len);
	test_report(a.code == MPCSIGN_WERR_BAD_REQUEST, "party: a proposal expiring too far ahead");
	mpcsign_buf_free(&b);

	/* SIGN_REQ checks, for a key known (record) but not in any kernel */
	memcpy(tpk, hpk[3], 33);	/* any valid point */
	memset(&sr, 0, sizeof(sr));
	memcpy(sr.thresh_pk, tpk, 33);
	sr.expiry = (uint64_t)time(NULL) + 60;
	sr.kind = MPCSIGN_SIGN_KIND_RAW;
	sr.msg = (const uint8_t *)"m";
	sr.msg_len = 1;
	sr.num_signers = 2;
	mpcsign_buf_init(&b);
	mpcsign_msg_sign_req_encode(&b, &sr, ids);
	a = ask(p, NULL, MPCSIGN_MSG_SIGN_REQ, sid, b.p, b.len);
	test_report(a.code == MPCSIGN_WERR_UNKNOWN_KEY, "party: SIGN_REQ for an unknown key");
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.thresh_pk, tpk, 33);
	rec.my_id = 1;
	rec.t = 2;
	rec.n = 3;
	rec.hostpubkeys = (const uint8_t (*)[33])hpk;
	rec.desc = "a \"quoted\" key";
	test_report(mpcsign_party_add_key(p, &rec) == 0 && mpcsign_party_add_key(p, &rec) == -EEXIST,
		    "party: add_key, twice is -EEXIST");
	rec.my_id = 3;
	test_report(mpcsign_party_add_key(p, &rec) == -EINVAL, "party: add_key with my_id >= n");
	/* our id (1) is in {0, 1}; no policy: denied */
	a = ask(p, NULL, MPCSIGN_MSG_SIGN_REQ, sid, b.p, b.len);
	test_report(a.code == MPCSIGN_WERR_POLICY, "party: no policy denies");
	/* signer sets: too few, our id missing, id out of range */
	{
		static const uint32_t sets[][3] = { { 1 }, { 0, 2 }, { 1, 3 } };
		static const uint16_t u[] = { 1, 2, 2 };

		ok = 1;
		for (i = 0; i < 3; i++) {
			sr.num_signers = u[i];
			mpcsign_buf_free(&b);
		mpcsign_buf_init(&b);
			mpcsign_msg_sign_req_encode(&b, &sr, sets[i]);
			a = ask(p, NULL, MPCSIGN_MSG_SIGN_REQ, sid, b.p, b.len);
			ok &= a.code == MPCSIGN_WERR_BAD_REQUEST;
		}
		sr.num_signers = 2;
		test_report(ok, "party: signer sets below t, without us, or out of range");
	}
	sr.expiry = (uint64_t)time(NULL) - 1;
	mpcsign_buf_free(&b);
	mpcsign_buf_init(&b);
	mpcsign_msg_sign_req_encode(&b, &sr, ids);
	a = ask(p, NULL, MPCSIGN_MSG_SIGN_REQ, sid, b.p, b.len);
	test_report(a.code == MPCSIGN_WERR_EXPIRED, "party: an expired SIGN_REQ");
	sr.expiry = (uint64_t)time(NULL) + 60;
	/* with a policy that allows: the request reaches KEY_LOOKUP */
	mpcsign_party_set_policy(p, NULL);
	{
		struct mpcsign_policy *pol;
		char err[128];

		if (!mpcsign_policy_parse(&pol, "[rule a]\naction = allow\n", err, sizeof(err)))
			mpcsign_party_set_policy(p, pol);
	}
	mpcsign_buf_free(&b);
	mpcsign_buf_init(&b);
	mpcsign_msg_sign_req_encode(&b, &sr, ids);
	a = ask(p, NULL, MPCSIGN_MSG_SIGN_REQ, sid, b.p, b.len);
	test_report(reached_ioctl(&a), "party: an allowed SIGN_REQ passes every check");
	/* a bad tweak (the group order) is refused before */
	{
		uint8_t tw[1][32];
		static const uint8_t order[32] = {
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
			0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41 };

		memcpy(tw[0], order, 32);
		sr.num_tweaks = 1;
		sr.tweaks = (const uint8_t (*)[32])tw;
		mpcsign_buf_free(&b);
		mpcsign_buf_init(&b);
		mpcsign_msg_sign_req_encode(&b, &sr, ids);
		a = ask(p, NULL, MPCSIGN_MSG_SIGN_REQ, sid, b.p, b.len);
		test_report(a.code == MPCSIGN_WERR_BAD_REQUEST, "party: a tweak >= the group order");
	}
	mpcsign_buf_free(&b);
	/* control answers */
	mpcsign_buf_init(&j);
	ok = mpcsign_party_ctl(p, "keys", &j) == 0;
	mpcsign_buf_u8(&j, 0);
	ok &= strstr((char *)j.p, "\"my_id\":1") && strstr((char *)j.p, "a \\\"quoted\\\" key");
	j.len = 0;
	ok &= mpcsign_party_ctl(p, "status", &j) == 0;
	mpcsign_buf_u8(&j, 0);
	ok &= strstr((char *)j.p, "\"sign\":0") && strstr((char *)j.p, "\"dkg\":0") &&
	      strstr((char *)j.p, "\"keys\":1");
	j.len = 0;
	ok &= mpcsign_party_ctl(p, "peers", &j) == 0 && mpcsign_party_ctl(p, "bogus", &j) == -EINVAL;
	test_report(ok, "party: control JSON (keys, status: no session was made, peers)");
	mpcsign_buf_free(&j);
	/* allowlists swapped: the coordinator goes */
	test_report(mpcsign_party_set_allowlists(p, (const uint8_t (*)[33])hpk, 3, NULL, 0) == 0 &&
		    ask(p, NULL, MPCSIGN_MSG_SIGN_REQ, sid, body, 4).code == MPCSIGN_WERR_NOT_ALLOWED,
		    "party: allowlists replaced");
	test_report(logged > 4000, "party: every decision logged (%d lines)", logged);
	mpcsign_party_free(p);
}

/* --- the coordinator --------------------------------------------------------------- */

static int fd_wait(int fd, short ev, int timeout_ms)
{
	struct pollfd pf = { .fd = fd, .events = ev };
	int r = poll(&pf, 1, timeout_ms);

	return r < 0 ? -errno : r ? 0 : -ETIMEDOUT;
}

static int fd_write(void *ctx, const uint8_t *p, size_t n, int timeout_ms)
{
	int fd = *(int *)ctx;

	while (n) {
		ssize_t k;
		int r = fd_wait(fd, POLLOUT, timeout_ms);

		if (r)
			return r;
		k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0)
			return -errno;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int fd_read(void *ctx, uint8_t *p, size_t n, int timeout_ms)
{
	int fd = *(int *)ctx;

	while (n) {
		ssize_t k;
		int r = fd_wait(fd, POLLIN, timeout_ms);

		if (r)
			return r;
		k = recv(fd, p, n, 0);
		if (k < 0)
			return -errno;
		if (!k)
			return -ECONNRESET;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static const struct mpcsign_link_ops fd_ops = { .write = fd_write, .read = fd_read };

enum fake { F_WRONG_TYPE, F_WRONG_SESSION, F_ERROR, F_SHORT_PMSG1, F_SILENT };

struct fconn {
	struct mpcsign_link l;
	int cfd, pfd;
	pthread_t th;
	enum fake how;
};

static void *fake_serve(void *arg)
{
	struct fconn *c = arg;
	struct mpcsign_link l;
	struct mpcsign_frame_hdr h;
	uint8_t *body;
	int fd = c->pfd;

	mpcsign_link_init(&l, &fd_ops, &fd, 0);
	while (!mpcsign_link_recv(&l, &h, &body, -1)) {
		uint8_t junk[64] = { 0 };

		free(body);
		switch (c->how) {
		case F_WRONG_TYPE:
			mpcsign_link_send(&l, MPCSIGN_MSG_SIGN_PSIG, h.session, junk, 32, 1000);
			break;
		case F_WRONG_SESSION:
			h.session[0] ^= 1;
			mpcsign_link_send(&l, MPCSIGN_MSG_DKG_PMSG1, h.session, junk, 10, 1000);
			break;
		case F_ERROR: {
			struct mpcsign_msg_error e = { MPCSIGN_WERR_POLICY, 0, 0, MPCSIGN_BLAME_NONE,
						       "no", 2 };
			struct mpcsign_buf b;

			mpcsign_buf_init(&b);
			mpcsign_msg_error_encode(&b, &e);
			mpcsign_link_send(&l, MPCSIGN_MSG_ERROR, h.session, b.p, b.len, 1000);
			mpcsign_buf_free(&b);
			break;
		}
		case F_SHORT_PMSG1:
			mpcsign_link_send(&l, MPCSIGN_MSG_DKG_PMSG1, h.session, junk, 10, 1000);
			break;
		case F_SILENT:
			break;
		}
	}
	return NULL;
}

struct fworld {
	enum fake how;
	int down;		/* party index that cannot be reached, or -1 */
	int connects, closes;
	int ev_blame;
};

static struct mpcsign_link *f_connect(void *arg, size_t i, const struct mpcsign_coord_party *party,
				      char *err, size_t errlen)
{
	struct fworld *w = arg;
	struct fconn *c;
	int sv[2];

	if ((int)i == w->down) {
		snprintf(err, errlen, "refused");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		abort();
	c->cfd = sv[0];
	c->pfd = sv[1];
	c->how = w->how;
	mpcsign_link_init(&c->l, &fd_ops, &c->cfd, 0);
	if (pthread_create(&c->th, NULL, fake_serve, c))
		abort();
	w->connects++;
	return &c->l;
}

static void f_close(void *arg, size_t i, struct mpcsign_link *l)
{
	struct fworld *w = arg;
	struct fconn *c = (struct fconn *)l;

	shutdown(c->cfd, SHUT_RDWR);
	pthread_join(c->th, NULL);
	close(c->cfd);
	close(c->pfd);
	free(c);
	w->closes++;
}

static void f_event(void *arg, const struct mpcsign_coord_event *ev)
{
	struct fworld *w = arg;

	if (ev->kind == MPCSIGN_COORD_EV_BLAME)
		w->ev_blame++;
}

static int fake_dkg(enum fake how, int down, struct mpcsign_coord_dkg_result *res,
		    struct fworld *w)
{
	struct mpcsign_coord_ops ops = { f_connect, f_close, f_event, w };
	struct mpcsign_coord_party parties[3];
	struct mpcsign_coord_dkg_req req;
	size_t i;

	memset(w, 0, sizeof(*w));
	w->how = how;
	w->down = down;
	for (i = 0; i < 3; i++) {
		memcpy(parties[i].hostpubkey, hpk[i], 33);
		parties[i].address = "fake";
	}
	memset(&req, 0, sizeof(req));
	req.t = 2;
	req.n = 3;
	req.parties = parties;
	req.desc = "fake";
	req.expiry = (uint64_t)time(NULL) + 60;
	req.round_timeout_ms = 300;
	return mpcsign_coord_run_dkg(res, &ops, &req);
}

static void coord_checks(void)
{
	struct mpcsign_coord_dkg_result res;
	struct mpcsign_coord_sign_result sres;
	struct fworld w;
	uint32_t ids[5];
	uint8_t usable[5] = { 1, 0, 1, 1, 0 };
	int ret, ok;

	ok = mpcsign_coord_pick_signers(ids, usable, 5, 3) == 0 && ids[0] == 0 && ids[1] == 2 &&
	     ids[2] == 3;
	ok &= mpcsign_coord_pick_signers(ids, usable, 5, 4) == -EAGAIN;
	usable[0] = 0;
	ok &= mpcsign_coord_pick_signers(ids, usable, 5, 2) == 0 && ids[0] == 2 && ids[1] == 3;
	ok &= mpcsign_coord_pick_signers(ids, usable, 5, 0) == -EINVAL;
	test_report(ok, "coord: subset choice (first t usable, ascending; -EAGAIN if too few)");

	ret = fake_dkg(F_ERROR, 1, &res, &w);
	test_report(ret == -EHOSTUNREACH && res.blame.party == 1 &&
		    !memcmp(res.blame.hostpubkey, hpk[1], 33) && w.closes == w.connects,
		    "coord: DKG with a party down: -EHOSTUNREACH naming it, links closed");
	ret = fake_dkg(F_ERROR, -1, &res, &w);
	test_report(ret == -EACCES && res.blame.party == 0 &&
		    res.blame.wire_code == MPCSIGN_WERR_POLICY && w.closes == 3,
		    "coord: DKG refused: -EACCES with the party's code");
	ret = fake_dkg(F_WRONG_TYPE, -1, &res, &w);
	test_report(ret == -EPROTO && res.blame.party == 0, "coord: wrong reply type: -EPROTO");
	ret = fake_dkg(F_WRONG_SESSION, -1, &res, &w);
	test_report(ret == -EPROTO && res.blame.party == 0, "coord: reply for another session");
	ret = fake_dkg(F_SHORT_PMSG1, -1, &res, &w);
	test_report(ret == -EPROTO && res.blame.party == 0, "coord: PMSG1 of the wrong size");
	ret = fake_dkg(F_SILENT, -1, &res, &w);
	test_report(ret == -ETIMEDOUT && res.blame.party == 0 && w.ev_blame == 1,
		    "coord: a silent party: -ETIMEDOUT naming it");
	mpcsign_coord_dkg_result_free(&res);

	/* argument checks */
	{
		struct mpcsign_coord_ops ops = { f_connect, f_close, NULL, &w };
		struct mpcsign_coord_party parties[3];
		struct mpcsign_coord_dkg_req req;
		struct mpcsign_coord_sign_req sreq;
		uint8_t junk[100] = { 0 };

		memset(parties, 0, sizeof(parties));
		memset(&req, 0, sizeof(req));
		req.t = 4;
		req.n = 3;
		req.parties = parties;
		ok = mpcsign_coord_run_dkg(&res, &ops, &req) == -EINVAL;
		req.t = 2;
		req.desc = "bad\ndesc";
		ok &= mpcsign_coord_run_dkg(&res, &ops, &req) == -EINVAL;
		req.desc = NULL;
		ok &= mpcsign_coord_run_dkg(&res, NULL, &req) == -EINVAL;
		memset(&sreq, 0, sizeof(sreq));
		sreq.recovery_data = junk;
		sreq.recovery_data_len = sizeof(junk);
		sreq.parties = parties;
		sreq.num_parties = 3;
		ok &= mpcsign_coord_run_sign(&sres, &ops, &sreq) == -EINVAL;
		mpcsign_coord_sign_result_free(&sres);
		sreq.kind = 7;
		ok &= mpcsign_coord_run_sign(&sres, &ops, &sreq) == -EINVAL;
		test_report(ok, "coord: bad requests (t > n, desc, no ops, bad recovery data, kind)");
	}
}

int main(void)
{
	if (mpcsign_coord_init())
		return 1;
	make_points();
	party_checks();
	coord_checks();
	return test_exit();
}
