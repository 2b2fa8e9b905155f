// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_group.c - the group law and encodings against libsecp256k1:
 * compressed / x-only parsing of random and invalid encodings
 * (secp256k1_ec_pubkey_parse, secp256k1_xonly_pubkey_parse), point
 * addition (secp256k1_ec_pubkey_combine, secp256k1_ec_pubkey_tweak_add),
 * doubling, infinity handling, batch affine conversion, and the
 * constant-time complete projective formulas.
 *
 * MPC_TEST_ITERS sets the number of random inputs (default 100000; 10000
 * in the sanitizer build).
 */
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include "test.h"
#include "core/ecmult.h"

#ifdef MPC_VERIFY
#define DEFAULT_ITERS 10000
#else
#define DEFAULT_ITERS 100000
#endif

static secp256k1_context *ctx;

static const uint8_t P_B32[32] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFC, 0x2F
};

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

/* serialize a Jacobian point (all-zero for infinity), using the var conversion */
static void ser_gej(uint8_t out[33], mpc_gej *a)
{
	mpc_ge g;

	mpc_ge_set_gej_var(&g, a);
	if (!mpc_ge_serialize_compressed(out, &g))
		memset(out, 0, 33);
}

static void ser_gej_ct(uint8_t out[33], mpc_gej *a)
{
	mpc_ge g;

	mpc_ge_set_gej(&g, a);
	if (!mpc_ge_serialize_compressed(out, &g))
		memset(out, 0, 33);
}

static void ser_gep(uint8_t out[33], const mpc_gep *a)
{
	mpc_gej j;

	mpc_gej_set_gep(&j, a);
	ser_gej(out, &j);
}

static void rand_seckey(uint8_t sk[32])
{
	do
		test_rand_bytes(sk, 32);
	while (!secp256k1_ec_seckey_verify(ctx, sk));
}

/* a random point, both as libsecp pubkey and as ours */
static void rand_point(secp256k1_pubkey *pk, mpc_ge *g, uint8_t ser[33])
{
	uint8_t sk[32];

	rand_seckey(sk);
	if (!secp256k1_ec_pubkey_create(ctx, pk, sk))
		TEST_FAIL("pubkey_create");
	ser_secp(ser, pk);
	if (!mpc_ge_parse_compressed(g, ser))
		TEST_FAIL("parse of a valid point failed");
}

static void test_parse(long n)
{
	long i, acc = 0, rej_nonres = 0, rej_range = 0, rej_prefix = 0;
	int ok = 1, okx = 1;

	for (i = 0; i < n; i++) {
		uint8_t in[33], out[33];
		secp256k1_pubkey pk;
		secp256k1_xonly_pubkey xpk;
		mpc_ge g;
		int theirs, ours, sel = (int)(test_rand64() % 16);

		test_rand_bytes(in, 33);
		in[0] = (uint8_t)(2 + (test_rand64() & 1));
		if (sel == 0)
			in[0] = (uint8_t)test_rand64();		/* any prefix */
		else if (sel == 1)
			in[0] = (uint8_t)(test_rand64() & 1 ? 0x04 : 0x00);
		else if (sel == 2)
			memcpy(in + 1, P_B32, 32), in[32] += (uint8_t)(test_rand64() % 8);
		else if (sel == 3)
			memset(in + 1, 0xff, 32), in[32] = (uint8_t)test_rand64();
		else if (sel == 4)
			memset(in + 1, 0, 31);			/* small x */
		theirs = secp256k1_ec_pubkey_parse(ctx, &pk, in, 33);
		ours = mpc_ge_parse_compressed(&g, in);
		ok &= theirs == ours;
		if (ours) {
			acc++;
			ok &= mpc_ge_is_valid_var(&g);
			ok &= mpc_ge_serialize_compressed(out, &g) == 1 && memcmp(out, in, 33) == 0;
			ok &= mpc_ge_has_even_y(&g) == (in[0] == 2);
		} else {
			ok &= mpc_ge_is_infinity(&g);
			if (in[0] != 2 && in[0] != 3)
				rej_prefix++;
			else if (memcmp(in + 1, P_B32, 32) >= 0)
				rej_range++;
			else
				rej_nonres++;
		}
		theirs = secp256k1_xonly_pubkey_parse(ctx, &xpk, in + 1);
		ours = mpc_ge_set_xonly(&g, in + 1);
		okx &= theirs == ours;
		if (ours) {
			okx &= mpc_ge_has_even_y(&g) && mpc_ge_is_valid_var(&g);
			okx &= mpc_ge_serialize_xonly(out, &g) == 1 && memcmp(out, in + 1, 32) == 0;
		}
	}
	test_report(ok && acc > 0 && rej_nonres > 0 && rej_range > 0 && rej_prefix > 0,
		    "group: %ld compressed parses vs secp256k1_ec_pubkey_parse (%ld valid, "
		    "%ld x not on curve, %ld x >= p, %ld bad prefix)", n, acc, rej_nonres,
		    rej_range, rej_prefix);
	test_report(okx, "group: %ld x-only parses vs secp256k1_xonly_pubkey_parse", n);
}

