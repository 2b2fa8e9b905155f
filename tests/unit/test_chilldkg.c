// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_chilldkg.c - every official ChillDKG vector (valid and error cases,
 * error kind, blamed participant and reference message checked), plus
 * randomized end-to-end sessions through the participant and coordinator
 * functions with independent checks against libsecp256k1.
 *
 * The C API takes host secret keys and randomness as fixed 32-byte arrays,
 * so the vectors' "ValueError: not 32 bytes" cases cannot be passed in; the
 * harness checks that such an input really has the wrong length and
 * reports it as rejected (MPC_DKG_ERR_INVALID_ARG), as a caller would.
 */
#include "test.h"
#include "json.h"
#include "core/chilldkg.h"
#include "core/ecmult.h"
#include "core/scalar.h"
#include "core/hash.h"

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

static secp256k1_context *ctx;
static int vec_total, vec_pass;

/* ---------- helpers ---------- */

static struct json *load(const char *name)
{
	char path[512];
	struct json *j;

	snprintf(path, sizeof(path), "%s/chilldkg/%s", test_vectors_dir(), name);
	j = json_parse_file(path);
	if (!j)
		TEST_FAIL("cannot load %s", path);
	return j;
}

/* Decode hex into a malloc'ed buffer (len may be 0); NULL-safe for JSON null. */
static uint8_t *hexa(const struct json *j, size_t *len)
{
	uint8_t *b;

	*len = 0;
	if (!j || j->type != JSON_STR)
		return NULL;
	b = hex_decode_alloc(j->str, len);
	if (!b)
		TEST_FAIL("bad hex");
	return b;
}

static int hex32(uint8_t out[32], const struct json *j, int *wrong_len)
{
	size_t len;
	uint8_t *b = hexa(j, &len);

	*wrong_len = 0;
	if (!b && len == 0 && (!j || j->type != JSON_STR))
		return 0;
	if (len != 32) {
		*wrong_len = 1;
		free(b);
		return 0;
	}
	memcpy(out, b, 32);
	free(b);
	return 1;
}

static int eq_hex(const uint8_t *buf, size_t len, const char *hex)
{
	size_t l;
	uint8_t *b;
	int ok;

	if (!hex)
		return 0;
	b = hex_decode_alloc(hex, &l);
	ok = b && l == len && !memcmp(b, buf, len);
	free(b);
	return ok;
}

struct params_buf {
	struct mpc_dkg_params p;
	uint8_t *hpk;
};

static void params_load(struct params_buf *pb, const struct json *j)
{
	const struct json *arr = json_get(j, "hostpubkeys");
	size_t i, l;

	pb->p.n = arr ? (uint32_t)arr->len : 0;
	pb->p.t = (uint32_t)json_get_num(j, "t", 0);
	pb->hpk = calloc(1, 33 * (size_t)pb->p.n + 1);
	for (i = 0; i < pb->p.n; i++) {
		uint8_t *b = hexa(json_at(arr, i), &l);

		if (l != 33)
			TEST_FAIL("hostpubkey of %zu bytes", l);
		else
			memcpy(pb->hpk + 33 * i, b, 33);
		free(b);
	}
	pb->p.hostpubkeys = pb->hpk;
}

static const struct {
	const char *name;
	int code;
} err_names[] = {
	{ "ValueError", MPC_DKG_ERR_INVALID_ARG },
	{ "HostSeckeyError", MPC_DKG_ERR_HOST_SECKEY },
	{ "ThresholdOrCountError", MPC_DKG_ERR_THRESHOLD_OR_COUNT },
	{ "InvalidHostPubkeyError", MPC_DKG_ERR_INVALID_HOSTPUBKEY },
	{ "DuplicateHostPubkeyError", MPC_DKG_ERR_DUPLICATE_HOSTPUBKEY },
	{ "RandomnessError", MPC_DKG_ERR_RANDOMNESS },
	{ "RecoveryDataError", MPC_DKG_ERR_RECOVERY_DATA },
	{ "InvalidRecoveryAckError", MPC_DKG_ERR_INVALID_RECOVERY_ACK },
	{ "FaultyParticipantError", MPC_DKG_ERR_FAULTY_PARTICIPANT },
	{ "FaultyParticipantOrCoordinatorError", MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR },
	{ "FaultyCoordinatorError", MPC_DKG_ERR_FAULTY_COORDINATOR },
	{ "UnknownFaultyParticipantOrCoordinatorError",
	  MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR },
};

/* Does (ret, e) match expectedError exactly (kind, blamed ids, message)? */
static int match_error(int ret, const struct mpc_dkg_error *e, const struct json *exp, int tc)
{
	const char *type = json_get_str(exp, "type");
	const char *msg = json_get_str(exp, "message");
	long long id = json_get_num(exp, "participantId", -1);
	long long id1 = json_get_num(exp, "participantId1", -1);
	long long id2 = json_get_num(exp, "participantId2", -1);
	size_t i;
	int want = -1;

	for (i = 0; type && i < sizeof(err_names) / sizeof(err_names[0]); i++)
		if (!strcmp(type, err_names[i].name))
			want = err_names[i].code;
	if (want < 0) {
		printf("# tc %d: unknown expected error %s\n", tc, type ? type : "(null)");
		return 0;
	}
	if (ret != want) {
		printf("# tc %d: expected %s, got %d (%s)\n", tc, type, ret,
		       mpc_dkg_reason_str(e->reason));
		return 0;
	}
	if (id >= 0 && e->participant_id != (uint32_t)id) {
		printf("# tc %d: blamed %u, expected %lld\n", tc, e->participant_id, id);
		return 0;
	}
	if (id1 >= 0 && (e->participant_id != (uint32_t)id1 || e->participant_id2 != (uint32_t)id2)) {
		printf("# tc %d: duplicate ids %u,%u expected %lld,%lld\n", tc,
		       e->participant_id, e->participant_id2, id1, id2);
		return 0;
	}
	if (msg && want != MPC_DKG_ERR_INVALID_ARG && strcmp(msg, mpc_dkg_reason_str(e->reason))) {
		printf("# tc %d: message '%s', expected '%s'\n", tc,
		       mpc_dkg_reason_str(e->reason), msg);
		return 0;
	}
	return 1;
}

struct group_count {
	int total, pass;
};

static void count(struct group_count *g, int ok, int tc, const char *what)
{
	g->total++;
	vec_total++;
	if (ok) {
		g->pass++;
		vec_pass++;
	} else {
		printf("# FAIL %s tc %d\n", what, tc);
	}
}

static void report(const struct group_count *g, const char *file)
{
	test_report(g->total > 0 && g->pass == g->total, "%s: %d/%d vectors", file, g->pass,
		    g->total);
}

/* The field value for this test case: per-case override, else the group's. */
static const struct json *field(const struct json *tc, const struct json *g, const char *k)
{
	const struct json *v = json_get(tc, k);

	return v ? v : json_get(g, k);
}

/* ---------- wrappers mapping fixed-size arguments ---------- */

/* Run step1 with hex inputs; a wrong-length 32-byte input is INVALID_ARG. */
static int run_step1(struct mpc_dkg_pstate *st, uint8_t **pmsg1, size_t *pmsg1_len,
		     const struct json *skj, const struct mpc_dkg_params *p,
		     const struct json *rndj, struct mpc_dkg_error *e)
{
	uint8_t sk[32], rnd[32];
	int wl;

	memset(st, 0, sizeof(*st));
	*pmsg1_len = mpc_dkg_pmsg1_len(p->n, p->t);
	*pmsg1 = calloc(1, *pmsg1_len + 1);
	memset(e, 0xff, sizeof(*e));
	if (!hex32(sk, skj, &wl) && wl)
		return MPC_DKG_ERR_INVALID_ARG;
	if (!hex32(rnd, rndj, &wl) && wl) {
		/* random is checked after the host key and the params */
		uint8_t pub[33];
		int r = mpc_dkg_hostpubkey_gen(pub, sk, e);

		if (!r)
			r = mpc_dkg_params_validate(p, e);
		return r ? r : MPC_DKG_ERR_INVALID_ARG;
	}
	return mpc_dkg_participant_step1(st, *pmsg1, *pmsg1_len, sk, p, rnd, e);
}

