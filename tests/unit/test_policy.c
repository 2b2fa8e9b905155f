// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_policy.c - the signing policy (userspace/lib/policy.c).
 *
 * Default deny (empty policy, no match); first match in file order; key and
 * coordinator lists; kind, max_msg_len, tweaks; the rate limit over a
 * sliding window driven by the request's `now`, per key, with the bounded
 * key table; the approval quorum with real BIP340 signatures made by
 * libsecp256k1 (met, not met, wrong digest, duplicate approver counted once,
 * approver not in the list ignored, bad signature); every parse error with
 * its line number; loading from a file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "test.h"
#include "policy.h"

static secp256k1_context *g_ctx;

/* compressed public keys of secret keys 1..: thresh keys, coordinators */
static uint8_t g_pk[8][33];
static char g_pkhex[8][67];
/* approvers: keypairs and x-only keys */
static secp256k1_keypair g_kp[20];
static uint8_t g_ax[20][32];
static char g_axhex[20][65];

static void seckey(uint8_t sk[32], unsigned int i)
{
	memset(sk, 0, 32);
	sk[31] = (uint8_t)i;
	sk[0] = 0x11;
}

static void setup(void)
{
	uint8_t sk[32];
	unsigned int i;

	g_ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	CHECK(g_ctx);
	for (i = 0; i < 8; i++) {
		secp256k1_pubkey p;
		size_t len = 33;

		seckey(sk, i + 1);
		CHECK(secp256k1_ec_pubkey_create(g_ctx, &p, sk));
		CHECK(secp256k1_ec_pubkey_serialize(g_ctx, g_pk[i], &len, &p, SECP256K1_EC_COMPRESSED));
		hex_encode(g_pkhex[i], g_pk[i], 33);
	}
	for (i = 0; i < 20; i++) {
		secp256k1_xonly_pubkey x;

		seckey(sk, 100 + i);
		CHECK(secp256k1_keypair_create(g_ctx, &g_kp[i], sk));
		CHECK(secp256k1_keypair_xonly_pub(g_ctx, &x, NULL, &g_kp[i]));
		CHECK(secp256k1_xonly_pubkey_serialize(g_ctx, g_ax[i], &x));
		hex_encode(g_axhex[i], g_ax[i], 32);
	}
}

static void approve(struct mpcsign_approval *a, unsigned int who, const uint8_t digest[32])
{
	memcpy(a->approver_x, g_ax[who], 32);
	CHECK(secp256k1_schnorrsig_sign32(g_ctx, a->sig, digest, &g_kp[who], NULL));
}

/* printf into a static buffer */
static const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *f, ...)
{
	static char buf[8192];
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return buf;
}

static struct mpcsign_policy *must_parse(const char *text)
{
	struct mpcsign_policy *p = NULL;
	char err[256];

	if (mpcsign_policy_parse(&p, text, err, sizeof(err))) {
		TEST_FAIL("parse failed: %s\n%s", err, text);
		return NULL;
	}
	return p;
}

static uint8_t g_digest[32];
static const uint8_t g_msg[100];

/* a plain request: key k, coordinator c, msg_len bytes, at time now */
static struct mpcsign_policy_req req(unsigned int k, unsigned int c, size_t msg_len, uint64_t now)
{
	struct mpcsign_policy_req r;

	memset(&r, 0, sizeof(r));
	r.thresh_pk = g_pk[k];
	r.coord_pk = g_pk[c];
	r.kind = MPCSIGN_SIGN_KIND_RAW;
	r.msg = g_msg;
	r.msg_len = msg_len;
	r.approval_digest = g_digest;
	r.now = now;
	return r;
}

/* check returns 0 and allow / code / rule as given */
static int decides(struct mpcsign_policy *p, const struct mpcsign_policy_req *r, int allow,
		   int code, const char *rule)
{
	struct mpcsign_policy_decision d;
	int ret;

	memset(&d, 0x55, sizeof(d));
	ret = mpcsign_policy_check(p, r, &d);
	if (ret || d.allow != allow || d.code != code || strcmp(d.rule, rule) ||
	    !memchr(d.reason, 0, sizeof(d.reason)) || !d.reason[0]) {
		TEST_FAIL("check: ret %d allow %d code %d rule %.64s reason %.160s; want allow %d code %d rule %s",
			  ret, d.allow, d.code, d.rule, d.reason, allow, code, rule);
		return 0;
	}
	return 1;
}

