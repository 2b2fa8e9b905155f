// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_dkg_step2.c - mpc_dkg_participant_step2 on arbitrary cmsg1, with a
 * real step-1 state of participant 0 (n = 9, t = 4, fixed randomness).
 *
 * Input: cmsg1 (the whole input; the valid length is 162n + 33(t - 1)).
 * Properties (abort() if violated):
 *  - a wrong length gives INVALID_ARG and leaves the state untouched;
 *  - blamed participants are < n; the honest cmsg1 is accepted;
 *  - after UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR the state investigates
 *    the coordinator's investigation message and never answers OK;
 *  - nothing leaks (LeakSanitizer) once the state is cleared.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/chilldkg.h"
#include "core/group.h"
#include "core/ecmult.h"

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
	struct mpc_dkg_pstate st;
	struct mpc_dkg_error e;
	uint8_t pmsg2[64], aux[32];
	int ret;

	if (!inited) {
		dkg_make(&g);
		inited = 1;
	}
	pstate_copy(&st, &g.st1[0]);
	memset(aux, 0x33, 32);
	ret = mpc_dkg_participant_step2(&st, pmsg2, g.hsk[0], data, size, aux, &e);
	check_err(ret, &e);
	if (size != CMSG1_LEN) {
		CHECK(ret == MPC_DKG_ERR_INVALID_ARG);
		CHECK(st.stage == g.st1[0].stage && st.buflen == g.st1[0].buflen &&
		      !memcmp(st.buf, g.st1[0].buf, st.buflen));
	}
	if (size == CMSG1_LEN && !memcmp(data, g.cmsg1, CMSG1_LEN))
		CHECK(ret == MPC_DKG_OK);
	if (ret == MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR ||
	    ret == MPC_DKG_ERR_FAULTY_PARTICIPANT)
		CHECK(e.participant_id < DN);
	if (ret == MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR) {
		ret = mpc_dkg_participant_investigate(&st, g.cinvs, CINV_LEN, &e);
		check_err(ret, &e);
		CHECK(ret != MPC_DKG_OK);
		if (ret == MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR)
			CHECK(e.participant_id < DN);
	}
	/* a second step2 on the used state is refused */
	if (size == CMSG1_LEN && ret != MPC_DKG_ERR_INVALID_ARG)
		CHECK(mpc_dkg_participant_step2(&st, pmsg2, g.hsk[0], data, size, aux, &e) != MPC_DKG_OK);
	mpc_dkg_pstate_clear(&st);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	uint8_t b[CMSG1_LEN];

	dkg_make(&g);
	emit(g.cmsg1, CMSG1_LEN);
	emit(g.cmsg1_bad, CMSG1_LEN);
	memcpy(b, g.cmsg1, CMSG1_LEN);
	b[33 * DN + 5] ^= 0x40;	/* a sum commitment to a non-constant term */
	emit(b, CMSG1_LEN);
}