static int run_step2(struct mpc_dkg_pstate *st, uint8_t pmsg2[64], const struct json *skj,
		     const uint8_t *cmsg1, size_t cmsg1_len, const struct json *auxj,
		     struct mpc_dkg_error *e)
{
	uint8_t sk[32], aux[32];
	int wl;

	memset(e, 0xff, sizeof(*e));
	if (!hex32(sk, skj, &wl) && wl)
		return MPC_DKG_ERR_INVALID_ARG;
	if (!hex32(aux, auxj, &wl) && wl) {
		uint8_t pub[33];
		int r = mpc_dkg_hostpubkey_gen(pub, sk, e);

		return r ? r : MPC_DKG_ERR_INVALID_ARG;
	}
	return mpc_dkg_participant_step2(st, pmsg2, sk, cmsg1, cmsg1_len, aux, e);
}

/* step1 + step2 of a group, checking the group's pmsg1 (and pmsg2). */
static int setup_participant(struct mpc_dkg_pstate *st, const struct json *g,
			     const struct mpc_dkg_params *p, const uint8_t *cmsg1,
			     size_t cmsg1_len, int *ret2, struct mpc_dkg_error *e2)
{
	struct mpc_dkg_error e;
	uint8_t *pmsg1, pmsg2[64];
	size_t pl;
	int ok, r;

	r = run_step1(st, &pmsg1, &pl, json_get(g, "hostseckey"), p, json_get(g, "random"), &e);
	ok = !r && eq_hex(pmsg1, pl, json_get_str(g, "pmsg1"));
	free(pmsg1);
	if (!ok) {
		printf("# setup: step1 mismatch (%d)\n", r);
		return 0;
	}
	if (!cmsg1)
		return 1;
	*ret2 = run_step2(st, pmsg2, json_get(g, "hostseckey"), cmsg1, cmsg1_len,
			  json_get(g, "auxRand"), e2);
	if (!*ret2 && json_get_str(g, "pmsg2") && !eq_hex(pmsg2, 64, json_get_str(g, "pmsg2"))) {
		printf("# setup: pmsg2 mismatch\n");
		return 0;
	}
	return 1;
}

static int check_output(const struct mpc_dkg_output *o, uint32_t n, const struct json *exp)
{
	const struct json *ps = json_get(exp, "pubshares");
	const struct json *ss = json_get(exp, "secshare");
	uint32_t i;
	uint8_t zero[32] = { 0 };

	if (!ps || ps->len != n || !eq_hex(o->thresh_pk, 33, json_get_str(exp, "threshPk")))
		return 0;
	for (i = 0; i < n; i++)
		if (!eq_hex(o->pubshares + 33 * i, 33, json_at(ps, i)->str))
			return 0;
	if (ss && ss->type == JSON_STR)
		return eq_hex(o->secshare, 32, ss->str);
	return !memcmp(o->secshare, zero, 32);
}

/* ---------- vector files ---------- */

static void t_hostpubkey_gen(void)
{
	struct json *d = load("hostpubkey_gen_vectors.json");
	const struct json *v;
	struct group_count g = { 0, 0 };
	size_t i;

	if (!d)
		return;
	v = json_get(d, "validTestCases");
	for (i = 0; v && i < v->len; i++) {
		const struct json *tc = json_at(v, i);
		uint8_t sk[32], pub[33];
		struct mpc_dkg_error e;
		int wl, ok;

		ok = hex32(sk, json_get(tc, "hostseckey"), &wl) &&
		     !mpc_dkg_hostpubkey_gen(pub, sk, &e) &&
		     eq_hex(pub, 33, json_get_str(tc, "expectedHostpubkey"));
		count(&g, ok, (int)json_get_num(tc, "tcId", 0), "hostpubkey_gen");
	}
	v = json_get(d, "errorTestCases");
	for (i = 0; v && i < v->len; i++) {
		const struct json *tc = json_at(v, i);
		uint8_t sk[32], pub[33];
		struct mpc_dkg_error e = { 0, 0, 0 };
		int wl, r;

		r = hex32(sk, json_get(tc, "hostseckey"), &wl) ?
			mpc_dkg_hostpubkey_gen(pub, sk, &e) : MPC_DKG_ERR_INVALID_ARG;
		count(&g, match_error(r, &e, json_get(tc, "expectedError"),
				      (int)json_get_num(tc, "tcId", 0)),
		      (int)json_get_num(tc, "tcId", 0), "hostpubkey_gen");
	}
	report(&g, "hostpubkey_gen_vectors.json");
	json_free(d);
}

static void t_params_hash(void)
{
	struct json *d = load("params_hash_vectors.json");
	const struct json *v;
	struct group_count g = { 0, 0 };
	size_t i, k;

	if (!d)
		return;
	for (k = 0; k < 2; k++) {
		v = json_get(d, k ? "errorTestCases" : "validTestCases");
		for (i = 0; v && i < v->len; i++) {
			const struct json *tc = json_at(v, i);
			int id = (int)json_get_num(tc, "tcId", 0);
			struct params_buf pb;
			struct mpc_dkg_error e;
			uint8_t h[32];
			int r, ok;

			params_load(&pb, json_get(tc, "params"));
			r = mpc_dkg_params_hash(h, &pb.p, &e);
			if (k)
				ok = match_error(r, &e, json_get(tc, "expectedError"), id);
			else
				ok = !r && eq_hex(h, 32, json_get_str(tc, "expectedParamsHash"));
			count(&g, ok, id, "params_hash");
			free(pb.hpk);
		}
	}
	report(&g, "params_hash_vectors.json");
	json_free(d);
}

static void t_participant_step1(void)
{
	struct json *d = load("participant_step1_vectors.json");
	const struct json *gs;
	struct group_count g = { 0, 0 };
	size_t gi, i, k;

	if (!d)
		return;
	gs = json_get(d, "testGroups");
	for (gi = 0; gs && gi < gs->len; gi++) {
		for (k = 0; k < 2; k++) {
			const struct json *v = json_get(json_at(gs, gi),
							k ? "errorTestCases" : "validTestCases");

			for (i = 0; v && i < v->len; i++) {
				const struct json *tc = json_at(v, i);
				int id = (int)json_get_num(tc, "tcId", 0);
				struct mpc_dkg_pstate st;
				struct mpc_dkg_error e;
				struct params_buf pb;
				uint8_t *pm;
				size_t pl;
				int r, ok;

				params_load(&pb, json_get(tc, "params"));
				r = run_step1(&st, &pm, &pl, json_get(tc, "hostseckey"), &pb.p,
					      json_get(tc, "random"), &e);
				if (k)
					ok = match_error(r, &e, json_get(tc, "expectedError"), id) &&
					     st.buf == NULL;
				else
					ok = !r && eq_hex(pm, pl, json_get_str(tc, "expectedPmsg1"));
				count(&g, ok, id, "participant_step1");
				mpc_dkg_pstate_clear(&st);
				free(pm);
				free(pb.hpk);
			}
		}
	}
	report(&g, "participant_step1_vectors.json");
	json_free(d);
}