static void test_default_deny(void)
{
	struct mpcsign_policy *p;
	struct mpcsign_policy_req r = req(0, 1, 10, 1000);
	struct mpcsign_policy_decision d;
	int ok = 1;

	p = must_parse("");
	ok &= p && mpcsign_policy_num_rules(p) == 0;
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	mpcsign_policy_free(p);
	p = must_parse("; only comments\n# and blank lines\n\n   \n");
	ok &= p && decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	mpcsign_policy_free(p);
	/* a rule for another key */
	p = must_parse(fmt("[rule other]\naction = allow\nkey = %s\n", g_pkhex[5]));
	ok &= p && decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	/* bad arguments: -EINVAL and a denial */
	memset(&d, 0, sizeof(d));
	d.allow = 1;
	ok &= mpcsign_policy_check(p, NULL, &d) == -EINVAL && d.allow == 0;
	r.thresh_pk = NULL;
	d.allow = 1;
	ok &= mpcsign_policy_check(p, &r, &d) == -EINVAL && d.allow == 0;
	r = req(0, 1, 10, 1000);
	r.msg = NULL;
	ok &= mpcsign_policy_check(p, &r, &d) == -EINVAL && d.allow == 0;
	r = req(0, 1, 10, 1000);
	ok &= mpcsign_policy_check(NULL, &r, &d) == -EINVAL && d.allow == 0;
	ok &= mpcsign_policy_check(p, &r, NULL) == -EINVAL;
	mpcsign_policy_free(p);
	mpcsign_policy_free(NULL);
	test_report(ok, "policy: default deny (empty policy, comments only, no matching rule, bad arguments)");
}

static void test_first_match(void)
{
	struct mpcsign_policy *p;
	struct mpcsign_policy_req r;
	int ok = 1;

	/* deny for key 0 first, then allow any: key 0 denied, key 1 allowed */
	p = must_parse(fmt("[rule no-k0]\naction = deny\nkey = %s\n\n"
			   "[rule all]\naction = allow\nkey = any\n", g_pkhex[0]));
	ok &= p && mpcsign_policy_num_rules(p) == 2;
	r = req(0, 2, 10, 1);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "no-k0");
	r = req(1, 2, 10, 1);
	ok &= decides(p, &r, 1, 0, "all");
	mpcsign_policy_free(p);
	/* the same rules the other way round: everything allowed by the first */
	p = must_parse(fmt("[rule all]\naction = allow\n\n"
			   "[rule no-k0]\naction = deny\nkey = %s\n", g_pkhex[0]));
	r = req(0, 2, 10, 1);
	ok &= p && decides(p, &r, 1, 0, "all");
	mpcsign_policy_free(p);
	test_report(ok, "policy: first matching rule decides, in file order");
}

