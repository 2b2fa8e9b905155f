// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ct_chilldkg.c - constant-time test of the ChillDKG participant under
 * valgrind memcheck (tests/ct/run-ct.sh).
 *
 * A real n = 3, t = 2 session: the host secret keys, step 1's randomness and
 * the aux randomness of the signatures are marked undefined
 * (VALGRIND_MAKE_MEM_UNDEFINED) before every participant call
 * (hostpubkey_gen, step1, step2, finalize, recover, recovery_ack_sign).
 * chilldkg.c declassifies, through mpc_declassify() (port.h), exactly the
 * values the protocol makes public (validity of the host secret and of the
 * randomness, the host public key, pubnonce, VSS commitments, encrypted
 * shares, signatures, the outcome of the share check); this program sets
 * mpc_declassify_hook to "make defined".  Any other branch or memory index on
 * secret data is a valgrind error, and each group must cause none.
 *
 * The participants' messages are NOT marked defined by the test: the
 * coordinator (variable time, public data) consumes them as they come out,
 * so an output that was not declassified shows up as errors there.  The
 * secret outputs (secshare) must still be undefined when they come out
 * (checked with VALGRIND_GET_VBITS): the secrets really are tracked.
 *
 * "ct_chilldkg selftest" runs hostpubkey_gen and step 1 with the hook unset
 * and reports ok only if valgrind DID see errors (the test of the test; its
 * valgrind exit code is then the error code, 42 under run-ct.sh).  Outside
 * valgrind the program says so and fails.
 */
#include <stdlib.h>
#include <valgrind/memcheck.h>
#include <secp256k1.h>
#include "test.h"
#include "core/chilldkg.h"
#include "core/ecmult.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

#define N 3
#define T 2

static secp256k1_context *sctx;

static void decl(const void *p, size_t n)
{
	VALGRIND_MAKE_MEM_DEFINED(p, n);
}

static unsigned long errors_now(void)
{
	return (unsigned long)VALGRIND_COUNT_ERRORS;
}

static void group_end(const char *name, unsigned long before, int correct)
{
	unsigned long e = errors_now() - before;

	if (e)
		printf("# %s: %lu valgrind error(s)\n", name, e);
	test_report(e == 0 && correct, "ct: %s", name);
}

/* 1 if all n bytes at p are entirely undefined (a secret output stays secret). */
static int all_undefined(const void *p, size_t n)
{
	uint8_t vb[64];
	size_t i;

	if (n > sizeof(vb) || VALGRIND_GET_VBITS(p, vb, n) != 1)
		return 0;
	for (i = 0; i < n; i++)
		if (vb[i] != 0xff)
			return 0;
	return 1;
}

static int pub33(uint8_t out[33], const uint8_t sk[32])
{
	secp256k1_pubkey p;
	size_t len = 33;

	return secp256k1_ec_pubkey_create(sctx, &p, sk) &&
	       secp256k1_ec_pubkey_serialize(sctx, out, &len, &p, SECP256K1_EC_COMPRESSED);
}

struct sess {
	uint8_t sk[N][32];		/* host secret keys (kept defined here) */
	uint8_t hpk[N * 33];
	struct mpc_dkg_params p;
	struct mpc_dkg_pstate st[N];
	struct mpc_dkg_cstate cs;
	uint8_t *pm1[N];
	size_t pm1l[N];
	uint8_t *c1;
	size_t c1l;
	uint8_t pm2[N][64];
	uint8_t *c2, *crd, *prd[N];
	size_t c2l, rdl;
	struct mpc_dkg_output po[N], co;
	uint8_t pubshares[N + 1][N * 33];
};

static void sess_free(struct sess *s)
{
	int i;

	for (i = 0; i < N; i++) {
		mpc_dkg_pstate_clear(&s->st[i]);
		free(s->pm1[i]);
		free(s->prd[i]);
	}
	mpc_dkg_cstate_clear(&s->cs);
	free(s->c1);
	free(s->c2);
	free(s->crd);
}

