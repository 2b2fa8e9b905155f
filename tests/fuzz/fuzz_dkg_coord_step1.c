// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_dkg_coord_step1.c - mpc_dkg_coordinator_step1 on arbitrary pmsg1
 * lists, with the fixed session parameters (n = 3, t = 2).
 *
 * Input: count (1 byte, taken mod n + 2), then count messages, each a 2-byte
 * big-endian length and that many bytes (the valid length is 33t + 32n + 97).
 * Properties (abort() if violated):
 *  - count != n gives INVALID_ARG, a wrong message length a failure;
 *  - FAULTY_PARTICIPANT blames an id < n;
 *  - the honest messages give the honest cmsg1; on success
 *    coordinator_investigate on the same messages also succeeds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/chilldkg.h"
#include "core/group.h"
#include "core/ecmult.h"

#define DN 3	/* the coordinator verifies no signatures here: small n, more inputs */
#define DT 2

/* ---- shared by the ChillDKG targets (copied into each file: a target
 * must build alone with libFuzzer too) ---- */
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

/*
 * A fixed honest session, n = DN, t = DT, made from fixed randomness at
 * start: host keys, step-1 states and messages, cmsg1, the coordinator's
 * step-1 state, step-2 states,
 * pmsg2s, cmsg2, recovery data, outputs, recovery acks, and an
 * investigation state of participant 0 (its enc_secshare in cmsg1 changed
 * by one) with the coordinator's cinv for it.
 */
#ifndef DN		/* n >= 9 reaches the batch verification (chunks of >= 8) */
#define DN 9
#define DT 4
#endif
#define PMSG1_LEN (33 * DT + 32 * DN + 97)
#define CMSG1_LEN (162 * DN + 33 * (DT - 1))
#define CMSG2_LEN (64 * DN)
#define CINV_LEN (65 * DN)
#define RD_LEN (4 + 33 * DT + 162 * DN)

struct dkg {
	uint8_t hsk[DN][32];
	uint8_t hpk[33 * DN];
	struct mpc_dkg_params p;
	struct mpc_dkg_pstate st1[DN];	/* step-1 states (kept as templates) */
	struct mpc_dkg_pstate st2[DN];	/* step-2 states */
	struct mpc_dkg_pstate inv0;	/* investigation state of participant 0 */
	struct mpc_dkg_cstate cs1;	/* coordinator state after step 1 */
	uint8_t pmsg1[DN][PMSG1_LEN];
	uint8_t cmsg1[CMSG1_LEN], cmsg1_bad[CMSG1_LEN];
	uint8_t pmsg2[DN][64];
	uint8_t cmsg2[CMSG2_LEN];
	uint8_t rd[RD_LEN];
	uint8_t tpk[33], pubshares[33 * DN];
	uint8_t cinvs[DN * CINV_LEN];
	uint8_t acks[DN][64];
};

__attribute__((unused)) static void pstate_copy(struct mpc_dkg_pstate *d, const struct mpc_dkg_pstate *s)
{
	*d = *s;
	if (s->buf) {
		d->buf = malloc(s->buflen);
		CHECK(d->buf != NULL);
		memcpy(d->buf, s->buf, s->buflen);
	}
}

