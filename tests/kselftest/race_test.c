// SPDX-License-Identifier: GPL-2.0
/*
 * race_test.c - a seeded, time-bounded race stress of /dev/mpcsign (runs in
 * the test VM; see Documentation/testing.rst).
 *
 * Threads, each with its own descriptor, on the same keys at once:
 *  - two signers: NONCE_GEN + SIGN rounds on a shared 2-of-3 key; every round
 *    that completes is aggregated and verified by libsecp256k1;
 *  - churn: deletes key shares under the signers and imports them again;
 *  - a closer: makes nonces through a descriptor of its own, hands them to
 *    the signers and closes the descriptor while they may be signing;
 *  - a double signer pair: two threads SIGN with the same nonce at the same
 *    moment (a barrier): at most one may succeed;
 *  - nonce vs delete: NONCE_GEN on a key that another thread deletes;
 *  - DKGs among 3 host keys while another thread deletes and recreates host
 *    keys; a DKG that completes signs once (verified), then its keys go.
 * Checks: each call's errno is one the UAPI documents for a valid call in
 * that situation (ENOENT for what another thread deleted, ENOSPC at the
 * limits, ...); no nonce ever signs twice (a global set of consumed nonce
 * handles); every complete signature verifies; at the end nothing is left
 * (every handle we ever got answers ENOENT, HOST_KEY_LIST as at the start).
 * The interleaving is the scheduler's; the seed fixes each thread's choices.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "fuzz_util.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;
static double deadline;

/* the shared signing key: public data fixed, handles change under churn */
static struct fz_group key;
/* host keys for the DKGs */
static uint32_t hk_handle[3];
static uint8_t hk_pub[3][33];
/* every handle we ever got, for the final check */
static uint32_t all_keys[8192], all_hks[1024];
static int nall_keys, nall_hks;
/* consumed nonces: a sorted-free open hash set */
#define NSET 65536
static uint32_t consumed[NSET];
static unsigned long nconsumed;
/* a nonce made by the closer through a descriptor it will close */
static uint32_t floating_nonce, floating_key;

enum { C_NONCE_GEN, C_SIGN, C_KEY_DELETE, C_KEY_IMPORT, C_HK_CREATE, C_HK_DELETE,
       C_STEP1, C_STEP2, C_FINALIZE, C_CLOSE_SIGN, C_DOUBLE_SIGN, C_DOUBLE_DELETE,
       C_CLOSED_STEP2, C_N };
static struct fz_counts cnt[C_N] = {
	{ .name = "NONCE_GEN" }, { .name = "SIGN" }, { .name = "KEY_DELETE" },
	{ .name = "KEY_IMPORT" }, { .name = "HOST_KEY_CREATE" }, { .name = "HOST_KEY_DELETE" },
	{ .name = "DKG_STEP1" }, { .name = "DKG_STEP2" }, { .name = "DKG_FINALIZE" },
	{ .name = "SIGN(closed fd)" }, { .name = "SIGN(same nonce)" },
	{ .name = "KEY_DELETE(same key)" }, { .name = "DKG_STEP2(closed fd)" },
};
static unsigned long sigs_ok, rounds, dkgs_ok, double_wins;

/* the errnos a valid call may get while other threads delete things */
static void check(int c, int ret, const int *ok)
{
	int e = -ret;

	pthread_mutex_lock(&mu);
	fz_count(&cnt[c], e);
	pthread_mutex_unlock(&mu);
	if (!e)
		return;
	for (; *ok; ok++)
		if (*ok == e)
			return;
	fz_fail("%s: %s is not what a valid call may get here", cnt[c].name, fz_errname(e));
}

static const int ok_nonce[] = { ENOENT, ENOSPC, 0 };
static const int ok_sign[] = { ENOENT, 0 };
static const int ok_delete[] = { ENOENT, 0 };
static const int ok_import[] = { ENOSPC, 0 };
static const int ok_hk[] = { ENOENT, ENOSPC, 0 };
static const int ok_dkg[] = { ENOENT, ENOSPC, EALREADY, EAGAIN, 0 };