/* hostpubkey_gen: valid keys (vs libsecp256k1), then 0 and n (invalid) */
static int g_hostpubkey(struct sess *s)
{
	static const uint8_t order[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
		0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
	};
	struct mpc_dkg_error e;
	uint8_t sk[32], ref[33], out[33];
	int i, ret, ok = 1;

	for (i = 0; i < N; i++) {
		do
			test_rand_bytes(s->sk[i], 32);
		while (!secp256k1_ec_seckey_verify(sctx, s->sk[i]));
		memcpy(sk, s->sk[i], 32);
		SECRET(sk, 32);
		ret = mpc_dkg_hostpubkey_gen(s->hpk + 33 * i, sk, &e);
		PUBLIC(&ret, sizeof(ret));
		ok &= ret == MPC_DKG_OK && pub33(ref, s->sk[i]) &&
		      !memcmp(ref, s->hpk + 33 * i, 33);
	}
	for (i = 0; i < 2; i++) {
		if (i)
			memcpy(sk, order, 32);
		else
			memset(sk, 0, 32);
		SECRET(sk, 32);
		ret = mpc_dkg_hostpubkey_gen(out, sk, &e);
		PUBLIC(&ret, sizeof(ret));
		ok &= ret == MPC_DKG_ERR_HOST_SECKEY;
	}
	s->p.hostpubkeys = s->hpk;
	s->p.n = N;
	s->p.t = T;
	return ok;
}

static int g_step1(struct sess *s)
{
	struct mpc_dkg_error e;
	struct mpc_dkg_pstate bad = { 0 };
	uint8_t sk[32], rnd[32], *m;
	int i, ret, ok = 1;

	for (i = 0; i < N; i++) {
		s->pm1l[i] = mpc_dkg_pmsg1_len(N, T);
		s->pm1[i] = calloc(1, s->pm1l[i]);
		if (!s->pm1[i])
			return 0;
		memcpy(sk, s->sk[i], 32);
		test_rand_bytes(rnd, 32);
		SECRET(sk, 32);
		SECRET(rnd, 32);
		ret = mpc_dkg_participant_step1(&s->st[i], s->pm1[i], s->pm1l[i], sk, &s->p, rnd,
						&e);
		PUBLIC(&ret, sizeof(ret));
		ok &= ret == MPC_DKG_OK;
	}
	/* all-zero randomness: refused (its validity is public) */
	m = calloc(1, s->pm1l[0]);
	if (!m)
		return 0;
	memcpy(sk, s->sk[0], 32);
	memset(rnd, 0, 32);
	SECRET(sk, 32);
	SECRET(rnd, 32);
	ret = mpc_dkg_participant_step1(&bad, m, s->pm1l[0], sk, &s->p, rnd, &e);
	PUBLIC(&ret, sizeof(ret));
	ok &= ret == MPC_DKG_ERR_RANDOMNESS;
	mpc_dkg_pstate_clear(&bad);
	free(m);
	return ok;
}

/* coordinator step 1 on the messages exactly as they came out */
static int g_coord1(struct sess *s)
{
	struct mpc_dkg_error e;

	s->c1l = mpc_dkg_cmsg1_len(N, T);
	s->c1 = calloc(1, s->c1l);
	return s->c1 && mpc_dkg_coordinator_step1(&s->cs, s->c1, s->c1l,
						  (const uint8_t *const *)s->pm1, s->pm1l, N,
						  &s->p, &e) == MPC_DKG_OK;
}

static int g_step2(struct sess *s)
{
	struct mpc_dkg_error e;
	uint8_t sk[32], aux[32];
	int i, ret, ok = 1;

	for (i = 0; i < N; i++) {
		memcpy(sk, s->sk[i], 32);
		test_rand_bytes(aux, 32);
		SECRET(sk, 32);
		SECRET(aux, 32);
		ret = mpc_dkg_participant_step2(&s->st[i], s->pm2[i], sk, s->c1, s->c1l, aux, &e);
		PUBLIC(&ret, sizeof(ret));
		ok &= ret == MPC_DKG_OK;
	}
	return ok;
}

static int g_coord_finalize(struct sess *s)
{
	struct mpc_dkg_error e;
	const uint8_t *pm2[N];
	size_t l2[N];
	int i;

	for (i = 0; i < N; i++) {
		pm2[i] = s->pm2[i];
		l2[i] = 64;
	}
	s->c2l = mpc_dkg_cmsg2_len(N);
	s->rdl = mpc_dkg_recovery_data_len(N, T);
	s->c2 = calloc(1, s->c2l);
	s->crd = calloc(1, s->rdl);
	s->co.pubshares = s->pubshares[N];
	s->co.pubshares_len = 33 * N;
	return s->c2 && s->crd &&
	       mpc_dkg_coordinator_finalize(&s->cs, s->c2, s->c2l, &s->co, s->crd, s->rdl, pm2,
					    l2, N, &e) == MPC_DKG_OK;
}

