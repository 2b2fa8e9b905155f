// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench_frost.c - FROST (BIP-445) signer and coordinator costs, ours against
 * the same work done with libsecp256k1's public API, interleaved in the same
 * process; median of MPC_BENCH_ROUNDS rounds of per-call times.
 *
 * Setup: a trusted dealer (libsecp256k1 seckey arithmetic) makes a t-of-n
 * key; signers ids 0, 2, 4, ... (u = t: {0,2} of 3, {0,2,4} of 5; with
 * consecutive ids 0..t-1 the interpolating values would be small integers,
 * which makes variable-base multiplications by them unrepresentatively
 * cheap), 32-byte message, no tweaks, fixed aggregate nonce.  "We" are the
 * signer with id 0.
 *
 * frost_signer / frost_signer_3of5: one signer's NonceGen + Sign.
 *   ours: mpc_frost_nonce_gen (secshare, pubshare, thresh_pk x and the
 *   message as optional inputs) + mpc_frost_sign_ex with
 *   MPC_FROST_SIGN_TRUSTED_SIGNERS (what the key store runs: it vouches for
 *   its stored, validated pubshares), which still does every check of Sign
 *   and the self-verification of the psig.
 *   libsecp256k1 (a minimal honest signer, no self-verification, which the
 *   BIP calls optional): NonceGen = 1 tagged hash (aux) + 2 tagged hashes
 *   of the nonce input + 2 x ec_pubkey_create + 2 x serialize; Sign = 2 x
 *   ec_pubkey_parse (aggnonce), the noncecoef tagged hash, b*R2 + R1
 *   (ec_pubkey_tweak_mul + ec_pubkey_combine), serialize R, the challenge
 *   tagged hash, negations (seckey_negate, as R and Q's parities say),
 *   e*lambda, c*d, b*k2 (3 x seckey_tweak_mul) and 2 x seckey_tweak_add.
 *   Not counted on their side: lambda (libsecp256k1 has no public scalar
 *   inverse; precomputed there, ours computes it, ~1 us), thresh_pk
 *   parsing (no tweaks: parity and x are in the encoding; ours does not
 *   parse it either in this case), signers-context validation.
 * frost_signer_spec / _3of5: ours = plain mpc_frost_sign (full
 *   ValidateSignersCtx: every pubshare decoded, interpolation to thresh_pk),
 *   theirs as above.
 * frost_signer_vs_selfverifying: ours as frost_signer; theirs also
 *   verifies its psig the way its API allows: ec_pubkey_create(k1 + b*k2),
 *   ec_pubkey_parse(pubshare) + tweak_mul by c, combine, ec_pubkey_create(s),
 *   ec_pubkey_cmp.
 * frost_coordinator_verify: one PartialSigVerify with precomputed session
 *   values (mpc_frost_psig_verify_session: decode pubnonce and pubshare,
 *   lambda, Re = R1 + b*R2, s*G == Re + c*P) vs libsecp256k1: 3 x
 *   ec_pubkey_parse, tweak_mul(R2, b) + combine, pubkey_negate if R is odd,
 *   seckey_tweak_mul(e, lambda) (lambda precomputed), tweak_mul(P, c),
 *   combine, ec_pubkey_create(s), ec_pubkey_cmp.
 * Ours-only lines: frost_nonce_gen, frost_sign_trusted, frost_sign_spec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <secp256k1.h>
#include "core/frost.h"
#include "core/ecmult.h"
#include "test.h"
#include "bench_frost.h"

#define BF_MAXN 8
#define BF_MAXROUNDS 101

static secp256k1_context *bf_ctx;
static int bf_rounds = 21;
static double bf_scale = 1.0;
static volatile uint64_t bf_sink;
static unsigned long bf_failures;

struct bf_key {
	uint32_t t, n, u;
	uint8_t secshare[BF_MAXN][32];
	uint8_t pubshare[BF_MAXN][33];	/* by id */
	uint8_t plist[BF_MAXN][33];	/* the signers' pubshares, in list order */
	uint8_t thresh_pk[33];
	uint32_t ids[BF_MAXN];
	struct mpc_frost_signers sc;
	struct mpc_frost_session_ctx sctx;
	struct mpc_frost_session_values sv;
	uint8_t pubnonces[BF_MAXN * 66];
	uint8_t aggnonce[66];
	uint8_t msg[32];
	uint8_t lambda[32];	/* signer 0's interpolating value */
	uint8_t psig[32];	/* signer 0's valid psig for the session */
	uint8_t ser_ids[4 * BF_MAXN];
	uint8_t rnd[32];
	unsigned int flags;
};

static struct bf_key bk;

static double bf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int bf_cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double bf_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bf_cmpd);
	return v[n / 2];
}