static void t_participant_step2(void)
{
	struct json *d = load("participant_step2_vectors.json");
	const struct json *gs;
	struct group_count g = { 0, 0 };
	size_t gi, i, k;

	if (!d)
		return;
	gs = json_get(d, "testGroups");
	for (gi = 0; gs && gi < gs->len; gi++) {
		const struct json *grp = json_at(gs, gi);
		struct params_buf pb;

		params_load(&pb, json_get(grp, "params"));
		for (k = 0; k < 2; k++) {
			const struct json *v = json_get(grp, k ? "errorTestCases" : "validTestCases");

			for (i = 0; v && i < v->len; i++) {
				const struct json *tc = json_at(v, i);
				int id = (int)json_get_num(tc, "tcId", 0);
				struct mpc_dkg_pstate st;
				struct mpc_dkg_error e;
				uint8_t *c, pmsg2[64];
				size_t cl;
				int r, ok = 0;

				c = hexa(json_get(tc, "cmsg1"), &cl);
				if (setup_participant(&st, grp, &pb.p, NULL, 0, NULL, NULL)) {
					r = run_step2(&st, pmsg2, field(tc, grp, "hostseckey"), c, cl,
						      field(tc, grp, "auxRand"), &e);
					if (k)
						ok = match_error(r, &e, json_get(tc, "expectedError"), id);
					else
						ok = !r && eq_hex(pmsg2, 64,
								  json_get_str(tc, "expectedPmsg2"));
				}
				count(&g, ok, id, "participant_step2");
				mpc_dkg_pstate_clear(&st);
				free(c);
			}
		}
		free(pb.hpk);
	}
	report(&g, "participant_step2_vectors.json");
	json_free(d);
}

static void t_participant_finalize(void)
{
	struct json *d = load("participant_finalize_vectors.json");
	const struct json *gs;
	struct group_count g = { 0, 0 };
	size_t gi, i, k;

	if (!d)
		return;
	gs = json_get(d, "testGroups");
	for (gi = 0; gs && gi < gs->len; gi++) {
		const struct json *grp = json_at(gs, gi);
		struct params_buf pb;
		uint8_t *c1;
		size_t c1l;

		params_load(&pb, json_get(grp, "params"));
		c1 = hexa(json_get(grp, "cmsg1"), &c1l);
		for (k = 0; k < 2; k++) {
			const struct json *v = json_get(grp, k ? "errorTestCases" : "validTestCases");

			for (i = 0; v && i < v->len; i++) {
				const struct json *tc = json_at(v, i);
				int id = (int)json_get_num(tc, "tcId", 0);
				struct mpc_dkg_pstate st;
				struct mpc_dkg_error e, e2;
				struct mpc_dkg_output o;
				uint8_t *c2, *rd;
				size_t c2l, rdl = mpc_dkg_recovery_data_len(pb.p.n, pb.p.t);
				int r, r2 = -1, ok = 0;

				c2 = hexa(json_get(tc, "cmsg2"), &c2l);
				rd = calloc(1, rdl);
				o.pubshares = calloc(1, 33 * pb.p.n);
				o.pubshares_len = 33 * pb.p.n;
				if (setup_participant(&st, grp, &pb.p, c1, c1l, &r2, &e2) && !r2) {
					r = mpc_dkg_participant_finalize(&st, c2, c2l, &o, rd, rdl, &e);
					if (k) {
						ok = match_error(r, &e, json_get(tc, "expectedError"), id);
					} else {
						const struct json *eo = json_get(tc, "expectedOutput");

						ok = !r && check_output(&o, pb.p.n, json_get(eo, "dkgOutput")) &&
						     eq_hex(rd, rdl, json_get_str(eo, "recoveryData"));
					}
				}
				count(&g, ok, id, "participant_finalize");
				mpc_dkg_pstate_clear(&st);
				free(c2);
				free(rd);
				free(o.pubshares);
			}
		}
		free(c1);
		free(pb.hpk);
	}
	report(&g, "participant_finalize_vectors.json");
	json_free(d);
}

static void t_participant_investigate(void)
{
	struct json *d = load("participant_investigate_vectors.json");
	const struct json *gs;
	struct group_count g = { 0, 0 };
	size_t gi, i;

	if (!d)
		return;
	gs = json_get(d, "testGroups");
	for (gi = 0; gs && gi < gs->len; gi++) {
		const struct json *grp = json_at(gs, gi);
		const struct json *v = json_get(grp, "errorTestCases");
		struct params_buf pb;

		params_load(&pb, json_get(grp, "params"));
		for (i = 0; v && i < v->len; i++) {
			const struct json *tc = json_at(v, i);
			int id = (int)json_get_num(tc, "tcId", 0);
			struct mpc_dkg_pstate st;
			struct mpc_dkg_error e, e2;
			uint8_t *c1, *ci;
			size_t c1l, cil;
			int r, r2 = -1, ok = 0;

			c1 = hexa(json_at(json_get(grp, "cmsg1Pool"),
					  (size_t)json_get_num(tc, "cmsg1Index", 0)), &c1l);
			ci = hexa(json_get(tc, "cinvMsg"), &cil);
			if (setup_participant(&st, grp, &pb.p, c1, c1l, &r2, &e2) &&
			    r2 == MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR) {
				r = mpc_dkg_participant_investigate(&st, ci, cil, &e);
				ok = match_error(r, &e, json_get(tc, "expectedError"), id);
			} else {
				printf("# tc %d: step2 returned %d, not UNKNOWN_FAULTY\n", id, r2);
			}
			count(&g, ok, id, "participant_investigate");
			mpc_dkg_pstate_clear(&st);
			free(c1);
			free(ci);
		}
		free(pb.hpk);
	}
	report(&g, "participant_investigate_vectors.json");
	json_free(d);
}

/* Messages from a pool by index list. */
struct msglist {
	size_t count;
	uint8_t **m;
	size_t *len;
};

static void msglist_load(struct msglist *ml, const struct json *pool, const struct json *idx)
{
	size_t i;

	ml->count = idx ? idx->len : 0;
	ml->m = calloc(ml->count + 1, sizeof(*ml->m));
	ml->len = calloc(ml->count + 1, sizeof(*ml->len));
	for (i = 0; i < ml->count; i++) {
		ml->m[i] = hexa(json_at(pool, (size_t)json_at(idx, i)->num), &ml->len[i]);
		if (!ml->m[i])
			ml->m[i] = calloc(1, 1);	/* empty message */
	}
}

static void msglist_free(struct msglist *ml)
{
	size_t i;

	for (i = 0; i < ml->count; i++)
		free(ml->m[i]);
	free(ml->m);
	free(ml->len);
}

static void t_coordinator_step1(void)
{
	struct json *d = load("coordinator_step1_vectors.json");
	const struct json *gs;
	struct group_count g = { 0, 0 };
	size_t gi, i, k;

	if (!d)
		return;
	gs = json_get(d, "testGroups");
	for (gi = 0; gs && gi < gs->len; gi++) {
		const struct json *grp = json_at(gs, gi);

		for (k = 0; k < 2; k++) {
			const struct json *v = json_get(grp, k ? "errorTestCases" : "validTestCases");

			for (i = 0; v && i < v->len; i++) {
				const struct json *tc = json_at(v, i);
				int id = (int)json_get_num(tc, "tcId", 0);
				struct mpc_dkg_cstate cs = { 0 };
				struct mpc_dkg_error e;
				struct params_buf pb;
				struct msglist ml;
				uint8_t *c;
				size_t cl;
				int r, ok;

				params_load(&pb, json_get(tc, "params"));
				msglist_load(&ml, json_get(grp, "pmsg1Pool"), json_get(tc, "pmsg1Indices"));
				cl = mpc_dkg_cmsg1_len(pb.p.n, pb.p.t);
				c = calloc(1, cl + 1);
				r = mpc_dkg_coordinator_step1(&cs, c, cl, (const uint8_t *const *)ml.m,
							      ml.len, ml.count, &pb.p, &e);
				if (k)
					ok = match_error(r, &e, json_get(tc, "expectedError"), id);
				else
					ok = !r && eq_hex(c, cl, json_get_str(tc, "expectedCmsg1"));
				count(&g, ok, id, "coordinator_step1");
				mpc_dkg_cstate_clear(&cs);
				msglist_free(&ml);
				free(c);
				free(pb.hpk);
			}
		}
	}
	report(&g, "coordinator_step1_vectors.json");
	json_free(d);
}

