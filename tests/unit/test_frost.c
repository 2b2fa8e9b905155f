// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_frost.c - FROST signing (kmod/core/frost.c) against every official
 * BIP-445 vector (the JSON files in vectors/bip445/).
 *
 * One "ok" line per file x test group x case array.  A valid case passes
 * when the output bytes match; an error case passes only when we fail with
 * the code that mirrors the stated exception and blame the stated list
 * position.  Additionally: Sign wipes the secnonce on every path; valid
 * signing cases also pass PartialSigVerify; NonceAgg of the case's
 * pubnonces reproduces its aggnonce; sig_agg outputs are accepted by
 * libsecp256k1's secp256k1_schnorrsig_verify under the tweaked key.
 *
 * The randomized end-to-end test is in test_frost_e2e.c.
 */
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "test.h"
#include "json.h"
#include "core/frost.h"
#include "core/ecmult.h"

static secp256k1_context *sctx;
static int verbose;

/* ------------------------------------------------------------------------ */
/* small helpers                                                             */

static struct json *load(const char *name)
{
	char path[512];
	struct json *j;

	snprintf(path, sizeof(path), "%s/bip445/%s", test_vectors_dir(), name);
	j = json_parse_file(path);
	if (!j)
		TEST_FAIL("cannot load %s", path);
	return j;
}

static size_t jlen(const struct json *a)
{
	return (a && a->type == JSON_ARR) ? a->len : 0;
}

/* Decode hex string s into a fresh buffer; *len = bytes. NULL on error. */
static uint8_t *unhex(const char *s, size_t *len)
{
	size_t l = 0;
	uint8_t *p = s ? hex_decode_alloc(s, &l) : NULL;

	if (len)
		*len = l;
	return p;
}

/* Fixed-size decode of a string member; 0 on error. */
static int unhex_fixed(uint8_t *out, size_t n, const struct json *s)
{
	return s && s->type == JSON_STR && hex_decode(out, n, s->str);
}

/* Entry idx of the group's shared pool (fixed size n). */
static int pool_fixed(uint8_t *out, size_t n, const struct json *g,
		      const char *pool, long long idx)
{
	const struct json *a = json_get(g, pool);

	if (idx < 0 || (size_t)idx >= jlen(a))
		return 0;
	return unhex_fixed(out, n, json_at(a, (size_t)idx));
}

/* Everything one case needs, built from its group and indices. */
struct vcase {
	uint32_t *ids;
	uint8_t (*pubshares)[33];
	uint8_t *pubnonces;	/* 66 * n_pubnonces */
	size_t n_pubnonces;
	uint8_t thresh_pk[33];
	struct mpc_frost_signers sc;
	uint8_t *tweak;		/* concatenated tweaks (raw bytes) */
	uint8_t *is_xonly;
	struct mpc_frost_tweaks tw;
	uint8_t *msg;
	size_t msglen;
	uint8_t aggnonce[66];
	int has_aggnonce;
};

static void vcase_free(struct vcase *c)
{
	free(c->ids);
	free(c->pubshares);
	free(c->pubnonces);
	free(c->tweak);
	free(c->is_xonly);
	free(c->msg);
	memset(c, 0, sizeof(*c));
}

/* Append raw bytes of a hex string to a growing buffer. */
static int append_hex(uint8_t **buf, size_t *len, const char *hex)
{
	size_t l;
	uint8_t *p = unhex(hex, &l), *nb;

	if (!p)
		return 0;
	nb = realloc(*buf, *len + l + 1);
	if (!nb) {
		free(p);
		return 0;
	}
	memcpy(nb + *len, p, l);
	*buf = nb;
	*len += l;
	free(p);
	return 1;
}

/*
 * Build the signers context, pubnonces, tweaks, message and aggnonce of
 * case tc in group g.  Tweaks come from "tweak_indices" into the group's
 * pool (tweak_vectors, sig_agg) or inline "tweaks" (det_sign).
 */
