// SPDX-License-Identifier: GPL-2.0
/*
 * net_verify - check a BIP340 signature with libsecp256k1 alone (the
 * network test's independent oracle: nothing of mpcsign's code is used).
 *
 *   net_verify PUBKEY MESSAGE SIGNATURE      (all hex)
 * PUBKEY is x-only (32 bytes) or compressed (33 bytes: the x coordinate is
 * taken); MESSAGE is any length (BIP340 with variable-length messages).
 * Exit 0 valid, 1 invalid, 2 bad arguments.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s), i;

	if (n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", s[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]))
			return -1;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t msg[65536];
	uint8_t pk[33], sig[64];
	size_t pk_len, sig_len, msg_len;
	secp256k1_context *ctx;
	secp256k1_xonly_pubkey xpk;
	int valid;

	if (argc != 4 || unhex(argv[1], pk, sizeof(pk), &pk_len) || (pk_len != 32 && pk_len != 33) ||
	    unhex(argv[2], msg, sizeof(msg), &msg_len) || unhex(argv[3], sig, sizeof(sig), &sig_len) ||
	    sig_len != 64) {
		fprintf(stderr, "usage: net_verify PUBKEY(32|33 bytes hex) MESSAGE_HEX SIGNATURE_HEX(64 bytes)\n");
		return 2;
	}
	ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	if (!secp256k1_xonly_pubkey_parse(ctx, &xpk, pk + (pk_len == 33))) {
		fprintf(stderr, "net_verify: public key not on the curve\n");
		secp256k1_context_destroy(ctx);
		return 1;
	}
	valid = secp256k1_schnorrsig_verify(ctx, sig, msg, msg_len, &xpk);
	secp256k1_context_destroy(ctx);
	printf("valid=%s\n", valid ? "yes" : "no");
	return valid ? 0 : 1;
}
