// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ecmult.c - scalar multiplication against libsecp256k1:
 *   ecmult_gen        vs secp256k1_ec_pubkey_create
 *   ecmult_const      vs secp256k1_ec_pubkey_tweak_mul
 *   ecmult (na only)  vs secp256k1_ec_pubkey_tweak_mul
 *   ecmult (ng only)  vs secp256k1_ec_pubkey_create
 *   ecmult (na, ng)   vs tweak_mul + pubkey_create + combine
 *   ecmult_multi_var  vs the sum of tweak_muls
 * and edge cases: scalars 0, 1, 2, n-1, n-2, lambda, 2^128 +- 1, 2^255,
 * (n-1)/2, scalars with a zero GLV half; results at infinity (k = 0,
 * na*A + ng*G = 0, A = infinity); A = +-G (the doubling cases of Strauss).
 *
 * MPC_TEST_ITERS sets the number of random inputs (default 100000; 10000
 * in the sanitizer build).
 */
#include <secp256k1.h>
#include "test.h"

#ifdef MPC_VERIFY
#define MPC_VERIFY_OR(v, plain) (v)
#else
#define MPC_VERIFY_OR(v, plain) (plain)
#endif
#include "core/ecmult.h"

#ifdef MPC_VERIFY
#define DEFAULT_ITERS 10000
#else
#define DEFAULT_ITERS 100000
#endif

static secp256k1_context *ctx;

static long iters(void)
{
	const char *e = getenv("MPC_TEST_ITERS");

	return e && atol(e) > 0 ? atol(e) : DEFAULT_ITERS;
}

static void ser_secp(uint8_t out[33], const secp256k1_pubkey *pk)
{
	size_t len = 33;

	if (!secp256k1_ec_pubkey_serialize(ctx, out, &len, pk, SECP256K1_EC_COMPRESSED))
		memset(out, 0, 33);
}

static void ser_gej(uint8_t out[33], mpc_gej *a)
{
	mpc_ge g;

	mpc_ge_set_gej_var(&g, a);
	if (!mpc_ge_serialize_compressed(out, &g))
		memset(out, 0, 33);
}

static void rand_seckey(uint8_t sk[32])
{
	do
		test_rand_bytes(sk, 32);
	while (!secp256k1_ec_seckey_verify(ctx, sk));
}

/* libsecp: k*G as 33 bytes, all zero for k = 0 mod n */
static void secp_gen(uint8_t out[33], const uint8_t k[32])
{
	secp256k1_pubkey pk;

	if (secp256k1_ec_pubkey_create(ctx, &pk, k))
		ser_secp(out, &pk);
	else
		memset(out, 0, 33);
}

/* libsecp: k*P (P as 33 bytes), all zero when k = 0 mod n */
static void secp_mul(uint8_t out[33], const uint8_t p33[33], const uint8_t k[32])
{
	secp256k1_pubkey pk;

	if (secp256k1_ec_pubkey_parse(ctx, &pk, p33, 33) &&
	    secp256k1_ec_pubkey_tweak_mul(ctx, &pk, k))
		ser_secp(out, &pk);
	else
		memset(out, 0, 33);
}

