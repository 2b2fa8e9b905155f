// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_frost_ct.c - constant-time test of the FROST signer path
 * (mpc_frost_nonce_gen, mpc_frost_sign[_ex], mpc_frost_deterministic_sign)
 * under valgrind memcheck.
 *
 * The program re-executes itself under valgrind.  Secret inputs (secret
 * share, rand', secnonce) are marked undefined; frost.c declassifies
 * exactly the values the protocol makes public (nonce and share points,
 * psig, validity of secret inputs) through mpc_declassify() (port.h), whose
 * userspace hook mpc_declassify_hook this test sets.  Any
 * other branch or memory index on secret data is a valgrind error; every
 * group must cause none and produce correct results.  The test of the
 * test: with the hook removed, Sign MUST cause valgrind errors (the
 * secrets are really tracked).
 *
 * In the sanitizer build (ASan cannot run under valgrind) the same calls
 * run natively and only the results are checked.
 */
#include <sys/wait.h>
#include <unistd.h>
#include <valgrind/memcheck.h>
#include <secp256k1.h>
#include "test.h"
#include "core/frost.h"
#include "core/ecmult.h"

#if defined(__SANITIZE_ADDRESS__)
#define NO_VALGRIND 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_VALGRIND 1
#endif
#endif

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

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

/* 2-of-3 trusted-dealer keys (libsecp256k1 arithmetic) */
struct keys {
	uint8_t secshare[3][32];
	uint8_t pubshare[3][33];
	uint8_t thresh_pk[33];
};

static int pubkey33(uint8_t out[33], const uint8_t sk[32])
{
	secp256k1_pubkey p;
	size_t len = 33;

	return secp256k1_ec_pubkey_create(sctx, &p, sk) &&
	       secp256k1_ec_pubkey_serialize(sctx, out, &len, &p, SECP256K1_EC_COMPRESSED);
}

static int deal(struct keys *k)
{
	uint8_t a0[32], a1[32], xb[32] = { 0 };
	int id;

	do {
		test_rand_bytes(a0, 32);
		test_rand_bytes(a1, 32);
	} while (!secp256k1_ec_seckey_verify(sctx, a0) || !secp256k1_ec_seckey_verify(sctx, a1));
	if (!pubkey33(k->thresh_pk, a0))
		return 0;
	for (id = 0; id < 3; id++) {
		xb[31] = (uint8_t)(id + 1);
		memcpy(k->secshare[id], a1, 32);
		if (!secp256k1_ec_seckey_tweak_mul(sctx, k->secshare[id], xb) ||
		    !secp256k1_ec_seckey_tweak_add(sctx, k->secshare[id], a0) ||
		    !pubkey33(k->pubshare[id], k->secshare[id]))
			return 0;
	}
	return 1;
}

static int is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static void run(void)
{
	struct keys k;
	struct mpc_frost_signers sc;
	struct mpc_frost_session_ctx ctx;
	struct mpc_frost_session_values sv;
	uint8_t tweak[64], xo[2] = { 1, 0 };
	struct mpc_frost_tweaks tw = { tweak, 64, xo, 2 };
	uint8_t secshare[32], rnd[32], sn[2][64], pn[132], agg[66], psig[32], msg[32];
	uint8_t extra[8], tpk[32], other[66];
	struct mpc_frost_tweak_ctx tc;
	uint32_t ids[2] = { 0, 1 };
	uint8_t pubshares[2][33];
	unsigned long e0;
	int ret, r, ok;

	if (!deal(&k)) {
		test_report(0, "ct: dealer");
		return;
	}
	memcpy(pubshares[0], k.pubshare[0], 33);
	memcpy(pubshares[1], k.pubshare[1], 33);
	sc.n = 3;
	sc.t = 2;
	sc.u = 2;
	sc.ids = ids;
	sc.pubshares = (const uint8_t (*)[33])pubshares;
	sc.thresh_pk = k.thresh_pk;
	test_rand_bytes(tweak, 64);
	tweak[0] = tweak[32] = 0x11;
	mpc_frost_tweak_ctx_init(&tc, k.thresh_pk);
	mpc_frost_tweak_ctx_apply_list(&tc, &tw, NULL, NULL);
	mpc_frost_tweak_ctx_xonly_pk(tpk, &tc);
	test_rand_bytes(msg, 32);
	test_rand_bytes(extra, 8);
	ctx.signers = &sc;
	ctx.aggnonce = agg;
	ctx.msg = msg;
	ctx.msglen = 32;

	/* 1. NonceGen + Sign, with and without tweaks */
	e0 = errors_now();
	ok = 1;
	for (r = 0; r < 4; r++) {
		ctx.tweaks = (r & 1) ? &tw : NULL;
		/* signer 1 (public here, not under test) */
		test_rand_bytes(rnd, 32);
		ok &= mpc_frost_nonce_gen(sn[1], pn + 66, rnd, NULL, NULL, NULL, 0, NULL, 0,
					  NULL, 0) == 0;
		/* signer 0: secret share and rand' are secret */
		memcpy(secshare, k.secshare[0], 32);
		test_rand_bytes(rnd, 32);
		SECRET(secshare, 32);
		SECRET(rnd, 32);
		if (r < 2)
			ret = mpc_frost_nonce_gen(sn[0], pn, rnd, secshare, pubshares[0],
						  (r & 1) ? tpk : NULL, 1, msg, 32, extra, 8);
		else
			ret = mpc_frost_nonce_gen(sn[0], pn, rnd, NULL, NULL, NULL, 0, NULL, 0,
						  NULL, 0);
		PUBLIC(&ret, sizeof(ret));
		PUBLIC(pn, 66);
		ok &= ret == MPC_FROST_OK;
		ok &= mpc_frost_nonce_agg(agg, pn, 2, NULL, NULL) == 0;
		SECRET(secshare, 32);
		/* r >= 2: the key-store variant (no pubshare interpolation) */
		ret = mpc_frost_sign_ex(psig, sn[0], secshare, 0, &ctx, NULL,
					r >= 2 ? MPC_FROST_SIGN_TRUSTED_SIGNERS : 0, NULL);
		PUBLIC(&ret, sizeof(ret));
		PUBLIC(psig, 32);
		PUBLIC(sn[0], 64);
		ok &= ret == MPC_FROST_OK && is_zero(sn[0], 64);
		ok &= mpc_frost_session_values(&sv, &ctx, NULL, NULL) == 0 &&
		      mpc_frost_psig_verify_session(&sv, psig, 0, pn, pubshares[0]) == 0;
	}
	group_end("mpc_frost_nonce_gen, mpc_frost_sign[_ex] (with/without tweaks, optional inputs, "
		  "TRUSTED_SIGNERS)", e0, ok);

	/* 2. Sign failing on secret inputs: used secnonce, zero second half, bad share */
	e0 = errors_now();
	ok = 1;
	ctx.tweaks = NULL;
	for (r = 0; r < 5; r++) {
		test_rand_bytes(rnd, 32);
		ok &= mpc_frost_nonce_gen(sn[0], pn, rnd, NULL, NULL, NULL, 0, NULL, 0, NULL, 0) == 0;
		ok &= mpc_frost_nonce_agg(agg, pn, 2, NULL, NULL) == 0;
		/* r = 3: a share that is not listed; r = 4: listed at another position */
		memcpy(secshare, k.secshare[r == 3 ? 2 : r == 4 ? 1 : 0], 32);
		if (r == 0)
			memset(sn[0], 0, 64);
		if (r == 1)
			memset(sn[0] + 32, 0, 32);
		if (r == 2)
			memset(secshare, 0, 32);
		SECRET(sn[0], 64);
		SECRET(secshare, 32);
		ret = mpc_frost_sign_ex(psig, sn[0], secshare, 0, &ctx, NULL,
					r >= 3 ? MPC_FROST_SIGN_TRUSTED_SIGNERS : 0, NULL);
		PUBLIC(&ret, sizeof(ret));
		PUBLIC(psig, 32);
		PUBLIC(sn[0], 64);
		ok &= ret == (r == 0 ? MPC_FROST_ERR_SECNONCE1 :
			      r == 1 ? MPC_FROST_ERR_SECNONCE2 :
			      r == 2 ? MPC_FROST_ERR_SECSHARE :
			      r == 3 ? MPC_FROST_ERR_MY_PUBSHARE : MPC_FROST_OK);
		ok &= is_zero(psig, 32) == (r != 4) && is_zero(sn[0], 64);
	}
	group_end("mpc_frost_sign slow paths (used secnonce, bad secnonce, bad share, unlisted "
		  "share, share listed elsewhere)", e0, ok);

	/* 3. DeterministicSign */
	e0 = errors_now();
	ok = 1;
	for (r = 0; r < 2; r++) {
		ctx.tweaks = r ? &tw : NULL;
		test_rand_bytes(rnd, 32);
		ok &= mpc_frost_nonce_gen(sn[1], pn + 66, rnd, NULL, NULL, NULL, 0, NULL, 0,
					  NULL, 0) == 0;
		memcpy(other, pn + 66, 66);
		memcpy(secshare, k.secshare[0], 32);
		test_rand_bytes(rnd, 32);
		SECRET(secshare, 32);
		SECRET(rnd, 32);
		ret = mpc_frost_deterministic_sign(pn, psig, secshare, 0, other, &ctx,
						   r ? rnd : NULL, NULL, NULL);
		PUBLIC(&ret, sizeof(ret));
		PUBLIC(pn, 66);
		PUBLIC(psig, 32);
		ok &= ret == MPC_FROST_OK;
		ok &= mpc_frost_nonce_agg(agg, pn, 2, NULL, NULL) == 0 &&
		      mpc_frost_session_values(&sv, &ctx, NULL, NULL) == 0 &&
		      mpc_frost_psig_verify_session(&sv, psig, 0, pn, pubshares[0]) == 0;
	}
	group_end("mpc_frost_deterministic_sign", e0, ok);

	/* 4. the test of the test: without declassification Sign must be flagged */
	if (RUNNING_ON_VALGRIND) {
		unsigned long e;

		mpc_declassify_hook = NULL;
		ctx.tweaks = NULL;
		test_rand_bytes(rnd, 32);
		mpc_frost_nonce_gen(sn[0], pn, rnd, NULL, NULL, NULL, 0, NULL, 0, NULL, 0);
		mpc_frost_nonce_agg(agg, pn, 2, NULL, NULL);
		memcpy(secshare, k.secshare[0], 32);
		e0 = errors_now();
		SECRET(sn[0], 64);
		SECRET(secshare, 32);
		ret = mpc_frost_sign(psig, sn[0], secshare, 0, &ctx, NULL, NULL);
		e = errors_now() - e0;
		PUBLIC(&ret, sizeof(ret));
		mpc_declassify_hook = decl;
		printf("# selftest: %lu valgrind error(s) expected and seen\n", e);
		test_report(e > 0, "ct: valgrind sees secret-dependent branches when nothing is declassified");
	}
}

int main(void)
{
#ifndef NO_VALGRIND
	if (!RUNNING_ON_VALGRIND) {
		char self[4096], logname[] = "/tmp/test_frost_ct.XXXXXX", logarg[64], line[512];
		ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		int st, fd, n = 0, rc;
		pid_t pid;
		FILE *f;

		fd = mkstemp(logname);
		if (len <= 0 || fd < 0) {
			printf("not ok - ct: cannot find own executable / make a log file\n");
			return 1;
		}
		close(fd);
		self[len] = 0;
		snprintf(logarg, sizeof(logarg), "--log-file=%s", logname);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			execlp("valgrind", "valgrind", "--quiet", "--error-limit=no", logarg,
			       self, (char *)NULL);
			printf("not ok - ct: cannot run valgrind (is it installed?)\n");
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0) {
			printf("not ok - ct: fork/wait\n");
			return 1;
		}
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
		/* the selftest's reports are expected; show the log only on failure */
		f = rc ? fopen(logname, "r") : NULL;
		while (f && n++ < 80 && fgets(line, sizeof(line), f))
			printf("# %s", line);
		if (f)
			fclose(f);
		unlink(logname);
		return rc;
	}
#endif
	if (mpc_ecmult_init()) {
		printf("not ok - mpc_ecmult_init\n");
		return 1;
	}
	mpc_declassify_hook = decl;
	sctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	run();
	secp256k1_context_destroy(sctx);
	mpc_ecmult_exit();
	return test_exit();
}