static void remember(uint32_t *arr, int *n, int cap, uint32_t h)
{
	pthread_mutex_lock(&mu);
	if (*n < cap)
		arr[(*n)++] = h;
	pthread_mutex_unlock(&mu);
}

/* a nonce that signed: it must never have signed before */
static void consume(uint32_t h)
{
	uint32_t i = (h * 2654435761u) & (NSET - 1);

	pthread_mutex_lock(&mu);
	while (consumed[i] && consumed[i] != h)
		i = (i + 1) & (NSET - 1);
	if (consumed[i] == h) {
		pthread_mutex_unlock(&mu);
		fz_fail("nonce %u signed twice", h);
		return;
	}
	if (nconsumed < NSET / 2) {
		consumed[i] = h;
		nconsumed++;
	}
	pthread_mutex_unlock(&mu);
}

static int running(void)
{
	return !stop && fz_now() < deadline;
}

static void snapshot(struct fz_group *g)
{
	pthread_mutex_lock(&mu);
	*g = key;
	pthread_mutex_unlock(&mu);
}

/* a round on g (handles as seen now); returns 1 if it completed */
static int round_on(struct mpcsign *h, struct fz_rng *r, const struct fz_group *g,
		    unsigned long *okc)
{
	struct fz_round rd;
	uint8_t sig[64];
	uint32_t i, blame;
	int ret;

	if (fz_round_setup(r, g, &rd))
		return 0;
	for (i = 0; i < rd.u; i++) {
		ret = mpcsign_nonce_gen(h, g->handle[rd.ids[i]], NULL, rd.pubnonces[i], &rd.nonce[i]);
		check(C_NONCE_GEN, ret, ok_nonce);
		if (ret)
			return 0;
	}
	if (mpcsign_coord_nonce_agg(rd.aggnonce, (const uint8_t (*)[66])rd.pubnonces, rd.u,
				    &blame)) {
		fz_fail("nonce aggregation");
		return 0;
	}
	for (i = 0; i < rd.u; i++) {
		ret = mpcsign_sign(h, rd.nonce[i], &rd.s, rd.psig[i], &blame);
		check(C_SIGN, ret, ok_sign);
		if (ret)
			return 0;
		consume(rd.nonce[i]);
	}
	ret = fz_round_verify(&rd, sig);
	if (ret) {
		fz_fail("a signature made under races does not verify: %s", fz_errname(-ret));
		return 0;
	}
	/* and the nonces are gone now */
	ret = mpcsign_sign(h, rd.nonce[0], &rd.s, rd.psig[0], &blame);
	if (ret != -ENOENT)
		fz_fail("SIGN again with a used nonce: %s", fz_errname(-ret));
	__atomic_add_fetch(okc, 1, __ATOMIC_RELAXED);
	return 1;
}

static void *signer(void *arg)
{
	struct fz_rng r = { fz_seed + (uintptr_t)arg * 1000003u };
	struct mpcsign *h;
	struct fz_group g;

	if (mpcsign_open(&h, NULL))
		return NULL;
	while (running()) {
		snapshot(&g);
		__atomic_add_fetch(&rounds, 1, __ATOMIC_RELAXED);
		round_on(h, &r, &g, &sigs_ok);
		/* sometimes the closer's nonce, which may die with its descriptor */
		if (fz_chance(&r, 3)) {
			struct fz_round rd;
			uint32_t n, blame;
			int ret;

			pthread_mutex_lock(&mu);
			n = floating_nonce;
			floating_nonce = 0;
			pthread_mutex_unlock(&mu);
			if (!n || fz_round_setup(&r, &g, &rd))
				continue;
			/* any valid-looking aggregate nonce: two generator-ish points */
			memcpy(rd.aggnonce, key.pub[0], 33);
			memcpy(rd.aggnonce + 33, key.pub[1], 33);
			ret = mpcsign_sign(h, n, &rd.s, rd.psig[0], &blame);
			/* our id may be missing from the set: EINVAL, the nonce consumed */
			{
				static const int ok[] = { ENOENT, EINVAL, 0 };

				check(C_CLOSE_SIGN, ret, ok);
			}
			if (!ret)
				consume(n);
		}
	}
	mpcsign_close(h);
	return NULL;
}