/* finalize: outputs agree with the coordinator's; secshare*G == pubshare */
static int g_finalize(struct sess *s, int *secret_kept)
{
	struct mpc_dkg_error e;
	uint8_t share[32], ref[33];
	int i, ret, ok = 1;

	*secret_kept = 1;
	for (i = 0; i < N; i++) {
		s->po[i].pubshares = s->pubshares[i];
		s->po[i].pubshares_len = 33 * N;
		s->prd[i] = calloc(1, s->rdl);
		if (!s->prd[i])
			return 0;
		ret = mpc_dkg_participant_finalize(&s->st[i], s->c2, s->c2l, &s->po[i], s->prd[i],
						   s->rdl, &e);
		PUBLIC(&ret, sizeof(ret));
		ok &= ret == MPC_DKG_OK;
		*secret_kept &= all_undefined(s->po[i].secshare, 32);
		memcpy(share, s->po[i].secshare, 32);
		PUBLIC(share, 32);
		ok &= !memcmp(s->po[i].thresh_pk, s->co.thresh_pk, 33) &&
		      !memcmp(s->pubshares[i], s->pubshares[N], 33 * N) &&
		      !memcmp(s->prd[i], s->crd, s->rdl) &&
		      pub33(ref, share) && !memcmp(ref, s->pubshares[N] + 33 * i, 33);
	}
	return ok;
}

/* recover: same secshare and outputs as finalize; invalid host key refused */
static int g_recover(struct sess *s, int *secret_kept)
{
	struct mpc_dkg_error e;
	struct mpc_dkg_output o;
	uint8_t sk[32], ps[N * 33], a[32], b[32];
	int i, ret, ok = 1;

	*secret_kept = 1;
	o.pubshares = ps;
	o.pubshares_len = sizeof(ps);
	for (i = 0; i < N; i++) {
		memcpy(sk, s->sk[i], 32);
		SECRET(sk, 32);
		ret = mpc_dkg_participant_recover(&o, NULL, sk, s->prd[i], s->rdl, &e);
		PUBLIC(&ret, sizeof(ret));
		ok &= ret == MPC_DKG_OK;
		*secret_kept &= all_undefined(o.secshare, 32);
		memcpy(a, o.secshare, 32);
		memcpy(b, s->po[i].secshare, 32);
		PUBLIC(a, 32);
		PUBLIC(b, 32);
		ok &= !memcmp(a, b, 32) && !memcmp(o.thresh_pk, s->co.thresh_pk, 33) &&
		      !memcmp(ps, s->pubshares[N], sizeof(ps));
	}
	memset(sk, 0, 32);
	SECRET(sk, 32);
	ret = mpc_dkg_participant_recover(&o, NULL, sk, s->crd, s->rdl, &e);
	PUBLIC(&ret, sizeof(ret));
	ok &= ret == MPC_DKG_ERR_HOST_SECKEY;
	return ok;
}

/* recovery acknowledgments: all n verify */
static int g_ack(struct sess *s)
{
	struct mpc_dkg_error e;
	uint8_t sk[32], aux[32], acks[N][64];
	const uint8_t *ap[N];
	size_t al[N];
	int i, ret, ok = 1;

	for (i = 0; i < N; i++) {
		memcpy(sk, s->sk[i], 32);
		test_rand_bytes(aux, 32);
		SECRET(sk, 32);
		SECRET(aux, 32);
		ret = mpc_dkg_participant_recovery_ack_sign(acks[i], sk, s->prd[i], s->rdl, &s->p,
							    aux, &e);
		PUBLIC(&ret, sizeof(ret));
		ok &= ret == MPC_DKG_OK;
		ap[i] = acks[i];
		al[i] = 64;
	}
	/* verification (public) on the signatures as they came out */
	ok &= mpc_dkg_participant_recovery_acks_verify(s->crd, s->rdl, &s->p, ap, al, N, &e) ==
	      MPC_DKG_OK;
	return ok;
}