/* the interesting scalars */
#define NEDGE 20
static void edge_scalar(uint8_t out[32], int i)
{
	static const uint8_t n_b32[32] = {
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C,
		0xD0, 0x36, 0x41, 0x41 };
	mpc_scalar s;

	memset(out, 0, 32);
	switch (i) {
	case 0: break;					/* 0 */
	case 1: out[31] = 1; break;
	case 2: out[31] = 2; break;
	case 3: out[31] = 3; break;
	case 4: memcpy(out, n_b32, 32); out[31] -= 1; break;	/* n-1 */
	case 5: memcpy(out, n_b32, 32); out[31] -= 2; break;	/* n-2 */
	case 6: mpc_scalar_get_b32(out, &mpc_scalar_lambda); break;
	case 7: mpc_scalar_negate(&s, &mpc_scalar_lambda); mpc_scalar_get_b32(out, &s); break;
	case 8: out[15] = 1; break;			/* 2^128 */
	case 9: memset(out + 16, 0xff, 16); break;	/* 2^128 - 1 */
	case 10: out[15] = 1; out[31] = 1; break;	/* 2^128 + 1 */
	case 11: out[0] = 0x80; break;			/* 2^255 */
	case 12: /* (n-1)/2 */
		memcpy(out, n_b32, 32);
		{
			int j, c = 0;

			for (j = 0; j < 32; j++) {
				int v = out[j] | c << 8;

				out[j] = (uint8_t)(v >> 1);
				c = v & 1;
			}
		}
		break;
	case 13: out[31] = 7; mpc_scalar_set_b32(&s, out);	/* 7 lambda: k1 = 0 */
		mpc_scalar_mul(&s, &s, &mpc_scalar_lambda); mpc_scalar_get_b32(out, &s); break;
	case 14: memset(out, 0xff, 15); break;		/* high half only (< n) */
	case 15: out[31] = 0x10; break;
	case 16: memset(out + 16, 0x55, 16); break;
	case 17: memset(out, 0xAA, 32); out[0] = 0x7A; break;
	case 18: out[16] = 0x80; break;			/* 2^127 */
	default: memcpy(out, n_b32, 32); out[31] -= 3; break;
	}
}

static void test_gen(long n)
{
	long i;
	int ok = 1, okv = 1;

	for (i = 0; i < n + NEDGE; i++) {
		uint8_t k[32], s1[33], s2[33];
		mpc_scalar sk;
		mpc_gej r;

		if (i < NEDGE)
			edge_scalar(k, (int)i);
		else
			rand_seckey(k);
		secp_gen(s1, k);
		mpc_scalar_set_b32(&sk, k);
		mpc_ecmult_gen(&r, &sk);
		{
			mpc_ge g;

			mpc_ge_set_gej(&g, &r);		/* the ct path */
			if (!mpc_ge_serialize_compressed(s2, &g))
				memset(s2, 0, 33);
		}
		ok &= memcmp(s1, s2, 33) == 0;
		if (i < NEDGE || i % 8 == 0) {
			mpc_ecmult(&r, NULL, NULL, &sk);
			ser_gej(s2, &r);
			okv &= memcmp(s1, s2, 33) == 0;
		}
	}
	test_report(ok, "ecmult: %ld ecmult_gen vs secp256k1_ec_pubkey_create (+%d edge scalars)", n,
		    NEDGE);
	test_report(okv, "ecmult: ecmult(ng only) vs secp256k1_ec_pubkey_create");
}

static void test_mul(long n)
{
	long i;
	int ok_c = 1, ok_v = 1, ok_edge = 1;
	uint8_t p33[33], k[32];
	secp256k1_pubkey cur_pk;
	mpc_ge cur;

	/* a running random point: the next base is the previous result */
	rand_seckey(k);
	secp_gen(p33, k);
	if (!secp256k1_ec_pubkey_parse(ctx, &cur_pk, p33, 33) || !mpc_ge_parse_compressed(&cur, p33)) {
		TEST_FAIL("parse");
		return;
	}
	for (i = 0; i < n + NEDGE * 3; i++) {
		uint8_t s1[33], s2[33];
		secp256k1_pubkey pk;
		mpc_scalar sk;
		mpc_ge p, g;
		mpc_gej pj, r;
		int edge = i < NEDGE * 3;

		if (edge)
			edge_scalar(k, (int)(i % NEDGE));
		else
			rand_seckey(k);
		if (edge && i / NEDGE > 0) {
			/* A = G, then A = -G */
			if (i / NEDGE == 1)
				p = mpc_ge_generator;
			else
				mpc_ge_neg(&p, &mpc_ge_generator);
			mpc_ge_serialize_compressed(p33, &p);
			secp_mul(s1, p33, k);
		} else {
			p = cur;
			pk = cur_pk;
			if (secp256k1_ec_pubkey_tweak_mul(ctx, &pk, k))
				ser_secp(s1, &pk);
			else
				memset(s1, 0, 33);
		}
		mpc_scalar_set_b32(&sk, k);
		mpc_ecmult_const(&r, &p, &sk);
		mpc_ge_set_gej(&g, &r);
		if (!mpc_ge_serialize_compressed(s2, &g))
			memset(s2, 0, 33);
		if (edge)
			ok_edge &= memcmp(s1, s2, 33) == 0;
		else
			ok_c &= memcmp(s1, s2, 33) == 0;
		mpc_gej_set_ge(&pj, &p);
		if (i % 3 == 1) {	/* a Jacobian input with z != 1: 2P - P */
			mpc_ge np;

			mpc_gej_double_var(&pj, &pj);
			mpc_ge_neg(&np, &p);
			mpc_gej_add_ge_var(&pj, &pj, &np);
		}
		mpc_ecmult(&r, &pj, &sk, NULL);
		ser_gej(s2, &r);
		if (edge)
			ok_edge &= memcmp(s1, s2, 33) == 0;
		else
			ok_v &= memcmp(s1, s2, 33) == 0;
		if (!edge && s1[0]) {
			cur_pk = pk;
			cur = g;
		}
	}
	test_report(ok_c, "ecmult: %ld ecmult_const vs secp256k1_ec_pubkey_tweak_mul", n);
	test_report(ok_v, "ecmult: %ld ecmult(na only) vs secp256k1_ec_pubkey_tweak_mul", n);
	test_report(ok_edge, "ecmult: ecmult_const and ecmult with %d edge scalars x {random, G, -G}",
		    NEDGE);
}

