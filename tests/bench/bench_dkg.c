// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench_dkg.c - ChillDKG cost per participant (step1, step2, finalize) and
 * for the coordinator (step1, finalize), for n = 3, 10, 30, 100 and
 * t = ceil(2n/3).  Median of a few runs, in microseconds, of the core built
 * with the kernel's flags.  Times are thread CPU times (the machine is shared;
 * time spent descheduled is not counted).
 *
 * One session is set up per n (all n participants run step 1 and step 2 so
 * that the certificate is valid); then participant 0's steps are re-run:
 * step 1 with the same randomness yields the same pmsg1, so the session's
 * cmsg1 and cmsg2 stay valid for every repetition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/ecmult.h"
#include "core/chilldkg.h"
#include "core/hash.h"
#include "test.h"
#include "bench_dkg.h"

#define MAXREPS 51

struct dkg_times {
	double p1, p2, pf, c1, cf;	/* medians, us */
};

/* Natural logarithm of x > 0 (the bench links without libm). */
static double dkg_ln(double x)
{
	double y, y2, term, sum = 0;
	int k = 0, i;

	while (x > 2) {
		x /= 2;
		k++;
	}
	while (x < 1) {
		x *= 2;
		k--;
	}
	/* ln x = 2 atanh((x-1)/(x+1)), |y| <= 1/3 */
	y = (x - 1) / (x + 1);
	y2 = y * y;
	term = y;
	for (i = 1; i < 60; i += 2) {
		sum += term / i;
		term *= y2;
	}
	return 2 * sum + k * 0.69314718055994530942;
}

static double dkg_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int dkg_cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double dkg_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), dkg_cmpd);
	return v[n / 2];
}

