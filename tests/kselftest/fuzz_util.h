/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_util.h - shared by the VM fuzzers and the race stress
 * (fuzz_ioctl_test.c, fuzz_genl_test.c, race_test.c): the seed and time
 * bound from the environment, a seeded PRNG, per-command errno counters,
 * a trusted dealer (Shamir over the group order, from the PRNG so that a
 * seed repeats the same keys) and a FROST signing round checked by
 * libsecp256k1 through the library's coordinator.
 *
 *   MPC_FUZZ_SEED	seed (default: time-based); printed first as "# seed=N"
 *   MPC_FUZZ_SECS	run time in seconds (default per test)
 *   MPC_FUZZ_ITERS	stop after this many iterations (0 = time only): with
 *			the seed and the printed iteration count a run repeats
 */
#ifndef MPC_FUZZ_UTIL_H
#define MPC_FUZZ_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "libmpcsign.h"
#include "core/ecmult.h"

static uint64_t fz_seed;
static double fz_secs;
static uint64_t fz_max_iters;
static int fz_failures;

static __attribute__((unused)) uint64_t fz_env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static __attribute__((unused)) double fz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read the environment and print the seed first. */
static __attribute__((unused)) void fz_init(const char *name, double default_secs)
{
	struct timespec ts;
	const char *s = getenv("MPC_FUZZ_SECS");

	clock_gettime(CLOCK_REALTIME, &ts);
	fz_seed = fz_env_u64("MPC_FUZZ_SEED", (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec);
	fz_secs = s && *s ? strtod(s, NULL) : default_secs;
	fz_max_iters = fz_env_u64("MPC_FUZZ_ITERS", 0);
	printf("# seed=%llu\n", (unsigned long long)fz_seed);
	printf("# %s: MPC_FUZZ_SECS=%.0f MPC_FUZZ_ITERS=%llu (reproduce: MPC_FUZZ_SEED=%llu)\n",
	       name, fz_secs, (unsigned long long)fz_max_iters, (unsigned long long)fz_seed);
	fflush(stdout);
}

/* splitmix64: small, seedable, good enough to drive a fuzzer */
struct fz_rng {
	uint64_t s;
};

static __attribute__((unused)) uint64_t fz_next(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* uniform in [0, n) (n > 0) */
static __attribute__((unused)) uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return (uint32_t)(((fz_next(r) >> 32) * (uint64_t)n) >> 32);
}

static __attribute__((unused)) int fz_chance(struct fz_rng *r, uint32_t one_in)
{
	return fz_below(r, one_in) == 0;
}

static __attribute__((unused)) void fz_bytes(struct fz_rng *r, void *p, size_t n)
{
	uint8_t *b = p;

	while (n) {
		uint64_t v = fz_next(r);
		size_t k = n < 8 ? n : 8;

		memcpy(b, &v, k);
		b += k;
		n -= k;
	}
}

static __attribute__((unused)) void fz_fail(const char *fmt, ...)
{
	va_list ap;

	printf("# FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	__atomic_add_fetch(&fz_failures, 1, __ATOMIC_RELAXED);	/* threads too */
}

/* ---- errno counters: calls per command and result --------------------------- */

#define FZ_MAX_ERRNO 160
struct fz_counts {
	const char *name;
	unsigned long n[FZ_MAX_ERRNO + 1];	/* [0] successes, [e] -e, [FZ_MAX_ERRNO] other */
};

static __attribute__((unused)) void fz_count(struct fz_counts *c, int err)
{
	c->n[err >= 0 && err < FZ_MAX_ERRNO ? err : FZ_MAX_ERRNO]++;
}

static __attribute__((unused)) unsigned long fz_count_total(const struct fz_counts *c)
{
	unsigned long t = 0;
	int e;

	for (e = 0; e <= FZ_MAX_ERRNO; e++)
		t += c->n[e];
	return t;
}

static const char *fz_errname(int e)
{
	static char buf[16];

	switch (e) {
	case 0: return "ok";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case EPROTO: return "EPROTO";
	case EBADMSG: return "EBADMSG";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOTUNIQ: return "ENOTUNIQ";
	case EILSEQ: return "EILSEQ";
	case EMSGSIZE: return "EMSGSIZE";
	case EALREADY: return "EALREADY";
	case EREMOTEIO: return "EREMOTEIO";
	case EDQUOT: return "EDQUOT";
	case EKEYREJECTED: return "EKEYREJECTED";
	case ECONNREFUSED: return "ECONNREFUSED";
	default:
		snprintf(buf, sizeof(buf), "E%d", e);
		return buf;
	}
}

static __attribute__((unused)) void fz_print_counts(const char *prefix, const struct fz_counts *c, size_t nc)
{
	size_t i;
	int e;

	for (i = 0; i < nc; i++) {
		if (!fz_count_total(&c[i]))
			continue;
		printf("# %s %-20s calls=%-7lu", prefix, c[i].name, fz_count_total(&c[i]));
		for (e = 0; e <= FZ_MAX_ERRNO; e++)
			if (c[i].n[e])
				printf(" %s=%lu", e == FZ_MAX_ERRNO ? "other" : fz_errname(e), c[i].n[e]);
		printf("\n");
	}
}

/* ---- trusted dealer and signing --------------------------------------------- */

#define FZ_MAXN 4

struct fz_group {
	uint32_t n, t;
	uint8_t sec[FZ_MAXN][32];	/* dealer's shares (imports only) */
	uint8_t pub[FZ_MAXN][33];
	uint8_t thresh_pk[33];
	uint32_t handle[FZ_MAXN];	/* key handle of participant i, 0 = none */
};

static __attribute__((unused)) void fz_rand_scalar(struct fz_rng *r, mpc_scalar *s)
{
	uint8_t b[32];

	do
		fz_bytes(r, b, 32);
	while (!mpc_scalar_set_b32_seckey(s, b));
}

static __attribute__((unused)) void fz_point_of(uint8_t out[33], const mpc_scalar *s)
{
	mpc_gej pj;
	mpc_ge p;

	mpc_ecmult_gen(&pj, s);
	mpc_ge_set_gej(&p, &pj);
	mpc_ge_serialize_compressed(out, &p);
}

/* Shamir: share of participant i is f(i + 1), f of degree t - 1. */
static __attribute__((unused)) void fz_deal(struct fz_rng *r, struct fz_group *g, uint32_t t, uint32_t n)
{
	mpc_scalar a[FZ_MAXN], x, acc, xi, term;
	uint32_t i, k;

	memset(g, 0, sizeof(*g));
	g->n = n;
	g->t = t;
	for (k = 0; k < t; k++)
		fz_rand_scalar(r, &a[k]);
	fz_point_of(g->thresh_pk, &a[0]);
	for (i = 0; i < n; i++) {
		mpc_scalar_set_int(&x, i + 1);
		mpc_scalar_set_int(&xi, 1);
		mpc_scalar_set_int(&acc, 0);
		for (k = 0; k < t; k++) {
			mpc_scalar_mul(&term, &a[k], &xi);
			mpc_scalar_add(&acc, &acc, &term);
			mpc_scalar_mul(&xi, &xi, &x);
		}
		mpc_scalar_get_b32(g->sec[i], &acc);
		fz_point_of(g->pub[i], &acc);
	}
}

/* One signing session of a group: ids, pubshares, message, nonces. */
struct fz_round {
	struct mpcsign_session s;
	uint32_t u;
	uint32_t ids[FZ_MAXN];
	uint8_t pubshares[FZ_MAXN][33];
	uint8_t pubnonces[FZ_MAXN][66];
	uint32_t nonce[FZ_MAXN];
	uint8_t aggnonce[66];
	uint8_t psig[FZ_MAXN][32];
	uint8_t tweaks[2][32];
	uint8_t msg[48];
};

/* Choose u >= t signers of g (all with a key handle), a message, tweaks. */
static __attribute__((unused)) int fz_round_setup(struct fz_rng *r, const struct fz_group *g, struct fz_round *rd)
{
	uint32_t have[FZ_MAXN], nh = 0, i, u;

	memset(rd, 0, sizeof(*rd));
	for (i = 0; i < g->n; i++)
		if (g->handle[i])
			have[nh++] = i;
	if (nh < g->t)
		return -ENOENT;
	u = g->t + fz_below(r, nh - g->t + 1);
	/* a random subset of size u, in increasing id order */
	for (i = 0; i < nh && rd->u < u; i++)
		if (fz_below(r, nh - i) < u - rd->u)
			rd->ids[rd->u++] = have[i];
	for (i = 0; i < rd->u; i++)
		memcpy(rd->pubshares[i], g->pub[rd->ids[i]], 33);
	fz_bytes(r, rd->msg, sizeof(rd->msg));
	rd->s.n = g->n;
	rd->s.t = g->t;
	rd->s.thresh_pk = g->thresh_pk;
	rd->s.num_signers = rd->u;
	rd->s.ids = rd->ids;
	rd->s.pubshares = (const uint8_t (*)[33])rd->pubshares;
	rd->s.num_tweaks = fz_below(r, 3);
	for (i = 0; i < rd->s.num_tweaks; i++) {
		mpc_scalar tw;

		fz_rand_scalar(r, &tw);
		mpc_scalar_get_b32(rd->tweaks[i], &tw);
	}
	rd->s.tweaks = (const uint8_t (*)[32])rd->tweaks;
	rd->s.tweak_xonly = fz_below(r, 1u << rd->s.num_tweaks);
	rd->s.msg = rd->msg;
	rd->s.msg_len = fz_below(r, sizeof(rd->msg) + 1);
	rd->s.aggnonce = rd->aggnonce;
	return 0;
}

/* Fill a struct mpcsign_sign for signer k of the round (raw ioctl form). */
static __attribute__((unused)) void fz_round_sign_struct(const struct fz_round *rd, uint32_t k, struct mpcsign_sign *sg)
{
	memset(sg, 0, sizeof(*sg));
	sg->size = sizeof(*sg);
	sg->nonce_handle = rd->nonce[k];
	sg->num_signers = rd->u;
	sg->ids = (uintptr_t)rd->ids;
	sg->pubshares = (uintptr_t)rd->pubshares;
	sg->num_tweaks = rd->s.num_tweaks;
	sg->tweaks = (uintptr_t)rd->tweaks;
	sg->tweak_xonly = rd->s.tweak_xonly;
	sg->msg = (uintptr_t)rd->msg;
	sg->msg_len = rd->s.msg_len;
	memcpy(sg->aggnonce, rd->aggnonce, 66);
}

/*
 * Aggregate the round's partial signatures (each is checked by
 * PartialSigVerify, the result by libsecp256k1 inside the library) and
 * verify the signature once more with libsecp256k1 on the session key.
 */
static __attribute__((unused)) int fz_round_verify(const struct fz_round *rd, uint8_t sig[64])
{
	uint8_t pk[32];
	uint32_t blame;
	int ret;

	ret = mpcsign_coord_aggregate(sig, &rd->s, (const uint8_t (*)[66])rd->pubnonces,
				      (const uint8_t (*)[32])rd->psig, &blame);
	if (ret)
		return ret;
	ret = mpcsign_coord_session_pubkey(pk, &rd->s);
	if (ret)
		return ret;
	return mpcsign_bip340_verify(sig, rd->msg, rd->s.msg_len, pk);
}

#endif
