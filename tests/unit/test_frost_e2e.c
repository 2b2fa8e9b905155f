// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_frost_e2e.c - randomized end-to-end FROST signing (kmod/core/frost.c).
 *
 * A trusted dealer (Shamir sharing done with libsecp256k1's seckey
 * arithmetic, independent of our scalar code) makes t-of-n keys; random
 * signer subsets (in random order, u = t and u > t) sign random messages
 * of random length, without tweaks, with an x-only tweak, with a plain
 * tweak and with a plain/x-only/plain chain.  Checks:
 *  - the tweaked key equals the one libsecp256k1 derives;
 *  - every partial signature verifies (session and full PartialSigVerify);
 *  - the aggregate passes secp256k1_schnorrsig_verify;
 *  - Sign wipes the secnonce: a second Sign with the same buffer fails
 *    with MPC_FROST_ERR_SECNONCE1 and outputs nothing;
 *  - a tampered partial signature is detected and signer blamed; the
 *    aggregate is then rejected by libsecp256k1;
 *  - an invalid pubnonce is blamed on its signer by NonceAgg;
 *  - a signer that signs with another signer's share is blamed by the
 *    coordinator; a Sign that fails (signer not in the set) still wipes
 *    the secnonce;
 *  - mpc_frost_sign_ex with MPC_FROST_SIGN_TRUSTED_SIGNERS gives the same
 *    psig as mpc_frost_sign for the same secnonce, and the same errors;
 *  - one signer per session may be the DeterministicSign signer (last).
 *
 * MPC_TEST_ITERS (default 5) x 2 sessions per configuration and tweak mode.
 */
#include <time.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "test.h"
#include "core/frost.h"
#include "core/ecmult.h"

#define MAXN 8

static secp256k1_context *sctx;

struct keys {
	uint32_t n, t;
	uint8_t secshare[MAXN][32];
	uint8_t pubshare[MAXN][33];
	uint8_t thresh_pk[33];
};

static void rand_seckey(uint8_t out[32])
{
	do {
		test_rand_bytes(out, 32);
	} while (!secp256k1_ec_seckey_verify(sctx, out));
}

static int pubkey33(uint8_t out[33], const uint8_t sk[32])
{
	secp256k1_pubkey p;
	size_t len = 33;

	return secp256k1_ec_pubkey_create(sctx, &p, sk) &&
	       secp256k1_ec_pubkey_serialize(sctx, out, &len, &p, SECP256K1_EC_COMPRESSED);
}

/* Trusted dealer: f(X) = x + a_1 X + ... + a_{t-1} X^{t-1}; share of id = f(id + 1). */
static int deal(struct keys *k, uint32_t t, uint32_t n)
{
	uint8_t coef[MAXN][32], xb[32];
	uint32_t id;
	int i;

	k->t = t;
	k->n = n;
	for (i = 0; i < (int)t; i++)
		rand_seckey(coef[i]);
	if (!pubkey33(k->thresh_pk, coef[0]))
		return 0;
	for (id = 0; id < n; id++) {
		uint8_t *r = k->secshare[id];

		memset(xb, 0, 32);
		xb[31] = (uint8_t)(id + 1);
		memcpy(r, coef[t - 1], 32);
		for (i = (int)t - 2; i >= 0; i--) {
			if (!secp256k1_ec_seckey_tweak_mul(sctx, r, xb) ||
			    !secp256k1_ec_seckey_tweak_add(sctx, r, coef[i]))
				return 0;	/* zero share: negligible */
		}
		if (!pubkey33(k->pubshare[id], r))
			return 0;
	}
	return 1;
}

static int secp_tweaked_key(secp256k1_xonly_pubkey *out, const uint8_t thresh_pk[33],
			    const struct mpc_frost_tweaks *tw)
{
	secp256k1_pubkey p;
	size_t k;

	if (!secp256k1_ec_pubkey_parse(sctx, &p, thresh_pk, 33))
		return 0;
	for (k = 0; k < tw->n_is_xonly; k++) {
		if (tw->is_xonly[k]) {
			secp256k1_xonly_pubkey x;

			if (!secp256k1_xonly_pubkey_from_pubkey(sctx, &x, NULL, &p) ||
			    !secp256k1_xonly_pubkey_tweak_add(sctx, &p, &x, tw->tweak + 32 * k))
				return 0;
		} else if (!secp256k1_ec_pubkey_tweak_add(sctx, &p, tw->tweak + 32 * k)) {
			return 0;
		}
	}
	return secp256k1_xonly_pubkey_from_pubkey(sctx, out, NULL, &p);
}