static int vcase_build(struct vcase *c, const struct json *g, const struct json *tc)
{
	const struct json *ids = json_get(tc, "ids");
	const struct json *psi = json_get(tc, "pubshare_indices");
	const struct json *pni = json_get(tc, "pubnonce_indices");
	const struct json *twi = json_get(tc, "tweak_indices");
	const struct json *twl = json_get(tc, "tweaks");
	const struct json *xo = json_get(tc, "is_xonly");
	size_t i, u = jlen(ids);

	memset(c, 0, sizeof(*c));
	if (!unhex_fixed(c->thresh_pk, 33, json_get(g, "thresh_pk")))
		return 0;
	if (jlen(psi) != u)	/* the vectors always give one pubshare per id */
		return 0;
	c->ids = calloc(u + 1, sizeof(*c->ids));
	c->pubshares = calloc(u + 1, sizeof(*c->pubshares));
	if (!c->ids || !c->pubshares)
		return 0;
	for (i = 0; i < u; i++) {
		c->ids[i] = (uint32_t)json_at(ids, i)->num;
		if (!pool_fixed(c->pubshares[i], 33, g, "pubshares", json_at(psi, i)->num))
			return 0;
	}
	c->sc.n = (uint32_t)json_get_num(g, "n", 0);
	c->sc.t = (uint32_t)json_get_num(g, "t", 0);
	c->sc.u = u;
	c->sc.ids = c->ids;
	c->sc.pubshares = (const uint8_t (*)[33])c->pubshares;
	c->sc.thresh_pk = c->thresh_pk;

	if (pni) {
		c->n_pubnonces = jlen(pni);
		c->pubnonces = calloc(c->n_pubnonces + 1, 66);
		if (!c->pubnonces)
			return 0;
		for (i = 0; i < c->n_pubnonces; i++)
			if (!pool_fixed(c->pubnonces + 66 * i, 66, g, "pubnonces",
					json_at(pni, i)->num))
				return 0;
	}

	c->is_xonly = calloc(jlen(xo) + 1, 1);
	if (!c->is_xonly)
		return 0;
	for (i = 0; i < jlen(xo); i++)
		c->is_xonly[i] = (uint8_t)json_at(xo, i)->num;
	c->tw.is_xonly = c->is_xonly;
	c->tw.n_is_xonly = jlen(xo);
	if (twi) {
		const struct json *pool = json_get(g, "tweaks");

		for (i = 0; i < jlen(twi); i++) {
			const struct json *e = json_at(pool, (size_t)json_at(twi, i)->num);

			if (!e || !append_hex(&c->tweak, &c->tw.tweak_len, e->str))
				return 0;
		}
	} else if (twl) {
		for (i = 0; i < jlen(twl); i++)
			if (!append_hex(&c->tweak, &c->tw.tweak_len, json_at(twl, i)->str))
				return 0;
	}
	c->tw.tweak = c->tweak;

	c->msg = unhex(json_get_str(tc, "msg"), &c->msglen);
	if (!c->msg)
		return 0;
	if (json_get_str(tc, "aggnonce")) {
		if (!unhex_fixed(c->aggnonce, 66, json_get(tc, "aggnonce")))
			return 0;
		c->has_aggnonce = 1;
	}
	return 1;
}

static struct mpc_frost_session_ctx vcase_session(struct vcase *c)
{
	struct mpc_frost_session_ctx s = {
		.signers = &c->sc,
		.aggnonce = c->aggnonce,
		.tweaks = &c->tw,
		.msg = c->msg,
		.msglen = c->msglen,
	};
	return s;
}

/* ------------------------------------------------------------------------ */
/* expected errors                                                           */

static const struct {
	const char *msg;
	int code;
} value_errors[] = {
	{ "The signer's id must be present in the participant identifier list.", MPC_FROST_ERR_MY_ID },
	{ "The participant identifier list contains duplicate elements.", MPC_FROST_ERR_ID_DUPLICATE },
	{ "The signer's pubshare must be included in the list of pubshares.", MPC_FROST_ERR_MY_PUBSHARE },
	{ "The provided key material is incorrect.", MPC_FROST_ERR_KEY_MATERIAL },
	{ "first secnonce value is out of range.", MPC_FROST_ERR_SECNONCE1 },
	{ "second secnonce value is out of range.", MPC_FROST_ERR_SECNONCE2 },
	{ "The number of signers must be between t and n.", MPC_FROST_ERR_SIGNER_COUNT },
	{ "The signer's secret share value is out of range.", MPC_FROST_ERR_SECSHARE },
	{ "The tweak value is out of range.", MPC_FROST_ERR_TWEAK_RANGE },
	{ "The result of tweaking cannot be infinity.", MPC_FROST_ERR_TWEAK_INFINITY },
	{ "The tweak must be a 32-byte array.", MPC_FROST_ERR_TWEAK_LEN },
	{ "The tweaks and is_xonly arrays must have the same length.", MPC_FROST_ERR_TWEAK_COUNT },
	{ "The psigs and ids arrays must have the same length.", MPC_FROST_ERR_PSIG_COUNT },
};

/*
 * Map a vector's "error" object to (code, blame).  *check_blame is set
 * when the vector names a position (or names none: coordinator).  Returns
 * 0 for an error we do not know (the case then fails).
 */
static int expected_error(const struct json *err, int *code, size_t *blame,
			  int *check_blame)
{
	const char *type = json_get_str(err, "type");
	size_t i;
	unsigned long idx;
	char tail[8];

	*check_blame = 0;
	*blame = MPC_FROST_NO_BLAME;
	if (!type)
		return 0;
	if (!strcmp(type, "InvalidContributionError")) {
		const char *contrib = json_get_str(err, "contrib");
		const struct json *si = json_get(err, "signer_index");

		if (!contrib)
			return 0;
		if (!strcmp(contrib, "pubnonce"))
			*code = MPC_FROST_ERR_PUBNONCE;
		else if (!strcmp(contrib, "aggnonce"))
			*code = MPC_FROST_ERR_AGGNONCE;
		else if (!strcmp(contrib, "aggothernonce"))
			*code = MPC_FROST_ERR_AGGOTHERNONCE;
		else if (!strcmp(contrib, "psig"))
			*code = MPC_FROST_ERR_PSIG;
		else
			return 0;
		*check_blame = 1;
		if (si && si->type == JSON_NUM)
			*blame = (size_t)si->num;
		return 1;
	}
	if (strcmp(type, "ValueError"))
		return 0;
	type = json_get_str(err, "message");
	if (!type)
		return 0;
	for (i = 0; i < sizeof(value_errors) / sizeof(value_errors[0]); i++) {
		if (!strcmp(type, value_errors[i].msg)) {
			*code = value_errors[i].code;
			return 1;
		}
	}
	if (sscanf(type, "Invalid pubshare at index %lu%7s", &idx, tail) == 2 &&
	    !strcmp(tail, ".")) {
		*code = MPC_FROST_ERR_PUBSHARE;
		*blame = idx;
		*check_blame = 1;
		return 1;
	}
	if (sscanf(type, "The participant identifier at index %lu is out of range%7s",
		   &idx, tail) == 2 && !strcmp(tail, ".")) {
		*code = MPC_FROST_ERR_ID_RANGE;
		*blame = idx;
		*check_blame = 1;
		return 1;
	}
	return 0;
}