static void t_coordinator_finalize(void)
{
	struct json *d = load("coordinator_finalize_vectors.json");
	const struct json *gs;
	struct group_count g = { 0, 0 };
	size_t gi, i, k, j;

	if (!d)
		return;
	gs = json_get(d, "testGroups");
	for (gi = 0; gs && gi < gs->len; gi++) {
		const struct json *grp = json_at(gs, gi);
		const struct json *p1 = json_get(grp, "pmsgs1");
		struct mpc_dkg_cstate cs = { 0 };
		struct mpc_dkg_error e;
		struct params_buf pb;
		struct msglist ml;
		uint8_t *c;
		size_t cl;
		int r, setup_ok;

		params_load(&pb, json_get(grp, "params"));
		ml.count = p1 ? p1->len : 0;
		ml.m = calloc(ml.count + 1, sizeof(*ml.m));
		ml.len = calloc(ml.count + 1, sizeof(*ml.len));
		for (j = 0; j < ml.count; j++)
			ml.m[j] = hexa(json_at(p1, j), &ml.len[j]);
		cl = mpc_dkg_cmsg1_len(pb.p.n, pb.p.t);
		c = calloc(1, cl);
		r = mpc_dkg_coordinator_step1(&cs, c, cl, (const uint8_t *const *)ml.m, ml.len,
					      ml.count, &pb.p, &e);
		setup_ok = !r && eq_hex(c, cl, json_get_str(grp, "cmsg1"));
		if (!setup_ok)
			printf("# coordinator_finalize setup failed (%d)\n", r);
		msglist_free(&ml);
		free(c);
		for (k = 0; k < 2; k++) {
			const struct json *v = json_get(grp, k ? "errorTestCases" : "validTestCases");

			for (i = 0; v && i < v->len; i++) {
				const struct json *tc = json_at(v, i);
				int id = (int)json_get_num(tc, "tcId", 0);
				struct mpc_dkg_output o;
				struct msglist m2;
				size_t c2l = mpc_dkg_cmsg2_len(pb.p.n);
				size_t rdl = mpc_dkg_recovery_data_len(pb.p.n, pb.p.t);
				uint8_t *c2 = calloc(1, c2l), *rd = calloc(1, rdl);
				int ok = 0;

				o.pubshares = calloc(1, 33 * pb.p.n);
				o.pubshares_len = 33 * pb.p.n;
				msglist_load(&m2, json_get(grp, "pmsg2Pool"), json_get(tc, "pmsg2Indices"));
				if (setup_ok) {
					r = mpc_dkg_coordinator_finalize(&cs, c2, c2l, &o, rd, rdl,
									 (const uint8_t *const *)m2.m,
									 m2.len, m2.count, &e);
					if (k) {
						ok = match_error(r, &e, json_get(tc, "expectedError"), id);
					} else {
						const struct json *eo = json_get(tc, "expectedOutput");

						ok = !r && eq_hex(c2, c2l, json_get_str(eo, "cmsg2")) &&
						     check_output(&o, pb.p.n, json_get(eo, "dkgOutput")) &&
						     eq_hex(rd, rdl, json_get_str(eo, "recoveryData"));
					}
				}
				count(&g, ok, id, "coordinator_finalize");
				msglist_free(&m2);
				free(c2);
				free(rd);
				free(o.pubshares);
			}
		}
		mpc_dkg_cstate_clear(&cs);
		free(pb.hpk);
	}
	report(&g, "coordinator_finalize_vectors.json");
	json_free(d);
}

static void t_coordinator_investigate(void)
{
	struct json *d = load("coordinator_investigate_vectors.json");
	const struct json *gs;
	struct group_count g = { 0, 0 };
	size_t gi, i, j;

	if (!d)
		return;
	gs = json_get(d, "testGroups");
	for (gi = 0; gs && gi < gs->len; gi++) {
		const struct json *grp = json_at(gs, gi);
		const struct json *v = json_get(grp, "validTestCases");
		const struct json *p1 = json_get(grp, "pmsgs1");
		struct params_buf pb;

		params_load(&pb, json_get(grp, "params"));
		for (i = 0; v && i < v->len; i++) {
			const struct json *tc = json_at(v, i);
			const struct json *exp = json_get(tc, "expectedCinvMsgs");
			int id = (int)json_get_num(tc, "tcId", 0);
			struct mpc_dkg_error e;
			struct msglist ml;
			size_t cl = mpc_dkg_cinv_len(pb.p.n), tl = cl * pb.p.n;
			uint8_t *ci = calloc(1, tl);
			int r, ok;

			ml.count = p1 ? p1->len : 0;
			ml.m = calloc(ml.count + 1, sizeof(*ml.m));
			ml.len = calloc(ml.count + 1, sizeof(*ml.len));
			for (j = 0; j < ml.count; j++)
				ml.m[j] = hexa(json_at(p1, j), &ml.len[j]);
			r = mpc_dkg_coordinator_investigate(ci, tl, (const uint8_t *const *)ml.m, ml.len,
							    ml.count, &pb.p, &e);
			ok = !r && exp && exp->len == pb.p.n;
			for (j = 0; ok && j < pb.p.n; j++)
				ok = eq_hex(ci + cl * j, cl, json_at(exp, j)->str);
			count(&g, ok, id, "coordinator_investigate");
			msglist_free(&ml);
			free(ci);
		}
		free(pb.hpk);
	}
	report(&g, "coordinator_investigate_vectors.json");
	json_free(d);
}

static void t_recover(void)
{
	struct json *d = load("recover_vectors.json");
	struct group_count g = { 0, 0 };
	size_t i, k;

	if (!d)
		return;
	for (k = 0; k < 2; k++) {
		const struct json *v = json_get(d, k ? "errorTestCases" : "validTestCases");

		for (i = 0; v && i < v->len; i++) {
			const struct json *tc = json_at(v, i);
			const struct json *skj = json_get(tc, "hostseckey");
			int id = (int)json_get_num(tc, "tcId", 0);
			struct mpc_dkg_params rp;
			struct mpc_dkg_output o;
			struct mpc_dkg_error e;
			uint32_t n = 0, t = 0;
			uint8_t sk[32], *rd;
			size_t rdl;
			int r, wl, ok;

			memset(&e, 0, sizeof(e));
			rd = hexa(json_get(tc, "recoveryData"), &rdl);
			if (!mpc_dkg_recovery_data_dims(rd, rdl, &n, &t))
				n = 0;
			o.pubshares = calloc(1, 33 * (size_t)n + 1);
			o.pubshares_len = 33 * (size_t)n;
			if (skj && skj->type == JSON_STR) {
				if (hex32(sk, skj, &wl))
					r = mpc_dkg_participant_recover(&o, &rp, sk, rd, rdl, &e);
				else
					r = MPC_DKG_ERR_INVALID_ARG;	/* not 32 bytes */
			} else {
				r = mpc_dkg_coordinator_recover(&o, &rp, rd, rdl, &e);
			}
			if (k) {
				ok = match_error(r, &e, json_get(tc, "expectedError"), id);
			} else {
				const struct json *eo = json_get(tc, "expectedOutput");
				const struct json *ep = json_get(eo, "params");
				const struct json *eh = json_get(ep, "hostpubkeys");
				uint32_t j;

				ok = !r && check_output(&o, n, json_get(eo, "dkgOutput")) &&
				     rp.t == (uint32_t)json_get_num(ep, "t", -1) && eh && rp.n == eh->len;
				for (j = 0; ok && j < rp.n; j++)
					ok = eq_hex(rp.hostpubkeys + 33 * j, 33, json_at(eh, j)->str);
			}
			count(&g, ok, id, "recover");
			free(o.pubshares);
			free(rd);
		}
	}
	report(&g, "recover_vectors.json");
	json_free(d);
}

/* ---------- randomized sessions ---------- */

struct session {
	uint32_t n, t;
	uint8_t (*sk)[32];
	uint8_t *hpk;
	struct mpc_dkg_params p;
	struct mpc_dkg_pstate *st;
	uint8_t **pm1;
	size_t *pm1l;
	uint8_t *c1;
	size_t c1l;
	struct mpc_dkg_cstate cs;
};

static void session_free(struct session *s)
{
	uint32_t i;

	for (i = 0; i < s->n; i++) {
		mpc_dkg_pstate_clear(&s->st[i]);
		free(s->pm1[i]);
	}
	mpc_dkg_cstate_clear(&s->cs);
	free(s->sk);
	free(s->hpk);
	free(s->st);
	free(s->pm1);
	free(s->pm1l);
	free(s->c1);
}

