/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * policy.h - a party's signing policy (mpcsign-policy(5)).
 *
 * The party daemon asks the policy before it makes a nonce for a SIGN_REQ.
 * A policy is an INI file of rules, tried in file order; the first rule
 * that matches the request decides; if none matches, the request is denied
 * (rule "default").  An empty policy denies everything.
 *
 *   [rule NAME]                NAME: 1..63 of [A-Za-z0-9._-], unique
 *   action = allow | deny      required
 *   key = HEX33 | any          threshold public key(s); may repeat; default any
 *   coordinator = HEX33 | any  coordinator host key(s); may repeat; default any
 *   kind = raw | any           default any
 *   max_msg_len = N            0..65536; default 65536 (no limit)
 *   tweaks = allow | deny      requests with tweaks; default deny
 *   rate = N/SECONDS           allow rules only: at most N allowed requests per
 *                              threshold key in any SECONDS-long window
 *   approvers = X1,X2,...      32-byte x-only keys (hex); may repeat (appends)
 *   approvals = K              1 <= K <= number of approvers, K <= 16
 *                              (MPCSIGN_WIRE_MAX_APPROVALS); needs approvers
 *
 * A rule matches when key, coordinator, kind, max_msg_len and tweaks all
 * match.  A matching deny rule denies (MPCSIGN_WERR_POLICY).  A matching
 * allow rule then also requires its quorum (K distinct listed approvers
 * whose BIP340 signature over the request's approval digest verifies; else
 * denied, MPCSIGN_WERR_POLICY) and its rate (else denied,
 * MPCSIGN_WERR_RATE); those refusals end the search (a later rule is not
 * tried).
 *
 * Rate limits: a sliding window per (rule, threshold key), holding the
 * times of the last N allowed requests (N <= MPCSIGN_POLICY_MAX_RATE).  At
 * most MPCSIGN_POLICY_MAX_RATE_KEYS keys are tracked per rule; when the
 * table is full, a key whose window has fully passed is reused, and if there
 * is none a request for a new key is denied (MPCSIGN_WERR_RATE: fail closed).
 * The counters live in memory only (a daemon restart or a policy reload
 * resets them).
 *
 * Not thread-safe: the caller serializes mpcsign_policy_check on one policy
 * (it updates the rate counters).
 */
#ifndef MPCSIGN_POLICY_H
#define MPCSIGN_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include "wire.h"

#define MPCSIGN_POLICY_MAX_RULES	256
#define MPCSIGN_POLICY_MAX_KEYS		256	/* key= / coordinator= entries per rule */
#define MPCSIGN_POLICY_MAX_APPROVERS	64
#define MPCSIGN_POLICY_MAX_RATE		10000	/* N of rate = N/SECONDS */
#define MPCSIGN_POLICY_MAX_WINDOW	(366u * 24 * 3600)	/* SECONDS, at most a year */
#define MPCSIGN_POLICY_MAX_RATE_KEYS	64	/* tracked keys per rate-limited rule */
#define MPCSIGN_POLICY_MAX_FILE		(1u << 20)	/* bytes of a policy file */

struct mpcsign_policy;

/*
 * Load (read and parse) a policy file.  0, or -errno with a message in err
 * ("LINE: what"): -EINVAL syntax or meaning, -ENOENT/-EACCES/... reading,
 * -EFBIG file larger than MPCSIGN_POLICY_MAX_FILE, -ENOMEM.  *out is NULL on
 * error.  err may be NULL (errlen 0).
 */
int mpcsign_policy_load(struct mpcsign_policy **out, const char *path, char *err, size_t errlen);
/* Parse a policy from text (NUL-terminated).  As mpcsign_policy_load. */
int mpcsign_policy_parse(struct mpcsign_policy **out, const char *text, char *err, size_t errlen);
/* NULL is fine. */
void mpcsign_policy_free(struct mpcsign_policy *p);
/* The number of rules. */
size_t mpcsign_policy_num_rules(const struct mpcsign_policy *p);

struct mpcsign_policy_req {
	const uint8_t *thresh_pk;	/* 33 bytes */
	const uint8_t *coord_pk;	/* 33 bytes: the authenticated coordinator */
	uint8_t kind;			/* MPCSIGN_SIGN_KIND_* */
	const uint8_t *msg;
	size_t msg_len;
	const uint8_t (*tweaks)[32];
	size_t num_tweaks;
	const struct mpcsign_approval *approvals;
	size_t num_approvals;
	const uint8_t *approval_digest;	/* 32 bytes: mpcsign_approval_digest() */
	uint64_t now;			/* Unix seconds */
};

struct mpcsign_policy_decision {
	int allow;			/* 1 allowed, 0 denied */
	int code;			/* 0, MPCSIGN_WERR_POLICY or MPCSIGN_WERR_RATE */
	char rule[64];			/* the deciding rule's name, or "default" */
	char reason[160];		/* why, for the log (NUL-terminated) */
};

/*
 * Decide on a request; if allowed, count it against the deciding rule's rate
 * limit.  Returns 0 with *d filled (allowed or not), or -EINVAL (NULL
 * arguments, a NULL pointer with a non-zero count) with *d a denial, or
 * -ENOMEM (libsecp256k1 context) with *d a denial.
 */
int mpcsign_policy_check(struct mpcsign_policy *p, const struct mpcsign_policy_req *r,
			 struct mpcsign_policy_decision *d);

#endif
