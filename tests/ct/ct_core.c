// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ct_core.c - constant-time test of the core, run under valgrind memcheck
 * (tests/ct/run-ct.sh).
 *
 * Secret inputs are marked undefined with VALGRIND_MAKE_MEM_UNDEFINED; any
 * branch or memory index that depends on them is then reported by memcheck
 * ("Conditional jump or move depends on uninitialised value(s)", "Use of
 * uninitialised value").  Public outputs are marked defined again before
 * they are checked.  Each check group counts the valgrind errors it caused
 * (VALGRIND_COUNT_ERRORS) and prints "ok - ct: ..." only if there were none.
 *
 * "ct_core selftest" runs deliberately leaky code instead (a branch and a
 * table index on a secret byte, and the variable-time mpc_ecmult on a
 * secret scalar) and reports ok only if valgrind DID see errors: the test
 * of the test.  Run outside valgrind, the program says so and fails.
 */
#include <valgrind/memcheck.h>
#include "test.h"
#include "core/bip340.h"
#include "core/ecmult.h"
#include "core/hash.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

#define ROUNDS 4

static unsigned long errors_now(void)
{
	return (unsigned long)VALGRIND_COUNT_ERRORS;
}

/* Reports a group: ok if it caused no valgrind error and its results were right. */
static void group_end(const char *name, unsigned long before, int correct)
{
	unsigned long e = errors_now() - before;

	if (e)
		printf("# %s: %lu valgrind error(s)\n", name, e);
	test_report(e == 0 && correct, "ct: %s", name);
}

static void rand_scalar(mpc_scalar *s)
{
	uint8_t b[32];

	do {
		test_rand_bytes(b, 32);
	} while (!mpc_scalar_set_b32_seckey(s, b));
}

static void rand_fe(mpc_fe *f)
{
	uint8_t b[32];

	do {
		test_rand_bytes(b, 32);
	} while (!mpc_fe_set_b32(f, b));
}

static void ct_scalar(void)
{
	unsigned long e0;
	int r, ok = 1;

	/* set_b32 / set_b32_seckey / get_b32, incl. invalid keys 0 and n */
	e0 = errors_now();
	for (r = 0; r < ROUNDS + 2; r++) {
		uint8_t b[32], out[32];
		mpc_scalar s;
		int valid, expect = 1, ovf;

		test_rand_bytes(b, 32);
		if (r == ROUNDS) {
			memset(b, 0, 32);
			expect = 0;
		}
		if (r == ROUNDS + 1) {
			static const uint8_t n[32] = {
				0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
				0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48,
				0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41 };
			memcpy(b, n, 32);
			expect = 0;
		}
		if (r < ROUNDS)
			b[0] &= 0x7f;	/* surely < n */
		SECRET(b, 32);
		valid = mpc_scalar_set_b32_seckey(&s, b);
		mpc_scalar_get_b32(out, &s);
		ovf = mpc_scalar_set_b32(&s, b);
		PUBLIC(&valid, sizeof(valid));
		PUBLIC(&ovf, sizeof(ovf));
		PUBLIC(out, 32);
		PUBLIC(b, 32);
		ok &= valid == expect;
		ok &= expect ? !memcmp(out, b, 32) : 1;
	}
	group_end("mpc_scalar_set_b32_seckey, mpc_scalar_set_b32, mpc_scalar_get_b32 "
		  "(valid keys, 0, n)", e0, ok);

	/* mul, add, negate, inverse */
	e0 = errors_now();
	ok = 1;
	for (r = 0; r < ROUNDS; r++) {
		mpc_scalar a, b, m, s, ng, inv, chk, one;
		int carry;

		rand_scalar(&a);
		rand_scalar(&b);
		SECRET(&a, sizeof(a));
		SECRET(&b, sizeof(b));
		mpc_scalar_mul(&m, &a, &b);
		carry = mpc_scalar_add(&s, &a, &b);
		mpc_scalar_negate(&ng, &a);
		mpc_scalar_inverse(&inv, &a);
		mpc_scalar_mul(&chk, &inv, &a);	/* = 1 */
		mpc_scalar_add(&s, &ng, &a);	/* = 0 */
		PUBLIC(&chk, sizeof(chk));
		PUBLIC(&s, sizeof(s));
		PUBLIC(&carry, sizeof(carry));
		mpc_scalar_set_int(&one, 1);
		ok &= mpc_scalar_eq(&chk, &one) && mpc_scalar_is_zero(&s);
		(void)m;
	}
	group_end("mpc_scalar_mul, mpc_scalar_add, mpc_scalar_negate, mpc_scalar_inverse", e0, ok);

	/* cmov, cond_negate with secret flags */
	e0 = errors_now();
	ok = 1;
	for (r = 0; r < ROUNDS; r++) {
		mpc_scalar a, b, x, y, na;
		int flag = r & 1, f2 = flag;

		rand_scalar(&a);
		rand_scalar(&b);
		mpc_scalar_negate(&na, &a);
		x = a;
		y = a;
		SECRET(&flag, sizeof(flag));
		SECRET(&x, sizeof(x));
		SECRET(&y, sizeof(y));
		SECRET(&b, sizeof(b));
		mpc_scalar_cmov(&x, &b, flag);
		mpc_scalar_cond_negate(&y, flag);
		PUBLIC(&x, sizeof(x));
		PUBLIC(&y, sizeof(y));
		PUBLIC(&b, sizeof(b));
		ok &= mpc_scalar_eq(&x, f2 ? &b : &a);
		ok &= mpc_scalar_eq(&y, f2 ? &na : &a);
	}
	group_end("mpc_scalar_cmov, mpc_scalar_cond_negate (secret flag)", e0, ok);
}

static void ct_field(void)
{
	unsigned long e0 = errors_now();
	int r, ok = 1;

	for (r = 0; r < ROUNDS; r++) {
		mpc_fe a, sq, root, inv, chk, one, b, c;
		uint8_t out[32], in[32];
		int is_sq, is_sq2, flag = r & 1, pubflag = r & 1, odd, eq, set;

		rand_fe(&a);
		rand_fe(&b);
		mpc_fe_get_b32(in, &a);
		SECRET(in, 32);
		SECRET(&a, sizeof(a));
		SECRET(&b, sizeof(b));
		SECRET(&flag, sizeof(flag));
		set = mpc_fe_set_b32(&c, in);
		mpc_fe_sqr(&sq, &a);
		is_sq = mpc_fe_sqrt(&root, &sq);		/* a square */
		is_sq2 = mpc_fe_sqrt(&chk, &a);		/* maybe not */
		mpc_fe_inv(&inv, &a);
		mpc_fe_mul(&chk, &inv, &a);		/* = 1 */
		mpc_fe_normalize(&chk);
		mpc_fe_normalize(&root);
		odd = mpc_fe_is_odd(&root);
		mpc_fe_cmov(&c, &b, flag);
		eq = mpc_fe_equal(&c, pubflag ? &b : &a);
		mpc_fe_get_b32(out, &root);
		PUBLIC(&set, sizeof(set));
		PUBLIC(&is_sq, sizeof(is_sq));
		PUBLIC(&is_sq2, sizeof(is_sq2));
		PUBLIC(&odd, sizeof(odd));
		PUBLIC(&chk, sizeof(chk));
		PUBLIC(&root, sizeof(root));
		PUBLIC(&sq, sizeof(sq));
		PUBLIC(&a, sizeof(a));
		PUBLIC(&eq, sizeof(eq));
		mpc_fe_set_int(&one, 1);
		ok &= set == 1 && is_sq == 1 && eq == 1 && mpc_fe_equal_var(&chk, &one);
		/* root^2 = a^2 */
		mpc_fe_sqr(&chk, &root);
		ok &= mpc_fe_equal_var(&chk, &sq);
		(void)out;
	}
	group_end("mpc_fe_set_b32, mpc_fe_sqr, mpc_fe_mul, mpc_fe_sqrt, mpc_fe_inv, "
		  "mpc_fe_normalize, mpc_fe_is_odd, mpc_fe_cmov, mpc_fe_equal, mpc_fe_get_b32",
		  e0, ok);
}

static void ct_ecmult(void)
{
	unsigned long e0 = errors_now();
	int r, ok = 1;

	for (r = 0; r < ROUNDS; r++) {
		mpc_scalar k, k2, prod;
		mpc_gej rj, qj, pj;
		mpc_ge q, res;

		rand_scalar(&k);
		rand_scalar(&k2);
		/* public point Q = k2 * G (computed before anything is secret) */
		mpc_ecmult_gen(&qj, &k2);
		mpc_ge_set_gej_var(&q, &qj);
		SECRET(&k, sizeof(k));
		mpc_ecmult_gen(&rj, &k);		/* k*G */
		mpc_ecmult_const(&pj, &q, &k);		/* k*Q */
		mpc_ge_set_gej(&res, &pj);		/* ct affine conversion */
		PUBLIC(&rj, sizeof(rj));
		PUBLIC(&pj, sizeof(pj));
		PUBLIC(&res, sizeof(res));
		PUBLIC(&k, sizeof(k));
		/* check: k*Q == (k*k2)*G */
		mpc_scalar_mul(&prod, &k, &k2);
		mpc_ecmult(&qj, NULL, NULL, &prod);
		ok &= mpc_gej_eq_var(&pj, &qj);
		mpc_ecmult(&qj, NULL, NULL, &k);
		ok &= mpc_gej_eq_var(&rj, &qj);
		mpc_gej_set_ge(&qj, &res);
		ok &= mpc_gej_eq_var(&pj, &qj);
	}
	group_end("mpc_ecmult_gen, mpc_ecmult_const, mpc_ge_set_gej", e0, ok);
}

static void ct_group(void)
{
	unsigned long e0 = errors_now();
	int r, ok = 1;

	for (r = 0; r < ROUNDS; r++) {
		mpc_scalar k1, k2;
		mpc_gej j1, j2, jn;
		mpc_ge a, b, x, na, chk;
		int flag = r & 1, pubflag = r & 1;

		rand_scalar(&k1);
		rand_scalar(&k2);
		mpc_ecmult_gen(&j1, &k1);
		mpc_ecmult_gen(&j2, &k2);
		mpc_ge_set_gej_var(&a, &j1);
		mpc_ge_set_gej_var(&b, &j2);
		x = a;
		SECRET(&a, sizeof(a));
		SECRET(&b, sizeof(b));
		SECRET(&x, sizeof(x));
		SECRET(&j1, sizeof(j1));
		SECRET(&flag, sizeof(flag));
		mpc_ge_cmov(&x, &b, flag);
		mpc_ge_neg(&na, &a);
		mpc_gej_neg(&jn, &j1);
		PUBLIC(&x, sizeof(x));
		PUBLIC(&na, sizeof(na));
		PUBLIC(&jn, sizeof(jn));
		PUBLIC(&a, sizeof(a));
		PUBLIC(&b, sizeof(b));
		chk = pubflag ? b : a;
		ok &= mpc_fe_equal_var(&x.x, &chk.x) && mpc_fe_equal_var(&x.y, &chk.y);
		/* -a + a = infinity, and -j1 is -a */
		mpc_gej_set_ge(&j2, &na);
		mpc_gej_add_ge_var(&j2, &j2, &a);
		ok &= mpc_gej_is_infinity(&j2);
		mpc_gej_set_ge(&j2, &na);
		ok &= mpc_gej_eq_var(&j2, &jn);
	}
	group_end("mpc_ge_cmov (secret flag), mpc_ge_neg, mpc_gej_neg", e0, ok);
}

static void ct_hash(void)
{
	unsigned long e0 = errors_now();
	uint8_t data[200], d1[32], d2[32];
	struct mpc_sha256 h;
	int ok = 1;

	test_rand_bytes(data, sizeof(data));
	SECRET(data, sizeof(data));
	mpc_sha256(d1, data, sizeof(data));
	mpc_tagged_hash(d2, "BIP0340/nonce", 13, data, 77);
	mpc_sha256_init(&h);
	mpc_sha256_update(&h, data, 3);
	mpc_sha256_update(&h, data + 3, sizeof(data) - 3);
	mpc_sha256_final(&h, d2);
	PUBLIC(d1, 32);
	PUBLIC(d2, 32);
	ok &= !memcmp(d1, d2, 32);
	group_end("mpc_sha256, mpc_sha256_update/final, mpc_tagged_hash", e0, ok);
}

static void ct_bip340(void)
{
	unsigned long e0 = errors_now();
	int r, ok = 1;

	for (r = 0; r < ROUNDS + 1; r++) {
		uint8_t sk[32], pk[32], pk2[32], msg[40], aux[32], sig[64];
		struct mpc_bip340_keypair kp;
		int valid, valid2, signed_ok;

		test_rand_bytes(sk, 32);
		sk[0] &= 0x7f;
		if (r == ROUNDS)
			memset(sk, 0, 32);	/* invalid key path */
		test_rand_bytes(msg, sizeof(msg));
		test_rand_bytes(aux, 32);
		SECRET(sk, 32);
		SECRET(aux, 32);
		valid = mpc_bip340_keypair_create(&kp, sk);
		valid2 = mpc_bip340_pubkey(pk2, sk);
		signed_ok = mpc_bip340_sign(sig, msg, (size_t)(r * 10), &kp, aux);
		/* outputs are public */
		PUBLIC(&valid, sizeof(valid));
		PUBLIC(&valid2, sizeof(valid2));
		PUBLIC(&signed_ok, sizeof(signed_ok));
		PUBLIC(sig, 64);
		PUBLIC(kp.pk, 32);
		PUBLIC(pk2, 32);
		memcpy(pk, kp.pk, 32);
		mpc_bip340_keypair_clear(&kp);
		if (r == ROUNDS) {
			ok &= !valid && !valid2;
		} else {
			ok &= valid && valid2 && signed_ok && !memcmp(pk, pk2, 32);
			ok &= mpc_bip340_verify(sig, msg, (size_t)(r * 10), pk) == 1;
		}
	}
	group_end("mpc_bip340_keypair_create, mpc_bip340_pubkey, mpc_bip340_sign "
		  "(incl. invalid key)", e0, ok);
}

/* --- the test of the test --------------------------------------------------- */

static volatile int sink;
static volatile uint8_t table[256];

static __attribute__((noinline)) void leak_branch(const uint8_t *s)
{
	if (s[0] & 1)		/* branch on a secret bit */
		sink++;
	else
		sink--;
	sink += table[s[1]];	/* memory index from a secret byte */
}

static void selftest(void)
{
	unsigned long e0;
	uint8_t s[32];
	mpc_scalar k;
	mpc_gej r;

	test_rand_bytes(s, sizeof(s));
	SECRET(s, sizeof(s));
	e0 = errors_now();
	leak_branch(s);
	test_report(errors_now() > e0, "ct selftest: branch and table index on a secret byte "
		    "detected (%lu errors)", errors_now() - e0);

	rand_scalar(&k);
	SECRET(&k, sizeof(k));
	e0 = errors_now();
	mpc_ecmult(&r, NULL, NULL, &k);		/* variable time: must be caught */
	test_report(errors_now() > e0, "ct selftest: variable-time mpc_ecmult on a secret "
		    "scalar detected (%lu errors)", errors_now() - e0);
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
	if (argc > 1 && !strcmp(argv[1], "selftest")) {
		selftest();
	} else {
		ct_hash();
		ct_scalar();
		ct_field();
		ct_ecmult();
		ct_group();
		ct_bip340();
	}
	mpc_ecmult_exit();
	return test_exit();
}