static void *churn(void *arg)
{
	struct fz_rng r = { fz_seed ^ 0x1111 };
	struct mpcsign *h;

	if (mpcsign_open(&h, NULL))
		return NULL;
	while (running()) {
		uint32_t i = fz_below(&r, key.n), old, nh;
		int ret;

		pthread_mutex_lock(&mu);
		old = key.handle[i];
		key.handle[i] = 0;	/* signers may still hold the old handle */
		pthread_mutex_unlock(&mu);
		if (old) {
			ret = mpcsign_key_delete(h, old);
			check(C_KEY_DELETE, ret, ok_delete);
			if (ret)
				fz_fail("KEY_DELETE of a share only churn deletes: %s", fz_errname(-ret));
		}
		usleep(fz_below(&r, 3000));
		ret = mpcsign_key_import(h, i, key.t, key.n, key.sec[i], key.thresh_pk,
					 (const uint8_t (*)[33])key.pub, &nh);
		check(C_KEY_IMPORT, ret, ok_import);
		if (!ret) {
			remember(all_keys, &nall_keys, 8192, nh);
			pthread_mutex_lock(&mu);
			key.handle[i] = nh;
			pthread_mutex_unlock(&mu);
		}
		usleep(fz_below(&r, 5000));
	}
	mpcsign_close(h);
	return NULL;
}

/* nonces through a descriptor that is closed right after */
static void *closer(void *arg)
{
	struct fz_rng r = { fz_seed ^ 0x2222 };

	while (running()) {
		struct mpcsign *h;
		struct fz_group g;
		uint8_t pn[66];
		uint32_t n, i;
		int ret;

		if (mpcsign_open(&h, NULL))
			break;
		snapshot(&g);
		i = fz_below(&r, g.n);
		if (g.handle[i]) {
			ret = mpcsign_nonce_gen(h, g.handle[i], NULL, pn, &n);
			check(C_NONCE_GEN, ret, ok_nonce);
			if (!ret) {
				pthread_mutex_lock(&mu);
				floating_nonce = n;
				floating_key = g.handle[i];
				pthread_mutex_unlock(&mu);
			}
		}
		usleep(fz_below(&r, 4000));
		mpcsign_close(h);	/* the nonce dies here, if nobody signed */
	}
	return NULL;
}

/* two threads, one nonce, one moment */
static pthread_barrier_t bar;
static uint32_t dbl_nonce, dbl_key;
static int dbl_ret[2], dbl_del[2], dbl_go;
static struct fz_round dbl_rd;