static void test_matching(void)
{
	struct mpcsign_policy *p;
	struct mpcsign_policy_req r;
	uint8_t tw[1][32] = { { 1 } };
	int ok = 1;

	/* two keys (repeated key =), two coordinators */
	p = must_parse(fmt("[rule k]\naction = allow\nkey = %s\nkey = %s\n"
			   "coordinator = %s\ncoordinator = %s\n",
			   g_pkhex[0], g_pkhex[1], g_pkhex[4], g_pkhex[5]));
	r = req(0, 4, 10, 1);
	ok &= p && decides(p, &r, 1, 0, "k");
	r = req(1, 5, 10, 1);
	ok &= decides(p, &r, 1, 0, "k");
	r = req(2, 5, 10, 1);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	r = req(1, 6, 10, 1);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	mpcsign_policy_free(p);
	/* upper-case hex is the same key */
	{
		char up[67];
		size_t i;

		for (i = 0; i < 66; i++)
			up[i] = (char)(g_pkhex[2][i] >= 'a' ? g_pkhex[2][i] - 32 : g_pkhex[2][i]);
		up[66] = 0;
		p = must_parse(fmt("[rule up]\naction = allow\nkey = %s\n", up));
		r = req(2, 4, 10, 1);
		ok &= p && decides(p, &r, 1, 0, "up");
		mpcsign_policy_free(p);
	}
	test_report(ok, "policy: key and coordinator lists (repeated lines, any, hex case)");

	ok = 1;
	/* kind and max length */
	p = must_parse("[rule small]\naction = allow\nkind = raw\nmax_msg_len = 32\n");
	r = req(0, 4, 32, 1);
	ok &= p && decides(p, &r, 1, 0, "small");
	r = req(0, 4, 33, 1);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	r = req(0, 4, 0, 1);
	ok &= decides(p, &r, 1, 0, "small");
	r = req(0, 4, 10, 1);
	r.kind = 7;
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	mpcsign_policy_free(p);
	p = must_parse("[rule anykind]\naction = allow\nkind = any\nmax_msg_len = 0\n");
	r = req(0, 4, 0, 1);
	r.kind = 7;
	ok &= p && decides(p, &r, 1, 0, "anykind");
	r.msg_len = 1;
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	mpcsign_policy_free(p);
	test_report(ok, "policy: kind = raw | any and max_msg_len (inclusive)");

	ok = 1;
	/* tweaks: default deny (the rule does not match a tweaked request) */
	p = must_parse("[rule plain]\naction = allow\n\n[rule tw]\naction = allow\ntweaks = allow\n"
		       "max_msg_len = 10\n");
	r = req(0, 4, 20, 1);
	r.tweaks = (const uint8_t (*)[32])tw;
	r.num_tweaks = 1;
	ok &= p && decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	r.msg_len = 10;
	ok &= decides(p, &r, 1, 0, "tw");
	r.num_tweaks = 0;
	ok &= decides(p, &r, 1, 0, "plain");
	mpcsign_policy_free(p);
	p = must_parse("[rule notw]\naction = allow\ntweaks = deny\n");
	r.num_tweaks = 1;
	ok &= p && decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	mpcsign_policy_free(p);
	test_report(ok, "policy: tweaks = deny (default) skips tweaked requests, allow takes them");
}

static void test_rate(void)
{
	struct mpcsign_policy *p;
	struct mpcsign_policy_req r;
	struct mpcsign_policy_decision d;
	int ok = 1, i;

	/* 3 per 100 s, sliding, per key */
	p = must_parse("[rule hot]\naction = allow\nrate = 3/100\n");
	for (i = 0; i < 3; i++) {
		r = req(0, 4, 1, 1000 + (uint64_t)i * 10);	/* 1000, 1010, 1020 */
		ok &= decides(p, &r, 1, 0, "hot");
	}
	r = req(0, 4, 1, 1030);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_RATE, "default");
	ok &= mpcsign_policy_check(p, &r, &d) == 0 && strstr(d.reason, "rate 3/100") != NULL;
	/* another key has its own window */
	r = req(1, 4, 1, 1030);
	ok &= decides(p, &r, 1, 0, "hot");
	/* 1099: 1000 is 99 s old, still in the window; 1100: it has left */
	r = req(0, 4, 1, 1099);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_RATE, "default");
	r = req(0, 4, 1, 1100);
	ok &= decides(p, &r, 1, 0, "hot");
	r = req(0, 4, 1, 1100);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_RATE, "default");
	/* denials do not count: at 1110 1010 left, one more fits */
	r = req(0, 4, 1, 1110);
	ok &= decides(p, &r, 1, 0, "hot");
	/* after a long pause, the full rate again */
	for (i = 0; i < 3; i++) {
		r = req(0, 4, 1, 5000);
		ok &= decides(p, &r, 1, 0, "hot");
	}
	r = req(0, 4, 1, 5000);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_RATE, "default");
	/* a clock that went back: the recorded times stay in the window */
	r = req(0, 4, 1, 10);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_RATE, "default");
	mpcsign_policy_free(p);
	test_report(ok, "policy: rate = 3/100: sliding window per key, denials not counted, clock going back");

	ok = 1;
	/* a rate-limited rule falls through to the next one (here: another limit) */
	p = must_parse("[rule hot]\naction = allow\nrate = 1/60\n\n[rule warm]\naction = allow\nrate = 2/3600\n");
	r = req(0, 4, 1, 100);
	ok &= decides(p, &r, 1, 0, "hot");
	ok &= decides(p, &r, 1, 0, "warm");
	ok &= decides(p, &r, 1, 0, "warm");
	ok &= decides(p, &r, 0, MPCSIGN_WERR_RATE, "default");
	r.now = 160;
	ok &= decides(p, &r, 1, 0, "hot");
	mpcsign_policy_free(p);
	test_report(ok, "policy: an exhausted rate falls through to the next rule");

	ok = 1;
	/* bounded key table: MAX_RATE_KEYS keys tracked; a new key beyond is denied
	 * until a tracked key's window has passed */
	{
		uint8_t keys[MPCSIGN_POLICY_MAX_RATE_KEYS + 1][33];
		unsigned int k;

		p = must_parse("[rule hot]\naction = allow\nrate = 1/100\n");
		for (k = 0; k <= MPCSIGN_POLICY_MAX_RATE_KEYS; k++) {
			memset(keys[k], 0, 33);
			keys[k][0] = 2;
			keys[k][1] = (uint8_t)k;
		}
		r = req(0, 4, 1, 1000);
		for (k = 0; k < MPCSIGN_POLICY_MAX_RATE_KEYS; k++) {
			r.thresh_pk = keys[k];
			ok &= decides(p, &r, 1, 0, "hot");
		}
		r.thresh_pk = keys[MPCSIGN_POLICY_MAX_RATE_KEYS];
		ok &= decides(p, &r, 0, MPCSIGN_WERR_RATE, "default");
		ok &= mpcsign_policy_check(p, &r, &d) == 0 && strstr(d.reason, "table full") != NULL;
		r.now = 1100;
		ok &= decides(p, &r, 1, 0, "hot");
		ok &= decides(p, &r, 0, MPCSIGN_WERR_RATE, "default");
		mpcsign_policy_free(p);
	}
	test_report(ok, "policy: rate key table bounded (%d keys), full table fails closed, expired slots reused",
		    MPCSIGN_POLICY_MAX_RATE_KEYS);
}