typedef void (*bf_fn)(int iters);

static void bf_report(const char *name, bf_fn ours, bf_fn theirs, int iters)
{
	double o[BF_MAXROUNDS], t[BF_MAXROUNDS], t0;
	int r;

	iters = (int)(iters * bf_scale);
	if (iters < 1)
		iters = 1;
	ours(iters / 4 + 1);
	if (theirs)
		theirs(iters / 4 + 1);
	for (r = 0; r < bf_rounds; r++) {
		t0 = bf_now_ns();
		ours(iters);
		o[r] = (bf_now_ns() - t0) / iters;
		if (theirs) {
			t0 = bf_now_ns();
			theirs(iters);
			t[r] = (bf_now_ns() - t0) / iters;
		}
	}
	if (theirs) {
		double mo = bf_median(o, bf_rounds), mt = bf_median(t, bf_rounds);

		printf("%s ours_ns=%.0f libsecp256k1_ns=%.0f ratio=%.3f\n", name, mo, mt, mo / mt);
	} else {
		printf("%s ours_ns=%.0f\n", name, bf_median(o, bf_rounds));
	}
	fflush(stdout);
}

/* --- setup ----------------------------------------------------------------- */

static int bf_pubkey33(uint8_t out[33], const uint8_t sk[32])
{
	secp256k1_pubkey p;
	size_t len = 33;

	return secp256k1_ec_pubkey_create(bf_ctx, &p, sk) &&
	       secp256k1_ec_pubkey_serialize(bf_ctx, out, &len, &p, SECP256K1_EC_COMPRESSED);
}

static void bf_next_rand(void)
{
	int i;

	for (i = 31; i >= 0 && ++bk.rnd[i] == 0; i--)
		;
}