static void test_add(long n)
{
	long i;
	int ok_comb = 1, ok_tw = 1, ok_dbl = 1, ok_inf = 1, ok_eq = 1, ok_gep = 1;
	secp256k1_pubkey prev_p;
	uint8_t prev_s[33];
	mpc_ge prev_g;

	rand_point(&prev_p, &prev_g, prev_s);
	for (i = 0; i < n; i++) {
		secp256k1_pubkey pa, pb, pr;
		const secp256k1_pubkey *ins[2];
		uint8_t sa[33], sb[33], s1[33], s2[33], tw[32];
		mpc_ge a, b, na;
		mpc_gej ja, jb, jr, jt;
		mpc_gep pa_, pb_, pr_;
		mpc_scalar t;

		rand_point(&pa, &a, sa);
		if (i % 8 == 0) {
			pb = pa;	/* doubling through the addition formulas */
			b = a;
			memcpy(sb, sa, 33);
		} else {
			/* the previous iteration's random point */
			pb = prev_p;
			b = prev_g;
			memcpy(sb, prev_s, 33);
		}
		prev_p = pa;
		prev_g = a;
		memcpy(prev_s, sa, 33);
		mpc_gej_set_ge(&ja, &a);
		mpc_gej_set_ge(&jb, &b);
		/* make the Jacobian inputs non-trivial: double then use z != 1 copies */
		if (i % 2) {
			mpc_gej_add_ge_var(&jt, &ja, &b);	/* a + b, then subtract b */
			mpc_ge_neg(&na, &b);
			mpc_gej_add_ge_var(&ja, &jt, &na);
		}
		ins[0] = &pa;
		ins[1] = &pb;
		ok_comb &= secp256k1_ec_pubkey_combine(ctx, &pr, ins, 2) == 1;
		ser_secp(s1, &pr);
		mpc_gej_add_ge_var(&jr, &ja, &b);
		ser_gej(s2, &jr);
		ok_comb &= memcmp(s1, s2, 33) == 0;
		mpc_gej_add_var(&jr, &ja, &jb);
		ser_gej(s2, &jr);
		ok_comb &= memcmp(s1, s2, 33) == 0;
		mpc_gej_add_var(&jr, &jb, &ja);
		ser_gej_ct(s2, &jr);
		ok_comb &= memcmp(s1, s2, 33) == 0;
		/* complete formulas */
		mpc_gep_set_ge(&pa_, &a);
		mpc_gep_set_ge(&pb_, &b);
		mpc_gep_add_ge(&pr_, &pa_, &b);
		ser_gep(s2, &pr_);
		ok_gep &= memcmp(s1, s2, 33) == 0;
		mpc_gep_add(&pr_, &pa_, &pb_);
		ser_gep(s2, &pr_);
		ok_gep &= memcmp(s1, s2, 33) == 0;
		if (i % 8 == 0) {
			mpc_gej_double_var(&jr, &ja);
			ser_gej(s2, &jr);
			ok_dbl &= memcmp(s1, s2, 33) == 0;
			mpc_gep_double(&pr_, &pa_);
			ser_gep(s2, &pr_);
			ok_dbl &= memcmp(s1, s2, 33) == 0;
		}
		ok_eq &= mpc_gej_eq_var(&jr, &jr) && !mpc_gej_eq_var(&ja, &jr);

		/* tweak_add: a + t*G */
		rand_seckey(tw);
		pr = pa;
		if (secp256k1_ec_pubkey_tweak_add(ctx, &pr, tw)) {
			ser_secp(s1, &pr);
			mpc_scalar_set_b32(&t, tw);
			mpc_ecmult_gen(&jt, &t);
			mpc_gej_add_ge_var(&jr, &jt, &a);
			ser_gej(s2, &jr);
			ok_tw &= memcmp(s1, s2, 33) == 0;
		} else {
			ok_tw = 0;
		}

		/* a + (-a) = infinity, in every formula */
		mpc_ge_neg(&na, &a);
		mpc_gej_add_ge_var(&jr, &ja, &na);
		ok_inf &= mpc_gej_is_infinity(&jr);
		mpc_gej_neg(&jt, &ja);
		mpc_gej_add_var(&jr, &ja, &jt);
		ok_inf &= mpc_gej_is_infinity(&jr);
		ok_inf &= mpc_gej_eq_var(&jr, &jr);
		mpc_gep_add_ge(&pr_, &pa_, &na);
		mpc_gej_set_gep(&jr, &pr_);
		ok_inf &= mpc_gej_is_infinity(&jr);
		/* infinity + a = a */
		mpc_gep_add_ge(&pr_, &pr_, &a);
		ser_gep(s2, &pr_);
		ok_inf &= memcmp(s2, sa, 33) == 0;
		mpc_gej_set_infinity(&jt);
		mpc_gej_add_ge_var(&jr, &jt, &a);
		ser_gej(s2, &jr);
		ok_inf &= memcmp(s2, sa, 33) == 0;
		mpc_gej_add_var(&jr, &ja, &jt);
		ser_gej(s2, &jr);
		ok_inf &= memcmp(s2, sa, 33) == 0;
	}
	test_report(ok_comb, "group: %ld additions (add_ge_var, add_var) vs secp256k1_ec_pubkey_combine", n);
	test_report(ok_tw, "group: %ld tweak-adds (ecmult_gen + add) vs secp256k1_ec_pubkey_tweak_add", n);
	test_report(ok_gep, "group: %ld complete projective additions vs combine", n);
	test_report(ok_dbl, "group: doublings (double_var, complete double) vs combine(P, P)");
	test_report(ok_inf, "group: P + (-P) = infinity, infinity + P = P, in all formulas");
	test_report(ok_eq, "group: gej_eq_var");
}