/* Did (ret, blame) match the case's error object? */
static int error_matches(const char *what, long long tcid, const struct json *err,
			 int ret, size_t blame)
{
	int code, check_blame;
	size_t want;

	if (!expected_error(err, &code, &want, &check_blame)) {
		TEST_FAIL("%s tc %lld: unknown expected error", what, tcid);
		return 0;
	}
	if (ret != code || (check_blame && blame != want)) {
		printf("# %s tc %lld: got %d (%s) blame %zd, want %d (%s) blame %zd\n",
		       what, tcid, ret, mpc_frost_strerror(ret), (ssize_t)blame, code,
		       mpc_frost_strerror(code), check_blame ? (ssize_t)want : (ssize_t)-2);
		return 0;
	}
	if (verbose)
		printf("#   %s tc %lld: %s blame %zd as expected\n", what, tcid,
		       mpc_frost_strerror(ret), (ssize_t)blame);
	return 1;
}

static int is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static int check_bytes(const char *what, long long tcid, const uint8_t *got,
		       const struct json *want_hex, size_t n)
{
	uint8_t want[128];
	char h[260];

	if (n > sizeof(want) || !unhex_fixed(want, n, want_hex)) {
		TEST_FAIL("%s tc %lld: bad expected value", what, tcid);
		return 0;
	}
	if (memcmp(got, want, n)) {
		hex_encode(h, got, n);
		printf("# %s tc %lld: got %s, want %s\n", what, tcid, h, want_hex->str);
		return 0;
	}
	return 1;
}

struct tally {
	int pass, total;
};

static void tally_report(struct tally *t, const char *file, const char *tg,
			 const char *kind)
{
	test_report(t->total > 0 && t->pass == t->total, "%s %s %s (%d/%d)",
		    file, tg, kind, t->pass, t->total);
	memset(t, 0, sizeof(*t));
}

static int grand_pass, grand_total;

static void count(struct tally *t, int ok)
{
	t->total++;
	t->pass += !!ok;
	grand_total++;
	grand_pass += !!ok;
}

/* ------------------------------------------------------------------------ */
/* nonce_gen                                                                  */

static void test_nonce_gen(void)
{
	struct json *j = load("nonce_gen_vectors.json");
	const struct json *v = json_get(j, "valid_tests");
	struct tally t = { 0 };
	size_t k;

	for (k = 0; j && k < jlen(v); k++) {
		const struct json *tc = json_at(v, k);
		long long id = json_get_num(tc, "tc_id", -1);
		uint8_t rand[32], secshare[32], pubshare[33], tpk[32];
		uint8_t secnonce[64], pubnonce[66];
		const char *m = json_get_str(tc, "msg"), *x = json_get_str(tc, "extra_in");
		uint8_t *msg = NULL, *extra = NULL;
		size_t msglen = 0, extralen = 0;
		int have_ss = json_get_str(tc, "secshare") != NULL;
		int have_ps = json_get_str(tc, "pubshare") != NULL;
		int have_tpk = json_get_str(tc, "thresh_pk") != NULL;
		int ok = unhex_fixed(rand, 32, json_get(tc, "rand_"));
		int ret;

		if (have_ss)
			ok &= unhex_fixed(secshare, 32, json_get(tc, "secshare"));
		if (have_ps)
			ok &= unhex_fixed(pubshare, 33, json_get(tc, "pubshare"));
		if (have_tpk)
			ok &= unhex_fixed(tpk, 32, json_get(tc, "thresh_pk"));
		if (m)
			ok &= (msg = unhex(m, &msglen)) != NULL;
		if (x)
			ok &= (extra = unhex(x, &extralen)) != NULL;
		ret = mpc_frost_nonce_gen(secnonce, pubnonce, rand,
					  have_ss ? secshare : NULL,
					  have_ps ? pubshare : NULL,
					  have_tpk ? tpk : NULL, m != NULL, msg, msglen,
					  extra, extralen);
		ok = ok && ret == MPC_FROST_OK &&
		     check_bytes("nonce_gen secnonce", id, secnonce,
				 json_at(json_get(tc, "expected"), 0), 64) &&
		     check_bytes("nonce_gen pubnonce", id, pubnonce,
				 json_at(json_get(tc, "expected"), 1), 66);
		count(&t, ok);
		free(msg);
		free(extra);
	}
	tally_report(&t, "nonce_gen", "-", "valid_tests");
	json_free(j);
}

/* ------------------------------------------------------------------------ */
/* nonce_agg                                                                  */

