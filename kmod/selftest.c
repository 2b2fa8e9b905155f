// SPDX-License-Identifier: GPL-2.0
/*
 * selftest.c - known-answer self-test of the core, run at module load
 * before anything is registered.  A failure refuses the load.
 *
 * Covers SHA-256 (FIPS 180-4 "abc"), constant-time fixed-base
 * multiplication (3*G, against the BIP340 vector 0 public key),
 * variable-base multiplication, and BIP340 sign + verify (vector 1 of the
 * BIP340 test vectors), including the rejection of a corrupted signature.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/module.h>
#include "internal.h"
#include "core/hash.h"
#include "core/ecmult.h"
#include "core/bip340.h"

static const u8 kat_sha256_abc[32] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
	0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
	0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};

/* x(3*G), BIP340 vector 0 */
static const u8 kat_3g_x[32] = {
	0xf9, 0x30, 0x8a, 0x01, 0x92, 0x58, 0xc3, 0x10, 0x49, 0x34, 0x4f, 0x85,
	0xf8, 0x9d, 0x52, 0x29, 0xb5, 0x31, 0xc8, 0x45, 0x83, 0x6f, 0x99, 0xb0,
	0x86, 0x01, 0xf1, 0x13, 0xbc, 0xe0, 0x36, 0xf9,
};

/* BIP340 vector 1 */
static const u8 kat_sk[32] = {
	0xb7, 0xe1, 0x51, 0x62, 0x8a, 0xed, 0x2a, 0x6a, 0xbf, 0x71, 0x58, 0x80,
	0x9c, 0xf4, 0xf3, 0xc7, 0x62, 0xe7, 0x16, 0x0f, 0x38, 0xb4, 0xda, 0x56,
	0xa7, 0x84, 0xd9, 0x04, 0x51, 0x90, 0xcf, 0xef,
};
static const u8 kat_pk[32] = {
	0xdf, 0xf1, 0xd7, 0x7f, 0x2a, 0x67, 0x1c, 0x5f, 0x36, 0x18, 0x37, 0x26,
	0xdb, 0x23, 0x41, 0xbe, 0x58, 0xfe, 0xae, 0x1d, 0xa2, 0xde, 0xce, 0xd8,
	0x43, 0x24, 0x0f, 0x7b, 0x50, 0x2b, 0xa6, 0x59,
};
static const u8 kat_aux[32] = { [31] = 0x01 };
static const u8 kat_msg[32] = {
	0x24, 0x3f, 0x6a, 0x88, 0x85, 0xa3, 0x08, 0xd3, 0x13, 0x19, 0x8a, 0x2e,
	0x03, 0x70, 0x73, 0x44, 0xa4, 0x09, 0x38, 0x22, 0x29, 0x9f, 0x31, 0xd0,
	0x08, 0x2e, 0xfa, 0x98, 0xec, 0x4e, 0x6c, 0x89,
};
static const u8 kat_sig[64] = {
	0x68, 0x96, 0xbd, 0x60, 0xee, 0xae, 0x29, 0x6d, 0xb4, 0x8a, 0x22, 0x9f,
	0xf7, 0x1d, 0xfe, 0x07, 0x1b, 0xde, 0x41, 0x3e, 0x6d, 0x43, 0xf9, 0x17,
	0xdc, 0x8d, 0xcf, 0x8c, 0x78, 0xde, 0x33, 0x41, 0x89, 0x06, 0xd1, 0x1a,
	0xc9, 0x76, 0xab, 0xcc, 0xb2, 0x0b, 0x09, 0x12, 0x92, 0xbf, 0xf4, 0xea,
	0x89, 0x7e, 0xfc, 0xb6, 0x39, 0xea, 0x87, 0x1c, 0xfa, 0x95, 0xf6, 0xde,
	0x33, 0x9e, 0x4b, 0x0a,
};

static int selftest_hash(void)
{
	u8 out[32];

	mpc_sha256(out, (const u8 *)"abc", 3);
	return memcmp(out, kat_sha256_abc, 32) ? -EINVAL : 0;
}

static int selftest_ecmult(void)
{
	mpc_scalar k, one;
	mpc_gej r, g;
	mpc_ge a;
	u8 x[32];

	/* 3*G by the constant-time fixed-base path */
	mpc_scalar_set_int(&k, 3);
	mpc_ecmult_gen(&r, &k);
	mpc_ge_set_gej(&a, &r);
	if (!mpc_ge_serialize_xonly(x, &a) || memcmp(x, kat_3g_x, 32))
		return -EINVAL;
	/* 1*(3G) + 0*G and 0*A + 3*G by the variable-time double-base path */
	mpc_scalar_set_int(&one, 1);
	mpc_ecmult(&g, &r, &one, NULL);
	mpc_ge_set_gej_var(&a, &g);
	if (!mpc_ge_serialize_xonly(x, &a) || memcmp(x, kat_3g_x, 32))
		return -EINVAL;
	mpc_ecmult(&g, NULL, NULL, &k);
	mpc_ge_set_gej_var(&a, &g);
	if (!mpc_ge_serialize_xonly(x, &a) || memcmp(x, kat_3g_x, 32))
		return -EINVAL;
	/* 3*G by the constant-time variable-base path */
	mpc_ecmult_const(&g, &mpc_ge_generator, &k);
	mpc_ge_set_gej_var(&a, &g);
	if (!mpc_ge_serialize_xonly(x, &a) || memcmp(x, kat_3g_x, 32))
		return -EINVAL;
	return 0;
}

static int selftest_bip340(void)
{
	struct mpc_bip340_keypair kp;
	u8 sig[64];
	int ret = -EINVAL;

	if (!mpc_bip340_keypair_create(&kp, kat_sk))
		goto out;
	if (memcmp(kp.pk, kat_pk, 32))
		goto out;
	if (!mpc_bip340_sign(sig, kat_msg, sizeof(kat_msg), &kp, kat_aux))
		goto out;
	if (memcmp(sig, kat_sig, 64))
		goto out;
	if (!mpc_bip340_verify(sig, kat_msg, sizeof(kat_msg), kat_pk))
		goto out;
	sig[63] ^= 1;
	if (mpc_bip340_verify(sig, kat_msg, sizeof(kat_msg), kat_pk))
		goto out;
	ret = 0;
out:
	mpc_bip340_keypair_clear(&kp);
	return ret;
}

/*
 * Test hook: loading with inject_selftest_failure=1 makes the self-test fail,
 * so the test suite can show that a failing self-test refuses the load.  It
 * can only make a load fail, never weaken anything.
 */
static bool inject_selftest_failure;
module_param(inject_selftest_failure, bool, 0444);
MODULE_PARM_DESC(inject_selftest_failure, "Test only: fail the load-time self-test");

int mpcsign_selftest(void)
{
	if (inject_selftest_failure) {
		pr_err("self-test: failure injected\n");
		return -EINVAL;
	}
	if (selftest_hash()) {
		pr_err("self-test: sha256 failed\n");
		return -EINVAL;
	}
	if (selftest_ecmult()) {
		pr_err("self-test: ecmult failed\n");
		return -EINVAL;
	}
	if (selftest_bip340()) {
		pr_err("self-test: bip340 failed\n");
		return -EINVAL;
	}
	return 0;
}
