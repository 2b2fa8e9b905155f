// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * policy.c - libmpcsign: a party's signing policy (policy.h, mpcsign-policy(5)).
 *
 * Parsing: inih (ini_parse_stream) over our own line reader, which counts
 * lines (so every handler call knows its line), refuses control
 * characters, long and indented lines (inih would silently split a long
 * line or glue an indented one to the previous value), and ends the parse
 * at the first error.  Checks that need the whole rule (action present,
 * approvals <= approvers, ...) run at the end, naming the rule's section
 * line.
 *
 * Checking: rules in order; a rule's conditions (key, coordinator, kind,
 * max_msg_len, tweaks) select it; a deny rule then denies; an allow rule
 * allows if its quorum and its rate allow, else the search goes on with the
 * next rule (so a rate-limited rule can be followed by an approval rule).
 * Approvals are checked with libsecp256k1 (BIP340) only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ini.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "policy.h"
#include "util.h"

#define POLICY_MAX_LINE 190	/* characters of one line (inih's buffer is 200) */

struct rate_slot {
	uint8_t key[33];
	int used;
	uint64_t *times;	/* ring of the last `n` allowed times, oldest at head */
	uint32_t head, count;
};

struct rule {
	char name[64];
	unsigned int line;		/* of its [rule NAME] header */
	int action;			/* -1 unset, 0 deny, 1 allow */
	int key_any, coord_any;		/* "any" given explicitly */
	uint8_t (*keys)[33];
	size_t num_keys;
	uint8_t (*coords)[33];
	size_t num_coords;
	int kind;			/* -1 unset (any), -2 any, else MPCSIGN_SIGN_KIND_* */
	int has_max_len;
	size_t max_msg_len;
	int tweaks;			/* -1 unset (deny), 0 deny, 1 allow */
	uint32_t rate_n, rate_window;	/* 0 = no limit */
	uint8_t (*approvers)[32];
	size_t num_approvers;
	long approvals;			/* -1 unset */
	struct rate_slot *slots;	/* MPCSIGN_POLICY_MAX_RATE_KEYS if rate_n */
};

struct mpcsign_policy {
	struct rule *rules;
	size_t num_rules;
};

/* --- freeing ------------------------------------------------------------------------ */

static void rule_free(struct rule *r)
{
	size_t i;

	free(r->keys);
	free(r->coords);
	free(r->approvers);
	if (r->slots) {
		for (i = 0; i < MPCSIGN_POLICY_MAX_RATE_KEYS; i++)
			free(r->slots[i].times);
		free(r->slots);
	}
}

void mpcsign_policy_free(struct mpcsign_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->num_rules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	free(p);
}

size_t mpcsign_policy_num_rules(const struct mpcsign_policy *p)
{
	return p ? p->num_rules : 0;
}

/* --- parse state and errors ------------------------------------------------------- */

struct parse_state {
	const char *text;
	size_t pos;
	unsigned int line;		/* of the last line handed to inih */
	int failed;
	int err;			/* -EINVAL or -ENOMEM */
	char msg[200];
	struct mpcsign_policy *p;
	struct rule *cur;		/* the rule being read, NULL before the first section */
	/* scalar keys seen in the current rule (repeats are errors) */
	unsigned int seen;
};

enum {
	SEEN_ACTION = 1, SEEN_KIND = 2, SEEN_MAXLEN = 4, SEEN_TWEAKS = 8, SEEN_RATE = 16,
	SEEN_APPROVALS = 32,
};

static void fail(struct parse_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct parse_state *st, const char *fmt, ...)
{
	va_list ap;

	if (st->failed)
		return;
	st->failed = 1;
	if (!st->err)
		st->err = -EINVAL;
	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
}

/* --- the line reader ---------------------------------------------------------------- */

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

static void new_rule(struct parse_state *st, const char *section, size_t n);