static void test_nonce_agg(void)
{
	struct json *j = load("nonce_agg_vectors.json");
	const struct json *pool = json_get(j, "pubnonces");
	static const char *const kinds[] = { "valid_tests", "error_tests" };
	size_t kind, k, i;

	for (kind = 0; j && kind < 2; kind++) {
		const struct json *arr = json_get(j, kinds[kind]);
		struct tally t = { 0 };

		for (k = 0; k < jlen(arr); k++) {
			const struct json *tc = json_at(arr, k);
			const struct json *idx = json_get(tc, "pubnonce_indices");
			long long id = json_get_num(tc, "tc_id", -1);
			size_t u = jlen(idx), blame = 0;
			uint8_t *pn = calloc(u + 1, 66), agg[66];
			int ok = pn != NULL, ret;

			for (i = 0; ok && i < u; i++)
				ok = unhex_fixed(pn + 66 * i, 66,
						 json_at(pool, (size_t)json_at(idx, i)->num));
			ret = mpc_frost_nonce_agg(agg, pn, u, NULL, &blame);
			if (!ok)
				TEST_FAIL("nonce_agg tc %lld: bad vector", id);
			else if (kind == 0)
				ok = ret == MPC_FROST_OK &&
				     check_bytes("nonce_agg", id, agg,
						 json_get(tc, "expected"), 66);
			else
				ok = error_matches("nonce_agg", id, json_get(tc, "error"),
						   ret, blame) && is_zero(agg, 66);
			count(&t, ok);
			free(pn);
		}
		tally_report(&t, "nonce_agg", "-", kinds[kind]);
	}
	json_free(j);
}

/* ------------------------------------------------------------------------ */
/* sign / verify / tweak                                                      */

/*
 * Run Sign for one case: returns the code, psig in out.  Checks that the
 * secnonce buffer is wiped afterwards (*wiped).
 */
static int trusted_cases, trusted_agree;

static int run_sign(const struct json *g, const struct json *tc, struct vcase *c,
		    uint8_t psig[32], size_t *blame, int *wiped)
{
	uint8_t secnonce[64], secshare[32], sn2[64], psig2[32];
	struct mpc_frost_session_ctx s = vcase_session(c);
	uint32_t my_id = (uint32_t)json_get_num(tc, "my_id", -1);
	size_t blame2 = 777;
	int ret, ret2;

	if (!pool_fixed(secnonce, 64, g, "secnonces", json_get_num(tc, "secnonce_index", -1)) ||
	    !pool_fixed(secshare, 32, g, "secshares", json_get_num(tc, "secshare_index", -1)))
		return -1;
	memcpy(sn2, secnonce, 64);
	ret = mpc_frost_sign(psig, secnonce, secshare, my_id, &s, NULL, blame);
	*wiped = is_zero(secnonce, 64);
	/*
	 * The key-store variant must agree whenever its precondition can hold,
	 * i.e. unless the case is about invalid key material (which a key
	 * store would have rejected at import).
	 */
	ret2 = mpc_frost_sign_ex(psig2, sn2, secshare, my_id, &s, NULL,
				 MPC_FROST_SIGN_TRUSTED_SIGNERS, &blame2);
	if (ret != MPC_FROST_ERR_PUBSHARE && ret != MPC_FROST_ERR_KEY_MATERIAL &&
	    ret != MPC_FROST_ERR_THRESH_PK) {
		int ok = ret2 == ret && is_zero(sn2, 64) && !memcmp(psig, psig2, 32) &&
			 (ret == MPC_FROST_OK || blame2 == *blame);

		trusted_cases++;
		trusted_agree += ok;
		if (!ok)
			printf("# sign_ex(TRUSTED_SIGNERS) disagrees: %d vs %d (%s)\n", ret2, ret,
			       mpc_frost_strerror(ret));
	}
	return ret;
}

/*
 * sign_verify_vectors.json and tweak_vectors.json share the shape:
 * valid_tests (sign + verify), sign_error_tests / error_tests,
 * verify_fail_tests, verify_error_tests.
 */
static void test_sign_file(const char *file, const char *label)
{
	struct json *j = load(file);
	const struct json *groups = json_get(j, "test_groups");
	static const char *const kinds[] = {
		"valid_tests", "sign_error_tests", "error_tests",
		"verify_fail_tests", "verify_error_tests",
	};
	size_t gi, kind, k;

	for (gi = 0; j && gi < jlen(groups); gi++) {
		const struct json *g = json_at(groups, gi);
		const char *tg = json_get_str(g, "tg_id");

		for (kind = 0; kind < 5; kind++) {
			const struct json *arr = json_get(g, kinds[kind]);
			struct tally t = { 0 };

			if (!arr)
				continue;
			for (k = 0; k < jlen(arr); k++) {
				const struct json *tc = json_at(arr, k);
				long long id = json_get_num(tc, "tc_id", -1);
				struct vcase c;
				uint8_t psig[32], agg[66];
				size_t blame = 12345;
				int ok, ret, wiped = 0;

				ok = vcase_build(&c, g, tc);
				if (!ok) {
					TEST_FAIL("%s tc %lld: cannot build case", label, id);
					count(&t, 0);
					vcase_free(&c);
					continue;
				}
				if (kind == 0 || kind == 1 || kind == 2) {
					ret = run_sign(g, tc, &c, psig, &blame, &wiped);
					if (!wiped)
						printf("# %s tc %lld: secnonce not wiped\n", label, id);
					ok = wiped;
					if (kind == 0) {
						ok = ok && ret == MPC_FROST_OK &&
						     check_bytes(label, id, psig,
								 json_get(tc, "expected"), 32);
						/* the coordinator's view of the same session */
						if (ok && c.pubnonces) {
							ret = mpc_frost_nonce_agg(agg, c.pubnonces,
										  c.n_pubnonces,
										  NULL, NULL);
							ok = ret == MPC_FROST_OK &&
							     !memcmp(agg, c.aggnonce, 66);
							if (!ok)
								printf("# %s tc %lld: nonce_agg != aggnonce\n",
								       label, id);
						}
						if (ok && c.pubnonces) {
							size_t i, me = c.sc.u;
							uint32_t my = (uint32_t)json_get_num(tc, "my_id", -1);

							for (i = 0; i < c.sc.u; i++)
								if (c.ids[i] == my)
									me = i;
							ret = mpc_frost_partial_sig_verify(
								psig, c.pubnonces, c.n_pubnonces,
								&c.sc, &c.tw, c.msg, c.msglen, me,
								NULL, &blame);
							ok = ret == MPC_FROST_OK;
							if (!ok)
								printf("# %s tc %lld: own psig does not verify (%s)\n",
								       label, id, mpc_frost_strerror(ret));
						}
					} else {
						ok = ok && error_matches(label, id,
									 json_get(tc, "error"),
									 ret, blame) &&
						     is_zero(psig, 32);
					}
				} else {
					uint8_t s[32];
					size_t si = (size_t)json_get_num(tc, "signer_index", -1);

					ok = unhex_fixed(s, 32, json_get(tc, "psig"));
					ret = mpc_frost_partial_sig_verify(
						s, c.pubnonces, c.n_pubnonces, &c.sc, &c.tw,
						c.msg, c.msglen, si, NULL, &blame);
					if (kind == 3) {
						ok = ok && ret == MPC_FROST_VERIFY_FAIL && blame == si;
						if (!ok)
							printf("# %s tc %lld: verify gave %d (%s)\n",
							       label, id, ret, mpc_frost_strerror(ret));
					} else {
						ok = ok && error_matches(label, id,
									 json_get(tc, "error"),
									 ret, blame);
					}
				}
				count(&t, ok);
				vcase_free(&c);
			}
			tally_report(&t, label, tg, kinds[kind]);
		}
	}
	json_free(j);
}