static void *double_signer(void *arg)
{
	int me = (int)(uintptr_t)arg;
	struct fz_rng r = { fz_seed ^ 0x3333 };
	struct mpcsign *h;

	if (mpcsign_open(&h, NULL))
		return NULL;
	for (;;) {
		int go;

		if (me == 0) {
			struct fz_group g;
			uint32_t blame;

			snapshot(&g);
			dbl_nonce = 0;
			if (running() && !fz_round_setup(&r, &g, &dbl_rd)) {
				/* a 1-signer-per-key round: nonces of all, aggregated */
				uint32_t i, ok = 1;

				for (i = 0; i < dbl_rd.u && ok; i++) {
					int ret = mpcsign_nonce_gen(h, g.handle[dbl_rd.ids[i]], NULL,
								    dbl_rd.pubnonces[i],
								    &dbl_rd.nonce[i]);

					check(C_NONCE_GEN, ret, ok_nonce);
					ok = !ret;
				}
				if (ok && !mpcsign_coord_nonce_agg(dbl_rd.aggnonce,
						(const uint8_t (*)[66])dbl_rd.pubnonces,
						dbl_rd.u, &blame))
					dbl_nonce = dbl_rd.nonce[0];
			}
			dbl_rd.s.aggnonce = dbl_rd.aggnonce;
			/* one decision for both threads */
			dbl_go = running();
			dbl_key = 0;
			/* and a key of its own that both will delete at once */
			if (dbl_go) {
				struct fz_group one;
				int ret;

				fz_deal(&r, &one, 1, 1);
				ret = mpcsign_key_import(h, 0, 1, 1, one.sec[0], one.thresh_pk,
							 (const uint8_t (*)[33])one.pub, &dbl_key);
				check(C_KEY_IMPORT, ret, ok_import);
				if (ret)
					dbl_key = 0;
				else
					remember(all_keys, &nall_keys, 8192, dbl_key);
			}

		}
		pthread_barrier_wait(&bar);
		go = dbl_go;
		if (go && dbl_nonce) {
			uint8_t psig[32];
			uint32_t blame;

			dbl_ret[me] = mpcsign_sign(h, dbl_nonce, &dbl_rd.s, psig, &blame);
		}
		if (go && dbl_key)
			dbl_del[me] = mpcsign_key_delete(h, dbl_key);
		pthread_barrier_wait(&bar);
		if (!go)
			break;
		if (me == 0 && dbl_key) {
			check(C_DOUBLE_DELETE, dbl_del[0], ok_delete);
			check(C_DOUBLE_DELETE, dbl_del[1], ok_delete);
			if (!dbl_del[0] + !dbl_del[1] != 1)
				fz_fail("two KEY_DELETEs of key %u at once: %s and %s (one success "
					"expected)", dbl_key, fz_errname(-dbl_del[0]),
					fz_errname(-dbl_del[1]));
		}
		if (me == 0 && dbl_nonce) {
			int wins = !dbl_ret[0] + !dbl_ret[1];

			check(C_DOUBLE_SIGN, dbl_ret[0], ok_sign);
			check(C_DOUBLE_SIGN, dbl_ret[1], ok_sign);
			if (wins > 1)
				fz_fail("two SIGNs with nonce %u both succeeded", dbl_nonce);
			if (wins == 1) {
				consume(dbl_nonce);
				__atomic_add_fetch(&double_wins, 1, __ATOMIC_RELAXED);
			}
			/* the other signers' nonces: sign them away */
			for (uint32_t i = 1; i < dbl_rd.u; i++) {
				uint8_t psig[32];
				uint32_t blame;
				int ret = mpcsign_sign(h, dbl_rd.nonce[i], &dbl_rd.s, psig, &blame);

				check(C_SIGN, ret, ok_sign);
				if (!ret)
					consume(dbl_rd.nonce[i]);
			}
		}
	}
	mpcsign_close(h);
	return NULL;
}

/* NONCE_GEN against KEY_DELETE of the same key (two threads) */
static volatile uint32_t nvd_key;