static void test_quorum(void)
{
	struct mpcsign_policy *p;
	struct mpcsign_policy_req r;
	struct mpcsign_approval ap[6];
	struct mpcsign_policy_decision d;
	uint8_t other[32];
	int ok = 1;

	test_rand_bytes(g_digest, 32);
	/* 2 of approvers 0, 1, 2 */
	p = must_parse(fmt("[rule owner]\naction = allow\napprovers = %s, %s\napprovers = %s\n"
			   "approvals = 2\n", g_axhex[0], g_axhex[1], g_axhex[2]));
	ok &= p != NULL;
	r = req(0, 4, 10, 1);
	/* none */
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	ok &= mpcsign_policy_check(p, &r, &d) == 0 && strstr(d.reason, "0 of 2") != NULL;
	/* one */
	approve(&ap[0], 1, g_digest);
	r.approvals = ap;
	r.num_approvals = 1;
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	/* two: met */
	approve(&ap[1], 2, g_digest);
	r.num_approvals = 2;
	ok &= decides(p, &r, 1, 0, "owner");
	/* the same approver twice counts once */
	approve(&ap[1], 1, g_digest);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	/* an approver not in the list is ignored */
	approve(&ap[1], 4, g_digest);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	/* ... even with three entries, two from outsiders */
	approve(&ap[2], 5, g_digest);
	r.num_approvals = 3;
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	/* signatures over another digest */
	memcpy(other, g_digest, 32);
	other[0] ^= 1;
	approve(&ap[0], 0, other);
	approve(&ap[1], 2, other);
	r.num_approvals = 2;
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	/* right digest, one signature corrupted */
	approve(&ap[0], 0, g_digest);
	approve(&ap[1], 2, g_digest);
	ok &= decides(p, &r, 1, 0, "owner");
	ap[1].sig[10] ^= 0x40;
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	/* a valid signature under the wrong key (approver 2's name, approver 0's signature) */
	approve(&ap[1], 0, g_digest);
	memcpy(ap[1].approver_x, g_ax[2], 32);
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	/* all three valid, in any order */
	approve(&ap[0], 2, g_digest);
	approve(&ap[1], 0, g_digest);
	approve(&ap[2], 1, g_digest);
	r.num_approvals = 3;
	ok &= decides(p, &r, 1, 0, "owner");
	mpcsign_policy_free(p);
	test_report(ok, "policy: quorum 2 of 3: met, not met, duplicate counted once, outsiders ignored, wrong digest/key/sig refused");

	ok = 1;
	/* an unapproved request falls through to a limited rule; the owner's approval
	 * passes when the hot rule is exhausted */
	p = must_parse(fmt("[rule hot]\naction = allow\nmax_msg_len = 50\nrate = 1/3600\n\n"
			   "[rule owner]\naction = allow\napprovers = %s\napprovals = 1\n",
			   g_axhex[3]));
	r = req(0, 4, 10, 1);
	ok &= p && decides(p, &r, 1, 0, "hot");
	ok &= decides(p, &r, 0, MPCSIGN_WERR_RATE, "default");
	approve(&ap[0], 3, g_digest);
	r.approvals = ap;
	r.num_approvals = 1;
	ok &= decides(p, &r, 1, 0, "owner");
	r.msg_len = 100;
	r.num_approvals = 0;
	ok &= decides(p, &r, 0, MPCSIGN_WERR_POLICY, "default");
	mpcsign_policy_free(p);
	test_report(ok, "policy: quorum and rate rules combined (hot wallet, then owner approval)");
}