/*
 * ecmult_const's last windows: its additions outside the final window are
 * safe only because no small lattice vector (a, b), a + b lambda = 0, can
 * make the accumulator meet the table entry there; in the final window it
 * can (k = 0, k = 58 lambda, ...) and complete additions take over.  Every
 * k = a + b lambda with |a|, |b| <= R (both GLV halves tiny, the cases where
 * those meetings happen), on a random point, against libsecp256k1.
 */
static void test_const_small_lattice(void)
{
	const int R = MPC_VERIFY_OR(20, 70);
	uint8_t p33[33], k[32], s1[33], s2[33];
	mpc_scalar lam_b, sa, sk;
	mpc_ge p, g;
	mpc_gej r;
	int a, b, ok = 1, count = 0;

	rand_seckey(k);
	secp_gen(p33, k);
	if (!mpc_ge_parse_compressed(&p, p33)) {
		TEST_FAIL("parse");
		return;
	}
	for (b = -R; b <= R; b++) {
		mpc_scalar_set_int(&lam_b, (unsigned int)(b < 0 ? -b : b));
		mpc_scalar_mul(&lam_b, &lam_b, &mpc_scalar_lambda);
		if (b < 0)
			mpc_scalar_negate(&lam_b, &lam_b);
		for (a = -R; a <= R; a++) {
			mpc_scalar_set_int(&sa, (unsigned int)(a < 0 ? -a : a));
			if (a < 0)
				mpc_scalar_negate(&sa, &sa);
			mpc_scalar_add(&sk, &sa, &lam_b);
			mpc_scalar_get_b32(k, &sk);
			secp_mul(s1, p33, k);	/* all zero for k = 0 */
			mpc_ecmult_const(&r, &p, &sk);
			mpc_ge_set_gej(&g, &r);
			if (!mpc_ge_serialize_compressed(s2, &g))
				memset(s2, 0, 33);
			ok &= memcmp(s1, s2, 33) == 0;
			count++;
		}
	}
	test_report(ok, "ecmult: ecmult_const on all %d k = a + b lambda, |a|, |b| <= %d, vs libsecp256k1",
		    count, R);
}