static void test_misc(void)
{
	mpc_ge g = mpc_ge_generator, ng, inf, arr_a[6], c;
	mpc_gej j[6], t;
	uint8_t out[33], z33[33] = { 0 };
	int ok = 1, i;

	ok &= mpc_ge_is_valid_var(&g) && mpc_ge_has_even_y(&g);
	mpc_ge_neg(&ng, &g);
	ok &= mpc_ge_is_valid_var(&ng) && !mpc_ge_has_even_y(&ng);
	mpc_ge_set_infinity(&inf);
	ok &= mpc_ge_is_infinity(&inf) && !mpc_ge_is_valid_var(&inf);
	ok &= mpc_ge_serialize_compressed(out, &inf) == 0 && memcmp(out, z33, 33) == 0;
	ok &= mpc_ge_serialize_xonly(out, &inf) == 0;
	/* invalid point (x, y+1) */
	c = g;
	c.y.n[0] ^= 1;
	ok &= !mpc_ge_is_valid_var(&c);
	/* cmov */
	c = g;
	mpc_ge_cmov(&c, &inf, 0);
	ok &= !c.infinity && mpc_fe_equal(&c.x, &g.x);
	mpc_ge_cmov(&c, &inf, 1);
	ok &= c.infinity;
	/* batch conversion with infinities in between */
	mpc_gej_set_ge(&j[0], &g);
	mpc_gej_set_infinity(&j[1]);
	mpc_gej_double_var(&j[2], &j[0]);
	mpc_gej_set_infinity(&j[3]);
	mpc_gej_add_var(&j[4], &j[2], &j[0]);
	mpc_gej_double_var(&j[5], &j[4]);
	mpc_ge_set_all_gej_var(arr_a, j, 6);
	for (i = 0; i < 6; i++) {
		mpc_ge one;

		mpc_ge_set_gej_var(&one, &j[i]);
		ok &= one.infinity == arr_a[i].infinity;
		if (!one.infinity)
			ok &= mpc_fe_equal(&one.x, &arr_a[i].x) && mpc_fe_equal(&one.y, &arr_a[i].y);
	}
	mpc_ge_set_all_gej_var(arr_a, j + 1, 1);
	ok &= arr_a[0].infinity;
	/* infinity through the ct conversion */
	mpc_gej_set_infinity(&t);
	mpc_ge_set_gej(&c, &t);
	ok &= c.infinity;
	mpc_gej_double_var(&t, &t);
	ok &= mpc_gej_is_infinity(&t);
	test_report(ok, "group: generator, negation, infinity, cmov, batch affine conversion");
}

