// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_point.c - point parsing: mpc_ge_parse_compressed, mpc_ge_set_xonly
 * and the serialize round trips.
 *
 * Input: 33 bytes (shorter inputs are zero padded) = a compressed point
 * candidate; its bytes 1..32 are also tried as a BIP340 x-only key.
 * Properties (abort() if violated):
 *  - parse succeeds only for prefix 0x02/0x03 and then the point is on the
 *    curve, has the parity of the prefix and serializes back to the input;
 *  - 02||x parses iff 03||x parses iff set_xonly(x) succeeds, iff x < p and
 *    x^3 + 7 is a square; the three points are consistent (same x, 03 is
 *    the negation of 02, set_xonly gives the even one);
 *  - xonly serialization gives x back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/group.h"
#include "core/ecmult.h"

static const uint8_t k_p[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xfc, 0x2f
};

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

static int ge_same(const mpc_ge *a, const mpc_ge *b)
{
	uint8_t x[33], y[33];

	CHECK(mpc_ge_serialize_compressed(x, a));
	CHECK(mpc_ge_serialize_compressed(y, b));
	return !memcmp(x, y, 33);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	uint8_t in[33] = { 0 }, out[33], c2[33], c3[33], xo[32];
	mpc_ge a, e, o, x, neg;
	mpc_fe fx, rhs, y;
	int ra, re, ro, rx, lt_p, square;

	if (!inited) {
		CHECK(mpc_ecmult_init() == 0);
		inited = 1;
	}
	memcpy(in, data, size < 33 ? size : 33);

	ra = mpc_ge_parse_compressed(&a, in);
	if (in[0] != 2 && in[0] != 3)
		CHECK(!ra);
	if (ra) {
		CHECK(mpc_ge_is_valid_var(&a));
		CHECK(!mpc_ge_is_infinity(&a));
		CHECK(mpc_ge_has_even_y(&a) == (in[0] == 2));
		CHECK(mpc_ge_serialize_compressed(out, &a) == 1);
		CHECK(!memcmp(out, in, 33));
		CHECK(mpc_ge_serialize_xonly(xo, &a) == 1);
		CHECK(!memcmp(xo, in + 1, 32));
	}

	/* the three decodings of x = in[1..33) */
	c2[0] = 2;
	c3[0] = 3;
	memcpy(c2 + 1, in + 1, 32);
	memcpy(c3 + 1, in + 1, 32);
	re = mpc_ge_parse_compressed(&e, c2);
	ro = mpc_ge_parse_compressed(&o, c3);
	rx = mpc_ge_set_xonly(&x, in + 1);
	CHECK(re == ro && re == rx);
	lt_p = memcmp(in + 1, k_p, 32) < 0;
	if (!lt_p)
		CHECK(!re);
	if (lt_p) {
		/* independent check: x^3 + 7 is a square */
		CHECK(mpc_fe_set_b32(&fx, in + 1));
		mpc_fe_sqr(&rhs, &fx);
		mpc_fe_mul(&rhs, &rhs, &fx);
		mpc_fe_set_int(&y, 7);
		mpc_fe_add(&rhs, &y);
		mpc_fe_normalize(&rhs);
		square = mpc_fe_sqrt(&y, &rhs);
		CHECK(square == re);
	}
	if (re) {
		CHECK(mpc_ge_is_valid_var(&e) && mpc_ge_is_valid_var(&o) && mpc_ge_is_valid_var(&x));
		CHECK(mpc_ge_has_even_y(&e) && !mpc_ge_has_even_y(&o) && mpc_ge_has_even_y(&x));
		CHECK(ge_same(&e, &x));
		mpc_ge_neg(&neg, &e);
		CHECK(ge_same(&neg, &o));
		CHECK(mpc_ge_serialize_xonly(xo, &x) == 1);
		CHECK(!memcmp(xo, in + 1, 32));
		if (ra)
			CHECK(ge_same(&a, in[0] == 2 ? &e : &o));
	}
	/* serializing infinity fails and zeroes the output */
	mpc_ge_set_infinity(&neg);
	memset(out, 0xaa, 33);
	CHECK(mpc_ge_serialize_compressed(out, &neg) == 0);
	for (ra = 0; ra < 33; ra++)
		CHECK(out[ra] == 0);
	return 0;
}

/* seeds: a few valid points (k*G) and edge values */
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static const unsigned int ks[] = { 1, 2, 3, 7, 1000 };
	uint8_t out[33];
	mpc_scalar k;
	mpc_gej pj;
	mpc_ge p;
	size_t i;

	CHECK(mpc_ecmult_init() == 0);
	for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		mpc_scalar_set_int(&k, ks[i]);
		mpc_ecmult_gen(&pj, &k);
		mpc_ge_set_gej_var(&p, &pj);
		CHECK(mpc_ge_serialize_compressed(out, &p));
		emit(out, 33);
	}
	out[0] = 3;
	memcpy(out + 1, k_p, 32);	/* x = p: invalid */
	emit(out, 33);
}