static void test_double_mul(long n)
{
	long i;
	int ok = 1, ok_inf = 1, ok_multi = 1;

	for (i = 0; i < n; i++) {
		uint8_t a[32], na[32], ng[32], p33[33], s1[33], s2[33], s3[33];
		secp256k1_pubkey x, y, z;
		const secp256k1_pubkey *ins[2] = { &x, &y };
		mpc_scalar sna, sng, sa;
		mpc_ge p;
		mpc_gej pj, r;

		rand_seckey(a);
		secp_gen(p33, a);
		if (i < NEDGE * NEDGE && i < n / 2) {
			edge_scalar(na, (int)(i % NEDGE));
			edge_scalar(ng, (int)(i / NEDGE));
		} else {
			rand_seckey(na);
			rand_seckey(ng);
		}
		mpc_ge_parse_compressed(&p, p33);
		mpc_gej_set_ge(&pj, &p);
		mpc_scalar_set_b32(&sna, na);
		mpc_scalar_set_b32(&sng, ng);
		mpc_ecmult(&r, &pj, &sna, &sng);
		ser_gej(s2, &r);
		/* libsecp: na*P + ng*G */
		secp_mul(s1, p33, na);
		secp_gen(s3, ng);
		if (!s1[0] && !s3[0]) {
			ok &= !s2[0];
		} else if (!s1[0] || !s3[0]) {
			ok &= memcmp(s2, s1[0] ? s1 : s3, 33) == 0;
		} else {
			if (secp256k1_ec_pubkey_parse(ctx, &x, s1, 33) &&
			    secp256k1_ec_pubkey_parse(ctx, &y, s3, 33) &&
			    secp256k1_ec_pubkey_combine(ctx, &z, ins, 2))
				ser_secp(s1, &z);
			else
				memset(s1, 0, 33);
			ok &= memcmp(s1, s2, 33) == 0;
		}
		/* infinity: na*P + (-na*a)*G = 0 */
		mpc_scalar_set_b32(&sa, a);
		mpc_scalar_mul(&sng, &sna, &sa);
		mpc_scalar_negate(&sng, &sng);
		mpc_ecmult(&r, &pj, &sna, &sng);
		ok_inf &= mpc_gej_is_infinity(&r);
		/* multi: sc0*P + sc1*G' + ng*G with ng = 0 first */
		if (i % 16 == 0) {
			mpc_ge pts[3];
			mpc_scalar sc[3];
			mpc_gej acc, t;

			pts[0] = p;
			pts[1] = mpc_ge_generator;
			mpc_ge_neg(&pts[2], &p);
			sc[0] = sna;
			sc[1] = sa;
			sc[2] = sna;		/* cancels sc[0]*P */
			mpc_scalar_set_b32(&sng, ng);
			ok_multi &= mpc_ecmult_multi_var(&acc, pts, sc, 3, &sng) == 0;
			mpc_scalar_add(&sa, &sa, &sng);
			mpc_ecmult(&t, NULL, NULL, &sa);
			ok_multi &= mpc_gej_eq_var(&acc, &t);
			ok_multi &= mpc_ecmult_multi_var(&acc, pts, sc, 0, NULL) == 0 &&
				    mpc_gej_is_infinity(&acc);
		}
	}
	test_report(ok, "ecmult: %ld ecmult(na, ng) vs tweak_mul + pubkey_create + combine "
		    "(incl. %d edge pairs)", n, NEDGE * NEDGE);
	test_report(ok_inf, "ecmult: %ld na*P + (-na*a)*G = infinity", n);
	test_report(ok_multi, "ecmult: ecmult_multi_var vs ecmult");
}

static void test_infinity_inputs(void)
{
	mpc_gej inf, r, gj;
	mpc_ge ginf;
	mpc_scalar one, zero;
	int ok = 1;

	mpc_gej_set_infinity(&inf);
	mpc_ge_set_infinity(&ginf);
	mpc_scalar_set_int(&one, 1);
	mpc_scalar_set_int(&zero, 0);
	mpc_ecmult(&r, &inf, &one, NULL);
	ok &= mpc_gej_is_infinity(&r);
	mpc_ecmult(&r, &inf, &one, &zero);
	ok &= mpc_gej_is_infinity(&r);
	mpc_ecmult(&r, NULL, NULL, NULL);
	ok &= mpc_gej_is_infinity(&r);
	mpc_ecmult(&r, &inf, &one, &one);
	mpc_gej_set_ge(&gj, &mpc_ge_generator);
	ok &= mpc_gej_eq_var(&r, &gj);
	mpc_ecmult_const(&r, &ginf, &one);
	ok &= mpc_gej_is_infinity(&r);
	mpc_ecmult_const(&r, &mpc_ge_generator, &zero);
	ok &= mpc_gej_is_infinity(&r);
	mpc_ecmult_gen(&r, &zero);
	ok &= mpc_gej_is_infinity(&r);
	/* init is idempotent; exit + init rebuilds */
	ok &= mpc_ecmult_init() == 0;
	mpc_ecmult_exit();
	ok &= mpc_ecmult_init() == 0;
	mpc_ecmult_gen(&r, &one);
	ok &= mpc_gej_eq_var(&r, &gj);
	test_report(ok, "ecmult: infinity inputs and results, init/exit/init");
}