/* x += d (big-endian 256-bit, small d of either sign, no wrap in use) */
static void be_add_small(uint8_t x[32], long d)
{
	long carry = d;
	int i;

	for (i = 31; i >= 0 && carry; i--) {
		long t = (long)x[i] + carry;

		x[i] = (uint8_t)(t & 0xff);
		carry = (t - (t & 0xff)) / 256;
	}
}

/*
 * Points whose x lies in [n, p) (valid field elements above the group
 * order: a BIP340 key or an R can have one) and x just below p, explicitly:
 * every x of the two ranges, as x-only and compressed (both prefixes),
 * parsed by us and by libsecp256k1 (same verdict, same point), and for the
 * valid ones k*P by ecmult and ecmult_const against
 * secp256k1_ec_pubkey_tweak_mul.  x = p - 1 and x >= p are in the ranges.
 */
static void test_x_edges(void)
{
	static const uint8_t N_B32[32] = {
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C,
		0xD0, 0x36, 0x41, 0x41
	};
	int ok = 1, valid = 0, tested = 0, r, range;

	for (range = 0; range < 2; range++) {
		for (r = 0; r < 1000; r++) {
			uint8_t x[32], c33[33], ours[33], theirs[33], tw[32];
			secp256k1_xonly_pubkey xo;
			secp256k1_pubkey pk;
			mpc_ge g, h;
			mpc_gej j, res;
			mpc_scalar k;
			int a, b, pre;

			/* range 0: x = n + r; range 1: x = p + 1 - r (p + 1 down to p - 998) */
			memcpy(x, range ? P_B32 : N_B32, 32);
			be_add_small(x, range ? 1 - r : r);
			tested++;
			a = mpc_ge_set_xonly(&g, x);
			b = secp256k1_xonly_pubkey_parse(ctx, &xo, x);
			ok &= a == b;
			if (a && b) {
				valid++;
				ok &= mpc_ge_serialize_xonly(ours, &g) && !memcmp(ours, x, 32);
			}
			for (pre = 2; pre <= 3; pre++) {
				c33[0] = (uint8_t)pre;
				memcpy(c33 + 1, x, 32);
				a = mpc_ge_parse_compressed(&h, c33);
				b = secp256k1_ec_pubkey_parse(ctx, &pk, c33, 33);
				ok &= a == b;
				if (!(a && b))
					continue;
				ser_secp(theirs, &pk);
				ok &= mpc_ge_serialize_compressed(ours, &h) && !memcmp(ours, theirs, 33);
				/* k*P both ways against tweak_mul */
				rand_seckey(tw);
				mpc_scalar_set_b32_seckey(&k, tw);
				ok &= secp256k1_ec_pubkey_tweak_mul(ctx, &pk, tw);
				ser_secp(theirs, &pk);
				mpc_gej_set_ge(&j, &h);
				mpc_ecmult(&res, &j, &k, NULL);
				ser_gej(ours, &res);
				ok &= !memcmp(ours, theirs, 33);
				mpc_ecmult_const(&res, &h, &k);
				ser_gej_ct(ours, &res);
				ok &= !memcmp(ours, theirs, 33);
			}
		}
	}
	/* about half of the x have a point; both ranges must have some */
	ok &= valid > 600 && valid < 1400;
	test_report(ok, "group: %d x in [n, n+1000) and (p-999 .. p+1], %d on the curve: parse, serialize and k*P agree with libsecp256k1",
		    tested, valid);
}

int main(void)
{
	long n = iters();

	ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
	if (mpc_ecmult_init()) {
		printf("not ok - mpc_ecmult_init\n");
		return 1;
	}
	test_rand_seed(0x6e0);
	test_misc();
	test_x_edges();
	test_parse(n);
	test_add(n);
	mpc_ecmult_exit();
	secp256k1_context_destroy(ctx);
	return test_exit();
}
