// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_bench.c - how much of NONCE_GEN + SIGN through /dev/mpcsign is not
 * core work.  Runs in the VM with the module loaded (make bench).
 *
 * A 2-of-3 key is dealt in this process and imported; signer 0's
 * NONCE_GEN + SIGN ioctls are timed against the same core calls
 * (mpc_frost_nonce_gen + mpc_frost_sign, same inputs, same code built for
 * userspace) in the same VM, interleaved, median of the rounds.  Under TCG
 * both sides run emulated, so the fraction, not the absolute time, is the
 * figure to read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include "libmpcsign.h"
#include "core/ecmult.h"
#include "core/frost.h"

#define ROUNDS 41

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void point_of(uint8_t out[33], const mpc_scalar *s)
{
	mpc_gej pj;
	mpc_ge p;

	mpc_ecmult_gen(&pj, s);
	mpc_ge_set_gej(&p, &pj);
	mpc_ge_serialize_compressed(out, &p);
}

int main(void)
{
	uint8_t sec[3][32], pub[3][33], tpk[33], b[32], msg[32] = { 7 };
	uint8_t pubnonce[2][66], agg[66], psig[32], secnonce[64], rnd[32];
	uint32_t handle[3], nonce[2], ids[2] = { 0, 1 }, i, r;
	uint64_t t_ioctl[ROUNDS], t_core[ROUNDS], t0;
	mpc_scalar a0, a1, x, y;
	struct mpcsign *h;
	struct mpcsign_session s;
	struct mpc_frost_signers sc;
	struct mpc_frost_session_ctx ctx;
	uint8_t signer_pub[2][33];
	int ret;

	if (mpc_ecmult_init() || mpcsign_open(&h, NULL)) {
		fprintf(stderr, "ioctl_bench: setup failed\n");
		return 1;
	}
	do {
		if (getrandom(b, 32, 0) != 32)
			return 1;
	} while (!mpc_scalar_set_b32_seckey(&a0, b));
	do {
		if (getrandom(b, 32, 0) != 32)
			return 1;
	} while (!mpc_scalar_set_b32_seckey(&a1, b));
	point_of(tpk, &a0);
	for (i = 0; i < 3; i++) {	/* f(x) = a0 + a1 x at x = i + 1 */
		mpc_scalar_set_int(&x, i + 1);
		mpc_scalar_mul(&y, &a1, &x);
		mpc_scalar_add(&y, &y, &a0);
		mpc_scalar_get_b32(sec[i], &y);
		point_of(pub[i], &y);
	}
	for (i = 0; i < 3; i++) {
		ret = mpcsign_key_import(h, i, 2, 3, sec[i], tpk, (const uint8_t (*)[33])pub,
					 &handle[i]);
		if (ret) {
			fprintf(stderr, "ioctl_bench: import: %s\n", strerror(-ret));
			return 1;
		}
	}
	memcpy(signer_pub[0], pub[0], 33);
	memcpy(signer_pub[1], pub[1], 33);
	memset(&s, 0, sizeof(s));
	s.n = 3;
	s.t = 2;
	s.thresh_pk = tpk;
	s.num_signers = 2;
	s.ids = ids;
	s.pubshares = (const uint8_t (*)[33])signer_pub;
	s.msg = msg;
	s.msg_len = sizeof(msg);
	s.aggnonce = agg;
	memset(&sc, 0, sizeof(sc));
	sc.n = 3;
	sc.t = 2;
	sc.u = 2;
	sc.ids = ids;
	sc.pubshares = (const uint8_t (*)[MPC_FROST_PUBSHARE_LEN])signer_pub;
	sc.thresh_pk = tpk;
	memset(&ctx, 0, sizeof(ctx));
	ctx.signers = &sc;
	ctx.aggnonce = agg;
	ctx.msg = msg;
	ctx.msglen = sizeof(msg);

	for (r = 0; r < ROUNDS; r++) {
		uint32_t blame;

		/* signer 1's nonce (not timed), then signer 0 through the device */
		if (mpcsign_nonce_gen(h, handle[1], NULL, pubnonce[1], &nonce[1]))
			return 1;
		t0 = now_ns();
		ret = mpcsign_nonce_gen(h, handle[0], NULL, pubnonce[0], &nonce[0]);
		t_ioctl[r] = now_ns() - t0;
		if (ret || mpcsign_coord_nonce_agg(agg, (const uint8_t (*)[66])pubnonce, 2, &blame))
			return 1;
		t0 = now_ns();
		ret = mpcsign_sign(h, nonce[0], &s, psig, &blame);
		t_ioctl[r] += now_ns() - t0;
		if (ret || mpcsign_sign(h, nonce[1], &s, psig, &blame)) {
			fprintf(stderr, "ioctl_bench: sign failed\n");
			return 1;
		}

		/* the same core work in userspace */
		if (getrandom(rnd, 32, 0) != 32)
			return 1;
		t0 = now_ns();
		ret = mpc_frost_nonce_gen(secnonce, pubnonce[0], rnd, sec[0], pub[0], NULL, 0,
					  NULL, 0, NULL, 0);
		t_core[r] = now_ns() - t0;
		if (ret || mpc_frost_nonce_agg(agg, (const uint8_t *)pubnonce, 2, NULL, NULL))
			return 1;
		t0 = now_ns();
		ret = mpc_frost_sign(psig, secnonce, sec[0], 0, &ctx, NULL, NULL);
		t_core[r] += now_ns() - t0;
		if (ret) {
			fprintf(stderr, "ioctl_bench: core sign failed (%d)\n", ret);
			return 1;
		}
	}
	for (i = 0; i < 3; i++)
		mpcsign_key_delete(h, handle[i]);
	mpcsign_close(h);
	qsort(t_ioctl, ROUNDS, sizeof(t_ioctl[0]), cmp_u64);
	qsort(t_core, ROUNDS, sizeof(t_core[0]), cmp_u64);
	/* signed: negative means the in-kernel build of the core ran faster */
	printf("ioctl_overhead ours_ns=%llu core_ns=%llu fraction=%.3f (NONCE_GEN+SIGN, 2-of-3, in the TCG VM)\n",
	       (unsigned long long)t_ioctl[ROUNDS / 2], (unsigned long long)t_core[ROUNDS / 2],
	       ((double)t_ioctl[ROUNDS / 2] - (double)t_core[ROUNDS / 2]) /
	       (double)t_ioctl[ROUNDS / 2]);
	return 0;
}