/* ------------------------------------------------------------------------ */
/* det_sign                                                                   */

static void test_det_sign(void)
{
	struct json *j = load("det_sign_vectors.json");
	const struct json *groups = json_get(j, "test_groups");
	static const char *const kinds[] = { "valid_tests", "error_tests" };
	size_t gi, kind, k;

	for (gi = 0; j && gi < jlen(groups); gi++) {
		const struct json *g = json_at(groups, gi);
		const char *tg = json_get_str(g, "tg_id");

		for (kind = 0; kind < 2; kind++) {
			const struct json *arr = json_get(g, kinds[kind]);
			struct tally t = { 0 };

			for (k = 0; k < jlen(arr); k++) {
				const struct json *tc = json_at(arr, k);
				long long id = json_get_num(tc, "tc_id", -1);
				struct vcase c;
				struct mpc_frost_session_ctx s;
				uint8_t secshare[32], rand[32], aon[66], pubnonce[66], psig[32];
				int have_rand = json_get_str(tc, "rand") != NULL;
				int have_aon = json_get_str(tc, "aggothernonce") != NULL;
				uint32_t my_id = (uint32_t)json_get_num(tc, "my_id", -1);
				size_t blame = 12345;
				int ok, ret;

				ok = vcase_build(&c, g, tc) &&
				     pool_fixed(secshare, 32, g, "secshares",
						json_get_num(tc, "secshare_index", -1)) &&
				     (!have_rand || unhex_fixed(rand, 32, json_get(tc, "rand"))) &&
				     (!have_aon || unhex_fixed(aon, 66, json_get(tc, "aggothernonce")));
				if (!ok) {
					TEST_FAIL("det_sign tc %lld: cannot build case", id);
					count(&t, 0);
					vcase_free(&c);
					continue;
				}
				s = vcase_session(&c);
				s.aggnonce = NULL;	/* computed by DeterministicSign */
				ret = mpc_frost_deterministic_sign(pubnonce, psig, secshare, my_id,
								   have_aon ? aon : NULL, &s,
								   have_rand ? rand : NULL,
								   NULL, &blame);
				if (kind == 0) {
					const struct json *e = json_get(tc, "expected");

					ok = ret == MPC_FROST_OK &&
					     check_bytes("det_sign pubnonce", id, pubnonce,
							 json_at(e, 0), 66) &&
					     check_bytes("det_sign psig", id, psig, json_at(e, 1), 32);
					/* coordinator: aggregate nonce and verify the psig */
					if (ok) {
						struct mpc_frost_session_values sv;
						uint8_t two[132], agg[66], ps[33];
						size_t i;

						memcpy(two, pubnonce, 66);
						memcpy(two + 66, aon, 66);
						if (have_aon)
							ok = mpc_frost_nonce_agg(agg, two, 2, NULL, NULL) == 0;
						else
							memcpy(agg, pubnonce, 66);
						s.aggnonce = agg;
						ok = ok && mpc_frost_session_values(&sv, &s, NULL, NULL) == 0;
						for (i = 0; i < c.sc.u; i++)
							if (c.ids[i] == my_id)
								memcpy(ps, c.pubshares[i], 33);
						ok = ok && mpc_frost_psig_verify_session(&sv, psig, my_id,
											 pubnonce, ps) == 0;
						if (!ok)
							printf("# det_sign tc %lld: psig does not verify\n", id);
					}
				} else {
					ok = error_matches("det_sign", id, json_get(tc, "error"),
							   ret, blame) &&
					     is_zero(psig, 32) && is_zero(pubnonce, 66);
				}
				count(&t, ok);
				vcase_free(&c);
			}
			tally_report(&t, "det_sign", tg, kinds[kind]);
		}
	}
	json_free(j);
}

/* ------------------------------------------------------------------------ */
/* sig_agg                                                                    */

