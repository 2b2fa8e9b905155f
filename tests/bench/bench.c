// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench.c - core benchmarks against libsecp256k1, in the same process.
 *
 * For each operation, rounds of ITERS calls of ours and of libsecp256k1's
 * equivalent are interleaved; each round gives a per-call time; we print
 * the medians and their ratio:
 *   <op> ours_ns=<N> libsecp256k1_ns=<N> ratio=<ours/theirs>
 * Env: MPC_BENCH_ROUNDS (default 21), MPC_BENCH_SCALE (multiplies iterations).
 *
 * Equivalences: ecmult_gen = seckey parse + ecmult_gen + ct affine
 * conversion vs secp256k1_ec_pubkey_create; ecmult_var_base = ecmult(A, na,
 * NULL) + affine conversion vs secp256k1_ec_pubkey_tweak_mul; ecmult_const =
 * ecmult_const + conversion + x vs secp256k1_ecdh with a hash callback that
 * copies x; bip340_verify takes the 32-byte key like ours, so libsecp256k1's
 * side includes secp256k1_xonly_pubkey_parse (the _vs_preparsed_key line
 * leaves it out).  At the end, the lines of bench_frost.c and bench_dkg.c
 * when they are linked in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <secp256k1_ecdh.h>
#include "core/ecmult.h"
#include "core/bip340.h"
#include "test.h"

/* the other bench files (tests/bench/bench_frost.c, bench_dkg.c), if linked */
void bench_frost_run(void) __attribute__((__weak__));
void bench_dkg_run(void) __attribute__((__weak__));

#define NKEYS 64
#define MAXROUNDS 101

static int rounds = 21;
static double scale = 1.0;
static secp256k1_context *ctx;

static uint8_t sk[NKEYS][32], tw[NKEYS][32], msg[NKEYS][32], aux[32];
static secp256k1_pubkey pks[NKEYS];
static secp256k1_keypair kps[NKEYS];
static struct mpc_bip340_keypair mkps[NKEYS];
static uint8_t xpk[NKEYS][32], sigs[NKEYS][64], pk33[NKEYS][33];
static mpc_ge pges[NKEYS];
static mpc_gej pgejs[NKEYS];
static mpc_scalar scs[NKEYS];
static mpc_fe fes[NKEYS];
static volatile uint64_t sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmpd);
	return v[n / 2];
}

typedef void (*bench_fn)(int iters);

static void report(const char *name, bench_fn ours, bench_fn theirs, int iters)
{
	double o[MAXROUNDS], t[MAXROUNDS], t0;
	int r;

	iters = (int)(iters * scale);
	if (iters < 1)
		iters = 1;
	ours(iters / 4 + 1);	/* warm up */
	if (theirs)
		theirs(iters / 4 + 1);
	for (r = 0; r < rounds; r++) {
		t0 = now_ns();
		ours(iters);
		o[r] = (now_ns() - t0) / iters;
		if (theirs) {
			t0 = now_ns();
			theirs(iters);
			t[r] = (now_ns() - t0) / iters;
		}
	}
	if (theirs) {
		double mo = median(o, rounds), mt = median(t, rounds);

		printf("%s ours_ns=%.0f libsecp256k1_ns=%.0f ratio=%.3f\n", name, mo, mt, mo / mt);
	} else {
		printf("%s ours_ns=%.1f\n", name, median(o, rounds));
	}
	fflush(stdout);
}

/* --- ecmult_gen vs ec_pubkey_create ---------------------------------------- */
static void gen_ours(int iters)
{
	mpc_scalar s;
	mpc_gej r;
	mpc_ge g;
	int i;

	for (i = 0; i < iters; i++) {
		mpc_scalar_set_b32_seckey(&s, sk[i % NKEYS]);
		mpc_ecmult_gen(&r, &s);
		mpc_ge_set_gej(&g, &r);
		sink += g.x.n[0];
	}
}

static void gen_theirs(int iters)
{
	secp256k1_pubkey pk;
	int i;

	for (i = 0; i < iters; i++) {
		sink += (uint64_t)secp256k1_ec_pubkey_create(ctx, &pk, sk[i % NKEYS]);
		sink += pk.data[0];
	}
}

/* --- variable base: ecmult(na, NULL) vs ec_pubkey_tweak_mul ----------------- */
static void var_ours(int iters)
{
	mpc_gej r;
	mpc_ge g;
	int i;

	for (i = 0; i < iters; i++) {
		mpc_ecmult(&r, &pgejs[i % NKEYS], &scs[(i + 1) % NKEYS], NULL);
		mpc_ge_set_gej_var(&g, &r);
		sink += g.x.n[0];
	}
}