/* Host keys and round 1 (participants and coordinator). 1 if ok. */
static int session_round1(struct session *s, uint32_t n, uint32_t t, int corrupt)
{
	struct mpc_dkg_error e;
	uint32_t i;
	uint8_t rnd[32];

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->t = t;
	s->sk = calloc(n, 32);
	s->hpk = calloc(n, 33);
	s->st = calloc(n, sizeof(*s->st));
	s->pm1 = calloc(n, sizeof(*s->pm1));
	s->pm1l = calloc(n, sizeof(*s->pm1l));
	for (i = 0; i < n; i++) {
		do
			test_rand_bytes(s->sk[i], 32);
		while (mpc_dkg_hostpubkey_gen(s->hpk + 33 * i, s->sk[i], &e));
	}
	s->p.hostpubkeys = s->hpk;
	s->p.n = n;
	s->p.t = t;
	for (i = 0; i < n; i++) {
		s->pm1l[i] = mpc_dkg_pmsg1_len(n, t);
		s->pm1[i] = calloc(1, s->pm1l[i]);
		test_rand_bytes(rnd, 32);
		if (mpc_dkg_participant_step1(&s->st[i], s->pm1[i], s->pm1l[i], s->sk[i], &s->p, rnd, &e)) {
			TEST_FAIL("step1 %u", i);
			return 0;
		}
	}
	if (corrupt) {
		/* participant n-1 sends participant 0 a wrong (encrypted) share */
		uint8_t *es = s->pm1[n - 1] + 33 * (size_t)t + 97;

		es[31] ^= 1;
		if (es[31] == 0 && es[30] == 0)
			es[31] = 7;
	}
	s->c1l = mpc_dkg_cmsg1_len(n, t);
	s->c1 = calloc(1, s->c1l);
	if (mpc_dkg_coordinator_step1(&s->cs, s->c1, s->c1l, (const uint8_t *const *)s->pm1,
				      s->pm1l, n, &s->p, &e)) {
		TEST_FAIL("coordinator_step1");
		return 0;
	}
	return 1;
}

/* Lagrange interpolation at 0 of the shares of participants ids[0..t). */
static void interpolate(mpc_scalar *secret, const uint8_t (*shares)[32], const uint32_t *ids,
			uint32_t t)
{
	mpc_scalar acc, num, den, xi, xj, tmp, s;
	uint32_t a, b;

	mpc_scalar_set_int(&acc, 0);
	for (a = 0; a < t; a++) {
		mpc_scalar_set_int(&num, 1);
		mpc_scalar_set_int(&den, 1);
		mpc_scalar_set_int(&xi, ids[a] + 1);
		for (b = 0; b < t; b++) {
			if (b == a)
				continue;
			mpc_scalar_set_int(&xj, ids[b] + 1);
			mpc_scalar_mul(&num, &num, &xj);
			mpc_scalar_negate(&tmp, &xi);
			mpc_scalar_add(&tmp, &tmp, &xj);
			mpc_scalar_mul(&den, &den, &tmp);
		}
		mpc_scalar_inverse_var(&den, &den);
		mpc_scalar_mul(&num, &num, &den);
		mpc_scalar_set_b32(&s, shares[ids[a]]);
		mpc_scalar_mul(&s, &s, &num);
		mpc_scalar_add(&acc, &acc, &s);
	}
	*secret = acc;
}

static int libsecp_pub(uint8_t out[33], const uint8_t sk[32])
{
	secp256k1_pubkey pk;
	size_t l = 33;

	if (!secp256k1_ec_pubkey_create(ctx, &pk, sk))
		return 0;
	return secp256k1_ec_pubkey_serialize(ctx, out, &l, &pk, SECP256K1_EC_COMPRESSED);
}

/*
 * mpc_ecmult_multi_var as the batch verifier uses it (ecmult.c's short-scalar
 * path and G term): 128-bit scalars and their negations (one wNAF, no GLV
 * split), full scalars, zero scalars and infinity, 1..150 points (up to three
 * batches of 64), with and without ng; vs libsecp256k1 tweak_mul + combine.
 */
static int multi_var_check(int rounds)
{
	enum { MAXP = 150 };
	mpc_ge *pts = calloc(MAXP, sizeof(*pts));
	mpc_scalar *sc = calloc(MAXP, sizeof(*sc)), sng;
	secp256k1_pubkey *terms = calloc(MAXP + 1, sizeof(*terms));
	const secp256k1_pubkey **ins = calloc(MAXP + 1, sizeof(*ins));
	int ok = pts && sc && terms && ins, r;

	for (r = 0; ok && r < rounds; r++) {
		static const size_t fixed[3] = { 64, 129, MAXP };	/* batch edges */
		size_t cnt = r < 3 ? fixed[r] : 1 + (size_t)(test_rand64() % MAXP), i, nt = 0;
		uint8_t k[32], p33[33], s1[33], s2[33];
		int use_ng = r == 0 || (test_rand64() & 1);
		secp256k1_pubkey sum;
		mpc_gej res;
		mpc_ge g;

		for (i = 0; i < cnt; i++) {
			int kind = (int)(test_rand64() % 10);

			do
				test_rand_bytes(k, 32);
			while (!secp256k1_ec_seckey_verify(ctx, k));
			if (!libsecp_pub(p33, k) || !mpc_ge_parse_compressed(&pts[i], p33))
				return 0;
			if (kind == 9)
				mpc_ge_set_infinity(&pts[i]);
			do
				test_rand_bytes(k, 32);
			while (!secp256k1_ec_seckey_verify(ctx, k));
			if (kind < 4)
				memset(k, 0, 16);	/* < 2^128 */
			if (kind == 8)
				memset(k, 0, 32);
			mpc_scalar_set_b32(&sc[i], k);
			if (kind >= 2 && kind < 4) {	/* n - (< 2^128) */
				mpc_scalar_negate(&sc[i], &sc[i]);
				mpc_scalar_get_b32(k, &sc[i]);
			}
			if (kind == 8 || kind == 9)
				continue;
			ok &= secp256k1_ec_pubkey_parse(ctx, &terms[nt], p33, 33) &&
			      secp256k1_ec_pubkey_tweak_mul(ctx, &terms[nt], k);
			nt++;
		}
		do
			test_rand_bytes(k, 32);
		while (!secp256k1_ec_seckey_verify(ctx, k));
		if (r == 1)
			memset(k, 0, 16);
		mpc_scalar_set_b32(&sng, k);
		if (use_ng)
			ok &= secp256k1_ec_pubkey_create(ctx, &terms[nt++], k);
		ok &= mpc_ecmult_multi_var(&res, pts, sc, cnt, use_ng ? &sng : NULL) == 0;
		memset(s1, 0, 33);
		memset(s2, 0, 33);
		for (i = 0; i < nt; i++)
			ins[i] = &terms[i];
		if (nt && secp256k1_ec_pubkey_combine(ctx, &sum, ins, nt)) {
			size_t l = 33;

			secp256k1_ec_pubkey_serialize(ctx, s1, &l, &sum, SECP256K1_EC_COMPRESSED);
		}
		if (!mpc_gej_is_infinity(&res)) {
			mpc_ge_set_gej_var(&g, &res);
			mpc_ge_serialize_compressed(s2, &g);
		}
		ok &= !memcmp(s1, s2, 33);
	}
	free(pts);
	free(sc);
	free(terms);
	free(ins);
	return ok;
}

