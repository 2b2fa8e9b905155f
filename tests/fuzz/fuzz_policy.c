// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_policy.c - signing policy parsing and checking (userspace/lib/policy.c).
 *
 * Input: byte 0 chooses the mode.
 *   even: the rest is the policy text (cut at the first NUL);
 *   odd:  the rest is a program: each byte picks one line from a table of
 *         section headers, keys and good and bad values, so that random
 *         inputs reach the value and whole-rule checks without a corpus.
 * Properties (abort() if violated):
 *  - the result is 0, -EINVAL or -ENOMEM; on failure *out is NULL and err
 *    starts with "line N: " (N >= 1 and at most the number of lines + 1);
 *  - on success parsing the same text again gives the same number of rules;
 *  - for a policy that parses, a few requests (fixed keys, with and without
 *    tweaks, approvals, long messages, times going forward) give well-formed
 *    decisions: allow with code 0 and a rule other than "default", or a
 *    denial with code POLICY or RATE (approvals: valid ones by the table's
 *    approvers X1, X2, and a corrupted one); rule and reason NUL-terminated and
 *    non-empty; the same request on a fresh copy of the policy (no rate
 *    state) gives the same first decision.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "policy.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

/* 1G, 2G, 3G compressed; x-only of 1G, 2G */
#define G	"0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
#define G2	"02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"
#define G3	"02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"
#define X1	"79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
#define X2	"c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"

static const char *const lines[] = {
	"[rule a]\n", "[rule b]\n", "[rule c-1.x_y]\n", "[rule a]", "[other]\n", "[rule a\n",
	"[rule ]\n", "\n", "# c\n", "; c\n", "  ; indented comment\n", "  key = any\n",
	"action = allow\n", "action = deny\n", "action = maybe\n", "action=allow ; ok\n",
	"key = any\n", "key = " G "\n", "key = " G2 "\n", "key = " G3 "x\n", "key = 04" X1 "\n",
	"coordinator = any\n", "coordinator = " G "\n", "coordinator = " G3 "\n",
	"kind = raw\n", "kind = any\n", "kind = psbt\n",
	"max_msg_len = 0\n", "max_msg_len = 32\n", "max_msg_len = 65536\n", "max_msg_len = 65537\n",
	"max_msg_len = -1\n", "tweaks = allow\n", "tweaks = deny\n", "tweaks = 1\n",
	"rate = 1/10\n", "rate = 2/3600\n", "rate = 10000/31622400\n", "rate = 0/1\n", "rate = 1/0\n",
	"rate = 5\n", "approvers = " X1 "\n", "approvers = " X2 "\n", "approvers = " X1 ", " X2 "\n",
	"approvers = " X1 ",\n", "approvals = 1\n", "approvals = 2\n", "approvals = 3\n",
	"approvals = 0\n", "colour = blue\n", "no equals sign\n", "\xef\xbb\xbf[rule bom]\n",
	"action = allow\r\n", "key = \x01\n",
};
#define NLINES (sizeof(lines) / sizeof(lines[0]))

static const uint8_t k_g[33] = {
	0x02, 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87,
	0x0b, 0x07, 0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16,
	0xf8, 0x17, 0x98 };

static void check_decision(const struct mpcsign_policy_decision *d)
{
	CHECK(d->allow == 0 || d->allow == 1);
	CHECK(memchr(d->rule, 0, sizeof(d->rule)) && d->rule[0]);
	CHECK(memchr(d->reason, 0, sizeof(d->reason)) && d->reason[0]);
	if (d->allow)
		CHECK(d->code == 0 && strcmp(d->rule, "default"));
	else
		CHECK(d->code == MPCSIGN_WERR_POLICY || d->code == MPCSIGN_WERR_RATE);
}

/*
 * approvals over digest: 1G's and 2G's valid signatures (X1, X2 in the
 * table), then 1G again with a corrupted signature
 */
static void make_approvals(struct mpcsign_approval ap[3], const uint8_t digest[32])
{
	static secp256k1_context *ctx;
	secp256k1_keypair kp;
	uint8_t sk[32];
	int k;

	if (!ctx)
		ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	CHECK(ctx);
	for (k = 0; k < 2; k++) {
		secp256k1_xonly_pubkey x;

		memset(sk, 0, 32);
		sk[31] = (uint8_t)(k + 1);
		CHECK(secp256k1_keypair_create(ctx, &kp, sk));
		CHECK(secp256k1_keypair_xonly_pub(ctx, &x, NULL, &kp));
		CHECK(secp256k1_xonly_pubkey_serialize(ctx, ap[k].approver_x, &x));
		CHECK(secp256k1_schnorrsig_sign32(ctx, ap[k].sig, digest, &kp, NULL));
	}
	CHECK(!memcmp(ap[0].approver_x, k_g + 1, 32));
	ap[2] = ap[0];
	ap[2].sig[5] ^= 1;
}