static void var_theirs(int iters)
{
	secp256k1_pubkey pk;
	int i;

	for (i = 0; i < iters; i++) {
		pk = pks[i % NKEYS];
		sink += (uint64_t)secp256k1_ec_pubkey_tweak_mul(ctx, &pk, tw[(i + 1) % NKEYS]);
	}
}

/* --- constant-time variable base: ecmult_const vs ecdh ------------------------ */
static int copy_x(unsigned char *out, const unsigned char *x32, const unsigned char *y32,
		  void *data)
{
	(void)y32;
	(void)data;
	memcpy(out, x32, 32);
	return 1;
}

static void const_ours(int iters)
{
	mpc_gej r;
	mpc_ge g;
	uint8_t out[32];
	int i;

	for (i = 0; i < iters; i++) {
		mpc_scalar s;

		mpc_scalar_set_b32_seckey(&s, tw[(i + 1) % NKEYS]);
		mpc_ecmult_const(&r, &pges[i % NKEYS], &s);
		mpc_ge_set_gej(&g, &r);
		mpc_ge_serialize_xonly(out, &g);
		sink += out[0];
	}
}

static void const_theirs(int iters)
{
	uint8_t out[32];
	int i;

	for (i = 0; i < iters; i++) {
		sink += (uint64_t)secp256k1_ecdh(ctx, out, &pks[i % NKEYS], tw[(i + 1) % NKEYS],
						 copy_x, NULL);
		sink += out[0];
	}
}

/* --- BIP340 ------------------------------------------------------------------ */
static void sign_ours(int iters)
{
	uint8_t sig[64];
	int i;

	for (i = 0; i < iters; i++) {
		sink += (uint64_t)mpc_bip340_sign(sig, msg[i % NKEYS], 32, &mkps[i % NKEYS], aux);
		sink += sig[0];
	}
}

static void sign_theirs(int iters)
{
	uint8_t sig[64];
	int i;

	for (i = 0; i < iters; i++) {
		sink += (uint64_t)secp256k1_schnorrsig_sign32(ctx, sig, msg[i % NKEYS],
							      &kps[i % NKEYS], aux);
		sink += sig[0];
	}
}

static void verify_ours(int iters)
{
	int i;

	for (i = 0; i < iters; i++)
		sink += (uint64_t)mpc_bip340_verify(sigs[i % NKEYS], msg[i % NKEYS], 32,
						    xpk[i % NKEYS]);
}

static secp256k1_xonly_pubkey xpks[NKEYS];

/* Same inputs as ours (the 32-byte key): parse (lift_x) + verify. */
static void verify_theirs(int iters)
{
	secp256k1_xonly_pubkey xp;
	int i;

	for (i = 0; i < iters; i++) {
		if (!secp256k1_xonly_pubkey_parse(ctx, &xp, xpk[i % NKEYS]))
			continue;
		sink += (uint64_t)secp256k1_schnorrsig_verify(ctx, sigs[i % NKEYS], msg[i % NKEYS],
							      32, &xp);
	}
}

/* libsecp256k1 with the key parsed beforehand (its API allows caching it). */
static void verify_theirs_preparsed(int iters)
{
	int i;

	for (i = 0; i < iters; i++)
		sink += (uint64_t)secp256k1_schnorrsig_verify(ctx, sigs[i % NKEYS], msg[i % NKEYS],
							      32, &xpks[i % NKEYS]);
}

/* --- ours only --------------------------------------------------------------- */
static void scinv_ours(int iters)
{
	mpc_scalar r;
	int i;

	for (i = 0; i < iters; i++) {
		mpc_scalar_inverse(&r, &scs[i % NKEYS]);
		sink += r.d[0];
	}
}

static void scinv_var_ours(int iters)
{
	mpc_scalar r;
	int i;

	for (i = 0; i < iters; i++) {
		mpc_scalar_inverse_var(&r, &scs[i % NKEYS]);
		sink += r.d[0];
	}
}

static void feinv_ours(int iters)
{
	mpc_fe r;
	int i;

	for (i = 0; i < iters; i++) {
		mpc_fe_inv(&r, &fes[i % NKEYS]);
		sink += r.n[0];
	}
}