static int full_session(uint32_t n, uint32_t t)
{
	struct session s;
	struct mpc_dkg_error e;
	struct mpc_dkg_output co, *po;
	uint8_t (*pm2)[64], (*shares)[32], aux[32], *cm2, *crd, **prd, **acks;
	size_t c2l = mpc_dkg_cmsg2_len(n), rdl = mpc_dkg_recovery_data_len(n, t), *lens;
	uint32_t i, j, *ids;
	int ok = 1;

	if (!session_round1(&s, n, t, 0))
		return 0;
	pm2 = calloc(n, 64);
	shares = calloc(n, 32);
	po = calloc(n, sizeof(*po));
	prd = calloc(n, sizeof(*prd));
	acks = calloc(n, sizeof(*acks));
	lens = calloc(n, sizeof(*lens));
	ids = calloc(n, sizeof(*ids));
	cm2 = calloc(1, c2l);
	crd = calloc(1, rdl);
	co.pubshares = calloc(n, 33);
	co.pubshares_len = 33 * (size_t)n;
	for (i = 0; i < n; i++) {
		test_rand_bytes(aux, 32);
		if (mpc_dkg_participant_step2(&s.st[i], pm2[i], s.sk[i], s.c1, s.c1l, aux, &e)) {
			TEST_FAIL("step2 %u: %s", i, mpc_dkg_reason_str(e.reason));
			ok = 0;
			goto out;
		}
		/* second step2 on the same state must be refused */
		CHECK(mpc_dkg_participant_step2(&s.st[i], pm2[i], s.sk[i], s.c1, s.c1l, aux, &e) ==
		      MPC_DKG_ERR_STATE);
		acks[i] = pm2[i];
		lens[i] = 64;
	}
	if (mpc_dkg_coordinator_finalize(&s.cs, cm2, c2l, &co, crd, rdl,
					 (const uint8_t *const *)acks, lens, n, &e)) {
		TEST_FAIL("coordinator_finalize: %s", mpc_dkg_reason_str(e.reason));
		ok = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		po[i].pubshares = calloc(n, 33);
		po[i].pubshares_len = 33 * (size_t)n;
		prd[i] = calloc(1, rdl);
		if (mpc_dkg_participant_finalize(&s.st[i], cm2, c2l, &po[i], prd[i], rdl, &e)) {
			TEST_FAIL("finalize %u", i);
			ok = 0;
			goto out;
		}
		memcpy(shares[i], po[i].secshare, 32);
		/* same outputs and recovery data everywhere */
		ok &= !memcmp(po[i].thresh_pk, co.thresh_pk, 33);
		ok &= !memcmp(po[i].pubshares, co.pubshares, 33 * (size_t)n);
		ok &= !memcmp(prd[i], crd, rdl);
		/* share matches pubshare (libsecp256k1 as the oracle) */
		{
			uint8_t pub[33];

			ok &= libsecp_pub(pub, shares[i]) && !memcmp(pub, co.pubshares + 33 * i, 33);
		}
	}
	CHECK(ok);
	/* any t shares interpolate to the threshold secret key */
	for (j = 0; j < 2 && ok; j++) {
		mpc_scalar sec;
		uint8_t sb[32], pub[33];
		secp256k1_pubkey pk;
		secp256k1_xonly_pubkey xpk;
		uint8_t x1[32];

		for (i = 0; i < t; i++)
			ids[i] = j ? n - 1 - i : i;
		interpolate(&sec, (const uint8_t (*)[32])shares, ids, t);
		mpc_scalar_get_b32(sb, &sec);
		ok &= libsecp_pub(pub, sb) && !memcmp(pub, co.thresh_pk, 33);
		ok &= secp256k1_ec_pubkey_parse(ctx, &pk, co.thresh_pk, 33) &&
		      secp256k1_xonly_pubkey_from_pubkey(ctx, &xpk, NULL, &pk) &&
		      secp256k1_xonly_pubkey_serialize(ctx, x1, &xpk) &&
		      !memcmp(x1, co.thresh_pk + 1, 32);
		CHECK(ok);
	}
	/* the CertEq signature is a plain BIP340 signature (libsecp256k1 check) */
	{
		size_t el = mpc_dkg_eq_input_len(n, t);
		uint8_t *msg = calloc(1, 37 + el);
		secp256k1_xonly_pubkey xpk;
		secp256k1_pubkey pk;

		memcpy(msg, "BIP DKG/certeq message", 22);
		memcpy(msg + 37, crd, el);
		for (i = 0; i < n; i++) {
			msg[33] = i >> 24;
			msg[34] = i >> 16;
			msg[35] = i >> 8;
			msg[36] = i;
			ok &= secp256k1_ec_pubkey_parse(ctx, &pk, s.hpk + 33 * i, 33) &&
			      secp256k1_xonly_pubkey_from_pubkey(ctx, &xpk, NULL, &pk) &&
			      secp256k1_schnorrsig_verify(ctx, pm2[i], msg, 37 + el, &xpk);
		}
		free(msg);
		CHECK(ok);
	}
	/* recovery from host key + recovery data */
	for (i = 0; i < n && ok; i++) {
		struct mpc_dkg_output ro;
		struct mpc_dkg_params rp;

		ro.pubshares = calloc(n, 33);
		ro.pubshares_len = 33 * (size_t)n;
		ok &= !mpc_dkg_participant_recover(&ro, &rp, s.sk[i], crd, rdl, &e) &&
		      !memcmp(ro.secshare, shares[i], 32) && !memcmp(ro.thresh_pk, co.thresh_pk, 33) &&
		      !memcmp(ro.pubshares, co.pubshares, 33 * (size_t)n) && rp.n == n && rp.t == t &&
		      !memcmp(rp.hostpubkeys, s.hpk, 33 * (size_t)n);
		free(ro.pubshares);
		CHECK(ok);
	}
	{
		struct mpc_dkg_output ro;

		ro.pubshares = calloc(n, 33);
		ro.pubshares_len = 33 * (size_t)n;
		ok &= !mpc_dkg_coordinator_recover(&ro, NULL, crd, rdl, &e) &&
		      !memcmp(ro.thresh_pk, co.thresh_pk, 33);
		free(ro.pubshares);
		CHECK(ok);
	}
	/* recovery acknowledgments */
	for (i = 0; i < n && ok; i++) {
		test_rand_bytes(aux, 32);
		ok &= !mpc_dkg_participant_recovery_ack_sign(pm2[i], s.sk[i], crd, rdl, &s.p, aux, &e);
	}
	ok &= !mpc_dkg_participant_recovery_acks_verify(crd, rdl, &s.p, (const uint8_t *const *)acks,
							lens, n, &e);
	/* an ack is a plain BIP340 signature on "BIP DKG/recovery acknowledgment"
	 * (zero-padded to 33 bytes) | id | recovery data: libsecp256k1 check */
	{
		uint8_t *msg = calloc(1, 37 + rdl);
		secp256k1_xonly_pubkey xpk;
		secp256k1_pubkey pk;

		memcpy(msg, "BIP DKG/recovery acknowledgment", 31);
		memcpy(msg + 37, crd, rdl);
		for (i = 0; i < n; i++) {
			msg[33] = i >> 24;
			msg[34] = i >> 16;
			msg[35] = i >> 8;
			msg[36] = i;
			ok &= secp256k1_ec_pubkey_parse(ctx, &pk, s.hpk + 33 * i, 33) &&
			      secp256k1_xonly_pubkey_from_pubkey(ctx, &xpk, NULL, &pk) &&
			      secp256k1_schnorrsig_verify(ctx, pm2[i], msg, 37 + rdl, &xpk);
		}
		free(msg);
		CHECK(ok);
	}
	pm2[n - 1][5] ^= 0x40;
	ok &= mpc_dkg_participant_recovery_acks_verify(crd, rdl, &s.p, (const uint8_t *const *)acks,
						       lens, n, &e) == MPC_DKG_ERR_INVALID_RECOVERY_ACK &&
	      e.participant_id == n - 1;
	crd[rdl - 1] ^= 1;	/* certificate broken */
	ok &= mpc_dkg_coordinator_recover(&co, NULL, crd, rdl, &e) == MPC_DKG_ERR_RECOVERY_DATA &&
	      e.reason == MPC_DKG_R_RD_CERT;
	CHECK(ok);
out:
	for (i = 0; i < n; i++) {
		free(po[i].pubshares);
		free(prd[i]);
	}
	free(po);
	free(prd);
	free(pm2);
	memset(shares, 0, 32 * (size_t)n);
	free(shares);
	free(acks);
	free(lens);
	free(ids);
	free(cm2);
	free(crd);
	free(co.pubshares);
	session_free(&s);
	return ok;
}

