// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_frost_psig_agg.c - mpc_frost_partial_sig_agg on arbitrary sessions
 * and partial signature lists.
 *
 * Input: a session (see sess_parse below), aggnonce (66), n_psigs (1 byte),
 * n_psigs * 32 bytes of psigs.
 * Properties (abort() if violated):
 *  - the result is a documented code; ERR_PSIG blames a psig >= n; on
 *    failure sig is zero;
 *  - the session-values path (session_values + partial_sig_agg_session)
 *    gives the same code and signature;
 *  - a signature from a seed (all psigs honest) verifies under BIP340 with
 *    the tweaked key: checked on the seeds when they are made.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/frost.h"
#include "core/bip340.h"
#include "core/ecmult.h"

/* ---- shared by the FROST targets (copied into each file: a target must
 * build alone with libFuzzer too) ---- */
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

struct rd {
	const uint8_t *p;
	size_t left;
};

static const uint8_t *rd_take(struct rd *r, size_t n)
{
	const uint8_t *q = r->p;

	if (r->left < n)
		return NULL;
	r->p += n;
	r->left -= n;
	return q;
}

static int rd_u8(struct rd *r, unsigned int *v)
{
	const uint8_t *q = rd_take(r, 1);

	if (!q)
		return 0;
	*v = q[0];
	return 1;
}

/*
 * A session as carved from the input:
 *   n, t, u, tw, msglen (one byte each); ids (u bytes); pubshares (33u);
 *   thresh_pk (33); tweaks (32 * (tw & 7)); is_xonly ((tw & 7) bytes);
 *   msg (msglen bytes).
 * tw bit 7: one is_xonly entry too many (count mismatch);
 * tw bit 6: tweak_len one byte short (not a multiple of 32).
 */
struct fsess {
	uint32_t ids[256];
	struct mpc_frost_signers sc;
	struct mpc_frost_tweaks tw;
	const uint8_t *msg;
	size_t msglen;
	int has_tw;
};

static int sess_parse(struct fsess *s, struct rd *r)
{
	unsigned int n, t, u, tw, ml, i, cnt;
	const uint8_t *ids, *ps, *tpk, *tws, *xo;

	if (!rd_u8(r, &n) || !rd_u8(r, &t) || !rd_u8(r, &u) || !rd_u8(r, &tw) || !rd_u8(r, &ml))
		return 0;
	cnt = tw & 7;
	if (!(ids = rd_take(r, u)) || !(ps = rd_take(r, 33 * (size_t)u)) ||
	    !(tpk = rd_take(r, 33)) || !(tws = rd_take(r, 32 * (size_t)cnt)) ||
	    !(xo = rd_take(r, cnt + ((tw >> 7) & 1))) || !(s->msg = rd_take(r, ml)))
		return 0;
	for (i = 0; i < u; i++)
		s->ids[i] = ids[i];
	s->sc.n = n;
	s->sc.t = t;
	s->sc.u = u;
	s->sc.ids = s->ids;
	s->sc.pubshares = (const uint8_t (*)[33])ps;
	s->sc.thresh_pk = tpk;
	s->tw.tweak = tws;
	s->tw.tweak_len = 32 * (size_t)cnt - (cnt && (tw & 0x40) ? 1 : 0);
	s->tw.is_xonly = xo;
	s->tw.n_is_xonly = cnt + ((tw >> 7) & 1);
	s->has_tw = tw != 0;
	s->msglen = ml;
	return 1;
}

/* --- a fixed valid key for seeds: NK = 5 participants, threshold 3 --- */
#define NK 5
#define TK 3

struct fkey {
	uint8_t sec[NK][32];
	uint8_t pub[NK][33];
	uint8_t tpk[33];
	uint8_t secnonce[NK][64];	/* fixed-randomness nonces of each signer */
	uint8_t pubnonce[NK][66];
};

static void point_of(uint8_t out[33], const mpc_scalar *k)
{
	mpc_gej pj;
	mpc_ge p;

	mpc_ecmult_gen(&pj, k);
	mpc_ge_set_gej_var(&p, &pj);
	CHECK(mpc_ge_serialize_compressed(out, &p));
}