static int bf_setup(uint32_t t, uint32_t n)
{
	uint8_t coef[BF_MAXN][32], xb[32], sn[BF_MAXN][64], tpk[32];
	mpc_scalar lam;
	uint32_t id, j;
	int i;

	memset(&bk, 0, sizeof(bk));
	bk.t = t;
	bk.n = n;
	bk.u = t;
	for (i = 0; i < (int)t; i++)
		do
			test_rand_bytes(coef[i], 32);
		while (!secp256k1_ec_seckey_verify(bf_ctx, coef[i]));
	if (!bf_pubkey33(bk.thresh_pk, coef[0]))
		return 0;
	for (id = 0; id < n; id++) {
		uint8_t *r = bk.secshare[id];

		memset(xb, 0, 32);
		xb[31] = (uint8_t)(id + 1);
		memcpy(r, coef[t - 1], 32);
		for (i = (int)t - 2; i >= 0; i--)
			if (!secp256k1_ec_seckey_tweak_mul(bf_ctx, r, xb) ||
			    !secp256k1_ec_seckey_tweak_add(bf_ctx, r, coef[i]))
				return 0;
		if (!bf_pubkey33(bk.pubshare[id], r))
			return 0;
	}
	for (j = 0; j < bk.u; j++) {
		bk.ids[j] = 2 * j;
		bk.ser_ids[4 * j + 3] = (uint8_t)(2 * j);	/* sorted, big endian */
		memcpy(bk.plist[j], bk.pubshare[2 * j], 33);
	}
	test_rand_bytes(bk.msg, 32);
	test_rand_bytes(bk.rnd, 32);
	memcpy(tpk, bk.thresh_pk + 1, 32);
	for (j = 0; j < bk.u; j++) {
		bf_next_rand();
		if (mpc_frost_nonce_gen(sn[j], bk.pubnonces + 66 * j, bk.rnd, bk.secshare[2 * j],
					bk.plist[j], tpk, 1, bk.msg, 32, NULL, 0))
			return 0;
	}
	if (mpc_frost_nonce_agg(bk.aggnonce, bk.pubnonces, bk.u, NULL, NULL))
		return 0;
	bk.sc.n = n;
	bk.sc.t = t;
	bk.sc.u = bk.u;
	bk.sc.ids = bk.ids;
	bk.sc.pubshares = (const uint8_t (*)[33])bk.plist;
	bk.sc.thresh_pk = bk.thresh_pk;
	bk.sctx.signers = &bk.sc;
	bk.sctx.aggnonce = bk.aggnonce;
	bk.sctx.tweaks = NULL;
	bk.sctx.msg = bk.msg;
	bk.sctx.msglen = 32;
	if (mpc_frost_session_values(&bk.sv, &bk.sctx, NULL, NULL))
		return 0;
	if (mpc_frost_lagrange(&lam, bk.ids, bk.u, 0))
		return 0;
	mpc_scalar_get_b32(bk.lambda, &lam);
	/* every signer signs (trusted and plain alternately); all must verify */
	for (j = 0; j < bk.u; j++) {
		uint8_t psig[32];

		if (mpc_frost_sign_ex(psig, sn[j], bk.secshare[2 * j], 2 * j, &bk.sctx, NULL,
				      j & 1 ? 0 : MPC_FROST_SIGN_TRUSTED_SIGNERS, NULL) ||
		    mpc_frost_psig_verify_session(&bk.sv, psig, 2 * j, bk.pubnonces + 66 * j,
						  bk.plist[j]))
			return 0;
		if (j == 0)
			memcpy(bk.psig, psig, 32);
	}
	return 1;
}

/* --- signer: ours ------------------------------------------------------------ */

static void bf_nonce_gen_ours(uint8_t sn[64], uint8_t pn[66])
{
	bf_next_rand();
	if (mpc_frost_nonce_gen(sn, pn, bk.rnd, bk.secshare[0], bk.pubshare[0],
				bk.thresh_pk + 1, 1, bk.msg, 32, NULL, 0))
		bf_failures++;
}

static void bf_signer_ours(int iters)
{
	uint8_t sn[64], pn[66], psig[32];
	int i;

	for (i = 0; i < iters; i++) {
		bf_nonce_gen_ours(sn, pn);
		if (mpc_frost_sign_ex(psig, sn, bk.secshare[0], 0, &bk.sctx, NULL, bk.flags, NULL))
			bf_failures++;
		bf_sink += psig[0];
	}
}

static void bf_signer_trusted(int iters)
{
	bk.flags = MPC_FROST_SIGN_TRUSTED_SIGNERS;
	bf_signer_ours(iters);
}

static void bf_signer_spec(int iters)
{
	bk.flags = 0;
	bf_signer_ours(iters);
}

static void bf_nonce_gen_only(int iters)
{
	uint8_t sn[64], pn[66];
	int i;

	for (i = 0; i < iters; i++) {
		bf_nonce_gen_ours(sn, pn);
		bf_sink += pn[1];
	}
}

/* Sign only: a fresh secnonce per call costs a memcpy (the nonce is valid
 * for the self-verification, which only involves our own nonce). */
static uint8_t bf_sn_saved[64];

static void bf_sign_only(int iters)
{
	uint8_t sn[64], psig[32];
	int i;

	for (i = 0; i < iters; i++) {
		memcpy(sn, bf_sn_saved, 64);
		if (mpc_frost_sign_ex(psig, sn, bk.secshare[0], 0, &bk.sctx, NULL, bk.flags, NULL))
			bf_failures++;
		bf_sink += psig[0];
	}
}

