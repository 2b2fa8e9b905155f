// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * approval.c - libmpcsign: approvers' signatures (approval.h), made with
 * libsecp256k1 from a key file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "approval.h"
#include "util.h"

/* the key file's 32 bytes (same format and checks as mpcsign_identity_file) */
static int read_secret(uint8_t sk[32], const char *path, char *err, size_t errlen)
{
	char hex[64];
	int r, bad;

	r = mpcsign_read_key_file(hex, path, err, errlen);
	if (r)
		return r;
	/* no early exit on a digit: the secret's digits are not branched on */
	bad = mpcsign_unhex_ct(sk, 32, hex) != 0;
	explicit_bzero(hex, sizeof(hex));
	if (bad) {
		snprintf(err, errlen, "key file %s: expected 64 hex digits", path);
		explicit_bzero(sk, 32);
		return -EINVAL;
	}
	return 0;
}

int mpcsign_approval_sign(uint8_t sig[64], uint8_t approver_x[32], const char *keyfile,
			  const uint8_t digest[32], char *err, size_t errlen)
{
	secp256k1_context *ctx;
	secp256k1_keypair kp;
	secp256k1_xonly_pubkey xpk;
	uint8_t sk[32], aux[32], seed[32];
	char dummy[1];
	int r;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = 0;
	if (!sig || !approver_x || !keyfile || !digest) {
		snprintf(err, errlen, "missing argument");
		return -EINVAL;
	}
	r = read_secret(sk, keyfile, err, errlen);
	if (r)
		return r;
	/* not mpcsign_secp_ctx(): this signs, so its own context, randomized below */
	ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	if (!ctx) {
		explicit_bzero(sk, sizeof(sk));
		snprintf(err, errlen, "cannot make a libsecp256k1 context");
		return -ENOMEM;
	}
	r = -EIO;
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed) ||
	    getrandom(aux, sizeof(aux), 0) != (ssize_t)sizeof(aux)) {
		snprintf(err, errlen, "getrandom failed");
		goto out;
	}
	if (!secp256k1_context_randomize(ctx, seed))
		goto out;
	if (!secp256k1_keypair_create(ctx, &kp, sk)) {
		snprintf(err, errlen, "key file %s: not a valid secret key", keyfile);
		r = -EINVAL;
		goto out;
	}
	if (!secp256k1_keypair_xonly_pub(ctx, &xpk, NULL, &kp) ||
	    !secp256k1_xonly_pubkey_serialize(ctx, approver_x, &xpk) ||
	    !secp256k1_schnorrsig_sign32(ctx, sig, digest, &kp, aux) ||
	    !secp256k1_schnorrsig_verify(ctx, sig, digest, 32, &xpk)) {
		explicit_bzero(sig, 64);
		snprintf(err, errlen, "signing failed");
		goto out;
	}
	r = 0;
out:
	explicit_bzero(&kp, sizeof(kp));
	explicit_bzero(sk, sizeof(sk));
	explicit_bzero(aux, sizeof(aux));
	explicit_bzero(seed, sizeof(seed));
	secp256k1_context_destroy(ctx);
	return r;
}