static void feinv_var_ours(int iters)
{
	mpc_fe r;
	int i;

	for (i = 0; i < iters; i++) {
		mpc_fe_inv_var(&r, &fes[i % NKEYS]);
		sink += r.n[0];
	}
}

static void femul_ours(int iters)
{
	mpc_fe r = fes[0];
	int i;

	for (i = 0; i < iters; i++)
		mpc_fe_mul(&r, &r, &fes[i % NKEYS]);
	sink += r.n[0];
}

static void fesqr_ours(int iters)
{
	mpc_fe r = fes[0];
	int i;

	for (i = 0; i < iters; i++)
		mpc_fe_sqr(&r, &r);
	sink += r.n[0];
}

static void fesqrt_ours(int iters)
{
	mpc_fe r;
	int i;

	for (i = 0; i < iters; i++) {
		sink += (uint64_t)mpc_fe_sqrt(&r, &fes[i % NKEYS]);
		sink += r.n[0];
	}
}

int main(void)
{
	const char *e;
	int i;

	e = getenv("MPC_BENCH_ROUNDS");
	if (e && atoi(e) > 0)
		rounds = atoi(e) > MAXROUNDS ? MAXROUNDS : atoi(e);
	e = getenv("MPC_BENCH_SCALE");
	if (e && atof(e) > 0)
		scale = atof(e);
	if (mpc_ecmult_init()) {
		fprintf(stderr, "mpc_ecmult_init failed\n");
		return 1;
	}
	ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
	test_rand_seed(12345);
	test_rand_bytes(aux, 32);
	for (i = 0; i < NKEYS; i++) {
		size_t len = 33;

		do
			test_rand_bytes(sk[i], 32);
		while (!secp256k1_ec_seckey_verify(ctx, sk[i]));
		do
			test_rand_bytes(tw[i], 32);
		while (!secp256k1_ec_seckey_verify(ctx, tw[i]));
		test_rand_bytes(msg[i], 32);
		if (!secp256k1_ec_pubkey_create(ctx, &pks[i], sk[i]) ||
		    !secp256k1_keypair_create(ctx, &kps[i], sk[i]) ||
		    !secp256k1_keypair_xonly_pub(ctx, &xpks[i], NULL, &kps[i]) ||
		    !secp256k1_xonly_pubkey_serialize(ctx, xpk[i], &xpks[i]) ||
		    !secp256k1_schnorrsig_sign32(ctx, sigs[i], msg[i], &kps[i], aux) ||
		    !mpc_bip340_keypair_create(&mkps[i], sk[i])) {
			fprintf(stderr, "setup failed\n");
			return 1;
		}
		secp256k1_ec_pubkey_serialize(ctx, pk33[i], &len, &pks[i], SECP256K1_EC_COMPRESSED);
		if (!mpc_ge_parse_compressed(&pges[i], pk33[i])) {
			fprintf(stderr, "parse failed\n");
			return 1;
		}
		mpc_gej_set_ge(&pgejs[i], &pges[i]);
		mpc_scalar_set_b32(&scs[i], tw[i]);
		mpc_fe_set_b32(&fes[i], tw[i]);
	}
	/* sanity: our verify accepts libsecp256k1's signatures */
	for (i = 0; i < NKEYS; i++)
		if (!mpc_bip340_verify(sigs[i], msg[i], 32, xpk[i])) {
			fprintf(stderr, "mpc_bip340_verify rejects a valid signature\n");
			return 1;
		}

	report("ecmult_gen", gen_ours, gen_theirs, 400);
	report("ecmult_var_base", var_ours, var_theirs, 200);
	report("ecmult_const", const_ours, const_theirs, 200);
	report("bip340_sign", sign_ours, sign_theirs, 300);
	report("bip340_verify", verify_ours, verify_theirs, 200);
	report("bip340_verify_vs_preparsed_key", verify_ours, verify_theirs_preparsed, 200);
	report("scalar_inverse", scinv_ours, NULL, 4000);
	report("scalar_inverse_var", scinv_var_ours, NULL, 4000);
	report("field_inverse", feinv_ours, NULL, 4000);
	report("field_inverse_var", feinv_var_ours, NULL, 4000);
	report("field_mul", femul_ours, NULL, 200000);
	report("field_sqr", fesqr_ours, NULL, 200000);
	report("field_sqrt", fesqrt_ours, NULL, 2000);
	if (bench_frost_run)
		bench_frost_run();
	if (bench_dkg_run)
		bench_dkg_run();
	secp256k1_context_destroy(ctx);
	mpc_ecmult_exit();
	return 0;
}