/* step 2 whose share check fails: participant 2 sends participant 0 a wrong share */
static int g_step2_bad_share(struct sess *good)
{
	struct sess s;
	struct mpc_dkg_error e;
	uint8_t sk[32], aux[32], *es;
	int ret, ok;

	memset(&s, 0, sizeof(s));
	memcpy(s.sk, good->sk, sizeof(s.sk));
	memcpy(s.hpk, good->hpk, sizeof(s.hpk));
	s.p = good->p;
	s.p.hostpubkeys = s.hpk;
	ok = g_step1(&s);
	es = s.pm1[N - 1] + 33 * T + 97;	/* encrypted share for participant 0 */
	es[31] ^= 1;
	ok = ok && g_coord1(&s);
	memcpy(sk, s.sk[0], 32);
	test_rand_bytes(aux, 32);
	SECRET(sk, 32);
	SECRET(aux, 32);
	ret = ok ? mpc_dkg_participant_step2(&s.st[0], s.pm2[0], sk, s.c1, s.c1l, aux, &e) : -1;
	PUBLIC(&ret, sizeof(ret));
	ok &= ret == MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR &&
	      e.reason == MPC_DKG_R_INVALID_SECSHARE;
	sess_free(&s);
	return ok;
}

static void run(void)
{
	struct sess s;
	unsigned long e0;
	int ok, kept1 = 0, kept2 = 0;

	memset(&s, 0, sizeof(s));
	e0 = errors_now();
	ok = g_hostpubkey(&s);
	group_end("mpc_dkg_hostpubkey_gen (3 keys vs libsecp256k1, keys 0 and n refused)", e0, ok);
	e0 = errors_now();
	ok = g_step1(&s);
	group_end("mpc_dkg_participant_step1 (n=3, t=2; all-zero randomness refused)", e0, ok);
	e0 = errors_now();
	ok = ok && g_coord1(&s);
	group_end("coordinator_step1 on the pmsg1s as output (all declassified)", e0, ok);
	e0 = errors_now();
	ok = ok && g_step2(&s);
	group_end("mpc_dkg_participant_step2 (share check, CertEq signature)", e0, ok);
	e0 = errors_now();
	group_end("mpc_dkg_participant_step2 with a wrong share (share check fails)", e0,
		  g_step2_bad_share(&s));
	e0 = errors_now();
	ok = ok && g_coord_finalize(&s);
	group_end("coordinator_finalize on the pmsg2s as output", e0, ok);
	e0 = errors_now();
	ok = ok && g_finalize(&s, &kept1);
	group_end("mpc_dkg_participant_finalize (outputs agree, secshare*G == pubshare)", e0, ok);
	e0 = errors_now();
	ok = ok && g_recover(&s, &kept2);
	group_end("mpc_dkg_participant_recover (same secshare; host key 0 refused)", e0, ok);
	test_report(ok && kept1 && kept2, "ct: secshare output by finalize and recover is still "
		    "secret (undefined) for valgrind");
	e0 = errors_now();
	ok = ok && g_ack(&s);
	group_end("mpc_dkg_participant_recovery_ack_sign (acks verify)", e0, ok);
	sess_free(&s);
}

/* The test of the test: without declassification valgrind must complain. */
static void selftest(void)
{
	struct sess s;
	unsigned long e0;

	memset(&s, 0, sizeof(s));
	mpc_declassify_hook = NULL;
	e0 = errors_now();
	g_hostpubkey(&s);
	g_step1(&s);
	test_report(errors_now() > e0, "ct selftest: hostpubkey_gen and step1 with nothing "
		    "declassified are flagged (%lu errors)", errors_now() - e0);
	sess_free(&s);
}

int main(int argc, char **argv)
{
	if (!RUNNING_ON_VALGRIND) {
		test_report(0, "ct: must run under valgrind (tests/ct/run-ct.sh)");
		return test_exit();
	}
	if (mpc_ecmult_init()) {
		test_report(0, "ct: mpc_ecmult_init");
		return test_exit();
	}
	sctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	mpc_declassify_hook = decl;
	if (argc > 1 && !strcmp(argv[1], "selftest"))
		selftest();
	else
		run();
	secp256k1_context_destroy(sctx);
	mpc_ecmult_exit();
	return test_exit();
}