static int check_line(struct parse_state *st, const char *p, size_t len)
{
	size_t i = 0, j;

	if (len && p[len - 1] == '\r')
		len--;
	for (j = 0; j < len; j++) {
		unsigned char c = (unsigned char)p[j];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			fail(st, "control character 0x%02x", c);
			return -1;
		}
	}
	if (st->line == 1 && len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		i = 3;
	if (i < len && blank(p[i])) {
		while (i < len && blank(p[i]))
			i++;
		if (i < len && p[i] != ';' && p[i] != '#') {
			fail(st, "indented line (inih would append it to the previous value); "
				 "repeat the key instead");
			return -1;
		}
		return 0;
	}
	if (i == len || p[i] == ';' || p[i] == '#')
		return 0;
	if (p[i] == '[') {
		/* the reader, not inih, starts rules: it sees every header line */
		const char *end = memchr(p + i, ']', len - i);

		if (!end) {
			fail(st, "section header without ']'");
			return -1;
		}
		for (j = (size_t)(end - p) + 1; j < len && blank(p[j]); j++)
			;
		if (j < len && p[j] != ';' && p[j] != '#') {
			fail(st, "text after the section header");
			return -1;
		}
		new_rule(st, p + i + 1, (size_t)(end - (p + i + 1)));
		return st->failed ? -1 : 0;
	}
	for (j = i; j < len; j++) {
		if (p[j] == '=' || p[j] == ':')
			return 0;
		if (p[j] == ';' && j > i && blank(p[j - 1]))
			break;
	}
	fail(st, "syntax error (expected [rule NAME], key = value or a comment)");
	return -1;
}

static void policy_too_long(void *arg, size_t limit)
{
	fail(arg, "line longer than %zu characters", limit);
}

static int policy_check_line(void *arg, const char *p, size_t len)
{
	return check_line(arg, p, len);
}

static char *policy_reader(char *str, int num, void *stream)
{
	struct parse_state *st = stream;

	if (st->failed)
		return NULL;
	return mpcsign_ini_read_line(str, num, st->text, &st->pos, &st->line, POLICY_MAX_LINE,
				     policy_too_long, policy_check_line, st);
}

/* --- values --------------------------------------------------------------------------- */

/* exactly 2*n hex digits */
static int parse_hex(uint8_t *out, size_t n, const char *s, size_t len)
{
	return mpcsign_unhex(out, n, s, len) ? -1 : 0;
}