static void bf_sign_only_trusted(int iters)
{
	bk.flags = MPC_FROST_SIGN_TRUSTED_SIGNERS;
	bf_sign_only(iters);
}

static void bf_sign_only_spec(int iters)
{
	bk.flags = 0;
	bf_sign_only(iters);
}

/* --- signer: libsecp256k1 ------------------------------------------------------ */

static int bf_selfverify;

static void bf_signer_theirs(int iters)
{
	static const char tag_aux[] = "BIP0445/aux", tag_nonce[] = "BIP0445/nonce",
			  tag_coef[] = "BIP0445/noncecoef", tag_chal[] = "BIP0340/challenge";
	uint8_t buf[32 + 1 + 33 + 1 + 32 + 1 + 8 + 32 + 4 + 1];
	uint8_t cbuf[4 * BF_MAXN + 66 + 32 + 32], k1[32], k2[32], pn[66], b[32], e[32];
	uint8_t c[32], d[32], s[32], rser[33];
	secp256k1_pubkey r1, r2, r, pk, pks[2];
	const secp256k1_pubkey *pp[2];
	size_t len, off, clen;
	int i, j, ok;

	for (i = 0; i < iters; i++) {
		ok = 1;
		/* NonceGen */
		bf_next_rand();
		ok &= secp256k1_tagged_sha256(bf_ctx, buf, (const uint8_t *)tag_aux,
					      sizeof(tag_aux) - 1, bk.rnd, 32);
		for (j = 0; j < 32; j++)
			buf[j] ^= bk.secshare[0][j];
		off = 32;
		buf[off++] = 33;
		memcpy(buf + off, bk.pubshare[0], 33);
		off += 33;
		buf[off++] = 32;
		memcpy(buf + off, bk.thresh_pk + 1, 32);
		off += 32;
		buf[off++] = 1;
		memset(buf + off, 0, 8);
		buf[off + 7] = 32;
		off += 8;
		memcpy(buf + off, bk.msg, 32);
		off += 32;
		memset(buf + off, 0, 4);
		off += 4;
		buf[off] = 0;
		ok &= secp256k1_tagged_sha256(bf_ctx, k1, (const uint8_t *)tag_nonce,
					      sizeof(tag_nonce) - 1, buf, off + 1);
		buf[off] = 1;
		ok &= secp256k1_tagged_sha256(bf_ctx, k2, (const uint8_t *)tag_nonce,
					      sizeof(tag_nonce) - 1, buf, off + 1);
		ok &= secp256k1_ec_pubkey_create(bf_ctx, &pks[0], k1);
		ok &= secp256k1_ec_pubkey_create(bf_ctx, &pks[1], k2);
		len = 33;
		ok &= secp256k1_ec_pubkey_serialize(bf_ctx, pn, &len, &pks[0], SECP256K1_EC_COMPRESSED);
		len = 33;
		ok &= secp256k1_ec_pubkey_serialize(bf_ctx, pn + 33, &len, &pks[1],
						    SECP256K1_EC_COMPRESSED);
		bf_sink += pn[5];

		/* Sign: session values */
		ok &= secp256k1_ec_pubkey_parse(bf_ctx, &r1, bk.aggnonce, 33);
		ok &= secp256k1_ec_pubkey_parse(bf_ctx, &r2, bk.aggnonce + 33, 33);
		clen = 4 * bk.u;
		memcpy(cbuf, bk.ser_ids, clen);
		memcpy(cbuf + clen, bk.aggnonce, 66);
		clen += 66;
		memcpy(cbuf + clen, bk.thresh_pk + 1, 32);
		clen += 32;
		memcpy(cbuf + clen, bk.msg, 32);
		clen += 32;
		ok &= secp256k1_tagged_sha256(bf_ctx, b, (const uint8_t *)tag_coef,
					      sizeof(tag_coef) - 1, cbuf, clen);
		ok &= secp256k1_ec_pubkey_tweak_mul(bf_ctx, &r2, b);
		pp[0] = &r1;
		pp[1] = &r2;
		ok &= secp256k1_ec_pubkey_combine(bf_ctx, &r, pp, 2);
		len = 33;
		ok &= secp256k1_ec_pubkey_serialize(bf_ctx, rser, &len, &r, SECP256K1_EC_COMPRESSED);
		memcpy(cbuf, rser + 1, 32);
		memcpy(cbuf + 32, bk.thresh_pk + 1, 32);
		memcpy(cbuf + 64, bk.msg, 32);
		ok &= secp256k1_tagged_sha256(bf_ctx, e, (const uint8_t *)tag_chal,
					      sizeof(tag_chal) - 1, cbuf, 96);
		/* the partial signature */
		if (rser[0] == 3) {
			ok &= secp256k1_ec_seckey_negate(bf_ctx, k1);
			ok &= secp256k1_ec_seckey_negate(bf_ctx, k2);
		}
		memcpy(d, bk.secshare[0], 32);
		if (bk.thresh_pk[0] == 3)
			ok &= secp256k1_ec_seckey_negate(bf_ctx, d);
		memcpy(c, e, 32);
		ok &= secp256k1_ec_seckey_tweak_mul(bf_ctx, c, bk.lambda);
		ok &= secp256k1_ec_seckey_tweak_mul(bf_ctx, d, c);
		ok &= secp256k1_ec_seckey_tweak_mul(bf_ctx, k2, b);
		memcpy(s, k1, 32);
		ok &= secp256k1_ec_seckey_tweak_add(bf_ctx, s, k2);	/* k1 + b*k2 */
		if (bf_selfverify) {
			secp256k1_pubkey kp, sg, sum;
			const secp256k1_pubkey *qq[2];

			ok &= secp256k1_ec_pubkey_create(bf_ctx, &kp, s);
			ok &= secp256k1_ec_pubkey_parse(bf_ctx, &pk, bk.pubshare[0], 33);
			if (bk.thresh_pk[0] == 3)
				ok &= secp256k1_ec_seckey_negate(bf_ctx, c);
			ok &= secp256k1_ec_pubkey_tweak_mul(bf_ctx, &pk, c);
			qq[0] = &kp;
			qq[1] = &pk;
			ok &= secp256k1_ec_pubkey_combine(bf_ctx, &sum, qq, 2);
			ok &= secp256k1_ec_seckey_tweak_add(bf_ctx, s, d);
			ok &= secp256k1_ec_pubkey_create(bf_ctx, &sg, s);
			ok &= secp256k1_ec_pubkey_cmp(bf_ctx, &sg, &sum) == 0;
		} else {
			ok &= secp256k1_ec_seckey_tweak_add(bf_ctx, s, d);
		}
		if (!ok)
			bf_failures++;
		bf_sink += s[0];
	}
}