/* Tweaked x-only key computed with libsecp256k1 (independent of frost.c). */
static int secp_tweaked_key(secp256k1_xonly_pubkey *out, const uint8_t thresh_pk[33],
			    const struct mpc_frost_tweaks *tw)
{
	secp256k1_pubkey p;
	size_t k;

	if (!secp256k1_ec_pubkey_parse(sctx, &p, thresh_pk, 33))
		return 0;
	for (k = 0; k < tw->n_is_xonly; k++) {
		if (tw->is_xonly[k]) {
			secp256k1_xonly_pubkey x;

			if (!secp256k1_xonly_pubkey_from_pubkey(sctx, &x, NULL, &p) ||
			    !secp256k1_xonly_pubkey_tweak_add(sctx, &p, &x, tw->tweak + 32 * k))
				return 0;
		} else if (!secp256k1_ec_pubkey_tweak_add(sctx, &p, tw->tweak + 32 * k)) {
			return 0;
		}
	}
	return secp256k1_xonly_pubkey_from_pubkey(sctx, out, NULL, &p);
}

static void test_sig_agg(void)
{
	struct json *j = load("sig_agg_vectors.json");
	const struct json *groups = json_get(j, "test_groups");
	static const char *const kinds[] = { "valid_tests", "error_tests" };
	size_t gi, kind, k, i;

	for (gi = 0; j && gi < jlen(groups); gi++) {
		const struct json *g = json_at(groups, gi);
		const char *tg = json_get_str(g, "tg_id");

		for (kind = 0; kind < 2; kind++) {
			const struct json *arr = json_get(g, kinds[kind]);
			struct tally t = { 0 };

			for (k = 0; k < jlen(arr); k++) {
				const struct json *tc = json_at(arr, k);
				const struct json *pa = json_get(tc, "psigs");
				long long id = json_get_num(tc, "tc_id", -1);
				struct vcase c;
				struct mpc_frost_session_ctx s;
				size_t np = jlen(pa), blame = 12345;
				uint8_t *psigs = calloc(np + 1, 32), sig[64];
				int ok, ret;

				ok = vcase_build(&c, g, tc) && psigs;
				for (i = 0; ok && i < np; i++)
					ok = unhex_fixed(psigs + 32 * i, 32, json_at(pa, i));
				if (!ok) {
					TEST_FAIL("sig_agg tc %lld: cannot build case", id);
					count(&t, 0);
					vcase_free(&c);
					free(psigs);
					continue;
				}
				s = vcase_session(&c);
				ret = mpc_frost_partial_sig_agg(sig, psigs, np, &s, NULL, &blame);
				if (kind == 0) {
					secp256k1_xonly_pubkey xpk;
					struct mpc_frost_tweak_ctx tcx;
					uint8_t ours[32], theirs[32];

					ok = ret == MPC_FROST_OK &&
					     check_bytes("sig_agg", id, sig, json_get(tc, "expected"), 64);
					ok = ok && secp_tweaked_key(&xpk, c.thresh_pk, &c.tw) &&
					     secp256k1_schnorrsig_verify(sctx, sig, c.msg, c.msglen, &xpk);
					/* our tweak context agrees with libsecp256k1 */
					ok = ok && mpc_frost_tweak_ctx_init(&tcx, c.thresh_pk) == 0 &&
					     mpc_frost_tweak_ctx_apply_list(&tcx, &c.tw, NULL, NULL) == 0;
					if (ok) {
						mpc_frost_tweak_ctx_xonly_pk(ours, &tcx);
						secp256k1_xonly_pubkey_serialize(sctx, theirs, &xpk);
						ok = !memcmp(ours, theirs, 32);
					}
					if (!ok)
						printf("# sig_agg tc %lld: signature/key check failed\n", id);
				} else {
					ok = error_matches("sig_agg", id, json_get(tc, "error"), ret,
							   blame) && is_zero(sig, 64);
				}
				count(&t, ok);
				vcase_free(&c);
				free(psigs);
			}
			tally_report(&t, "sig_agg", tg, kinds[kind]);
		}
	}
	json_free(j);
}

/* ------------------------------------------------------------------------ */
/* API edges not covered by the vectors                                        */

/* ------------------------------------------------------------------------ */
/* ValidateSignersCtx: small-integer and full interpolation paths             */

/* Share of id (Shamir, f(id + 1)) with libsecp256k1's seckey arithmetic. */
static int share_of(uint8_t out[32], uint8_t (*coef)[32], uint32_t t, uint32_t id)
{
	uint8_t xb[32] = { 0 };
	int i;

	xb[27] = (uint8_t)(((uint64_t)id + 1) >> 32);
	xb[28] = (uint8_t)((id + 1) >> 24);
	xb[29] = (uint8_t)((id + 1) >> 16);
	xb[30] = (uint8_t)((id + 1) >> 8);
	xb[31] = (uint8_t)(id + 1);
	if (id == 0xffffffffu) {	/* id + 1 = 2^32 */
		memset(xb + 28, 0, 4);
		xb[27] = 1;
	}
	memcpy(out, coef[t - 1], 32);
	for (i = (int)t - 2; i >= 0; i--)
		if (!secp256k1_ec_seckey_tweak_mul(sctx, out, xb) ||
		    !secp256k1_ec_seckey_tweak_add(sctx, out, coef[i]))
			return 0;
	return 1;
}

static int pub33(uint8_t out[33], const uint8_t sk[32])
{
	secp256k1_pubkey p;
	size_t len = 33;

	return secp256k1_ec_pubkey_create(sctx, &p, sk) &&
	       secp256k1_ec_pubkey_serialize(sctx, out, &len, &p, SECP256K1_EC_COMPRESSED);
}

