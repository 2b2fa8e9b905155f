// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_frost_nonce_agg.c - mpc_frost_nonce_agg on arbitrary nonce lists.
 *
 * Input: u = (size / 66) concatenated 66-byte pubnonces (a trailing partial
 * nonce is ignored; size < 66 gives u = 0).
 * Properties (abort() if violated):
 *  - u = 0 gives MPC_FROST_ERR_PUBNONCE_COUNT;
 *  - MPC_FROST_ERR_PUBNONCE blames the first pubnonce whose first half is
 *    not a valid compressed point, else the first with a bad second half
 *    (the loop order of the reference code);
 *  - on success every half of the aggregate is the sum of the halves
 *    (computed here independently), or 33 zero bytes for infinity;
 *    on failure the output is zero.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/frost.h"
#include "core/ecmult.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	uint8_t agg[66], want[66];
	size_t u = size / 66, blame = 12345, i, bad = MPC_FROST_NO_BLAME;
	mpc_gej sum[2];
	mpc_ge g;
	int ret, j;

	if (!inited) {
		CHECK(mpc_ecmult_init() == 0);
		inited = 1;
	}
	ret = mpc_frost_nonce_agg(agg, u ? data : NULL, u, NULL, &blame);
	if (u == 0) {
		CHECK(ret == MPC_FROST_ERR_PUBNONCE_COUNT);
		return 0;
	}
	mpc_gej_set_infinity(&sum[0]);
	mpc_gej_set_infinity(&sum[1]);
	/* as in the reference NonceAgg: all first halves, then all second */
	for (j = 0; j < 2 && bad == MPC_FROST_NO_BLAME; j++) {
		for (i = 0; i < u; i++) {
			if (!mpc_ge_parse_compressed(&g, data + 66 * i + 33 * j)) {
				bad = i;
				break;
			}
			mpc_gej_add_ge_var(&sum[j], &sum[j], &g);
		}
	}
	if (bad != MPC_FROST_NO_BLAME) {
		CHECK(ret == MPC_FROST_ERR_PUBNONCE);
		CHECK(blame == bad);
		for (i = 0; i < 66; i++)
			CHECK(agg[i] == 0);
		return 0;
	}
	CHECK(ret == MPC_FROST_OK);
	for (j = 0; j < 2; j++) {
		if (mpc_gej_is_infinity(&sum[j])) {
			memset(want + 33 * j, 0, 33);
		} else {
			mpc_ge_set_gej_var(&g, &sum[j]);
			CHECK(mpc_ge_serialize_compressed(want + 33 * j, &g));
		}
	}
	CHECK(!memcmp(agg, want, 66));
	return 0;
}

/* seeds: real pubnonces from mpc_frost_nonce_gen with fixed randomness */
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	uint8_t sn[64], pn[4][66], rnd[32];
	int i;

	CHECK(mpc_ecmult_init() == 0);
	for (i = 0; i < 4; i++) {
		memset(rnd, 0x40 + i, 32);
		CHECK(mpc_frost_nonce_gen(sn, pn[i], rnd, NULL, NULL, NULL, 0, NULL, 0, NULL, 0) ==
		      MPC_FROST_OK);
	}
	emit(pn[0], 66);
	emit(pn[0], 2 * 66);
	emit(pn[0], 4 * 66);
	/* a nonce and its negation: both halves sum to infinity */
	memcpy(pn[1], pn[0], 66);
	pn[1][0] ^= 1;
	pn[1][33] ^= 1;
	emit(pn[0], 2 * 66);
}