/* decimal digits only, <= max */
static int parse_uint(unsigned long *out, const char *s, size_t len, unsigned long max)
{
	unsigned long v = 0;
	size_t i;

	if (!len || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (max - (unsigned long)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int valid_point(const uint8_t pk[33])
{
	secp256k1_context *ctx = mpcsign_secp_ctx();
	secp256k1_pubkey p;

	return ctx && (pk[0] == 2 || pk[0] == 3) && secp256k1_ec_pubkey_parse(ctx, &p, pk, 33);
}

static int valid_xonly(const uint8_t x[32])
{
	secp256k1_context *ctx = mpcsign_secp_ctx();
	secp256k1_xonly_pubkey p;

	return ctx && secp256k1_xonly_pubkey_parse(ctx, &p, x);
}

static int grow(struct parse_state *st, void **arr, size_t n, size_t elem)
{
	void *q = realloc(*arr, (n + 1) * elem);

	if (!q) {
		st->err = -ENOMEM;
		fail(st, "out of memory");
		return -1;
	}
	*arr = q;
	return 0;
}

/* key = / coordinator = : HEX33 or any */
static void add_pk(struct parse_state *st, const char *what, const char *v, int *any,
		   uint8_t (**list)[33], size_t *n)
{
	uint8_t pk[33];
	size_t i;

	if (!strcmp(v, "any")) {
		if (*any || *n) {
			fail(st, "%s = any together with other %s lines", what, what);
			return;
		}
		*any = 1;
		return;
	}
	if (*any) {
		fail(st, "%s = any together with other %s lines", what, what);
		return;
	}
	if (parse_hex(pk, 33, v, strlen(v))) {
		fail(st, "%s: expected 66 hex digits (a compressed public key) or any", what);
		return;
	}
	if (!valid_point(pk)) {
		fail(st, "%s: %.66s is not a valid compressed secp256k1 point", what, v);
		return;
	}
	for (i = 0; i < *n; i++)
		if (!memcmp((*list)[i], pk, 33)) {
			fail(st, "%s: %.66s listed twice", what, v);
			return;
		}
	if (*n >= MPCSIGN_POLICY_MAX_KEYS) {
		fail(st, "%s: more than %d entries", what, MPCSIGN_POLICY_MAX_KEYS);
		return;
	}
	if (grow(st, (void **)list, *n, 33))
		return;
	memcpy((*list)[*n], pk, 33);
	(*n)++;
}

static void add_approvers(struct parse_state *st, struct rule *r, const char *v)
{
	const char *s = v;

	for (;;) {
		const char *e = strchr(s, ','), *a = s, *b;
		uint8_t x[32];
		size_t i;

		b = e ? e : s + strlen(s);
		while (a < b && blank(*a))
			a++;
		while (b > a && blank(b[-1]))
			b--;
		if (a == b) {
			fail(st, "approvers: empty entry");
			return;
		}
		if (parse_hex(x, 32, a, (size_t)(b - a))) {
			fail(st, "approvers: expected 64 hex digits (an x-only key) per entry");
			return;
		}
		if (!valid_xonly(x)) {
			fail(st, "approvers: %.64s is not a valid x-only key", a);
			return;
		}
		for (i = 0; i < r->num_approvers; i++)
			if (!memcmp(r->approvers[i], x, 32)) {
				fail(st, "approvers: %.64s listed twice", a);
				return;
			}
		if (r->num_approvers >= MPCSIGN_POLICY_MAX_APPROVERS) {
			fail(st, "approvers: more than %d", MPCSIGN_POLICY_MAX_APPROVERS);
			return;
		}
		if (grow(st, (void **)&r->approvers, r->num_approvers, 32))
			return;
		memcpy(r->approvers[r->num_approvers++], x, 32);
		if (!e)
			return;
		s = e + 1;
	}
}

static int once(struct parse_state *st, unsigned int bit, const char *name)
{
	if (st->seen & bit) {
		fail(st, "%s given twice in rule %s", name, st->cur->name);
		return 0;
	}
	st->seen |= bit;
	return 1;
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* section: the text between '[' and ']', slen bytes */
static void new_rule(struct parse_state *st, const char *section, size_t slen)
{
	struct mpcsign_policy *p = st->p;
	const char *name, *end = section + slen;
	struct rule *r;
	size_t i, n;

	if (slen < 5 || memcmp(section, "rule", 4) || !blank(section[4])) {
		fail(st, "unknown section [%.*s] (expected [rule NAME])", (int)(slen > 64 ? 64 : slen),
		     section);
		return;
	}
	name = section + 5;
	while (name < end && blank(*name))
		name++;
	n = (size_t)(end - name);
	while (n && blank(name[n - 1]))
		n--;
	if (!n || n > 63) {
		fail(st, "[rule NAME]: the name must have 1 to 63 characters");
		return;
	}
	for (i = 0; i < n; i++)
		if (!name_char(name[i])) {
			fail(st, "[rule %.*s]: a name has only letters, digits and . _ -", (int)n,
			     name);
			return;
		}
	for (i = 0; i < p->num_rules; i++)
		if (strlen(p->rules[i].name) == n && !memcmp(p->rules[i].name, name, n)) {
			fail(st, "duplicate rule name %.*s (also on line %u)", (int)n, name,
			     p->rules[i].line);
			return;
		}
	if (p->num_rules >= MPCSIGN_POLICY_MAX_RULES) {
		fail(st, "more than %d rules", MPCSIGN_POLICY_MAX_RULES);
		return;
	}
	if (grow(st, (void **)&p->rules, p->num_rules, sizeof(*p->rules)))
		return;
	r = &p->rules[p->num_rules++];
	memset(r, 0, sizeof(*r));
	memcpy(r->name, name, n);
	r->line = st->line;
	r->action = -1;
	r->kind = -1;
	r->tweaks = -1;
	r->approvals = -1;
	st->cur = r;
	st->seen = 0;
}

static int policy_handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	struct rule *r;
	unsigned long v = 0;

	if (st->failed)
		return 0;
	if (!st->cur) {
		fail(st, "%.40s outside a [rule NAME] section", name);
		return 0;
	}
	r = st->cur;
	if (!strcmp(name, "action")) {
		if (!once(st, SEEN_ACTION, name))
			return 0;
		if (!strcmp(value, "allow"))
			r->action = 1;
		else if (!strcmp(value, "deny"))
			r->action = 0;
		else
			fail(st, "action: expected allow or deny");
	} else if (!strcmp(name, "key")) {
		add_pk(st, "key", value, &r->key_any, &r->keys, &r->num_keys);
	} else if (!strcmp(name, "coordinator")) {
		add_pk(st, "coordinator", value, &r->coord_any, &r->coords, &r->num_coords);
	} else if (!strcmp(name, "kind")) {
		if (!once(st, SEEN_KIND, name))
			return 0;
		if (!strcmp(value, "raw"))
			r->kind = MPCSIGN_SIGN_KIND_RAW;
		else if (!strcmp(value, "any"))
			r->kind = -2;
		else
			fail(st, "kind: expected raw or any");
	} else if (!strcmp(name, "max_msg_len")) {
		if (!once(st, SEEN_MAXLEN, name))
			return 0;
		if (parse_uint(&v, value, strlen(value), MPCSIGN_WIRE_MAX_MSG))
			fail(st, "max_msg_len: expected a number 0..%d", MPCSIGN_WIRE_MAX_MSG);
		r->has_max_len = 1;
		r->max_msg_len = v;
	} else if (!strcmp(name, "tweaks")) {
		if (!once(st, SEEN_TWEAKS, name))
			return 0;
		if (!strcmp(value, "allow"))
			r->tweaks = 1;
		else if (!strcmp(value, "deny"))
			r->tweaks = 0;
		else
			fail(st, "tweaks: expected allow or deny");
	} else if (!strcmp(name, "rate")) {
		const char *slash = strchr(value, '/');
		unsigned long w;

		if (!once(st, SEEN_RATE, name))
			return 0;
		if (!slash || parse_uint(&v, value, (size_t)(slash - value), MPCSIGN_POLICY_MAX_RATE) ||
		    parse_uint(&w, slash + 1, strlen(slash + 1), MPCSIGN_POLICY_MAX_WINDOW) ||
		    v < 1 || w < 1) {
			fail(st, "rate: expected N/SECONDS with 1 <= N <= %d and 1 <= SECONDS <= %u",
			     MPCSIGN_POLICY_MAX_RATE, MPCSIGN_POLICY_MAX_WINDOW);
			return 0;
		}
		r->rate_n = (uint32_t)v;
		r->rate_window = (uint32_t)w;
	} else if (!strcmp(name, "approvers")) {
		add_approvers(st, r, value);
	} else if (!strcmp(name, "approvals")) {
		if (!once(st, SEEN_APPROVALS, name))
			return 0;
		if (parse_uint(&v, value, strlen(value), MPCSIGN_POLICY_MAX_APPROVERS) || v < 1)
			fail(st, "approvals: expected a number 1..%d", MPCSIGN_POLICY_MAX_APPROVERS);
		r->approvals = (long)v;
	} else {
		fail(st, "unknown key %.40s (action, key, coordinator, kind, max_msg_len, tweaks, "
			 "rate, approvers, approvals)", name);
	}
	return !st->failed;
}

/* whole-rule checks; 0 or fail() with st->line set to the rule's line */
static void check_rules(struct parse_state *st)
{
	size_t i;

	for (i = 0; i < st->p->num_rules && !st->failed; i++) {
		struct rule *r = &st->p->rules[i];

		st->line = r->line;
		if (r->action < 0) {
			fail(st, "rule %s: no action (allow or deny)", r->name);
		} else if (r->approvals >= 0 && !r->num_approvers) {
			fail(st, "rule %s: approvals without approvers", r->name);
		} else if (r->num_approvers && r->approvals < 0) {
			fail(st, "rule %s: approvers without approvals = K", r->name);
		} else if (r->approvals > MPCSIGN_WIRE_MAX_APPROVALS) {
			fail(st, "rule %s: approvals = %ld can never be met (a request carries at most %d)",
			     r->name, r->approvals, MPCSIGN_WIRE_MAX_APPROVALS);
		} else if (r->approvals > (long)r->num_approvers) {
			fail(st, "rule %s: approvals = %ld but only %zu approvers", r->name,
			     r->approvals, r->num_approvers);
		} else if (!r->action && (r->rate_n || r->num_approvers)) {
			fail(st, "rule %s: rate and approvers belong to allow rules", r->name);
		} else if (r->rate_n) {
			r->slots = calloc(MPCSIGN_POLICY_MAX_RATE_KEYS, sizeof(*r->slots));
			if (!r->slots) {
				st->err = -ENOMEM;
				fail(st, "out of memory");
			}
		}
	}
}

/* origin: NULL for text ("line N: "), else the file name ("PATH:N: ") */
static int parse_text(struct mpcsign_policy **out, const char *text, const char *origin,
		      char *err, size_t errlen)
{
	struct parse_state st;
	int r;

	memset(&st, 0, sizeof(st));
	st.text = text;
	st.p = calloc(1, sizeof(*st.p));
	if (!st.p) {
		mpcsign_set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = ini_parse_stream(policy_reader, &st, policy_handler, &st);
	if (!st.failed && r) {
		st.line = r > 0 ? (unsigned int)r : st.line;
		fail(&st, r > 0 ? "syntax error" : "cannot parse");
	}
	if (!st.failed)
		check_rules(&st);
	if (st.failed) {
		if (origin)
			mpcsign_set_err(err, errlen, "%s:%u: %s", origin, st.line, st.msg);
		else
			mpcsign_set_err(err, errlen, "line %u: %s", st.line, st.msg);
		mpcsign_policy_free(st.p);
		return st.err ? st.err : -EINVAL;
	}
	*out = st.p;
	mpcsign_set_err(err, errlen, "ok");
	return 0;
}

int mpcsign_policy_parse(struct mpcsign_policy **out, const char *text, char *err, size_t errlen)
{
	if (out)
		*out = NULL;
	if (!out || !text) {
		mpcsign_set_err(err, errlen, "invalid arguments");
		return -EINVAL;
	}
	return parse_text(out, text, NULL, err, errlen);
}

int mpcsign_policy_load(struct mpcsign_policy **out, const char *path, char *err, size_t errlen)
{
	struct stat sb;
	char *buf;
	size_t len = 0;
	int fd, ret;

	if (out)
		*out = NULL;
	if (!out || !path) {
		mpcsign_set_err(err, errlen, "invalid arguments");
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		mpcsign_set_err(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		mpcsign_set_err(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	if (sb.st_size > MPCSIGN_POLICY_MAX_FILE) {
		close(fd);
		mpcsign_set_err(err, errlen, "%s: larger than %u bytes", path,
			MPCSIGN_POLICY_MAX_FILE);
		return -EFBIG;
	}
	buf = malloc(MPCSIGN_POLICY_MAX_FILE + 1);
	if (!buf) {
		close(fd);
		mpcsign_set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r = read(fd, buf + len, MPCSIGN_POLICY_MAX_FILE + 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			close(fd);
			free(buf);
			mpcsign_set_err(err, errlen, "%s: %s", path, strerror(-ret));
			return ret;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > MPCSIGN_POLICY_MAX_FILE) {
			close(fd);
			free(buf);
			mpcsign_set_err(err, errlen, "%s: larger than %u bytes", path,
				MPCSIGN_POLICY_MAX_FILE);
			return -EFBIG;
		}
	}
	close(fd);
	buf[len] = 0;
	if (memchr(buf, 0, len)) {
		unsigned int line = 1;
		const char *z = memchr(buf, 0, len), *c;

		for (c = buf; c < z; c++)
			line += *c == '\n';
		free(buf);
		mpcsign_set_err(err, errlen, "%s:%u: NUL byte", path, line);
		return -EINVAL;
	}
	ret = parse_text(out, buf, path, err, errlen);
	free(buf);
	return ret;
}

/* --- checking ------------------------------------------------------------------------ */

static void decide(struct mpcsign_policy_decision *d, int allow, int code, const char *rule,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void decide(struct mpcsign_policy_decision *d, int allow, int code, const char *rule,
		   const char *fmt, ...)
{
	va_list ap;

	d->allow = allow;
	d->code = code;
	snprintf(d->rule, sizeof(d->rule), "%s", rule);
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
}

static int pk_in(const uint8_t (*list)[33], size_t n, const uint8_t *pk)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!memcmp(list[i], pk, 33))
			return 1;
	return 0;
}

static int rule_matches(const struct rule *r, const struct mpcsign_policy_req *q)
{
	if (r->num_keys && !pk_in((const uint8_t (*)[33])r->keys, r->num_keys, q->thresh_pk))
		return 0;
	if (r->num_coords && !pk_in((const uint8_t (*)[33])r->coords, r->num_coords, q->coord_pk))
		return 0;
	if (r->kind >= 0 && q->kind != r->kind)
		return 0;
	if (r->has_max_len && q->msg_len > r->max_msg_len)
		return 0;
	if (r->tweaks != 1 && q->num_tweaks)
		return 0;
	return 1;
}

/* distinct listed approvers with a valid signature: count, or -ENOMEM */
static int count_approvals(const struct rule *r, const struct mpcsign_policy_req *q)
{
	secp256k1_context *ctx = mpcsign_secp_ctx();
	size_t i, j;
	int n = 0;

	if (!ctx)
		return -ENOMEM;
	for (i = 0; i < r->num_approvers && n < r->approvals; i++) {
		secp256k1_xonly_pubkey pk;

		if (!secp256k1_xonly_pubkey_parse(ctx, &pk, r->approvers[i]))
			continue;	/* checked at parse time */
		/* each approver counts once, whatever the request holds */
		for (j = 0; j < q->num_approvals; j++) {
			if (memcmp(q->approvals[j].approver_x, r->approvers[i], 32))
				continue;
			if (secp256k1_schnorrsig_verify(ctx, q->approvals[j].sig, q->approval_digest,
							32, &pk)) {
				n++;
				break;
			}
		}
	}
	return n;
}

/*
 * Rate: 0 allowed (and counted), 1 over the limit, 2 no room to track the
 * key, -ENOMEM.
 */
static int rate_take(struct rule *r, const uint8_t *key, uint64_t now)
{
	struct rate_slot *s = NULL, *free_slot = NULL;
	size_t i;

	for (i = 0; i < MPCSIGN_POLICY_MAX_RATE_KEYS; i++) {
		struct rate_slot *t = &r->slots[i];

		/* expire the times that left the window (a time in the future stays) */
		while (t->used && t->count) {
			uint64_t oldest = t->times[t->head];

			if (now < oldest || now - oldest < r->rate_window)
				break;
			t->head = (t->head + 1) % r->rate_n;
			t->count--;
		}
		if (t->used && !memcmp(t->key, key, 33))
			s = t;
		else if (!free_slot && (!t->used || !t->count))
			free_slot = t;
	}
	if (!s) {
		if (!free_slot)
			return 2;
		s = free_slot;
		if (!s->times) {
			s->times = calloc(r->rate_n, sizeof(*s->times));
			if (!s->times)
				return -ENOMEM;
		}
		memcpy(s->key, key, 33);
		s->used = 1;
		s->head = 0;
		s->count = 0;
	}
	if (s->count >= r->rate_n)
		return 1;
	s->times[(s->head + s->count) % r->rate_n] = now;
	s->count++;
	return 0;
}

int mpcsign_policy_check(struct mpcsign_policy *p, const struct mpcsign_policy_req *q,
			 struct mpcsign_policy_decision *d)
{
	struct mpcsign_policy_decision first;
	int have_first = 0;
	size_t i;

	if (!d)
		return -EINVAL;
	decide(d, 0, MPCSIGN_WERR_POLICY, "default", "invalid request");
	if (!p || !q || !q->thresh_pk || !q->coord_pk || (q->msg_len && !q->msg) ||
	    (q->num_tweaks && !q->tweaks) || (q->num_approvals && (!q->approvals ||
								  !q->approval_digest)))
		return -EINVAL;
	memset(&first, 0, sizeof(first));
	for (i = 0; i < p->num_rules; i++) {
		struct rule *r = &p->rules[i];
		int ret;

		if (!rule_matches(r, q))
			continue;
		if (!r->action) {
			decide(d, 0, MPCSIGN_WERR_POLICY, r->name, "denied by rule %s", r->name);
			return 0;
		}
		if (r->approvals > 0) {
			ret = count_approvals(r, q);
			if (ret < 0) {
				decide(d, 0, MPCSIGN_WERR_POLICY, r->name, "cannot check approvals");
				return ret;
			}
			if (ret < r->approvals) {
				if (!have_first++)
					decide(&first, 0, MPCSIGN_WERR_POLICY, r->name,
					       "rule %s: %d of %ld approvals", r->name, ret,
					       r->approvals);
				continue;
			}
		}
		if (r->rate_n) {
			ret = rate_take(r, q->thresh_pk, q->now);
			if (ret < 0) {
				decide(d, 0, MPCSIGN_WERR_RATE, r->name, "out of memory");
				return ret;
			}
			if (ret) {
				char k[17];

				mpcsign_hex(k, q->thresh_pk, 8);
				if (!have_first++)
					decide(&first, 0, MPCSIGN_WERR_RATE, r->name,
					       ret == 1 ? "rule %s: key %s... over rate %u/%u s" :
					       "rule %s: key %s...: rate table full (%u/%u s)",
					       r->name, k, r->rate_n, r->rate_window);
				continue;
			}
		}
		if (r->approvals > 0)
			decide(d, 1, 0, r->name, "allowed by rule %s (%ld approvals)", r->name,
			       r->approvals);
		else
			decide(d, 1, 0, r->name, "allowed by rule %s", r->name);
		return 0;
	}
	if (have_first)
		decide(d, 0, first.code, "default", "no rule allows it; %s", first.reason);
	else
		decide(d, 0, MPCSIGN_WERR_POLICY, "default", "no rule matches (default deny)");
	return 0;
}