#define IMAXU 30

/*
 * Random t-of-n keys and signer sets whose interpolation takes the
 * small-integer path (small ids) or the full one (huge ids, u > 24): the
 * correct set validates; a set with one pubshare replaced (by another
 * valid share, or by its negation) fails with KEY_MATERIAL; a set with a
 * valid but wrong thresh_pk too.  Sign_ex(TRUSTED) on a set that does not
 * validate still signs (the caller vouched), plain Sign refuses.
 */
static void test_interpolation(void)
{
	static const struct {
		uint32_t t, n, u, idmax;
	} cfg[] = {
		{ 1, 2, 1, 1 }, { 1, 2, 2, 1 }, { 2, 3, 2, 2 }, { 3, 5, 4, 4 },
		{ 5, 9, 7, 8 }, { 4, 200, 6, 199 }, { 3, 0xffffffffu, 3, 0xfffffffeu },
		{ 4, 0x80000000u, 5, 0x7fffffffu }, { 6, 40, 12, 39 }, { 25, 30, 30, 29 },
		{ 2, 1000000, 2, 999999 },
	};
	uint8_t coef[IMAXU][32], sk[IMAXU][32], pk[IMAXU][33], tpk[33], other[33];
	uint32_t ids[IMAXU];
	struct mpc_frost_signers sc;
	size_t c, i, j, blame;
	int ok = 1, rep, n_ok = 0;

	for (c = 0; c < sizeof(cfg) / sizeof(cfg[0]); c++) {
		for (rep = 0; rep < 3; rep++) {
			uint32_t t = cfg[c].t, u = cfg[c].u;

			for (i = 0; i < t; i++)
				do
					test_rand_bytes(coef[i], 32);
				while (!secp256k1_ec_seckey_verify(sctx, coef[i]));
			ok &= pub33(tpk, coef[0]);
			/* distinct ids, the first few small, some near idmax */
			for (i = 0; i < u; i++) {
				uint32_t id;
				int dup;

				do {
					if (rep == 0 || cfg[c].idmax < 64)
						id = (uint32_t)(test_rand64() % ((uint64_t)cfg[c].idmax + 1));
					else
						id = cfg[c].idmax - (uint32_t)(test_rand64() % 8);
					dup = 0;
					for (j = 0; j < i; j++)
						dup |= ids[j] == id;
				} while (dup);
				ids[i] = id;
				ok &= share_of(sk[i], coef, t, id) && pub33(pk[i], sk[i]);
			}
			sc.n = cfg[c].n;
			sc.t = t;
			sc.u = u;
			sc.ids = ids;
			sc.pubshares = (const uint8_t (*)[33])pk;
			sc.thresh_pk = tpk;
			ok &= mpc_frost_signers_validate(&sc, NULL, &blame) == MPC_FROST_OK;
			/* wrong thresh_pk (a valid point) */
			memcpy(other, tpk, 33);
			ok &= pub33(tpk, coef[1 % t]) ;
			if (t > 1)
				ok &= mpc_frost_signers_validate(&sc, NULL, &blame) ==
				      MPC_FROST_ERR_KEY_MATERIAL;
			memcpy(tpk, other, 33);
			/* one pubshare negated, then replaced by another share */
			j = test_rand64() % u;
			memcpy(other, pk[j], 33);
			pk[j][0] ^= 1;
			ok &= mpc_frost_signers_validate(&sc, NULL, &blame) ==
			      MPC_FROST_ERR_KEY_MATERIAL;
			if (t > 1) {
				uint8_t s2[32];

				ok &= share_of(s2, coef, t, ids[j] ^ 0x100) && pub33(pk[j], s2);
				ok &= mpc_frost_signers_validate(&sc, NULL, &blame) ==
				      MPC_FROST_ERR_KEY_MATERIAL;
			}
			/* trusted signing ignores the bad key material; plain refuses */
			if (u >= 2 && j != 0) {
				struct mpc_frost_session_ctx ctx;
				uint8_t sn[64], sn2[64], pn[66], r[32], psig[32], m[32] = { 1 };

				test_rand_bytes(r, 32);
				ok &= mpc_frost_nonce_gen(sn, pn, r, NULL, NULL, NULL, 0, NULL, 0,
							  NULL, 0) == 0;
				memcpy(sn2, sn, 64);
				ctx.signers = &sc;
				ctx.aggnonce = pn;
				ctx.tweaks = NULL;
				ctx.msg = m;
				ctx.msglen = 32;
				ok &= mpc_frost_sign_ex(psig, sn, sk[0], ids[0], &ctx, NULL,
							MPC_FROST_SIGN_TRUSTED_SIGNERS, NULL) ==
				      MPC_FROST_OK;
				ok &= mpc_frost_sign(psig, sn2, sk[0], ids[0], &ctx, NULL, NULL) ==
				      MPC_FROST_ERR_KEY_MATERIAL && is_zero(sn2, 64);
			}
			memcpy(pk[j], other, 33);
			ok &= mpc_frost_signers_validate(&sc, NULL, &blame) == MPC_FROST_OK;
			n_ok++;
		}
	}
	test_report(ok, "ValidateSignersCtx interpolation, small-integer and full paths (%d key sets)",
		    n_ok);
}

