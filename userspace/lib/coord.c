// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * coord.c - libmpcsign: the coordinator side of FROST signing, from the same
 * core as the module (public data only), plus the final BIP340 check by
 * libsecp256k1 so that acceptance never rests on our own code alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "libmpcsign.h"
#include "util.h"
#include "core/ecmult.h"
#include "core/frost.h"

int mpcsign_coord_init(void)
{
	return mpc_ecmult_init();
}

static uint32_t to_blame(size_t b)
{
	return b == MPC_FROST_NO_BLAME || b > UINT32_MAX ? MPCSIGN_BLAME_NONE : (uint32_t)b;
}

static int frost_errno(int err)
{
	switch (err) {
	case MPC_FROST_OK:
		return 0;
	case MPC_FROST_VERIFY_FAIL:
	case MPC_FROST_ERR_PUBNONCE:
	case MPC_FROST_ERR_AGGNONCE:
	case MPC_FROST_ERR_PSIG:
		return -EBADMSG;
	case MPC_FROST_ERR_LIMIT:
		return -E2BIG;
	default:
		return -EINVAL;
	}
}

/* The core's view of a session; tw and xo are caller storage. */
struct core_session {
	struct mpc_frost_signers signers;
	struct mpc_frost_tweaks tweaks;
	struct mpc_frost_session_ctx ctx;
	uint8_t xo[MPCSIGN_MAX_TWEAKS];
};

static int core_session(struct core_session *c, const struct mpcsign_session *s)
{
	uint32_t k;

	if (!s || !s->thresh_pk || !s->ids || !s->pubshares || s->num_tweaks > MPCSIGN_MAX_TWEAKS ||
	    (s->num_tweaks && !s->tweaks))
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->signers.n = s->n;
	c->signers.t = s->t;
	c->signers.u = s->num_signers;
	c->signers.ids = s->ids;
	c->signers.pubshares = s->pubshares;
	c->signers.thresh_pk = s->thresh_pk;
	for (k = 0; k < s->num_tweaks; k++)
		c->xo[k] = (s->tweak_xonly >> k) & 1;
	c->tweaks.tweak = (const uint8_t *)s->tweaks;
	c->tweaks.tweak_len = (size_t)s->num_tweaks * 32;
	c->tweaks.is_xonly = c->xo;
	c->tweaks.n_is_xonly = s->num_tweaks;
	c->ctx.signers = &c->signers;
	c->ctx.aggnonce = s->aggnonce;
	c->ctx.tweaks = s->num_tweaks ? &c->tweaks : NULL;
	c->ctx.msg = s->msg;
	c->ctx.msglen = s->msg_len;
	return 0;
}

int mpcsign_coord_nonce_agg(uint8_t aggnonce[66], const uint8_t (*pubnonces)[66],
			    size_t u, uint32_t *blame)
{
	size_t b = MPC_FROST_NO_BLAME;
	int err;

	if (!aggnonce || !pubnonces)
		return -EINVAL;
	err = mpc_frost_nonce_agg(aggnonce, (const uint8_t *)pubnonces, u, NULL, &b);
	if (blame)
		*blame = to_blame(b);
	return frost_errno(err);
}

/*
 * The tweaked key by libsecp256k1 alone (BIP-445's tweak rules: a plain tweak
 * adds t*G, an x-only one first takes the even-y point), so that the final
 * check of mpcsign_coord_aggregate does not rest on our tweak code.
 */
int mpcsign_coord_session_pubkey(uint8_t pk32[32], const struct mpcsign_session *s)
{
	secp256k1_context *ctx = mpcsign_secp_ctx();
	secp256k1_xonly_pubkey x;
	secp256k1_pubkey p;
	uint32_t k;

	if (!pk32 || !s || !s->thresh_pk || (s->num_tweaks && !s->tweaks))
		return -EINVAL;
	if (s->num_tweaks > MPCSIGN_MAX_TWEAKS)
		return -E2BIG;
	if (!ctx)
		return -ENOMEM;
	if (!secp256k1_ec_pubkey_parse(ctx, &p, s->thresh_pk, 33))
		return -EINVAL;
	for (k = 0; k < s->num_tweaks; k++) {
		if (s->tweak_xonly >> k & 1) {
			if (!secp256k1_xonly_pubkey_from_pubkey(ctx, &x, NULL, &p) ||
			    !secp256k1_xonly_pubkey_tweak_add(ctx, &p, &x, s->tweaks[k]))
				return -EINVAL;
		} else if (!secp256k1_ec_pubkey_tweak_add(ctx, &p, s->tweaks[k])) {
			return -EINVAL;
		}
	}
	if (!secp256k1_xonly_pubkey_from_pubkey(ctx, &x, NULL, &p))
		return -EINVAL;
	secp256k1_xonly_pubkey_serialize(ctx, pk32, &x);
	return 0;
}

int mpcsign_coord_psig_verify(const struct mpcsign_session *s,
			      const uint8_t (*pubnonces)[66], const uint8_t psig[32],
			      size_t i, uint32_t *blame)
{
	struct core_session c;
	size_t b = MPC_FROST_NO_BLAME;
	int ret, err;

	ret = core_session(&c, s);
	if (ret)
		return ret;
	err = mpc_frost_partial_sig_verify(psig, (const uint8_t *)pubnonces, s->num_signers,
					   &c.signers, c.ctx.tweaks, s->msg, s->msg_len, i,
					   NULL, &b);
	if (blame)
		*blame = to_blame(b);
	return frost_errno(err);
}

int mpcsign_coord_aggregate(uint8_t sig[64], const struct mpcsign_session *s,
			    const uint8_t (*pubnonces)[66], const uint8_t (*psigs)[32],
			    uint32_t *blame)
{
	struct core_session c;
	uint8_t pk[32];
	size_t i, b = MPC_FROST_NO_BLAME;
	int ret, err;

	if (!sig || !s || !pubnonces || !psigs)
		return -EINVAL;
	if (blame)
		*blame = MPCSIGN_BLAME_NONE;
	for (i = 0; i < s->num_signers; i++) {
		ret = mpcsign_coord_psig_verify(s, pubnonces, psigs[i], i, blame);
		if (ret)
			return ret;
	}
	ret = core_session(&c, s);
	if (ret)
		return ret;
	err = mpc_frost_partial_sig_agg(sig, (const uint8_t *)psigs, s->num_signers,
					&c.ctx, NULL, &b);
	if (err) {
		if (blame)
			*blame = to_blame(b);
		return frost_errno(err);
	}
	ret = mpcsign_coord_session_pubkey(pk, s);
	if (ret)
		return ret;
	return mpcsign_bip340_verify(sig, s->msg, s->msg_len, pk) ? -EIO : 0;
}

int mpcsign_bip340_verify(const uint8_t sig[64], const uint8_t *msg, size_t msg_len,
			  const uint8_t pk32[32])
{
	secp256k1_context *ctx = mpcsign_secp_ctx();
	secp256k1_xonly_pubkey pk;
	static const uint8_t empty[1];

	if (!sig || !pk32 || (!msg && msg_len))
		return -EINVAL;
	if (!ctx)
		return -ENOMEM;
	if (!secp256k1_xonly_pubkey_parse(ctx, &pk, pk32))
		return -EBADMSG;
	return secp256k1_schnorrsig_verify(ctx, sig, msg ? msg : empty, msg_len, &pk) ?
	       0 : -EBADMSG;
}