/* One session of n participants, then reps timed runs. 1 if all went well. */
static int dkg_bench_n(uint32_t n, uint32_t t, int reps, struct dkg_times *out)
{
	struct mpc_dkg_params p;
	struct mpc_dkg_pstate *st;
	struct mpc_dkg_cstate cs;
	struct mpc_dkg_output po, co;
	struct mpc_dkg_error e;
	uint8_t (*sk)[32], (*rnd)[32], (*pm2)[64], *hpk, **pm1, *c1, *c2, *rd, aux[32];
	const uint8_t **pm2p;
	size_t *pm1l, *pm2l, c1l = mpc_dkg_cmsg1_len(n, t), c2l = mpc_dkg_cmsg2_len(n);
	size_t rdl = mpc_dkg_recovery_data_len(n, t);
	double tp1[MAXREPS], tp2[MAXREPS], tpf[MAXREPS], tc1[MAXREPS], tcf[MAXREPS], t0;
	uint32_t i;
	int r, ok = 1;

	sk = calloc(n, 32);
	rnd = calloc(n, 32);
	pm2 = calloc(n, 64);
	hpk = calloc(n, 33);
	pm1 = calloc(n, sizeof(*pm1));
	pm1l = calloc(n, sizeof(*pm1l));
	pm2l = calloc(n, sizeof(*pm2l));
	pm2p = calloc(n, sizeof(*pm2p));
	st = calloc(n, sizeof(*st));
	c1 = calloc(1, c1l);
	c2 = calloc(1, c2l);
	rd = calloc(1, rdl);
	po.pubshares = calloc(n, 33);
	co.pubshares = calloc(n, 33);
	po.pubshares_len = co.pubshares_len = 33 * (size_t)n;
	memset(&cs, 0, sizeof(cs));
	test_rand_bytes(aux, 32);

	/* the session */
	for (i = 0; i < n; i++) {
		do
			test_rand_bytes(sk[i], 32);
		while (mpc_dkg_hostpubkey_gen(hpk + 33 * (size_t)i, sk[i], &e));
		test_rand_bytes(rnd[i], 32);
	}
	p.hostpubkeys = hpk;
	p.n = n;
	p.t = t;
	for (i = 0; i < n && ok; i++) {
		pm1l[i] = mpc_dkg_pmsg1_len(n, t);
		pm1[i] = calloc(1, pm1l[i]);
		ok &= !mpc_dkg_participant_step1(&st[i], pm1[i], pm1l[i], sk[i], &p, rnd[i], &e);
	}
	ok = ok && !mpc_dkg_coordinator_step1(&cs, c1, c1l, (const uint8_t *const *)pm1, pm1l, n,
					      &p, &e);
	for (i = 0; i < n && ok; i++) {
		ok &= !mpc_dkg_participant_step2(&st[i], pm2[i], sk[i], c1, c1l, aux, &e);
		pm2p[i] = pm2[i];
		pm2l[i] = 64;
		mpc_dkg_pstate_clear(&st[i]);
	}
	ok = ok && !mpc_dkg_coordinator_finalize(&cs, c2, c2l, &co, rd, rdl, pm2p, pm2l, n, &e);
	mpc_dkg_cstate_clear(&cs);
	if (!ok) {
		printf("# dkg bench n=%u: session setup failed (reason %u: %s)\n", n, e.reason,
		       mpc_dkg_reason_str(e.reason));
		goto out;
	}

	/* participant 0 */
	for (r = 0; r < reps && ok; r++) {
		uint8_t m2[64];

		t0 = dkg_now_us();
		ok &= !mpc_dkg_participant_step1(&st[0], pm1[0], pm1l[0], sk[0], &p, rnd[0], &e);
		tp1[r] = dkg_now_us() - t0;
		t0 = dkg_now_us();
		ok &= !mpc_dkg_participant_step2(&st[0], m2, sk[0], c1, c1l, aux, &e);
		tp2[r] = dkg_now_us() - t0;
		ok &= !memcmp(m2, pm2[0], 64);
		t0 = dkg_now_us();
		ok &= !mpc_dkg_participant_finalize(&st[0], c2, c2l, &po, rd, rdl, &e);
		tpf[r] = dkg_now_us() - t0;
		ok &= !memcmp(po.thresh_pk, co.thresh_pk, 33) &&
		      !memcmp(po.pubshares, co.pubshares, 33 * (size_t)n);
		mpc_dkg_pstate_clear(&st[0]);
	}
	/* coordinator */
	for (r = 0; r < reps && ok; r++) {
		t0 = dkg_now_us();
		ok &= !mpc_dkg_coordinator_step1(&cs, c1, c1l, (const uint8_t *const *)pm1, pm1l,
						 n, &p, &e);
		tc1[r] = dkg_now_us() - t0;
		t0 = dkg_now_us();
		ok &= !mpc_dkg_coordinator_finalize(&cs, c2, c2l, &co, rd, rdl, pm2p, pm2l, n, &e);
		tcf[r] = dkg_now_us() - t0;
		mpc_dkg_cstate_clear(&cs);
	}
	if (!ok) {
		printf("# dkg bench n=%u: timed run failed (reason %u: %s)\n", n, e.reason,
		       mpc_dkg_reason_str(e.reason));
		goto out;
	}
	out->p1 = dkg_median(tp1, reps);
	out->p2 = dkg_median(tp2, reps);
	out->pf = dkg_median(tpf, reps);
	out->c1 = dkg_median(tc1, reps);
	out->cf = dkg_median(tcf, reps);
out:
	for (i = 0; i < n; i++) {
		mpc_dkg_pstate_clear(&st[i]);
		free(pm1[i]);
	}
	mpc_dkg_cstate_clear(&cs);
	memset(sk, 0, 32 * (size_t)n);
	free(sk);
	free(rnd);
	free(pm2);
	free(hpk);
	free(pm1);
	free(pm1l);
	free(pm2l);
	free(pm2p);
	free(st);
	free(c1);
	free(c2);
	free(rd);
	free(po.pubshares);
	free(co.pubshares);
	return ok;
}

/*
 * Where the time goes at n, t: the operations the protocol does a known
 * number of times, each timed here in this run, times its count, as a share
 * of the measured step times.  Per participant: 2(n-1) constant-time ECDH
 * multiplications (encrypting to and decrypting from every other party),
 * SHA-256 over about 2(n-1) * 33n bytes (every ECDH pad hashes the host key
 * list) plus n * 98n bytes (the n CertEq challenges over the transcript),
 * and about 3n + t point decompressions (cmsg1's n + t - 1 commitments and
 * n public nonces, the n host keys); the coordinator's step1 decompresses
 * the n*t commitment points.  The SHA-256 byte count is a lower bound (the
 * smaller hashes are left out), the rest of the time is the other work:
 * share evaluation (VSS), batch Schnorr verification, scalar arithmetic.
 */