static void test_api_edges(void)
{
	static const uint8_t order[32] = {
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		0xFF, 0xFF, 0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B,
		0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
	};
	uint8_t bad_pk[33] = { 0x02 }, tw2[64] = { 0 }, xo[2] = { 1, 0 };
	struct mpc_frost_tweak_ctx tc;
	struct mpc_frost_tweaks tw = { tw2, 64, xo, 2 };
	struct mpc_frost_limits lim = { 2, 1, 16 };
	mpc_scalar lam;
	uint32_t ids[3] = { 0, 2, 0 };
	size_t blame;
	int ok = 1;

	bad_pk[32] = 7;	/* x = 7 is not on the curve */
	ok &= mpc_frost_tweak_ctx_init(&tc, bad_pk) == MPC_FROST_ERR_THRESH_PK;
	{
		static const uint8_t g33[33] = {
			0x02, 0x79, 0xBE, 0x66, 0x7E, 0xF9, 0xDC, 0xBB, 0xAC, 0x55, 0xA0,
			0x62, 0x95, 0xCE, 0x87, 0x0B, 0x07, 0x02, 0x9B, 0xFC, 0xDB, 0x2D,
			0xCE, 0x28, 0xD9, 0x59, 0xF2, 0x81, 0x5B, 0x16, 0xF8, 0x17, 0x98,
		};
		ok &= mpc_frost_tweak_ctx_init(&tc, g33) == MPC_FROST_OK;
		/* limit on the number of tweaks */
		ok &= mpc_frost_tweak_ctx_apply_list(&tc, &tw, &lim, &blame) == MPC_FROST_ERR_LIMIT;
		lim.max_tweaks = 2;
		/* tweak 0 (x-only) is fine, tweak 1 = n is out of range */
		memcpy(tw2 + 32, order, 32);
		ok &= mpc_frost_tweak_ctx_apply_list(&tc, &tw, &lim, &blame) ==
		      MPC_FROST_ERR_TWEAK_RANGE && blame == 1;
	}
	/* interpolation */
	ok &= mpc_frost_lagrange(&lam, ids, 2, 1) == MPC_FROST_ERR_MY_ID;
	ok &= mpc_frost_lagrange(&lam, ids, 3, 2) == MPC_FROST_ERR_ID_DUPLICATE;
	ok &= mpc_frost_lagrange(&lam, ids, 2, 2) == MPC_FROST_OK;
	/* lambda_{id=2} over {0,2} = (0+1)/(0-2) = -1/2 ; check 2*lambda == -1 */
	{
		mpc_scalar two, r, m1;

		mpc_scalar_set_int(&two, 2);
		mpc_scalar_mul(&r, &lam, &two);
		mpc_scalar_set_int(&m1, 1);
		mpc_scalar_negate(&m1, &m1);
		ok &= mpc_scalar_eq(&r, &m1);
	}
	/* nonce_agg limits and empty lists */
	{
		uint8_t agg[66], pn[3 * 66] = { 0 };

		ok &= mpc_frost_nonce_agg(agg, pn, 3, &lim, &blame) == MPC_FROST_ERR_LIMIT;
		ok &= mpc_frost_nonce_agg(agg, pn, 0, NULL, &blame) ==
		      MPC_FROST_ERR_PUBNONCE_COUNT;
		/* all-zero pubnonce is not a valid pubnonce (cpoint, not cpoint_ext) */
		ok &= mpc_frost_nonce_agg(agg, pn, 1, NULL, &blame) ==
		      MPC_FROST_ERR_PUBNONCE && blame == 0;
	}
	/* strings */
	ok &= !strcmp(mpc_frost_contrib(MPC_FROST_ERR_PSIG), "psig");
	ok &= mpc_frost_contrib(MPC_FROST_ERR_SECSHARE) == NULL;
	ok &= mpc_frost_strerror(MPC_FROST_ERR_COUNT_) != NULL;
	{
		int e;

		for (e = 0; e < MPC_FROST_ERR_COUNT_; e++)
			ok &= strcmp(mpc_frost_strerror(e), "unknown error") != 0;
	}
	/* unknown sign_ex flags: an argument error, the secnonce is consumed */
	{
		struct mpc_frost_signers sc = { 3, 2, 2, ids, NULL, bad_pk };
		struct mpc_frost_session_ctx ctx = { &sc, bad_pk, NULL, NULL, 0 };
		uint8_t sn[64], psig[32];

		memset(sn, 1, 64);
		memset(psig, 1, 32);
		ok &= mpc_frost_sign_ex(psig, sn, sn, 0, &ctx, NULL, 0x80, &blame) ==
		      MPC_FROST_ERR_ARG && is_zero(sn, 64) && is_zero(psig, 32);
	}
	test_report(ok, "frost api edges (tweak ctx, lagrange, limits, strings, flags)");
}

int main(void)
{
	verbose = getenv("MPC_TEST_VERBOSE") != NULL;
	if (mpc_ecmult_init()) {
		printf("not ok - mpc_ecmult_init\n");
		return 1;
	}
	sctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	test_nonce_gen();
	test_nonce_agg();
	test_sign_file("sign_verify_vectors.json", "sign_verify");
	test_sign_file("tweak_vectors.json", "tweak");
	test_det_sign();
	test_sig_agg();
	test_interpolation();
	test_api_edges();
	test_report(trusted_cases > 100 && trusted_agree == trusted_cases,
		    "sign_ex(TRUSTED_SIGNERS) agrees with sign on %d/%d vector cases",
		    trusted_agree, trusted_cases);
	printf("# bip445 vectors: %d/%d cases pass\n", grand_pass, grand_total);
	secp256k1_context_destroy(sctx);
	mpc_ecmult_exit();
	return test_exit();
}
