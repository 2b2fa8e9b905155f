// SPDX-License-Identifier: GPL-2.0
/*
 * pm_freeze_test.c - freezer cycles under a load of ioctls (kselftest, VM).
 *
 * An outside fuzzing run once saw the guest stop producing output for over
 * three minutes during pm_test=freezer cycles under a load of ioctls.  This
 * test repeats that situation: worker threads sign, make and delete host
 * keys, and begin and abort DKG sessions as fast as they can, while the main
 * thread runs freezer cycles (/sys/power/pm_test = freezer: the kernel calls
 * the PM notifiers, freezes every task, waits pm_test_delay seconds, thaws
 * and calls the notifiers again).  Each cycle must end within a bound
 * (MPC_PM_MAX_CYCLE_SECS, default 60 s; the debug kernel's hung-task and
 * lockup detectors panic long before a three-minute stall), succeed or be
 * refused with -EBUSY (an ioctl that makes a secret did not finish within
 * the module's 2 s wait), and after every cycle each worker must make
 * progress again (nothing is left stuck: no sleep state that refuses
 * ioctls for ever, no lock held).  Across a cycle the module wipes every
 * outstanding secret nonce: a SIGN after it gets -ENOENT, never a signature
 * with a nonce that outlived the sleep.
 *
 * MPC_PM_CYCLES (default 4) sets the number of cycles (the test may take
 * 900 s in all).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include "kselftest_harness.h"
#include "libmpcsign.h"
#include "core/ecmult.h"

static atomic_int stop;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 10) : def;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

/* what each worker saw, per outcome */
struct counts {
	atomic_long ok, busy, wiped, other;
	atomic_long last_ok_cycle;	/* cycle number of the last success */
	int last_other;			/* errno of the last unexpected result */
};

static atomic_long cycle_no;

static void count(struct counts *c, int ret)
{
	if (ret == 0) {
		atomic_fetch_add(&c->ok, 1);
		atomic_store(&c->last_ok_cycle, atomic_load(&cycle_no));
	} else if (ret == -EBUSY) {
		atomic_fetch_add(&c->busy, 1);
	} else {
		atomic_fetch_add(&c->other, 1);
		c->last_other = ret;
	}
}

/* a 1-of-1 key: the share is the key, so one signer makes a whole signature */
struct key11 {
	uint8_t sec[32], pk[33];
	uint32_t handle;
};

static void key11_make(struct key11 *k)
{
	mpc_scalar s;
	mpc_gej pj;
	mpc_ge p;

	do {
		if (getrandom(k->sec, 32, 0) != 32)
			abort();
	} while (!mpc_scalar_set_b32_seckey(&s, k->sec));
	mpc_ecmult_gen(&pj, &s);
	mpc_ge_set_gej(&p, &pj);
	mpc_ge_serialize_compressed(k->pk, &p);
}

struct signer_arg {
	struct mpcsign *h;
	struct key11 *k;
	struct counts c;
	atomic_long bad_sig;
};

static void *signer(void *p)
{
	struct signer_arg *a = p;
	const uint32_t ids[1] = { 0 };
	uint8_t msg[32] = "freezer cycles, signing";
	uint8_t pubnonce[1][66], aggnonce[66], psig[1][32], sig[64];
	struct mpcsign_nonce_opts o = { .has_msg = 1, .msg = msg, .msg_len = sizeof(msg) };
	struct mpcsign_session s = {
		.n = 1, .t = 1, .thresh_pk = a->k->pk, .num_signers = 1, .ids = ids,
		.pubshares = (const uint8_t (*)[33])a->k->pk, .msg = msg,
		.msg_len = sizeof(msg), .aggnonce = aggnonce,
	};
	uint32_t nonce;
	int ret;

	while (!atomic_load(&stop)) {
		ret = mpcsign_nonce_gen(a->h, a->k->handle, &o, pubnonce[0], &nonce);
		if (ret) {
			count(&a->c, ret);
			continue;
		}
		if (mpcsign_coord_nonce_agg(aggnonce, (const uint8_t (*)[66])pubnonce, 1, NULL))
			abort();
		ret = mpcsign_sign(a->h, nonce, &s, psig[0], NULL);
		if (ret == -ENOENT) {		/* wiped by a cycle in between */
			atomic_fetch_add(&a->c.wiped, 1);
			continue;
		}
		if (!ret && mpcsign_coord_aggregate(sig, &s, (const uint8_t (*)[66])pubnonce,
						    (const uint8_t (*)[32])psig, NULL))
			atomic_fetch_add(&a->bad_sig, 1);
		count(&a->c, ret);
	}
	return NULL;
}

struct hostkey_arg {
	struct mpcsign *h;
	struct counts c;
	atomic_long bad_sig;
};

static void *hostkeys(void *p)
{
	struct hostkey_arg *a = p;
	uint8_t pk[33], msg[32] = { 1 }, sig[64];
	uint32_t handle;
	int ret;

	while (!atomic_load(&stop)) {
		ret = mpcsign_host_key_create(a->h, &handle, pk);
		if (ret) {
			count(&a->c, ret);
			continue;
		}
		ret = mpcsign_host_key_sign(a->h, handle, msg, sig);
		if (!ret && mpcsign_transport_verify(sig, msg, pk))
			atomic_fetch_add(&a->bad_sig, 1);
		mpcsign_host_key_delete(a->h, handle);
		count(&a->c, ret);
	}
	return NULL;
}

struct dkg_arg {
	struct mpcsign *h;
	uint32_t hk[3];
	uint8_t hpk[3][33];
	struct counts c;
};

