// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_scalar.c - scalar and field element parsing.
 *
 * Input: 32 bytes (zero padded), read as a scalar and as a field element.
 * Properties (abort() if violated):
 *  - mpc_scalar_set_b32 reports "no overflow" iff in < n; the value is
 *    in mod n (round trip gives in, or in - n); set_b32_seckey accepts iff
 *    0 < in < n;
 *  - a * a^-1 = 1 (ct and _var inverses agree), split_lambda recombines;
 *  - mpc_fe_set_b32 accepts iff in < p and round-trips; sqrt(a)^2 = a when
 *    it succeeds; a * a^-1 = 1; ct and _var inverses agree.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/scalar.h"
#include "core/field.h"
#include "core/ecmult.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

static const uint8_t k_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
};
static const uint8_t k_p[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xfc, 0x2f
};

static void sub_be(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
	int i, borrow = 0;

	for (i = 31; i >= 0; i--) {
		int d = a[i] - b[i] - borrow;

		borrow = d < 0;
		r[i] = (uint8_t)d;
	}
}

static int is_zero32(const uint8_t a[32])
{
	int i;

	for (i = 0; i < 32; i++)
		if (a[i])
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	uint8_t in[32] = { 0 }, out[32], want[32];
	mpc_scalar s, s2, inv, inv2, prod, k1, k2, t;
	mpc_fe f, g, h, fi, fi2;
	int ok, lt, r;

	if (!inited) {
		CHECK(mpc_ecmult_init() == 0);
		inited = 1;
	}
	memcpy(in, data, size < 32 ? size : 32);

	/* scalar */
	ok = mpc_scalar_set_b32(&s, in);
	lt = memcmp(in, k_n, 32) < 0;
	CHECK(ok == lt);
	mpc_scalar_get_b32(out, &s);
	if (lt)
		memcpy(want, in, 32);
	else
		sub_be(want, in, k_n);	/* in < 2^256 < 2n, so one subtraction */
	CHECK(!memcmp(out, want, 32));
	CHECK(mpc_scalar_is_zero(&s) == is_zero32(want));
	r = mpc_scalar_set_b32_seckey(&s2, in);
	CHECK(r == (lt && !is_zero32(in)));
	if (!r)
		CHECK(mpc_scalar_is_zero(&s2));
	else
		CHECK(mpc_scalar_eq(&s, &s2));
	mpc_scalar_inverse(&inv, &s);
	mpc_scalar_inverse_var(&inv2, &s);
	CHECK(mpc_scalar_eq(&inv, &inv2));
	mpc_scalar_mul(&prod, &s, &inv);
	CHECK(mpc_scalar_is_zero(&s) ? mpc_scalar_is_zero(&prod) : mpc_scalar_is_one(&prod));
	mpc_scalar_split_lambda(&k1, &k2, &s);
	mpc_scalar_mul(&t, &k2, &mpc_scalar_lambda);
	mpc_scalar_add(&t, &t, &k1);
	CHECK(mpc_scalar_eq(&t, &s));
	mpc_scalar_negate(&t, &s);
	mpc_scalar_add(&t, &t, &s);
	CHECK(mpc_scalar_is_zero(&t));

	/* field element */
	ok = mpc_fe_set_b32(&f, in);
	lt = memcmp(in, k_p, 32) < 0;
	CHECK(ok == lt);
	if (!ok)
		return 0;
	mpc_fe_get_b32(out, &f);
	CHECK(!memcmp(out, in, 32));
	CHECK(mpc_fe_is_zero(&f) == is_zero32(in));
	CHECK(mpc_fe_is_odd(&f) == (in[31] & 1));
	if (mpc_fe_sqrt(&g, &f)) {
		mpc_fe_sqr(&h, &g);
		CHECK(mpc_fe_equal_var(&h, &f));
	} else {
		/* then -f is a square (p = 3 mod 4), unless f = 0 which is one */
		CHECK(!mpc_fe_is_zero(&f));
		mpc_fe_negate(&h, &f, 1);
		mpc_fe_normalize(&h);
		CHECK(mpc_fe_sqrt(&g, &h));
	}
	mpc_fe_inv(&fi, &f);
	mpc_fe_inv_var(&fi2, &f);
	CHECK(mpc_fe_equal_var(&fi, &fi2));
	mpc_fe_mul(&h, &f, &fi);
	mpc_fe_normalize(&h);
	mpc_fe_set_int(&g, mpc_fe_is_zero(&f) ? 0 : 1);
	CHECK(mpc_fe_equal_var(&h, &g));
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	uint8_t b[32];

	emit(k_n, 32);
	sub_be(b, k_n, (const uint8_t[32]){ [31] = 1 });
	emit(b, 32);
	emit(k_p, 32);
	sub_be(b, k_p, (const uint8_t[32]){ [31] = 1 });
	emit(b, 32);
	memset(b, 0, 32);
	b[31] = 1;
	emit(b, 32);
}