static void *nonce_gen_side(void *arg)
{
	struct fz_rng r = { fz_seed ^ 0x4444 };
	struct fz_group g;
	struct mpcsign *h;

	if (mpcsign_open(&h, NULL))
		return NULL;
	fz_deal(&r, &g, 1, 1);
	while (running()) {
		uint32_t kh, nh[12], blame;
		uint8_t pn[66], psig[32];
		struct fz_round rd;
		struct mpcsign_key_info ki;
		int ret, n = 0;

		ret = mpcsign_key_import(h, 0, 1, 1, g.sec[0], g.thresh_pk,
					 (const uint8_t (*)[33])g.pub, &kh);
		check(C_KEY_IMPORT, ret, ok_import);
		if (ret) {
			usleep(1000);
			continue;
		}
		g.handle[0] = kh;
		remember(all_keys, &nall_keys, 8192, kh);
		__atomic_store_n(&nvd_key, kh, __ATOMIC_RELEASE);
		while (n < 12) {
			ret = mpcsign_nonce_gen(h, kh, NULL, pn, &nh[n]);
			check(C_NONCE_GEN, ret, ok_nonce);
			if (ret == -ENOENT)
				break;
			if (!ret)
				n++;
		}
		/* wait for the delete (the other side always deletes what it saw) */
		while (mpcsign_key_info(h, kh, &ki, NULL, 0) == 0) {
			if (!running() && __atomic_load_n(&nvd_key, __ATOMIC_ACQUIRE) == kh) {
				/* the other side may be gone: delete it here */
				__atomic_store_n(&nvd_key, 0, __ATOMIC_RELEASE);
				mpcsign_key_delete(h, kh);
			}
			sched_yield();
		}
		/* the key's nonces died with it */
		if (fz_round_setup(&r, &g, &rd))
			continue;
		memcpy(rd.aggnonce, g.pub[0], 33);
		memcpy(rd.aggnonce + 33, g.pub[0], 33);
		for (int i = 0; i < n; i++) {
			ret = mpcsign_sign(h, nh[i], &rd.s, psig, &blame);
			if (ret != -ENOENT)
				fz_fail("SIGN with a nonce of a deleted key: %s", fz_errname(-ret));
		}
	}
	mpcsign_close(h);
	return NULL;
}

static void *delete_side(void *arg)
{
	struct fz_rng r = { fz_seed ^ 0x5555 };
	struct mpcsign *h;

	if (mpcsign_open(&h, NULL))
		return NULL;
	while (running() || __atomic_load_n(&nvd_key, __ATOMIC_ACQUIRE)) {
		uint32_t kh = __atomic_exchange_n(&nvd_key, 0, __ATOMIC_ACQ_REL);
		int ret;

		if (!kh) {
			sched_yield();
			continue;
		}
		usleep(fz_below(&r, 2000));
		ret = mpcsign_key_delete(h, kh);
		check(C_KEY_DELETE, ret, ok_delete);
		if (ret)
			fz_fail("KEY_DELETE of a fresh key: %s", fz_errname(-ret));
	}
	mpcsign_close(h);
	return NULL;
}

/* host keys deleted and made again under the DKGs */
static void *hk_churn(void *arg)
{
	struct fz_rng r = { fz_seed ^ 0x6666 };
	struct mpcsign *h;

	if (mpcsign_open(&h, NULL))
		return NULL;
	while (running()) {
		uint32_t i = fz_below(&r, 3), old, nh;
		uint8_t pub[33];
		int ret;

		/* now and then: a DKG under TCG takes a good part of a second */
		usleep(200000 + fz_below(&r, 1000000));
		pthread_mutex_lock(&mu);
		old = hk_handle[i];
		pthread_mutex_unlock(&mu);
		ret = mpcsign_host_key_delete(h, old);
		check(C_HK_DELETE, ret, ok_hk);
		ret = mpcsign_host_key_create(h, &nh, pub);
		check(C_HK_CREATE, ret, ok_hk);
		if (!ret) {
			remember(all_hks, &nall_hks, 1024, nh);
			pthread_mutex_lock(&mu);
			hk_handle[i] = nh;
			memcpy(hk_pub[i], pub, 33);
			pthread_mutex_unlock(&mu);
		}
	}
	mpcsign_close(h);
	return NULL;
}