static void key_make(struct fkey *k)
{
	mpc_scalar a[TK], x, acc, tmp;
	uint8_t b[32], rnd[32];
	int i, j;

	CHECK(mpc_ecmult_init() == 0);
	for (j = 0; j < TK; j++) {
		memset(b, 0x21 + j, 32);
		b[0] = 0x3c;
		CHECK(mpc_scalar_set_b32(&a[j], b));
	}
	point_of(k->tpk, &a[0]);
	for (i = 0; i < NK; i++) {	/* share of id i is f(i + 1), Horner */
		mpc_scalar_set_int(&x, (unsigned int)i + 1);
		acc = a[TK - 1];
		for (j = TK - 2; j >= 0; j--) {
			mpc_scalar_mul(&tmp, &acc, &x);
			mpc_scalar_add(&acc, &tmp, &a[j]);
		}
		mpc_scalar_get_b32(k->sec[i], &acc);
		point_of(k->pub[i], &acc);
		memset(rnd, 0x70 + i, 32);
		CHECK(mpc_frost_nonce_gen(k->secnonce[i], k->pubnonce[i], rnd, k->sec[i], k->pub[i],
					  NULL, 0, NULL, 0, NULL, 0) == MPC_FROST_OK);
	}
}

/* Encode a session over the fixed key: signer ids ids[0..u), ntw tweaks. */
static size_t sess_encode(uint8_t *out, const struct fkey *k, const uint32_t *ids, unsigned int u,
			  unsigned int ntw, const uint8_t *msg, unsigned int ml)
{
	size_t o = 0;
	unsigned int i;

	out[o++] = NK;
	out[o++] = TK;
	out[o++] = (uint8_t)u;
	out[o++] = (uint8_t)ntw;
	out[o++] = (uint8_t)ml;
	for (i = 0; i < u; i++)
		out[o++] = (uint8_t)ids[i];
	for (i = 0; i < u; i++, o += 33)
		memcpy(out + o, k->pub[ids[i]], 33);
	memcpy(out + o, k->tpk, 33);
	o += 33;
	for (i = 0; i < ntw; i++, o += 32) {
		memset(out + o, 0x31 + i, 32);
		out[o] = 0x05;	/* < n */
	}
	for (i = 0; i < ntw; i++)
		out[o++] = (uint8_t)(i & 1);
	memcpy(out + o, msg, ml);
	return o + ml;
}

/* Signing of a seed session: aggnonce and all psigs of ids[0..u). */
static void sess_sign_all(const struct fkey *k, const uint8_t *enc, size_t enclen,
			  uint8_t aggnonce[66], uint8_t (*psigs)[32], uint8_t (*pubnonces)[66])
{
	struct fsess s;
	struct rd r = { enc, enclen };
	struct mpc_frost_session_ctx ctx;
	uint8_t sn[64];
	size_t i;

	CHECK(sess_parse(&s, &r));
	for (i = 0; i < s.sc.u; i++)
		memcpy(pubnonces[i], k->pubnonce[s.ids[i]], 66);
	CHECK(mpc_frost_nonce_agg(aggnonce, pubnonces[0], s.sc.u, NULL, NULL) == MPC_FROST_OK);
	ctx.signers = &s.sc;
	ctx.aggnonce = aggnonce;
	ctx.tweaks = s.has_tw ? &s.tw : NULL;
	ctx.msg = s.msg;
	ctx.msglen = s.msglen;
	for (i = 0; i < s.sc.u; i++) {
		memcpy(sn, k->secnonce[s.ids[i]], 64);
		CHECK(mpc_frost_sign(psigs[i], sn, k->sec[s.ids[i]], s.ids[i], &ctx, NULL, NULL) ==
		      MPC_FROST_OK);
	}
}