/* A participant sends a bad share: investigation blames it. */
static int blame_session(uint32_t n, uint32_t t)
{
	struct session s;
	struct mpc_dkg_error e;
	uint8_t pm2[64], aux[32] = { 1 }, *ci;
	size_t cl = mpc_dkg_cinv_len(n);
	int ok, r;

	if (!session_round1(&s, n, t, 1))
		return 0;
	r = mpc_dkg_participant_step2(&s.st[0], pm2, s.sk[0], s.c1, s.c1l, aux, &e);
	ok = r == MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR;
	/* the others are fine */
	ok &= !mpc_dkg_participant_step2(&s.st[1], pm2, s.sk[1], s.c1, s.c1l, aux, &e);
	ci = calloc(n, cl);
	ok &= !mpc_dkg_coordinator_investigate(ci, cl * n, (const uint8_t *const *)s.pm1, s.pm1l, n,
					       &s.p, &e);
	r = mpc_dkg_participant_investigate(&s.st[0], ci, cl, &e);
	ok &= r == MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR && e.participant_id == n - 1 &&
	      e.reason == MPC_DKG_R_PARTIAL_SECSHARE;
	free(ci);
	session_free(&s);
	return ok;
}

/*
 * Signatures are batch-verified in chunks of 32: a bad proof of possession or
 * certificate signature past the first chunk must still be found, the first
 * bad index blamed, and the order against infinite commitments kept.
 */
static int batch_blame_session(uint32_t n, uint32_t t)
{
	struct session s;
	struct mpc_dkg_error e;
	struct mpc_dkg_output o;
	uint8_t (*pm2)[64], aux[32] = { 5 }, *c, *c2, *rd;
	const uint8_t **acks;
	size_t *lens, pops = 33 * (size_t)n + 33 * ((size_t)t - 1), c2l = mpc_dkg_cmsg2_len(n);
	size_t rdl = mpc_dkg_recovery_data_len(n, t);
	uint32_t i, k = n - 2, j = n - 5;
	int ok = 1, r;

	if (!session_round1(&s, n, t, 0))
		return 0;
	c = malloc(s.c1l);
	pm2 = calloc(n, 64);
	/* (a) bad pop of k: blamed */
	memcpy(c, s.c1, s.c1l);
	c[pops + 64 * (size_t)k + 40] ^= 1;
	r = mpc_dkg_participant_step2(&s.st[0], pm2[0], s.sk[0], c, s.c1l, aux, &e);
	ok &= r == MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR &&
	      e.reason == MPC_DKG_R_INVALID_POP && e.participant_id == k;
	/* (b) and an infinite commitment of j < k: j is blamed */
	memset(c + 33 * (size_t)j, 0, 33);
	r = mpc_dkg_participant_step2(&s.st[1], pm2[1], s.sk[1], c, s.c1l, aux, &e);
	ok &= r == MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR &&
	      e.reason == MPC_DKG_R_INVALID_COMMITMENT && e.participant_id == j;
	/* (c) and a bad pop of 3 < j: 3 is blamed */
	c[pops + 64 * 3 + 7] ^= 0x80;
	r = mpc_dkg_participant_step2(&s.st[2], pm2[2], s.sk[2], c, s.c1l, aux, &e);
	ok &= r == MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR &&
	      e.reason == MPC_DKG_R_INVALID_POP && e.participant_id == 3;
	/* (d) a participant does not check its own pop */
	memcpy(c, s.c1, s.c1l);
	c[pops + 64 * 3 + 7] ^= 0x80;
	ok &= !mpc_dkg_participant_step2(&s.st[3], pm2[3], s.sk[3], c, s.c1l, aux, &e);
	CHECK(ok);
	session_free(&s);

	/* certificate: a bad signature of k, past the first chunk */
	if (!session_round1(&s, n, t, 0)) {
		free(c);
		free(pm2);
		return 0;
	}
	acks = calloc(n, sizeof(*acks));
	lens = calloc(n, sizeof(*lens));
	c2 = calloc(1, c2l);
	rd = calloc(1, rdl);
	o.pubshares = calloc(n, 33);
	o.pubshares_len = 33 * (size_t)n;
	for (i = 0; i < n; i++) {
		ok &= !mpc_dkg_participant_step2(&s.st[i], pm2[i], s.sk[i], s.c1, s.c1l, aux, &e);
		acks[i] = pm2[i];
		lens[i] = 64;
	}
	pm2[k][33] ^= 4;
	r = mpc_dkg_coordinator_finalize(&s.cs, c2, c2l, &o, rd, rdl, acks, lens, n, &e);
	ok &= r == MPC_DKG_ERR_FAULTY_PARTICIPANT &&
	      e.reason == MPC_DKG_R_CERT_SIG_BY_PARTICIPANT && e.participant_id == k;
	for (i = 0; i < n; i++)
		memcpy(c2 + 64 * (size_t)i, pm2[i], 64);
	r = mpc_dkg_participant_finalize(&s.st[0], c2, c2l, &o, rd, rdl, &e);
	ok &= r == MPC_DKG_ERR_FAULTY_COORDINATOR && e.reason == MPC_DKG_R_CERT_SIG_BY_COORDINATOR;
	/* two signatures swapped: both invalid, the first is blamed */
	pm2[k][33] ^= 4;
	acks[n - 1] = pm2[n - 3];
	acks[n - 3] = pm2[n - 1];
	r = mpc_dkg_coordinator_finalize(&s.cs, c2, c2l, &o, rd, rdl, acks, lens, n, &e);
	ok &= r == MPC_DKG_ERR_FAULTY_PARTICIPANT && e.participant_id == n - 3;
	acks[n - 1] = pm2[n - 1];
	acks[n - 3] = pm2[n - 3];
	ok &= !mpc_dkg_coordinator_finalize(&s.cs, c2, c2l, &o, rd, rdl, acks, lens, n, &e);
	ok &= !mpc_dkg_participant_finalize(&s.st[0], c2, c2l, &o, rd, rdl, &e);
	CHECK(ok);
	free(o.pubshares);
	free(rd);
	free(c2);
	free(acks);
	free(lens);
	free(c);
	free(pm2);
	session_free(&s);
	return ok;
}

/*
 * Partial pubshares f_j(i+1) of coordinator_investigate (the tabulated VSS
 * evaluation) against libsecp256k1 for commitments s_k G with scalars s_k
 * chosen to hit the special cases: infinity coefficients, equal and opposite
 * points, polynomials with roots at evaluation points (infinite values),
 * constant and random ones.
 */