/* the parse fails, err starts with "line N: " and holds what */
static int parse_error(const char *text, unsigned int line, const char *what)
{
	struct mpcsign_policy *p = (struct mpcsign_policy *)1;
	char err[256], want[32];
	int ret;

	ret = mpcsign_policy_parse(&p, text, err, sizeof(err));
	snprintf(want, sizeof(want), "line %u: ", line);
	if (ret != -EINVAL || p != NULL || strncmp(err, want, strlen(want)) || !strstr(err, what)) {
		TEST_FAIL("want %s...%s, got %d: %s\n---\n%s---", want, what, ret, err, text);
		if (!ret)
			mpcsign_policy_free(p);
		return 0;
	}
	return 1;
}

static void test_parse_errors(void)
{
	const char *k0 = g_pkhex[0], *a0 = g_axhex[0], *a1 = g_axhex[1];
	char badpt[67], badx[65], longline[300];
	int ok = 1;

	/* syntax */
	ok &= parse_error("action = allow\n", 1, "outside");
	ok &= parse_error("\n[rule a\naction = allow\n", 2, "without ']'");
	ok &= parse_error("[rule a]\naction allow\n", 2, "syntax error");
	ok &= parse_error("[rule a] x\naction = allow\n", 1, "after the section header");
	ok &= parse_error("[rule a]\naction = allow\n  key = any\n", 3, "indented");
	ok &= parse_error("[rule a]\naction = allow\x01\n", 2, "control character");
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "[rule a]\naction = allow\n; ", 26);
	longline[250] = '\n';
	longline[251] = 0;
	ok &= parse_error(longline, 3, "longer than");
	/* sections and names */
	ok &= parse_error("[policy]\naction = allow\n", 1, "unknown section");
	ok &= parse_error("[rulex]\naction = allow\n", 1, "unknown section");
	ok &= parse_error("[rule ]\naction = allow\n", 1, "1 to 63");
	ok &= parse_error("[rule a/b]\naction = allow\n", 1, "letters, digits");
	ok &= parse_error("[rule aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n", 1,
			  "1 to 63");
	ok &= parse_error("[rule a]\naction = allow\n[rule b]\naction = deny\n[rule a]\naction = allow\n",
			  5, "duplicate rule name a (also on line 1)");
	ok &= parse_error("[rule a]\naction = allow\n[rule a]\naction = allow\n", 3, "duplicate");
	/* unknown keys, repeats, bad values */
	ok &= parse_error("[rule a]\naction = allow\ncolour = blue\n", 3, "unknown key colour");
	ok &= parse_error("[rule a]\nAction = allow\n", 2, "unknown key");
	ok &= parse_error("[rule a]\naction = allow\naction = deny\n", 3, "twice");
	ok &= parse_error("[rule a]\naction = permit\n", 2, "allow or deny");
	ok &= parse_error("[rule a]\naction = allow\nkind = psbt\n", 3, "raw or any");
	ok &= parse_error("[rule a]\naction = allow\nkind = raw\nkind = raw\n", 4, "twice");
	ok &= parse_error("[rule a]\naction = allow\ntweaks = yes\n", 3, "allow or deny");
	ok &= parse_error("[rule a]\naction = allow\nmax_msg_len = -1\n", 3, "max_msg_len");
	ok &= parse_error("[rule a]\naction = allow\nmax_msg_len = 65537\n", 3, "max_msg_len");
	ok &= parse_error("[rule a]\naction = allow\nmax_msg_len = 1e3\n", 3, "max_msg_len");
	ok &= parse_error("[rule a]\naction = allow\nmax_msg_len = \n", 3, "max_msg_len");
	ok &= parse_error("[rule a]\naction = allow\nmax_msg_len = 99999999999999999999999\n", 3,
			  "max_msg_len");
	ok &= parse_error("[rule a]\naction = allow\nrate = 10\n", 3, "N/SECONDS");
	ok &= parse_error("[rule a]\naction = allow\nrate = 0/10\n", 3, "N/SECONDS");
	ok &= parse_error("[rule a]\naction = allow\nrate = 10/0\n", 3, "N/SECONDS");
	ok &= parse_error("[rule a]\naction = allow\nrate = 10001/10\n", 3, "N/SECONDS");
	ok &= parse_error("[rule a]\naction = allow\nrate = 1/31708801\n", 3, "N/SECONDS");
	ok &= parse_error("[rule a]\naction = allow\nrate = 1/ 10\n", 3, "N/SECONDS");
	ok &= parse_error("[rule a]\naction = allow\nrate = 1/10\nrate = 2/10\n", 4, "twice");
	/* keys */
	ok &= parse_error("[rule a]\naction = allow\nkey = 02ab\n", 3, "66 hex digits");
	ok &= parse_error(fmt("[rule a]\naction = allow\nkey = %.65sg\n", k0), 3, "66 hex digits");
	memcpy(badpt, k0, 67);
	badpt[1] = '4';	/* prefix 04 */
	ok &= parse_error(fmt("[rule a]\naction = allow\nkey = %s\n", badpt), 3, "not a valid");
	memset(badpt, 'f', 66);
	badpt[0] = '0';
	badpt[1] = '2';	/* x = 2^256 - 1 > p */
	ok &= parse_error(fmt("[rule a]\naction = allow\ncoordinator = %s\n", badpt), 3, "not a valid");
	ok &= parse_error(fmt("[rule a]\naction = allow\nkey = %s\nkey = %s\n", k0, k0), 4, "twice");
	ok &= parse_error(fmt("[rule a]\naction = allow\nkey = any\nkey = %s\n", k0), 4, "any together");
	ok &= parse_error(fmt("[rule a]\naction = allow\nkey = %s\nkey = any\n", k0), 4, "any together");
	ok &= parse_error("[rule a]\naction = allow\ncoordinator = any\ncoordinator = any\n", 4,
			  "any together");
	/* approvers and approvals */
	ok &= parse_error(fmt("[rule a]\naction = allow\napprovers = %s,\napprovals = 1\n", a0), 3,
			  "empty entry");
	ok &= parse_error(fmt("[rule a]\naction = allow\napprovers = %.63s\napprovals = 1\n", a0), 3,
			  "64 hex digits");
	ok &= parse_error(fmt("[rule a]\naction = allow\napprovers = %s, %s\napprovers = %s\n"
			      "approvals = 1\n", a0, a1, a0), 4, "listed twice");
	memset(badx, 'f', 64);
	badx[64] = 0;
	ok &= parse_error(fmt("[rule a]\naction = allow\napprovers = %s\napprovals = 1\n", badx), 3,
			  "not a valid x-only");
	ok &= parse_error(fmt("[rule a]\naction = allow\napprovers = %s, %s\napprovals = 3\n", a0, a1), 1,
			  "approvals = 3 but only 2 approvers");
	ok &= parse_error("[rule a]\naction = allow\napprovals = 1\n", 1, "approvals without approvers");
	{
		/* 17 approvers and approvals = 17: a request carries at most 16 */
		char text[4096];
		size_t n = 0;
		int i;

		for (i = 16; i <= 17; i++) {
			int k;

			n = (size_t)snprintf(text, sizeof(text), "[rule q]\naction = allow\napprovals = %d\n", i);
			for (k = 0; k < 17; k++)
				n += (size_t)snprintf(text + n, sizeof(text) - n, "approvers = %s\n", g_axhex[k]);
			if (i == 17) {
				ok &= parse_error(text, 1, "can never be met");
			} else {
				struct mpcsign_policy *p = must_parse(text);

				ok &= p != NULL;
				mpcsign_policy_free(p);
			}
		}
	}
	ok &= parse_error(fmt("\n[rule a]\naction = allow\napprovers = %s\n", a0), 2,
			  "approvers without approvals");
	ok &= parse_error(fmt("[rule a]\naction = allow\napprovers = %s\napprovals = 0\n", a0), 4,
			  "approvals");
	ok &= parse_error(fmt("[rule a]\naction = allow\napprovers = %s\napprovals = 1\napprovals = 1\n",
			      a0), 5, "twice");
	/* whole-rule checks name the rule's line */
	ok &= parse_error("[rule a]\naction = allow\n\n[rule b]\nkey = any\n", 4, "rule b: no action");
	ok &= parse_error("[rule a]\naction = allow\n\n[rule b]\n", 4, "rule b: no action");
	ok &= parse_error("[rule d]\naction = deny\nrate = 1/10\n", 1, "belong to allow rules");
	ok &= parse_error(fmt("[rule d]\naction = deny\napprovers = %s\napprovals = 1\n", a0), 1,
			  "belong to allow rules");
	test_report(ok, "policy: parse errors (syntax, sections, names, keys, values, repeats, quorum) with their line numbers");

	ok = 1;
	/* what parses: CRLF, inline comments, a BOM, blanks around '=' */
	{
		struct mpcsign_policy *p = NULL;
		char err[200];

		ok &= mpcsign_policy_parse(&p, "\xef\xbb\xbf[rule a]\r\naction=allow ; yes\r\n"
					   "max_msg_len   =   7\r\n", err, sizeof(err)) == 0 && p &&
		      mpcsign_policy_num_rules(p) == 1;
		mpcsign_policy_free(p);
		p = (struct mpcsign_policy *)1;
		ok &= mpcsign_policy_parse(&p, NULL, err, sizeof(err)) == -EINVAL && p == NULL;
		ok &= mpcsign_policy_parse(NULL, "", err, sizeof(err)) == -EINVAL;
		/* err may be NULL */
		ok &= mpcsign_policy_parse(&p, "[x]\n", NULL, 0) == -EINVAL && p == NULL;
	}
	test_report(ok, "policy: CRLF, BOM, inline comments accepted; NULL arguments refused");
}