static void run_checks(struct mpcsign_policy *p, struct mpcsign_policy *fresh)
{
	static const uint8_t msg[2000];
	static const uint8_t tweaks[2][32] = { { 1 }, { 2 } };
	uint8_t other[33], digest[32];
	struct mpcsign_approval ap[3];
	struct mpcsign_policy_req r;
	struct mpcsign_policy_decision d, d2;
	int i;

	memcpy(other, k_g, 33);
	other[0] = 3;
	memset(digest, 0x5c, 32);
	make_approvals(ap, digest);
	for (i = 0; i < 12; i++) {
		memset(&r, 0, sizeof(r));
		r.thresh_pk = i & 1 ? k_g : other;
		r.coord_pk = i & 2 ? k_g : other;
		r.kind = i == 5 ? 1 : MPCSIGN_SIGN_KIND_RAW;
		r.msg = msg;
		r.msg_len = (size_t)(i * 181) % sizeof(msg);
		r.tweaks = tweaks;
		r.num_tweaks = i & 4 ? 2 : 0;
		r.approvals = ap;
		r.num_approvals = (size_t)(i % 4);
		r.approval_digest = digest;
		r.now = 1000 + (uint64_t)i * 2;
		CHECK(mpcsign_policy_check(p, &r, &d) == 0);
		check_decision(&d);
		if (i < 2) {
			/* the first requests of a key see no rate state: same answer */
			CHECK(mpcsign_policy_check(fresh, &r, &d2) == 0);
			CHECK(d.allow == d2.allow && d.code == d2.code && !strcmp(d.rule, d2.rule));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpcsign_policy *p = (struct mpcsign_policy *)1, *q = NULL;
	char err[256], *text;
	size_t i, len = 0, nl = 1;
	int ret;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		text = malloc(size * 200 + 1);
		CHECK(text);
		for (i = 1; i < size; i++) {
			const char *l = lines[data[i] % NLINES];

			memcpy(text + len, l, strlen(l));
			len += strlen(l);
		}
	} else {
		text = malloc(size);
		CHECK(text);
		memcpy(text, data + 1, size - 1);
		len = size - 1;
	}
	text[len] = 0;
	for (i = 0; text[i]; i++)
		nl += text[i] == '\n';

	memset(err, 0x41, sizeof(err));
	ret = mpcsign_policy_parse(&p, text, err, sizeof(err));
	CHECK(ret == 0 || ret == -EINVAL || ret == -ENOMEM);
	CHECK(memchr(err, 0, sizeof(err)));
	if (ret) {
		unsigned long line;

		CHECK(p == NULL);
		CHECK(!strncmp(err, "line ", 5));
		line = strtoul(err + 5, NULL, 10);
		CHECK(line >= 1 && line <= nl);
		free(text);
		return 0;
	}
	CHECK(p != NULL);
	CHECK(mpcsign_policy_parse(&q, text, NULL, 0) == 0 && q);
	CHECK(mpcsign_policy_num_rules(p) == mpcsign_policy_num_rules(q));
	CHECK(mpcsign_policy_num_rules(p) <= MPCSIGN_POLICY_MAX_RULES);
	run_checks(p, q);
	mpcsign_policy_free(p);
	mpcsign_policy_free(q);
	free(text);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static const char *const texts[] = {
		"[rule hot]\naction = allow\nkey = " G "\ncoordinator = " G2 "\nkind = raw\n"
		"max_msg_len = 1024\nrate = 10/60\n\n[rule owner]\naction = allow\n"
		"approvers = " X1 ", " X2 "\napprovals = 1\ntweaks = allow\n",
		"; deny one key, allow the rest\n[rule no]\naction = deny\nkey = " G3 "\n"
		"[rule yes]\naction = allow\n",
		"[rule bad]\naction = allow\napprovals = 3\napprovers = " X1 "\n",
	};
	static const uint8_t prog[] = { 1, 0, 12, 17, 22, 25, 28, 35, 43, 46, 1, 13, 16 };
	uint8_t buf[1024];
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		buf[0] = 0;
		memcpy(buf + 1, texts[i], strlen(texts[i]));
		emit(buf, 1 + strlen(texts[i]));
	}
	emit(prog, sizeof(prog));
}
