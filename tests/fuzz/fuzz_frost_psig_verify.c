// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_frost_psig_verify.c - mpc_frost_partial_sig_verify on arbitrary
 * sessions, nonce lists and partial signatures.
 *
 * Input: a session (see sess_parse below), then n_pubnonces (1 byte),
 * i (1 byte), n_pubnonces * 66 bytes of pubnonces, psig (32).
 * Properties (abort() if violated):
 *  - the result is one of the documented codes; VERIFY_FAIL blames i;
 *  - when it answers OK or VERIFY_FAIL, the session-values path
 *    (nonce_agg + session_values + psig_verify_session) gives the same
 *    answer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/frost.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct fsess s;
	struct rd r = { data, size };
	struct mpc_frost_session_ctx ctx;
	struct mpc_frost_session_values sv;
	const uint8_t *pns, *psig;
	uint8_t agg[66];
	unsigned int npn, i;
	size_t blame = 777;
	int ret, ret2;

	if (!inited) {
		CHECK(mpc_ecmult_init() == 0);
		inited = 1;
	}
	if (!sess_parse(&s, &r) || !rd_u8(&r, &npn) || !rd_u8(&r, &i) ||
	    !(pns = rd_take(&r, 66 * (size_t)npn)) || !(psig = rd_take(&r, 32)))
		return 0;
	ret = mpc_frost_partial_sig_verify(psig, npn ? pns : NULL, npn, &s.sc,
					   s.has_tw ? &s.tw : NULL, s.msg, s.msglen, i, NULL,
					   &blame);
	CHECK(ret >= 0 && ret < MPC_FROST_ERR_COUNT_);
	CHECK(mpc_frost_strerror(ret) != NULL);
	if (ret == MPC_FROST_ERR_PUBNONCE)
		CHECK(blame < npn);
	if (ret != MPC_FROST_OK && ret != MPC_FROST_VERIFY_FAIL)
		return 0;
	if (ret == MPC_FROST_VERIFY_FAIL)
		CHECK(blame == i);
	CHECK(npn == s.sc.u && i < s.sc.u);
	CHECK(mpc_frost_nonce_agg(agg, pns, npn, NULL, NULL) == MPC_FROST_OK);
	ctx.signers = &s.sc;
	ctx.aggnonce = agg;
	ctx.tweaks = s.has_tw ? &s.tw : NULL;
	ctx.msg = s.msg;
	ctx.msglen = s.msglen;
	ret2 = mpc_frost_session_values(&sv, &ctx, NULL, NULL);
	CHECK(ret2 == MPC_FROST_OK);
	ret2 = mpc_frost_psig_verify_session(&sv, psig, s.ids[i], pns + 66 * (size_t)i,
					     s.sc.pubshares[i]);
	CHECK(ret2 == ret);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static struct fkey k;
	uint8_t buf[2048], agg[66], psigs[NK][32], pns[NK][66], msg[64];
	size_t o, j;
	unsigned int i;

	key_make(&k);
	memset(msg, 0xab, sizeof(msg));
	for (j = 0; j < N_SEEDS; j++) {
		const struct seed_sess *e = &k_seeds[j];

		o = sess_encode(buf, &k, e->ids, e->u, e->ntw, msg, e->ml);
		sess_sign_all(&k, buf, o, agg, psigs, pns);
		i = (unsigned int)(j % e->u);
		buf[o++] = (uint8_t)e->u;
		buf[o++] = (uint8_t)i;
		memcpy(buf + o, pns, 66 * (size_t)e->u);
		o += 66 * (size_t)e->u;
		memcpy(buf + o, psigs[i], 32);
		o += 32;
		CHECK(LLVMFuzzerTestOneInput(buf, o) == 0);
		emit(buf, o);
	}
}