static void test_load(void)
{
	char path[] = "/tmp/test_policy_XXXXXX", err[4200];
	struct mpcsign_policy *p = NULL;
	struct mpcsign_policy_req r;
	const char *text = "[rule a]\naction = allow\n\n[rule b]\naction = frobnicate\n";
	int fd, ok = 1;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, text, 24) == 24);
	ok &= mpcsign_policy_load(&p, path, err, sizeof(err)) == 0 && p &&
	      mpcsign_policy_num_rules(p) == 1;
	r = req(0, 4, 1, 1);
	ok &= decides(p, &r, 1, 0, "a");
	mpcsign_policy_free(p);
	CHECK(write(fd, text + 24, strlen(text) - 24) == (ssize_t)(strlen(text) - 24));
	ok &= mpcsign_policy_load(&p, path, err, sizeof(err)) == -EINVAL && p == NULL &&
	      !strncmp(err, path, strlen(path)) && strstr(err, ":5: action") != NULL;
	/* a NUL byte */
	CHECK(write(fd, "\n\0", 2) == 2);
	ok &= mpcsign_policy_load(&p, path, err, sizeof(err)) == -EINVAL && strstr(err, ":7: NUL");
	/* too large */
	{
		static char big[MPCSIGN_POLICY_MAX_FILE];

		CHECK(ftruncate(fd, 0) == 0);
		memset(big, '\n', sizeof(big));
		CHECK(pwrite(fd, big, sizeof(big), 0) == (ssize_t)sizeof(big));
		ok &= mpcsign_policy_load(&p, path, err, sizeof(err)) == 0;
		mpcsign_policy_free(p);
		CHECK(pwrite(fd, "\n", 1, sizeof(big)) == 1);
		ok &= mpcsign_policy_load(&p, path, err, sizeof(err)) == -EFBIG && p == NULL;
	}
	close(fd);
	unlink(path);
	ok &= mpcsign_policy_load(&p, path, err, sizeof(err)) == -ENOENT && p == NULL &&
	      strstr(err, path);
	ok &= mpcsign_policy_load(&p, "/tmp", err, sizeof(err)) == -EINVAL;
	test_report(ok, "policy: load from a file (ok, error with PATH:LINE, NUL byte, 1 MiB limit, missing, directory)");
}

int main(void)
{
	test_rand_seed(0x706f6c);
	setup();
	test_default_deny();
	test_first_match();
	test_matching();
	test_rate();
	test_quorum();
	test_parse_errors();
	test_load();
	secp256k1_context_destroy(g_ctx);
	return test_exit();
}