__attribute__((unused)) static void dkg_make(struct dkg *g)
{
	const uint8_t *pm1[DN], *pm2[DN];
	size_t l1[DN], l2[DN];
	struct mpc_dkg_cstate cs;
	struct mpc_dkg_output out;
	struct mpc_dkg_pstate tmp;
	struct mpc_dkg_error e;
	uint8_t rnd[32], rd2[RD_LEN], ps[33 * DN];
	int i;

	if (g->p.n)	/* made already */
		return;
	CHECK(mpc_ecmult_init() == 0);
	memset(g, 0, sizeof(*g));
	memset(&cs, 0, sizeof(cs));
	for (i = 0; i < DN; i++) {
		memset(g->hsk[i], 0x51 + i, 32);
		CHECK(mpc_dkg_hostpubkey_gen(g->hpk + 33 * i, g->hsk[i], &e) == MPC_DKG_OK);
	}
	g->p.hostpubkeys = g->hpk;
	g->p.n = DN;
	g->p.t = DT;
	for (i = 0; i < DN; i++) {
		memset(rnd, 0x61 + i, 32);
		CHECK(mpc_dkg_participant_step1(&g->st1[i], g->pmsg1[i], PMSG1_LEN, g->hsk[i], &g->p,
						rnd, &e) == MPC_DKG_OK);
		pm1[i] = g->pmsg1[i];
		l1[i] = PMSG1_LEN;
	}
	CHECK(mpc_dkg_coordinator_step1(&cs, g->cmsg1, CMSG1_LEN, pm1, l1, DN, &g->p, &e) ==
	      MPC_DKG_OK);
	g->cs1 = cs;
	g->cs1.buf = malloc(cs.buflen);
	CHECK(g->cs1.buf != NULL);
	memcpy(g->cs1.buf, cs.buf, cs.buflen);
	for (i = 0; i < DN; i++) {
		memset(rnd, 0x71 + i, 32);
		pstate_copy(&g->st2[i], &g->st1[i]);
		CHECK(mpc_dkg_participant_step2(&g->st2[i], g->pmsg2[i], g->hsk[i], g->cmsg1,
						CMSG1_LEN, rnd, &e) == MPC_DKG_OK);
		pm2[i] = g->pmsg2[i];
		l2[i] = 64;
	}
	out.pubshares = g->pubshares;
	out.pubshares_len = sizeof(g->pubshares);
	CHECK(mpc_dkg_coordinator_finalize(&cs, g->cmsg2, CMSG2_LEN, &out, g->rd, RD_LEN, pm2, l2,
					   DN, &e) == MPC_DKG_OK);
	memcpy(g->tpk, out.thresh_pk, 33);
	mpc_dkg_cstate_clear(&cs);
	/* participant 0 finalizes (on a copy) to the same output */
	pstate_copy(&tmp, &g->st2[0]);
	out.pubshares = ps;
	CHECK(mpc_dkg_participant_finalize(&tmp, g->cmsg2, CMSG2_LEN, &out, rd2, RD_LEN, &e) ==
	      MPC_DKG_OK);
	CHECK(!memcmp(rd2, g->rd, RD_LEN) && !memcmp(ps, g->pubshares, sizeof(ps)) &&
	      !memcmp(out.thresh_pk, g->tpk, 33));
	mpc_dkg_pstate_clear(&tmp);
	for (i = 0; i < DN; i++) {
		memset(rnd, 0x81 + i, 32);
		CHECK(mpc_dkg_participant_recovery_ack_sign(g->acks[i], g->hsk[i], g->rd, RD_LEN,
							    &g->p, rnd, &e) == MPC_DKG_OK);
	}
	/* investigation: participant 0's enc_secshare (last 32n bytes, entry 0) off by one */
	memcpy(g->cmsg1_bad, g->cmsg1, CMSG1_LEN);
	g->cmsg1_bad[CMSG1_LEN - 32 * DN + 31] ^= 1;
	pstate_copy(&g->inv0, &g->st1[0]);
	memset(rnd, 0x91, 32);
	CHECK(mpc_dkg_participant_step2(&g->inv0, g->pmsg2[0], g->hsk[0], g->cmsg1_bad, CMSG1_LEN,
					rnd, &e) ==
	      MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR);
	CHECK(mpc_dkg_coordinator_investigate(g->cinvs, sizeof(g->cinvs), pm1, l1, DN, &g->p,
					      &e) == MPC_DKG_OK);
}

struct rd {
	const uint8_t *p;
	size_t left;
};

__attribute__((unused)) static const uint8_t *rd_take(struct rd *r, size_t n)
{
	const uint8_t *q = r->p;

	if (r->left < n)
		return NULL;
	r->p += n;
	r->left -= n;
	return q;
}