static int vss_tabulation_session(void)
{
	enum { N = 11, T = 6, NPOLY = 9 };
	static const int pat[NPOLY][T] = {
		{ 0, 0, 0, 0, 0, 0 },		/* random (filled below) */
		{ 1, 1, 1, 1, 1, 1 },		/* equal points */
		{ 1, -1, 0, 0, 0, 0 },		/* P - xP: root at x = 1 */
		{ 0, 0, 0, 0, 0, 1 },		/* x^5 P */
		{ 6, -5, 1, 0, 0, 0 },		/* (x-2)(x-3) P */
		{ -6, 11, -6, 1, 0, 0 },	/* (x-1)(x-2)(x-3) P */
		{ 3, 0, 0, 0, 0, 0 },		/* constant */
		{ 0, 0, 0, 0, 0, 0 },		/* all infinity */
		{ 1, 1, 0, 0, 0, 0 },		/* P + xP: differences P, P (doubling) */
	};
	struct mpc_dkg_params p;
	struct mpc_dkg_error e;
	mpc_scalar sc[N][T], base, v, xs, acc, tmp;
	size_t pl = mpc_dkg_pmsg1_len(N, T), cl = mpc_dkg_cinv_len(N), lens[N];
	uint8_t *pm[N], *ci, hpk[33 * N], b32[32], exp[33];
	uint32_t i, j, k;
	int ok = 1;

	memset(hpk, 0, sizeof(hpk));
	p.hostpubkeys = hpk;	/* investigate uses p->t only */
	p.n = N;
	p.t = T;
	test_rand_bytes(b32, 32);
	b32[0] &= 0x7f;
	mpc_scalar_set_b32(&base, b32);
	for (j = 0; j < N; j++) {
		uint32_t q = j % NPOLY;

		pm[j] = calloc(1, pl);
		lens[j] = pl;
		for (k = 0; k < T; k++) {
			int c = pat[q][k];

			if (q == 0) {
				test_rand_bytes(b32, 32);
				b32[0] &= 0x7f;
				mpc_scalar_set_b32(&sc[j][k], b32);
			} else {
				mpc_scalar_set_int(&v, (unsigned int)(c < 0 ? -c : c));
				if (c < 0)
					mpc_scalar_negate(&v, &v);
				mpc_scalar_mul(&sc[j][k], &base, &v);
			}
			if (!mpc_scalar_is_zero(&sc[j][k])) {
				mpc_scalar_get_b32(b32, &sc[j][k]);
				ok &= libsecp_pub(pm[j] + 33 * k, b32);
			}
		}
		/* encrypted shares: any valid scalars */
		for (k = 0; k < N; k++)
			pm[j][33 * T + 97 + 32 * k + 31] = (uint8_t)(k + 1);
	}
	ci = calloc(N, cl);
	ok &= !mpc_dkg_coordinator_investigate(ci, cl * N, (const uint8_t *const *)pm, lens, N, &p,
					       &e);
	for (i = 0; i < N && ok; i++) {
		for (j = 0; j < N; j++) {
			uint32_t q = j % NPOLY;

			/* f_q(i+1) as a scalar, Horner */
			mpc_scalar_set_int(&xs, i + 1);
			mpc_scalar_set_int(&acc, 0);
			for (k = T; k-- > 0;) {
				mpc_scalar_mul(&tmp, &acc, &xs);
				mpc_scalar_add(&acc, &tmp, &sc[j][k]);
			}
			memset(exp, 0, 33);
			if (!mpc_scalar_is_zero(&acc)) {
				mpc_scalar_get_b32(b32, &acc);
				ok &= libsecp_pub(exp, b32);
			}
			if (memcmp(ci + cl * i + 32 * N + 33 * j, exp, 33)) {
				TEST_FAIL("partial pubshare i=%u j=%u (pattern %u)", i, j, q);
				ok = 0;
			}
		}
	}
	free(ci);
	for (j = 0; j < N; j++)
		free(pm[j]);
	return ok;
}

/* States used in the wrong order, wrong buffer sizes, NULL pointers. */
static int misuse(void)
{
	struct session s;
	struct mpc_dkg_error e;
	struct mpc_dkg_output o;
	uint8_t pm2[64], aux[32] = { 3 }, rd[8], *c2;
	int ok = 1;

	if (!session_round1(&s, 3, 2, 0))
		return 0;
	o.pubshares = calloc(3, 33);
	o.pubshares_len = 99;
	c2 = calloc(3, 64);
	/* finalize / investigate before step2 */
	ok &= mpc_dkg_participant_finalize(&s.st[0], c2, 192, &o, rd, sizeof(rd), &e) ==
	      MPC_DKG_ERR_STATE;
	ok &= mpc_dkg_participant_investigate(&s.st[0], c2, 195, &e) == MPC_DKG_ERR_STATE;
	/* step1 on a used state */
	ok &= mpc_dkg_participant_step1(&s.st[0], s.pm1[0], s.pm1l[0], s.sk[0], &s.p, aux, &e) ==
	      MPC_DKG_ERR_STATE;
	/* wrong cmsg1 length leaves the state usable; wrong host key too */
	ok &= mpc_dkg_participant_step2(&s.st[0], pm2, s.sk[0], s.c1, s.c1l - 1, aux, &e) ==
	      MPC_DKG_ERR_INVALID_ARG;
	ok &= mpc_dkg_participant_step2(&s.st[0], pm2, s.sk[1], s.c1, s.c1l, aux, &e) ==
	      MPC_DKG_ERR_HOST_SECKEY && e.reason == MPC_DKG_R_HOSTSECKEY_NOT_STEP1;
	ok &= !mpc_dkg_participant_step2(&s.st[0], pm2, s.sk[0], s.c1, s.c1l, aux, &e);
	/* wrong output sizes */
	ok &= mpc_dkg_participant_finalize(&s.st[0], c2, 192, &o, rd, sizeof(rd), &e) ==
	      MPC_DKG_ERR_INVALID_ARG;
	ok &= mpc_dkg_participant_step1(NULL, s.pm1[0], s.pm1l[0], s.sk[0], &s.p, aux, &e) ==
	      MPC_DKG_ERR_INVALID_ARG;
	ok &= mpc_dkg_params_validate(NULL, &e) == MPC_DKG_ERR_INVALID_ARG;
	ok &= mpc_dkg_coordinator_step1(&s.cs, s.c1, s.c1l, (const uint8_t *const *)s.pm1, s.pm1l,
					3, &s.p, &e) == MPC_DKG_ERR_STATE;
	/* clear wipes and frees; clearing twice is fine */
	mpc_dkg_pstate_clear(&s.st[0]);
	ok &= s.st[0].buf == NULL && s.st[0].stage == 0;
	mpc_dkg_pstate_clear(&s.st[0]);
	free(o.pubshares);
	free(c2);
	session_free(&s);
	return ok;
}

int main(void)
{
	const char *env = getenv("MPC_DKG_SESSIONS");
	int reps = env ? atoi(env) : 2, k, ok;

	if (mpc_ecmult_init()) {
		printf("not ok - ecmult init\n");
		return 1;
	}
	ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
	test_rand_seed(0xd6c0ffee);

	t_hostpubkey_gen();
	t_params_hash();
	t_participant_step1();
	t_participant_step2();
	t_participant_finalize();
	t_participant_investigate();
	t_coordinator_step1();
	t_coordinator_finalize();
	t_coordinator_investigate();
	t_recover();
	test_report(vec_total > 0 && vec_pass == vec_total, "chilldkg vectors total: %d/%d",
		    vec_pass, vec_total);

	ok = 1;
	for (k = 0; k < reps; k++)
		ok &= full_session(3, 2);
	test_report(ok, "random session n=3 t=2 (x%d): outputs agree, shares interpolate, recover",
		    reps);
	ok = 1;
	for (k = 0; k < reps; k++)
		ok &= full_session(5, 3);
	test_report(ok, "random session n=5 t=3 (x%d): outputs agree, shares interpolate, recover",
		    reps);
	test_report(full_session(1, 1), "random session n=1 t=1");
	/* pubshare tabulation edge cases: constant and linear polynomials */
	test_report(full_session(7, 1), "random session n=7 t=1");
	test_report(full_session(6, 2), "random session n=6 t=2");
	test_report(full_session(12, 12), "random session n=12 t=12");
	test_report(full_session(40, 27), "random session n=40 t=27");
	if (getenv("MPC_DKG_BIG")) {
		/* n = 100 sessions: a few seconds each at -O2 */
		test_report(full_session(100, 51), "random session n=100 t=51");
		test_report(full_session(100, 100), "random session n=100 t=100");
	}
	test_report(vss_tabulation_session(),
		    "investigate: tabulated partial pubshares = libsecp256k1 (infinity, equal points, roots)");
	test_report(batch_blame_session(40, 27),
		    "n=40: bad pop / certificate signature past the first batch chunk: first one blamed");
	test_report(multi_var_check(40), "batch verification primitive: 40 mpc_ecmult_multi_var "
		    "(1..150 points, 128-bit and negated 128-bit scalars, zero, infinity, ng) = "
		    "libsecp256k1");
	test_report(misuse(), "API misuse: wrong stage, sizes and NULLs are refused");
	test_report(blame_session(3, 2) && blame_session(5, 3),
		    "invalid share: step2 unknown-faulty, investigation blames the sender");

	secp256k1_context_destroy(ctx);
	mpc_ecmult_exit();
	return test_exit();
}