static void bf_signer_theirs_plain(int iters)
{
	bf_selfverify = 0;
	bf_signer_theirs(iters);
}

static void bf_signer_theirs_verifying(int iters)
{
	bf_selfverify = 1;
	bf_signer_theirs(iters);
}

/* --- coordinator: one PartialSigVerify ---------------------------------------- */

static void bf_verify_ours(int iters)
{
	int i;

	for (i = 0; i < iters; i++)
		if (mpc_frost_psig_verify_session(&bk.sv, bk.psig, 0, bk.pubnonces, bk.pubshare[0]))
			bf_failures++;
}

static void bf_verify_theirs(int iters)
{
	secp256k1_pubkey r1, r2, re, p, rhs, sg;
	const secp256k1_pubkey *pp[2];
	uint8_t b[32], e[32], c[32];
	int i, ok;

	mpc_scalar_get_b32(b, &bk.sv.b);
	mpc_scalar_get_b32(e, &bk.sv.e);
	for (i = 0; i < iters; i++) {
		ok = secp256k1_ec_pubkey_parse(bf_ctx, &r1, bk.pubnonces, 33);
		ok &= secp256k1_ec_pubkey_parse(bf_ctx, &r2, bk.pubnonces + 33, 33);
		ok &= secp256k1_ec_pubkey_parse(bf_ctx, &p, bk.pubshare[0], 33);
		ok &= secp256k1_ec_pubkey_tweak_mul(bf_ctx, &r2, b);
		pp[0] = &r1;
		pp[1] = &r2;
		ok &= secp256k1_ec_pubkey_combine(bf_ctx, &re, pp, 2);
		if (!mpc_ge_has_even_y(&bk.sv.r))
			ok &= secp256k1_ec_pubkey_negate(bf_ctx, &re);
		memcpy(c, e, 32);
		ok &= secp256k1_ec_seckey_tweak_mul(bf_ctx, c, bk.lambda);
		if (bk.sv.q_odd ^ bk.sv.gacc_neg)
			ok &= secp256k1_ec_seckey_negate(bf_ctx, c);
		ok &= secp256k1_ec_pubkey_tweak_mul(bf_ctx, &p, c);
		pp[0] = &re;
		pp[1] = &p;
		ok &= secp256k1_ec_pubkey_combine(bf_ctx, &rhs, pp, 2);
		ok &= secp256k1_ec_pubkey_create(bf_ctx, &sg, bk.psig);
		ok &= secp256k1_ec_pubkey_cmp(bf_ctx, &sg, &rhs) == 0;
		if (!ok)
			bf_failures++;
	}
}