/* ecmult_multi_var with 0..40 points (batches of 16) vs libsecp256k1:
 * sum of tweak_muls, combined, plus ng*G; duplicate, negated and infinite
 * points and zero scalars included. */
static void test_multi(int rounds)
{
	int ok = 1, rnd;

	for (rnd = 0; rnd < rounds; rnd++) {
		enum { MAXP = 41 };
		mpc_ge pts[MAXP];
		mpc_scalar sc[MAXP], sng;
		secp256k1_pubkey terms[MAXP + 1];
		const secp256k1_pubkey *ins[MAXP + 1];
		size_t cnt = (size_t)(test_rand64() % MAXP), i, nt = 0;
		uint8_t k[32], p33[33], s1[33], s2[33];
		int use_ng = (int)(test_rand64() & 1);
		mpc_gej r;

		for (i = 0; i < cnt; i++) {
			int kind = (int)(test_rand64() % 8);

			rand_seckey(k);
			secp_gen(p33, k);
			if (kind == 0 && i > 0) {
				pts[i] = pts[i - 1];			/* duplicate */
			} else if (kind == 1 && i > 0) {
				mpc_ge_neg(&pts[i], &pts[i - 1]);	/* negation */
			} else if (kind == 2) {
				mpc_ge_set_infinity(&pts[i]);
			} else if (!mpc_ge_parse_compressed(&pts[i], p33)) {
				TEST_FAIL("parse");
			}
			rand_seckey(k);
			if (kind == 3)
				memset(k, 0, 32);
			mpc_scalar_set_b32(&sc[i], k);
			if (!pts[i].infinity && !mpc_scalar_is_zero(&sc[i])) {
				mpc_ge_serialize_compressed(p33, &pts[i]);
				if (secp256k1_ec_pubkey_parse(ctx, &terms[nt], p33, 33) &&
				    secp256k1_ec_pubkey_tweak_mul(ctx, &terms[nt], k))
					nt++;
				else
					TEST_FAIL("libsecp term");
			}
		}
		rand_seckey(k);
		mpc_scalar_set_b32(&sng, k);
		if (use_ng) {
			if (!secp256k1_ec_pubkey_create(ctx, &terms[nt], k))
				TEST_FAIL("create");
			nt++;
		}
		ok &= mpc_ecmult_multi_var(&r, pts, sc, cnt, use_ng ? &sng : NULL) == 0;
		ser_gej(s2, &r);
		memset(s1, 0, 33);
		for (i = 0; i < nt; i++)
			ins[i] = &terms[i];
		if (nt) {
			secp256k1_pubkey sum;

			if (secp256k1_ec_pubkey_combine(ctx, &sum, ins, nt))
				ser_secp(s1, &sum);
		}
		ok &= memcmp(s1, s2, 33) == 0;
	}
	test_report(ok, "ecmult: %d ecmult_multi_var (0..40 points, duplicates, negations, "
		    "infinity, zero scalars) vs libsecp256k1 tweak_mul + combine", rounds);
}

int main(void)
{
	long n = iters();

	ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
	if (mpc_ecmult_init()) {
		printf("not ok - mpc_ecmult_init\n");
		return 1;
	}
	test_rand_seed(0xec);
	test_infinity_inputs();
	test_gen(n);
	test_mul(n);
	test_const_small_lattice();
	test_double_mul(n / 10 > 1000 ? n / 10 : 1000);
	test_multi(n / 500 > 50 ? (int)(n / 500) : 50);
	mpc_ecmult_exit();
	secp256k1_context_destroy(ctx);
	return test_exit();
}