__attribute__((unused)) static int rd_u8(struct rd *r, unsigned int *v)
{
	const uint8_t *q = rd_take(r, 1);

	if (!q)
		return 0;
	*v = q[0];
	return 1;
}

__attribute__((unused)) static void check_err(int ret, const struct mpc_dkg_error *e)
{
	CHECK(ret >= MPC_DKG_OK && ret <= MPC_DKG_ERR_INTERNAL);
	CHECK(e->reason < MPC_DKG_R_MAX);
	CHECK(mpc_dkg_reason_str(e->reason) != NULL);
	if (ret == MPC_DKG_OK)
		CHECK(e->participant_id == MPC_DKG_NOBODY);
}
/* ---- end of the shared part ---- */

static struct dkg g;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct mpc_dkg_cstate cs;
	struct mpc_dkg_error e;
	struct rd r = { data, size };
	const uint8_t *pm[DN + 2], *lb;
	size_t len[DN + 2];
	unsigned int cnt, i, honest = 1, lens_ok = 1;
	uint8_t cmsg1[CMSG1_LEN], *cinvs;
	int ret;

	if (!inited) {
		dkg_make(&g);
		inited = 1;
	}
	if (!rd_u8(&r, &cnt))
		return 0;
	cnt %= DN + 2;
	for (i = 0; i < cnt; i++) {
		if (!(lb = rd_take(&r, 2)))
			return 0;
		len[i] = (size_t)lb[0] << 8 | lb[1];
		if (!(pm[i] = rd_take(&r, len[i])))
			return 0;
		if (len[i] != PMSG1_LEN)
			lens_ok = honest = 0;
		else if (i >= DN || memcmp(pm[i], g.pmsg1[i], PMSG1_LEN))
			honest = 0;
	}
	memset(&cs, 0, sizeof(cs));
	ret = mpc_dkg_coordinator_step1(&cs, cmsg1, CMSG1_LEN, cnt ? pm : NULL, cnt ? len : NULL,
					cnt, &g.p, &e);
	check_err(ret, &e);
	if (cnt != DN)
		CHECK(ret == MPC_DKG_ERR_INVALID_ARG);
	if (!lens_ok)	/* (messages are checked in order: an earlier one may be faulty) */
		CHECK(ret == MPC_DKG_ERR_INVALID_ARG || ret == MPC_DKG_ERR_FAULTY_PARTICIPANT);
	if (ret == MPC_DKG_ERR_FAULTY_PARTICIPANT)
		CHECK(e.participant_id < DN);
	if (honest && cnt == DN)
		CHECK(ret == MPC_DKG_OK && !memcmp(cmsg1, g.cmsg1, CMSG1_LEN));
	if (ret == MPC_DKG_OK) {
		cinvs = malloc(DN * CINV_LEN);
		CHECK(cinvs != NULL);
		CHECK(mpc_dkg_coordinator_investigate(cinvs, DN * CINV_LEN, pm, len, cnt, &g.p, &e) ==
		      MPC_DKG_OK);
		free(cinvs);
	}
	mpc_dkg_cstate_clear(&cs);
	return 0;
}

static size_t enc(uint8_t *b, uint8_t (*m)[PMSG1_LEN], unsigned int cnt)
{
	size_t o = 0;
	unsigned int i;

	b[o++] = (uint8_t)cnt;
	for (i = 0; i < cnt; i++) {
		b[o++] = PMSG1_LEN >> 8;
		b[o++] = PMSG1_LEN & 0xff;
		memcpy(b + o, m[i], PMSG1_LEN);
		o += PMSG1_LEN;
	}
	return o;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static uint8_t b[1 + DN * (2 + PMSG1_LEN)], m[DN][PMSG1_LEN];

	dkg_make(&g);
	emit(b, enc(b, g.pmsg1, DN));
	memcpy(m, g.pmsg1, sizeof(m));
	memcpy(m[2], m[1], PMSG1_LEN);	/* a participant sends another's message */
	emit(b, enc(b, m, DN));
}
