// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_bip340_verify.c - mpc_bip340_verify on arbitrary (sig, pk, msg).
 *
 * Input: sig (64) || pk (32) || msg (the rest, any length, maybe 0);
 * shorter inputs are zero padded.
 * Properties (abort() if violated):
 *  - a pk that does not lift (x >= p or no point), r >= p or s >= n is
 *    rejected;
 *  - an accepted signature stops verifying when s changes (s + 1 mod n),
 *    when the message changes, and it verifies again (determinism).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/bip340.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	uint8_t sig[64] = { 0 }, pk[32] = { 0 }, sig2[64];
	const uint8_t *msg = NULL;
	uint8_t *m2;
	size_t msglen = 0;
	mpc_ge pt;
	mpc_scalar s, one;
	int ok;

	if (!inited) {
		CHECK(mpc_ecmult_init() == 0);
		inited = 1;
	}
	memcpy(sig, data, size < 64 ? size : 64);
	if (size > 64)
		memcpy(pk, data + 64, size < 96 ? size - 64 : 32);
	if (size > 96) {
		msg = data + 96;
		msglen = size - 96;
	}
	ok = mpc_bip340_verify(sig, msg, msglen, pk);
	CHECK(ok == 0 || ok == 1);
	if (!mpc_ge_set_xonly(&pt, pk) || memcmp(sig, k_p, 32) >= 0 || memcmp(sig + 32, k_n, 32) >= 0)
		CHECK(!ok);
	if (!ok)
		return 0;
	CHECK(mpc_bip340_verify(sig, msg, msglen, pk) == 1);
	/* s + 1 */
	memcpy(sig2, sig, 64);
	mpc_scalar_set_b32(&s, sig + 32);
	mpc_scalar_set_int(&one, 1);
	mpc_scalar_add(&s, &s, &one);
	mpc_scalar_get_b32(sig2 + 32, &s);
	CHECK(mpc_bip340_verify(sig2, msg, msglen, pk) == 0);
	/* another message: one more byte */
	m2 = malloc(msglen + 1);
	CHECK(m2 != NULL);
	if (msglen)
		memcpy(m2, msg, msglen);
	m2[msglen] = 0;
	CHECK(mpc_bip340_verify(sig, m2, msglen + 1, pk) == 0);
	free(m2);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static const size_t lens[] = { 0, 32, 1, 100 };
	struct mpc_bip340_keypair kp;
	uint8_t sk[32], aux[32], buf[96 + 100];
	size_t i;

	CHECK(mpc_ecmult_init() == 0);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(sk, 0, 32);
		sk[0] = (uint8_t)(0x11 * (i + 1));
		sk[31] = 0x42;
		memset(aux, (int)i, 32);
		CHECK(mpc_bip340_keypair_create(&kp, sk));
		memset(buf + 96, (int)(0x5a + i), lens[i]);
		CHECK(mpc_bip340_sign(buf, buf + 96, lens[i], &kp, aux));
		memcpy(buf + 64, kp.pk, 32);
		CHECK(mpc_bip340_verify(buf, buf + 96, lens[i], kp.pk));
		emit(buf, 96 + lens[i]);
		mpc_bip340_keypair_clear(&kp);
	}
}