static void dkg_dominant(uint32_t n, uint32_t t, const struct dkg_times *x)
{
	static uint8_t buf[4096];
	uint8_t out[32], pt[33];
	mpc_scalar k;
	mpc_gej r;
	mpc_ge g;
	double t0, ecdh_us, sha_us_per_kb, sqrt_us, part, coord;
	int i, reps = 200;

	mpc_scalar_set_int(&k, 0x12345);
	mpc_scalar_mul(&k, &k, &mpc_scalar_lambda);
	g = mpc_ge_generator;
	t0 = dkg_now_us();
	for (i = 0; i < reps; i++)
		mpc_ecmult_const(&r, &g, &k);
	ecdh_us = (dkg_now_us() - t0) / reps;
	t0 = dkg_now_us();
	for (i = 0; i < reps; i++) {
		buf[0] = (uint8_t)i;
		mpc_sha256(out, buf, sizeof(buf));
	}
	sha_us_per_kb = (dkg_now_us() - t0) / reps / 4.0;
	mpc_ge_serialize_compressed(pt, &g);
	t0 = dkg_now_us();
	for (i = 0; i < reps; i++)
		mpc_ge_parse_compressed(&g, pt);
	sqrt_us = (dkg_now_us() - t0) / reps;
	part = x->p1 + x->p2 + x->pf;
	coord = x->c1;
	printf("dkg_dominant n=%u t=%u participant: ecmult_const(2(n-1) ECDH)=%.0f%% "
	       "sha256(>=%.0f KiB)=%.0f%% point_decompression(3n+t)=%.0f%%; coordinator_step1: "
	       "point_decompression(n*t)=%.0f%% (unit costs measured in this run: "
	       "ecdh_us=%.1f sha256_us_per_kib=%.2f decompress_us=%.2f)\n", n, t,
	       100.0 * 2 * (n - 1) * ecdh_us / part,
	       (2.0 * (n - 1) * 33 * n + 98.0 * n * n) / 1024,
	       100.0 * ((2.0 * (n - 1) * 33 * n + 98.0 * n * n) / 1024) * sha_us_per_kb / part,
	       100.0 * (3.0 * n + t) * sqrt_us / part,
	       100.0 * (double)n * t * sqrt_us / coord, ecdh_us, sha_us_per_kb, sqrt_us);
}

void bench_dkg_run(void)
{
	static const uint32_t ns[] = { 3, 10, 30, 100 };
	struct dkg_times tm[4];
	const char *env = getenv("MPC_BENCH_DKG_REPS");
	const char *envn = getenv("MPC_BENCH_DKG_MAXN");
	const char *envo = getenv("MPC_BENCH_DKG_ONLY");
	int reps = env ? atoi(env) : 11, have[4] = { 0 }, k;
	uint32_t maxn = envn ? (uint32_t)atoi(envn) : 100;
	uint32_t only = envo ? (uint32_t)atoi(envo) : 0;

	if (reps < 1)
		reps = 1;
	if (reps > MAXREPS)
		reps = MAXREPS;
	if (mpc_ecmult_init()) {
		printf("# dkg bench: ecmult init failed\n");
		return;
	}
	for (k = 0; k < 4; k++) {
		uint32_t n = ns[k], t = n == 3 ? 2 : (2 * n + 2) / 3;
		int rk = n >= 100 ? (reps / 3 > 0 ? reps / 3 : 1) : reps;
		struct dkg_times *x = &tm[k];

		if (n > maxn || (only && n != only))
			continue;
		if (!dkg_bench_n(n, t, rk, x))
			continue;
		have[k] = 1;
		printf("dkg_participant n=%u t=%u step1_us=%.0f step2_us=%.0f finalize_us=%.0f "
		       "total_us=%.0f\n", n, t, x->p1, x->p2, x->pf, x->p1 + x->p2 + x->pf);
		printf("dkg_coordinator n=%u t=%u step1_us=%.0f finalize_us=%.0f total_us=%.0f\n",
		       n, t, x->c1, x->cf, x->c1 + x->cf);
		fflush(stdout);
	}
	if (have[2] && have[3]) {
		double lr = dkg_ln(100.0 / 30.0);
		double ep = dkg_ln((tm[3].p1 + tm[3].p2 + tm[3].pf) / (tm[2].p1 + tm[2].p2 + tm[2].pf)) / lr;
		double ec = dkg_ln((tm[3].c1 + tm[3].cf) / (tm[2].c1 + tm[2].cf)) / lr;

		printf("dkg_scaling n=30..100 participant_exponent=%.2f coordinator_exponent=%.2f "
		       "step1=%.2f step2=%.2f finalize=%.2f\n", ep, ec,
		       dkg_ln(tm[3].p1 / tm[2].p1) / lr, dkg_ln(tm[3].p2 / tm[2].p2) / lr,
		       dkg_ln(tm[3].pf / tm[2].pf) / lr);
	}
	if (have[3])
		dkg_dominant(100, 67, &tm[3]);
	fflush(stdout);
}