static int is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

#define CK(c) do { if (!(c)) { printf("# e2e %s:%d: %s\n", __FILE__, __LINE__, #c); \
	return 0; } } while (0)

/*
 * One signing session; returns 1 if all checks pass.  mode: 0 no tweak,
 * 1 x-only, 2 plain, 3 plain + x-only + plain.  det: last signer uses
 * DeterministicSign.
 */
static int session(const struct keys *k, size_t u, int mode, int det)
{
	uint32_t perm[MAXN], ids[MAXN];
	uint8_t pubshares[MAXN][33], secnonce[MAXN][64], pubnonce[MAXN * 66];
	uint8_t psig[MAXN * 32], tweak[3 * 32], xo[3], msg[80], rnd[32], extra[8];
	uint8_t tpk[32], theirs[32], agg[66], sig[64], bad[66];
	struct mpc_frost_signers sc;
	struct mpc_frost_tweaks tw = { tweak, 0, xo, 0 };
	struct mpc_frost_tweak_ctx tc;
	struct mpc_frost_session_ctx ctx;
	struct mpc_frost_session_values sv;
	secp256k1_xonly_pubkey xpk;
	size_t i, j, msglen, blame, nsign = det ? u - 1 : u;
	uint32_t tmp;
	int ret;

	/* random subset of u ids in random order */
	for (i = 0; i < k->n; i++)
		perm[i] = (uint32_t)i;
	for (i = k->n - 1; i > 0; i--) {
		j = test_rand64() % (i + 1);
		tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
	for (i = 0; i < u; i++) {
		ids[i] = perm[i];
		memcpy(pubshares[i], k->pubshare[ids[i]], 33);
	}
	sc.n = k->n;
	sc.t = k->t;
	sc.u = u;
	sc.ids = ids;
	sc.pubshares = (const uint8_t (*)[33])pubshares;
	sc.thresh_pk = k->thresh_pk;
	CK(mpc_frost_signers_validate(&sc, NULL, &blame) == MPC_FROST_OK);

	/* tweaks */
	test_rand_bytes(tweak, sizeof(tweak));
	tweak[0] &= 0x7f;
	tweak[32] &= 0x7f;
	tweak[64] &= 0x7f;
	switch (mode) {
	case 1:
		tw.n_is_xonly = 1;
		xo[0] = 1;
		break;
	case 2:
		tw.n_is_xonly = 1;
		xo[0] = 0;
		break;
	case 3:
		tw.n_is_xonly = 3;
		xo[0] = 0;
		xo[1] = 1;
		xo[2] = 0;
		break;
	}
	tw.tweak_len = 32 * tw.n_is_xonly;
	CK(mpc_frost_tweak_ctx_init(&tc, k->thresh_pk) == MPC_FROST_OK);
	CK(mpc_frost_tweak_ctx_apply_list(&tc, &tw, NULL, &blame) == MPC_FROST_OK);
	mpc_frost_tweak_ctx_xonly_pk(tpk, &tc);
	CK(secp_tweaked_key(&xpk, k->thresh_pk, &tw));
	CK(secp256k1_xonly_pubkey_serialize(sctx, theirs, &xpk));
	CK(!memcmp(tpk, theirs, 32));

	msglen = test_rand64() % (sizeof(msg) + 1);
	test_rand_bytes(msg, msglen);

	/* round 1 */
	for (i = 0; i < nsign; i++) {
		test_rand_bytes(rnd, 32);
		test_rand_bytes(extra, 8);
		CK(mpc_frost_nonce_gen(secnonce[i], pubnonce + 66 * i, rnd,
				       k->secshare[ids[i]], pubshares[i], tpk, 1, msg,
				       msglen, extra, 8) == MPC_FROST_OK);
	}
	ctx.signers = &sc;
	ctx.tweaks = &tw;
	ctx.msg = msg;
	ctx.msglen = msglen;
	if (det) {
		uint8_t other[66];
		size_t me = u - 1;

		if (nsign)
			CK(mpc_frost_nonce_agg(other, pubnonce, nsign, NULL, &blame) == 0);
		ctx.aggnonce = NULL;
		test_rand_bytes(rnd, 32);
		CK(mpc_frost_deterministic_sign(pubnonce + 66 * me, psig + 32 * me,
						k->secshare[ids[me]], ids[me],
						nsign ? other : NULL, &ctx,
						(test_rand64() & 1) ? rnd : NULL, NULL,
						&blame) == MPC_FROST_OK);
	}
	CK(mpc_frost_nonce_agg(agg, pubnonce, u, NULL, &blame) == MPC_FROST_OK);

	/* a malformed pubnonce is blamed on its sender */
	j = test_rand64() % u;
	memcpy(bad, pubnonce + 66 * j, 66);
	pubnonce[66 * j + 33 * (test_rand64() & 1)] = 0x05;
	{
		uint8_t agg2[66];

		CK(mpc_frost_nonce_agg(agg2, pubnonce, u, NULL, &blame) ==
		   MPC_FROST_ERR_PUBNONCE && blame == j);
	}
	memcpy(pubnonce + 66 * j, bad, 66);

	/* round 2 */
	ctx.aggnonce = agg;
	for (i = 0; i < nsign; i++) {
		uint8_t again[32], sn2[64];

		/* the key-store variant gives the same psig for the same nonce */
		memcpy(sn2, secnonce[i], 64);
		ret = mpc_frost_sign_ex(again, sn2, k->secshare[ids[i]], ids[i], &ctx, NULL,
					MPC_FROST_SIGN_TRUSTED_SIGNERS, &blame);
		CK(ret == MPC_FROST_OK && is_zero(sn2, 64));
		ret = mpc_frost_sign(psig + 32 * i, secnonce[i], k->secshare[ids[i]],
				     ids[i], &ctx, NULL, &blame);
		CK(ret == MPC_FROST_OK);
		CK(is_zero(secnonce[i], 64));
		CK(!memcmp(again, psig + 32 * i, 32));
		/* nonce reuse is impossible through the API */
		memset(again, 0xaa, 32);
		ret = mpc_frost_sign(again, secnonce[i], k->secshare[ids[i]], ids[i],
				     &ctx, NULL, &blame);
		CK(ret == MPC_FROST_ERR_SECNONCE1 && is_zero(again, 32));
	}

	/* coordinator */
	CK(mpc_frost_session_values(&sv, &ctx, NULL, &blame) == MPC_FROST_OK);
	for (i = 0; i < u; i++)
		CK(mpc_frost_psig_verify_session(&sv, psig + 32 * i, ids[i],
						 pubnonce + 66 * i, pubshares[i]) == MPC_FROST_OK);
	j = test_rand64() % u;
	CK(mpc_frost_partial_sig_verify(psig + 32 * j, pubnonce, u, &sc, &tw, msg, msglen,
					j, NULL, &blame) == MPC_FROST_OK);
	CK(mpc_frost_partial_sig_agg(sig, psig, u, &ctx, NULL, &blame) == MPC_FROST_OK);
	CK(secp256k1_schnorrsig_verify(sctx, sig, msg, msglen, &xpk));
	CK(!memcmp(sig, sv.r_x, 32));

	/* tampered partial signature: blamed, and the aggregate is invalid */
	j = test_rand64() % u;
	psig[32 * j + 31] ^= 1;
	CK(mpc_frost_psig_verify_session(&sv, psig + 32 * j, ids[j], pubnonce + 66 * j,
					 pubshares[j]) == MPC_FROST_VERIFY_FAIL);
	blame = 99;
	CK(mpc_frost_partial_sig_verify(psig + 32 * j, pubnonce, u, &sc, &tw, msg, msglen,
					j, NULL, &blame) == MPC_FROST_VERIFY_FAIL && blame == j);
	ret = mpc_frost_partial_sig_agg(sig, psig, u, &ctx, NULL, &blame);
	CK(ret == MPC_FROST_OK ? !secp256k1_schnorrsig_verify(sctx, sig, msg, msglen, &xpk)
			       : (ret == MPC_FROST_ERR_PSIG && blame == j));
	/* out-of-range partial signature: blamed by PartialSigAgg */
	memset(psig + 32 * j, 0xff, 32);
	CK(mpc_frost_partial_sig_agg(sig, psig, u, &ctx, NULL, &blame) ==
	   MPC_FROST_ERR_PSIG && blame == j && is_zero(sig, 64));

	/*
	 * signing as position 0 with the share of position 1: Sign's
	 * self-verification (against secshare*G) cannot see it, the
	 * coordinator blames position 0
	 */
	if (u >= 2 && !det && k->t >= 2) {	/* t = 1: all shares are equal */
		struct mpc_frost_session_values sv2;
		uint8_t s1[64], p1[66], out[32];

		test_rand_bytes(rnd, 32);
		CK(mpc_frost_nonce_gen(s1, p1, rnd, NULL, NULL, NULL, 0, NULL, 0, NULL, 0) == 0);
		memcpy(pubnonce, p1, 66);	/* signer 0 uses a fresh nonce */
		CK(mpc_frost_nonce_agg(agg, pubnonce, u, NULL, &blame) == 0);
		{
			uint8_t s2[64], out2[32];

			memcpy(s2, s1, 64);
			ret = mpc_frost_sign_ex(out2, s2, k->secshare[ids[1]], ids[0], &ctx,
						NULL, MPC_FROST_SIGN_TRUSTED_SIGNERS, &blame);
			CK(ret == MPC_FROST_OK && is_zero(s2, 64));
			ret = mpc_frost_sign(out, s1, k->secshare[ids[1]], ids[0], &ctx, NULL,
					     &blame);
			CK(ret == MPC_FROST_OK && is_zero(s1, 64));
			CK(!memcmp(out, out2, 32));
		}
		CK(mpc_frost_session_values(&sv2, &ctx, NULL, &blame) == MPC_FROST_OK);
		CK(mpc_frost_psig_verify_session(&sv2, out, ids[0], p1, pubshares[0]) ==
		   MPC_FROST_VERIFY_FAIL);
		memcpy(psig, out, 32);
		CK(mpc_frost_partial_sig_verify(psig, pubnonce, u, &sc, &tw, msg, msglen, 0,
						NULL, &blame) == MPC_FROST_VERIFY_FAIL && blame == 0);
	}
	/* a failing Sign (my_id not in the set) also wipes the secnonce */
	if (u < k->n) {
		uint8_t s1[64], p1[66], out[32];

		test_rand_bytes(rnd, 32);
		CK(mpc_frost_nonce_gen(s1, p1, rnd, NULL, NULL, NULL, 0, NULL, 0, NULL, 0) == 0);
		ret = mpc_frost_sign_ex(out, s1, k->secshare[perm[u]], perm[u], &ctx, NULL,
					(test_rand64() & 1) ? MPC_FROST_SIGN_TRUSTED_SIGNERS : 0,
					&blame);
		/* with t = 1 every pubshare is the same, only the id is wrong */
		CK(ret == (k->t >= 2 ? MPC_FROST_ERR_MY_PUBSHARE : MPC_FROST_ERR_MY_ID) &&
		   is_zero(s1, 64) && is_zero(out, 32));
		/* a listed id with a share that is not listed */
		if (k->t >= 2) {
			test_rand_bytes(rnd, 32);
			CK(mpc_frost_nonce_gen(s1, p1, rnd, NULL, NULL, NULL, 0, NULL, 0, NULL,
					       0) == 0);
			ret = mpc_frost_sign_ex(out, s1, k->secshare[perm[u]], ids[0], &ctx,
						NULL, MPC_FROST_SIGN_TRUSTED_SIGNERS, &blame);
			CK(ret == MPC_FROST_ERR_MY_PUBSHARE && is_zero(s1, 64) &&
			   is_zero(out, 32));
		}
	}
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/*
 * Informative timing of the per-signer path (NonceGen + Sign, which
 * includes ValidateSignersCtx and the self-verification) for 2-of-3 and
 * 3-of-5, next to libsecp256k1's single-signer BIP340 sign as a yardstick.
 * Prints "#" lines only.
 */
static void timing(void)
{
	static const uint32_t tn[2][2] = { { 2, 3 }, { 3, 5 } };
	struct mpc_frost_session_ctx ctx;
	struct mpc_frost_signers sc;
	struct keys k;
	uint8_t secnonce[64], pubnonce[MAXN * 66], agg[66], psig[32], rnd[32], msg[32];
	uint8_t pubshares[MAXN][33], sig[64];
	uint32_t ids[MAXN];
	secp256k1_keypair kp;
	int c, i, reps = 50;
	size_t j;
	double t0, t1;

	test_rand_bytes(msg, 32);
	for (c = 0; c < 2; c++) {
		if (!deal(&k, tn[c][0], tn[c][1]))
			return;
		for (j = 0; j < tn[c][0]; j++) {
			ids[j] = (uint32_t)j;
			memcpy(pubshares[j], k.pubshare[j], 33);
			test_rand_bytes(rnd, 32);
			mpc_frost_nonce_gen(secnonce, pubnonce + 66 * j, rnd, NULL, NULL, NULL,
					    0, NULL, 0, NULL, 0);
		}
		sc.n = tn[c][1];
		sc.t = tn[c][0];
		sc.u = tn[c][0];
		sc.ids = ids;
		sc.pubshares = (const uint8_t (*)[33])pubshares;
		sc.thresh_pk = k.thresh_pk;
		t0 = now();
		for (i = 0; i < reps; i++) {
			test_rand_bytes(rnd, 32);
			mpc_frost_nonce_gen(secnonce, pubnonce, rnd, k.secshare[0], pubshares[0],
					    NULL, 1, msg, 32, NULL, 0);
			mpc_frost_nonce_agg(agg, pubnonce, sc.u, NULL, NULL);
			ctx.signers = &sc;
			ctx.aggnonce = agg;
			ctx.tweaks = NULL;
			ctx.msg = msg;
			ctx.msglen = 32;
			if (mpc_frost_sign(psig, secnonce, k.secshare[0], 0, &ctx, NULL, NULL))
				printf("# timing: sign failed\n");
		}
		t1 = now();
		printf("# timing %u-of-%u: NonceGen+NonceAgg+Sign %.1f us per signature\n",
		       tn[c][0], tn[c][1], (t1 - t0) / reps * 1e6);
		t0 = now();
		for (i = 0; i < reps; i++) {
			test_rand_bytes(rnd, 32);
			mpc_frost_nonce_gen(secnonce, pubnonce, rnd, k.secshare[0], pubshares[0],
					    NULL, 1, msg, 32, NULL, 0);
			if (mpc_frost_sign_ex(psig, secnonce, k.secshare[0], 0, &ctx, NULL,
					      MPC_FROST_SIGN_TRUSTED_SIGNERS, NULL))
				printf("# timing: sign_ex failed\n");
		}
		t1 = now();
		printf("# timing %u-of-%u: NonceGen+Sign_ex(TRUSTED_SIGNERS) %.1f us per signature\n",
		       tn[c][0], tn[c][1], (t1 - t0) / reps * 1e6);
	}
	if (secp256k1_keypair_create(sctx, &kp, k.secshare[0])) {
		t0 = now();
		for (i = 0; i < reps; i++)
			secp256k1_schnorrsig_sign32(sctx, sig, msg, &kp, NULL);
		t1 = now();
		printf("# timing: libsecp256k1 schnorrsig_sign32 %.1f us (yardstick)\n",
		       (t1 - t0) / reps * 1e6);
	}
}

int main(void)
{
	static const struct {
		uint32_t t, n;
		size_t u;
	} cfg[] = {
		{ 2, 3, 2 }, { 2, 3, 3 }, { 3, 5, 3 }, { 3, 5, 4 }, { 3, 5, 5 },
		{ 1, 3, 1 }, { 1, 3, 2 }, { 4, 7, 5 }, { 8, 8, 8 },
	};
	static const char *const mode_name[] = { "none", "xonly", "plain", "plain+xonly+plain" };
	const char *it = getenv("MPC_TEST_ITERS");
	const char *seed = getenv("MPC_TEST_SEED");
	int iters = it ? atoi(it) : 5;
	size_t c;
	int mode, i;

	if (iters < 1)
		iters = 1;
	test_rand_seed(seed ? strtoull(seed, NULL, 0) : 0x46524f5354ULL);
	if (mpc_ecmult_init()) {
		printf("not ok - mpc_ecmult_init\n");
		return 1;
	}
	sctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	for (c = 0; c < sizeof(cfg) / sizeof(cfg[0]); c++) {
		for (mode = 0; mode < 4; mode++) {
			int ok = 1, n = 0;

			for (i = 0; i < iters && ok; i++) {
				struct keys k;

				ok = deal(&k, cfg[c].t, cfg[c].n);
				ok = ok && session(&k, cfg[c].u, mode, 0);
				ok = ok && session(&k, cfg[c].u, mode, 1);
				n += 2;
			}
			test_report(ok, "e2e %u-of-%u u=%zu tweaks=%s (%d sessions, half with DeterministicSign)",
				    cfg[c].t, cfg[c].n, cfg[c].u, mode_name[mode], n);
		}
	}
	timing();
	secp256k1_context_destroy(sctx);
	mpc_ecmult_exit();
	return test_exit();
}