static void *dkgs(void *p)
{
	struct dkg_arg *a = p;
	uint8_t pmsg1[1024];
	size_t len;
	uint32_t session;
	int ret;

	while (!atomic_load(&stop)) {
		ret = mpcsign_dkg_step1(a->h, a->hk[0], 2, 3, (const uint8_t (*)[33])a->hpk,
					pmsg1, sizeof(pmsg1), &len, &session, NULL);
		if (!ret)
			mpcsign_dkg_abort(a->h, session);
		count(&a->c, ret);
	}
	return NULL;
}

static void report(const char *name, struct counts *c)
{
	ksft_print_msg("%-9s ok=%ld busy=%ld wiped=%ld other=%ld (last %d)\n", name,
		       atomic_load(&c->ok), atomic_load(&c->busy), atomic_load(&c->wiped),
		       atomic_load(&c->other), c->last_other);
}

/* wait until every worker succeeded once more after cycle n */
static int all_progressed(struct counts **cs, int k, long n, double limit_s)
{
	double t0 = now_s();
	int i;

	for (;;) {
		for (i = 0; i < k; i++)
			if (atomic_load(&cs[i]->last_ok_cycle) < n)
				break;
		if (i == k)
			return 1;
		if (now_s() - t0 > limit_s)
			return 0;
		usleep(10000);
	}
}

FIXTURE(pm) {
	int unused;
};
FIXTURE_SETUP(pm) {}
FIXTURE_TEARDOWN(pm) {}

/* the harness's default of 30 s is less than MPC_PM_CYCLES=30 takes */
TEST_F_TIMEOUT(pm, freezer_cycles_under_load, 900)
{
	long cycles = env_long("MPC_PM_CYCLES", 4);
	long max_cycle = env_long("MPC_PM_MAX_CYCLE_SECS", 60);
	struct mpcsign *h;
	struct key11 k;
	struct signer_arg sa;
	struct hostkey_arg ha;
	struct dkg_arg da;
	struct counts *cs[3];
	pthread_t th[3];
	double worst = 0;
	long refused = 0, i;
	int j;

	if (access("/sys/power/pm_test", W_OK))
		SKIP(return, "no /sys/power/pm_test (kernel without CONFIG_PM_DEBUG)");
	ASSERT_EQ(0, mpcsign_coord_init());
	ASSERT_EQ(0, mpcsign_open(&h, NULL));
	memset(&sa, 0, sizeof(sa));
	memset(&ha, 0, sizeof(ha));
	memset(&da, 0, sizeof(da));
	key11_make(&k);
	ASSERT_EQ(0, mpcsign_key_import(h, 0, 1, 1, k.sec, k.pk, (const uint8_t (*)[33])k.pk,
					&k.handle));
	for (j = 0; j < 3; j++)
		ASSERT_EQ(0, mpcsign_host_key_create(h, &da.hk[j], da.hpk[j]));
	sa.h = ha.h = da.h = h;
	sa.k = &k;
	cs[0] = &sa.c;
	cs[1] = &ha.c;
	cs[2] = &da.c;
	for (j = 0; j < 3; j++)
		atomic_store(&cs[j]->last_ok_cycle, -1);
	ASSERT_EQ(0, write_file("/sys/power/pm_test", "freezer"));
	/* the kernel's wait between freeze and thaw (seconds) */
	write_file("/sys/module/suspend/parameters/pm_test_delay", "1");
	atomic_store(&stop, 0);
	ASSERT_EQ(0, pthread_create(&th[0], NULL, signer, &sa));
	ASSERT_EQ(0, pthread_create(&th[1], NULL, hostkeys, &ha));
	ASSERT_EQ(0, pthread_create(&th[2], NULL, dkgs, &da));
	ASSERT_TRUE(all_progressed(cs, 3, -1, 30));

	for (i = 0; i < cycles; i++) {
		double t0 = now_s(), dt;
		int ret;

		ret = write_file("/sys/power/state", "freeze");
		dt = now_s() - t0;
		if (dt > worst)
			worst = dt;
		ksft_print_msg("cycle %ld: %s in %.2f s\n", i, ret ? strerror(-ret) : "done", dt);
		EXPECT_TRUE(ret == 0 || ret == -EBUSY);
		refused += ret == -EBUSY;
		EXPECT_GT(max_cycle, dt);
		atomic_store(&cycle_no, i);
		/* everybody gets going again: no stuck sleep state or lock */
		EXPECT_TRUE(all_progressed(cs, 3, i, 30));
	}
	atomic_store(&stop, 1);
	for (j = 0; j < 3; j++)
		pthread_join(th[j], NULL);
	write_file("/sys/power/pm_test", "none");

	report("signer", &sa.c);
	report("hostkeys", &ha.c);
	report("dkg", &da.c);
	ksft_print_msg("%ld cycles, %ld refused (EBUSY), longest %.2f s\n", cycles, refused, worst);
	/* only the documented outcomes, and every signature verified */
	EXPECT_EQ(0, atomic_load(&sa.c.other));
	EXPECT_EQ(0, atomic_load(&ha.c.other));
	EXPECT_EQ(0, atomic_load(&da.c.other));
	EXPECT_EQ(0, atomic_load(&sa.bad_sig));
	EXPECT_EQ(0, atomic_load(&ha.bad_sig));
	EXPECT_LT(0, atomic_load(&sa.c.ok));

	EXPECT_EQ(0, mpcsign_key_delete(h, k.handle));
	for (j = 0; j < 3; j++)
		EXPECT_EQ(0, mpcsign_host_key_delete(h, da.hk[j]));
	mpcsign_close(h);
}

TEST_HARNESS_MAIN