/* --- entry point ---------------------------------------------------------------- */

void bench_frost_run(void)
{
	static const uint32_t cfg[2][2] = { { 2, 3 }, { 3, 5 } };
	const char *ev;
	int c;

	ev = getenv("MPC_BENCH_ROUNDS");
	if (ev && atoi(ev) > 0)
		bf_rounds = atoi(ev) > BF_MAXROUNDS ? BF_MAXROUNDS : atoi(ev);
	ev = getenv("MPC_BENCH_SCALE");
	if (ev && atof(ev) > 0)
		bf_scale = atof(ev);
	if (mpc_ecmult_init()) {
		printf("frost: mpc_ecmult_init failed\n");
		return;
	}
	bf_ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
	test_rand_seed(0x42454e4346ULL);
	for (c = 0; c < 2; c++) {
		const char *sfx = c ? "_3of5" : "";
		char name[64];
		uint8_t pn[66];

		if (!bf_setup(cfg[c][0], cfg[c][1])) {
			printf("frost: setup %u-of-%u failed\n", cfg[c][0], cfg[c][1]);
			break;
		}
		snprintf(name, sizeof(name), "frost_signer%s", sfx);
		bf_report(name, bf_signer_trusted, bf_signer_theirs_plain, 20);
		snprintf(name, sizeof(name), "frost_signer_spec%s", sfx);
		bf_report(name, bf_signer_spec, bf_signer_theirs_plain, 20);
		if (!c) {
			bf_report("frost_signer_vs_selfverifying", bf_signer_trusted,
				  bf_signer_theirs_verifying, 20);
			bf_report("frost_coordinator_verify", bf_verify_ours, bf_verify_theirs, 40);
		}
		snprintf(name, sizeof(name), "frost_nonce_gen%s", sfx);
		bf_report(name, bf_nonce_gen_only, NULL, 40);
		bf_nonce_gen_ours(bf_sn_saved, pn);
		snprintf(name, sizeof(name), "frost_sign_trusted%s", sfx);
		bf_report(name, bf_sign_only_trusted, NULL, 20);
		snprintf(name, sizeof(name), "frost_sign_spec%s", sfx);
		bf_report(name, bf_sign_only_spec, NULL, 20);
	}
	if (bf_failures)
		printf("frost: %lu operations FAILED (results above are not valid)\n", bf_failures);
	secp256k1_context_destroy(bf_ctx);
	bf_ctx = NULL;
}