static void *dkg_runner(void *arg)
{
	struct fz_rng r = { fz_seed ^ 0x7777 };
	struct mpcsign *h;

	if (mpcsign_open(&h, NULL))
		return NULL;
	while (running()) {
		uint32_t hk[3], t = 1 + fz_below(&r, 3), session[3] = { 0 }, i;
		uint8_t hpk[3][33], *pmsg1[3] = { 0 }, pmsg2[3][64], *cmsg1 = NULL, *cmsg2 = NULL;
		uint8_t *rd = NULL;
		size_t plen[3], c1len, c2len, rdlen;
		struct mpcsign_dkg_coord *co = NULL;
		struct fz_group g;
		int ret, fin = 0;

		pthread_mutex_lock(&mu);
		memcpy(hk, hk_handle, sizeof(hk));
		memcpy(hpk, hk_pub, sizeof(hpk));
		pthread_mutex_unlock(&mu);
		memset(&g, 0, sizeof(g));
		g.n = 3;
		g.t = t;
		if (mpcsign_dkg_coord_new(&co, t, 3, (const uint8_t (*)[33])hpk))
			break;
		for (i = 0; i < 3; i++) {
			size_t cap = mpcsign_dkg_pmsg1_len(3, t);

			pmsg1[i] = malloc(cap);
			ret = mpcsign_dkg_step1(h, hk[i], t, 3, (const uint8_t (*)[33])hpk, pmsg1[i],
						cap, &plen[i], &session[i], NULL);
			check(C_STEP1, ret, ok_dkg);
			if (ret)
				goto out;
		}
		if (mpcsign_dkg_coord_step1(co, (const uint8_t *const *)pmsg1, plen, &cmsg1, &c1len,
					    NULL)) {
			fz_fail("coordinator step 1");
			goto out;
		}
		if (fz_chance(&r, 5)) {	/* the sessions die with their descriptor */
			mpcsign_close(h);
			if (mpcsign_open(&h, NULL)) {
				h = NULL;
				break;
			}
			for (i = 0; i < 3; i++) {
				ret = mpcsign_dkg_step2(h, session[i], cmsg1, c1len, pmsg2[i], NULL);
				check(C_CLOSED_STEP2, ret, ok_sign);
				if (ret != -ENOENT)
					fz_fail("DKG_STEP2 after the session's descriptor was closed: %s",
						fz_errname(-ret));
				session[i] = 0;
			}
			goto out;
		}
		for (i = 0; i < 3; i++) {
			ret = mpcsign_dkg_step2(h, session[i], cmsg1, c1len, pmsg2[i], NULL);
			check(C_STEP2, ret, ok_dkg);
			if (ret)
				goto out;
		}
		if (mpcsign_dkg_coord_finalize(co, (const uint8_t (*)[64])pmsg2, &cmsg2, &c2len, &rd,
					       &rdlen, g.thresh_pk, NULL)) {
			fz_fail("coordinator finalize");
			goto out;
		}
		for (i = 0; i < 3; i++) {
			struct mpcsign_dkg_result res;
			uint8_t rdbuf[2048], pubs[3][33];

			memset(&res, 0, sizeof(res));
			res.pubshares = pubs;
			res.pubshares_cap = 3;
			res.recovery_data = rdbuf;
			res.recovery_data_cap = sizeof(rdbuf);
			ret = mpcsign_dkg_finalize(h, session[i], cmsg2, c2len, &res, NULL);
			check(C_FINALIZE, ret, ok_dkg);
			session[i] = 0;
			if (ret)
				continue;
			g.handle[i] = res.key;
			memcpy(g.pub, pubs, sizeof(pubs));
			remember(all_keys, &nall_keys, 8192, res.key);
			fin++;
		}
		if (fin == 3) {
			__atomic_add_fetch(&dkgs_ok, 1, __ATOMIC_RELAXED);
			if (!round_on(h, &r, &g, &sigs_ok))
				fz_fail("signing with a fresh DKG key failed");
		}
out:
		for (i = 0; i < 3; i++) {
			if (session[i])
				mpcsign_dkg_abort(h, session[i]);
			if (g.handle[i]) {
				ret = mpcsign_key_delete(h, g.handle[i]);
				if (ret)
					fz_fail("KEY_DELETE of a DKG key: %s", fz_errname(-ret));
			}
			free(pmsg1[i]);
		}
		free(cmsg1);
		free(cmsg2);
		free(rd);
		mpcsign_dkg_coord_free(co);
	}
	if (h)
		mpcsign_close(h);
	return NULL;
}

