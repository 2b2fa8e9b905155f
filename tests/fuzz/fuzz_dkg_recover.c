// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_dkg_recover.c - mpc_dkg_recovery_data_dims, mpc_dkg_participant_recover
 * and mpc_dkg_coordinator_recover on arbitrary recovery data.
 *
 * Input: who (1 byte: the host secret key of participant who % n of the
 * fixed session), then the recovery data (the rest).
 * Properties (abort() if violated):
 *  - dims accepts iff the length is 4 + 33t + 162n for the t it reads, and
 *    then recovery_data_len(n, t) is the length;
 *  - recover fails unless dims accepts; params_out points into the data;
 *  - when both recoveries succeed they agree on thresh_pk and pubshares,
 *    and the participant's secshare * G is its own pubshare;
 *  - the honest recovery data gives the honest output.
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
	struct mpc_dkg_output po, co;
	struct mpc_dkg_params pp, cp;
	struct mpc_dkg_error e;
	const uint8_t *rd;
	size_t len;
	uint32_t n = 0, t = 0;
	uint8_t *pps, *cps, pub[33];
	unsigned int who;
	int dims, rp, rc;
	mpc_scalar s;
	mpc_gej pj;
	mpc_ge pg;

	if (!inited) {
		dkg_make(&g);
		inited = 1;
	}
	if (size < 1)
		return 0;
	who = data[0] % DN;
	rd = data + 1;
	len = size - 1;
	dims = mpc_dkg_recovery_data_dims(rd, len, &n, &t);
	if (dims) {
		CHECK(len >= 4 && ((uint32_t)rd[0] << 24 | (uint32_t)rd[1] << 16 |
				   (uint32_t)rd[2] << 8 | rd[3]) == t);
		CHECK(mpc_dkg_recovery_data_len(n, t) == len);
	} else if (len >= 4) {
		uint64_t tt = (uint32_t)rd[0] << 24 | (uint32_t)rd[1] << 16 | (uint32_t)rd[2] << 8 | rd[3];

		CHECK(len < 4 + 33 * tt || (len - 4 - 33 * tt) % 162 != 0);
	}
	if (!dims || n > 64)	/* keep the output buffers small */
		n = 1;
	pps = calloc(n, 33);
	cps = calloc(n, 33);
	CHECK(pps && cps);
	po.pubshares = pps;
	po.pubshares_len = 33 * (size_t)n;
	co.pubshares = cps;
	co.pubshares_len = 33 * (size_t)n;
	rp = mpc_dkg_participant_recover(&po, &pp, g.hsk[who], len ? rd : NULL, len, &e);
	check_err(rp, &e);
	rc = mpc_dkg_coordinator_recover(&co, &cp, len ? rd : NULL, len, &e);
	check_err(rc, &e);
	if (!dims)
		CHECK(rp != MPC_DKG_OK && rc != MPC_DKG_OK);
	if (rp == MPC_DKG_OK) {
		CHECK(pp.n == n && pp.t == t && pp.hostpubkeys == rd + 4 + 33 * (size_t)t);
		CHECK(mpc_scalar_set_b32_seckey(&s, po.secshare));
		mpc_ecmult_gen(&pj, &s);
		mpc_ge_set_gej_var(&pg, &pj);
		CHECK(mpc_ge_serialize_compressed(pub, &pg));
		/* the own pubshare: the host key's position in the list */
		{
			uint32_t i;

			for (i = 0; i < n && memcmp(pp.hostpubkeys + 33 * (size_t)i, g.hpk + 33 * who, 33); i++)
				;
			CHECK(i < n && !memcmp(pub, pps + 33 * (size_t)i, 33));
		}
	}
	if (rc == MPC_DKG_OK)
		CHECK(cp.n == n && cp.t == t && cp.hostpubkeys == rd + 4 + 33 * (size_t)t);
	if (rp == MPC_DKG_OK && rc == MPC_DKG_OK)
		CHECK(!memcmp(po.thresh_pk, co.thresh_pk, 33) && !memcmp(pps, cps, 33 * (size_t)n));
	if (len == RD_LEN && !memcmp(rd, g.rd, RD_LEN)) {
		CHECK(rp == MPC_DKG_OK && rc == MPC_DKG_OK);
		CHECK(!memcmp(co.thresh_pk, g.tpk, 33) && !memcmp(cps, g.pubshares, 33 * DN));
	}
	free(pps);
	free(cps);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static uint8_t b[1 + RD_LEN];

	dkg_make(&g);
	b[0] = 0;
	memcpy(b + 1, g.rd, RD_LEN);
	emit(b, sizeof(b));
	b[0] = 2;
	b[1 + RD_LEN - 1] ^= 1;	/* a certificate signature changed */
	emit(b, sizeof(b));
	b[0] = 1;
	emit(b, 5);		/* t = 0 and nothing else */
}
