// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * transport_sig.c - libmpcsign: checking a HOST_KEY_SIGN transport signature
 * with libsecp256k1 alone (none of our own curve code), so that a peer's
 * acceptance of a host key's signature never rests on the code that made it.
 *
 * The kernel signed m = TaggedHash(MPCSIGN_TRANSPORT_TAG, msg32) with BIP340
 * under the host key; the signature verifies under the x-only form of the
 * compressed host public key.
 */
#include <errno.h>
#include <string.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "libmpcsign.h"
#include "util.h"

int mpcsign_transport_verify(const uint8_t sig[64], const uint8_t msg32[32],
			     const uint8_t hostpubkey[33])
{
	static const unsigned char tag[] = MPCSIGN_TRANSPORT_TAG;
	secp256k1_context *ctx = mpcsign_secp_ctx();
	secp256k1_xonly_pubkey xpk;
	secp256k1_pubkey pk;
	unsigned char m[32];

	if (!sig || !msg32 || !hostpubkey)
		return -EINVAL;
	if (!ctx)
		return -ENOMEM;
	/* a compressed point only (secp256k1_ec_pubkey_parse also takes 65-byte forms) */
	if ((hostpubkey[0] != 2 && hostpubkey[0] != 3) ||
	    !secp256k1_ec_pubkey_parse(ctx, &pk, hostpubkey, 33) ||
	    !secp256k1_xonly_pubkey_from_pubkey(ctx, &xpk, NULL, &pk))
		return -EINVAL;
	if (!secp256k1_tagged_sha256(ctx, m, tag, sizeof(tag) - 1, msg32, 32))
		return -EINVAL;
	return secp256k1_schnorrsig_verify(ctx, sig, m, sizeof(m), &xpk) ? 0 : -EBADMSG;
}