int main(void)
{
	pthread_t th[16];
	int nth = 0, ret;
	struct mpcsign *h;
	uint32_t base_hks;
	double t0;

	fz_init("race", 15);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mpcsign_coord_init() || mpcsign_open(&h, NULL)) {
		printf("not ok 1 race: open\n");
		return 1;
	}
	mpcsign_host_key_list(h, NULL, 0, &base_hks);
	{
		struct fz_rng r = { fz_seed };

		fz_deal(&r, &key, 2, 3);
	}
	for (uint32_t i = 0; i < 3; i++) {
		ret = mpcsign_key_import(h, i, key.t, key.n, key.sec[i], key.thresh_pk,
					 (const uint8_t (*)[33])key.pub, &key.handle[i]);
		if (ret) {
			printf("not ok 1 race: import: %s\n", fz_errname(-ret));
			return 1;
		}
		remember(all_keys, &nall_keys, 8192, key.handle[i]);
		ret = mpcsign_host_key_create(h, &hk_handle[i], hk_pub[i]);
		if (ret) {
			printf("not ok 1 race: host key: %s\n", fz_errname(-ret));
			return 1;
		}
		remember(all_hks, &nall_hks, 1024, hk_handle[i]);
	}
	pthread_barrier_init(&bar, NULL, 2);
	t0 = fz_now();
	deadline = t0 + fz_secs;
	pthread_create(&th[nth++], NULL, signer, (void *)1);
	pthread_create(&th[nth++], NULL, signer, (void *)2);
	pthread_create(&th[nth++], NULL, churn, NULL);
	pthread_create(&th[nth++], NULL, closer, NULL);
	pthread_create(&th[nth++], NULL, double_signer, (void *)0);
	pthread_create(&th[nth++], NULL, double_signer, (void *)1);
	pthread_create(&th[nth++], NULL, nonce_gen_side, NULL);
	pthread_create(&th[nth++], NULL, delete_side, NULL);
	pthread_create(&th[nth++], NULL, hk_churn, NULL);
	pthread_create(&th[nth++], NULL, dkg_runner, NULL);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);

	/* clean up, then nothing we ever made may be left */
	for (uint32_t i = 0; i < 3; i++) {
		if (key.handle[i])
			mpcsign_key_delete(h, key.handle[i]);
		mpcsign_host_key_delete(h, hk_handle[i]);
	}
	for (int i = 0; i < nall_keys; i++) {
		struct mpcsign_key_info ki;

		ret = mpcsign_key_info(h, all_keys[i], &ki, NULL, 0);
		if (ret != -ENOENT) {
			fz_fail("key %u still there at the end (%s)", all_keys[i], fz_errname(-ret));
			mpcsign_key_delete(h, all_keys[i]);
		}
	}
	for (int i = 0; i < nall_hks; i++) {
		uint8_t pub[33];
		uint32_t owner;

		ret = mpcsign_host_key_info(h, all_hks[i], pub, &owner);
		if (ret != -ENOENT) {
			fz_fail("host key %u still there at the end (%s)", all_hks[i],
				fz_errname(-ret));
			mpcsign_host_key_delete(h, all_hks[i]);
		}
	}
	{
		uint32_t n;

		if (mpcsign_host_key_list(h, NULL, 0, &n) || n != base_hks)
			fz_fail("%u host keys at the end, %u at the start", n, base_hks);
	}
	mpcsign_close(h);
	fz_print_counts("count", cnt, C_N);
	if (!dkgs_ok || !sigs_ok)
		printf("# note: %lu DKGs and %lu signatures completed (a loaded machine?)\n",
		       dkgs_ok, sigs_ok);
	printf("# race: %.1f s, %lu rounds, %lu signatures verified, %lu DKGs, %lu nonces "
	       "consumed, %lu same-nonce races won by one\n", fz_now() - t0, rounds, sigs_ok,
	       dkgs_ok, nconsumed, double_wins);
	if (fz_failures) {
		printf("not ok 1 race: %d failures (seed=%llu)\n", fz_failures,
		       (unsigned long long)fz_seed);
		return 1;
	}
	printf("ok 1 race\n");
	return 0;
}