/* the seed sessions: (u, ids, tweaks, msglen) */
struct seed_sess {
	unsigned int u, ntw, ml;
	uint32_t ids[NK];
};
static const struct seed_sess k_seeds[] = {
	{ 3, 0, 32, { 0, 1, 2 } },
	{ 3, 2, 5, { 4, 0, 2 } },
	{ 5, 1, 0, { 1, 2, 3, 4, 0 } },
	{ 4, 3, 40, { 3, 1, 0, 4 } },
};
#define N_SEEDS (sizeof(k_seeds) / sizeof(k_seeds[0]))
/* ---- end of the shared part ---- */

static const uint8_t k_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
};

/* returns the code; sig and the session x-only key out */
static int agg(const uint8_t *data, size_t size, uint8_t sig[64], uint8_t qx[32], int *have_qx)
{
	struct fsess s;
	struct rd r = { data, size };
	struct mpc_frost_session_ctx ctx;
	struct mpc_frost_session_values sv;
	const uint8_t *an, *psigs;
	uint8_t sig2[64];
	unsigned int np, i;
	size_t blame = 777, blame2 = 778;
	int ret, ret2;

	*have_qx = 0;
	if (!sess_parse(&s, &r) || !(an = rd_take(&r, 66)) || !rd_u8(&r, &np) ||
	    !(psigs = rd_take(&r, 32 * (size_t)np)))
		return -1;
	ctx.signers = &s.sc;
	ctx.aggnonce = an;
	ctx.tweaks = s.has_tw ? &s.tw : NULL;
	ctx.msg = s.msg;
	ctx.msglen = s.msglen;
	memset(sig, 0xaa, 64);
	ret = mpc_frost_partial_sig_agg(sig, np ? psigs : NULL, np, &ctx, NULL, &blame);
	CHECK(ret >= 0 && ret < MPC_FROST_ERR_COUNT_);
	if (ret != MPC_FROST_OK)
		for (i = 0; i < 64; i++)
			CHECK(sig[i] == 0);
	if (ret == MPC_FROST_ERR_PSIG) {
		CHECK(blame < np);
		CHECK(memcmp(psigs + 32 * blame, k_n, 32) >= 0);
	}
	ret2 = mpc_frost_session_values(&sv, &ctx, NULL, NULL);
	if (ret2 != MPC_FROST_OK) {
		CHECK(ret != MPC_FROST_OK);
		return ret;
	}
	memcpy(qx, sv.q_x, 32);
	*have_qx = 1;
	ret2 = mpc_frost_partial_sig_agg_session(sig2, np ? psigs : NULL, np, &sv, &blame2);
	if (ret == MPC_FROST_OK || ret == MPC_FROST_ERR_PSIG || ret == MPC_FROST_ERR_PSIG_COUNT) {
		CHECK(ret2 == ret);
		if (ret == MPC_FROST_OK)
			CHECK(!memcmp(sig, sig2, 64));
		if (ret == MPC_FROST_ERR_PSIG)
			CHECK(blame2 == blame);
	}
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	uint8_t sig[64], qx[32];
	int h;

	if (!inited) {
		CHECK(mpc_ecmult_init() == 0);
		inited = 1;
	}
	agg(data, size, sig, qx, &h);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static struct fkey k;
	uint8_t buf[2048], an[66], psigs[NK][32], pns[NK][66], msg[64], sig[64], qx[32];
	size_t o, o0, j;
	int h;

	key_make(&k);
	memset(msg, 0xcd, sizeof(msg));
	for (j = 0; j < N_SEEDS; j++) {
		const struct seed_sess *e = &k_seeds[j];

		o = sess_encode(buf, &k, e->ids, e->u, e->ntw, msg, e->ml);
		o0 = o;
		sess_sign_all(&k, buf, o, an, psigs, pns);
		memcpy(buf + o, an, 66);
		o += 66;
		buf[o++] = (uint8_t)e->u;
		memcpy(buf + o, psigs, 32 * (size_t)e->u);
		o += 32 * (size_t)e->u;
		CHECK(agg(buf, o, sig, qx, &h) == MPC_FROST_OK && h);
		/* the aggregate of honest psigs is a valid BIP340 signature */
		CHECK(mpc_bip340_verify(sig, buf + o0 - e->ml, e->ml, qx) == 1);
		emit(buf, o);
	}
}
