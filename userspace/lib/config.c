// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * config.c - libmpcsign: mpcsignd.conf(5), the party daemon's configuration
 * (config.h).
 *
 * inih does the INI syntax through ini_parse_stream() with our own line
 * reader, which knows the line number of every handler call, stops at the
 * first error, refuses over-long lines (inih would split them), control
 * characters, indented lines (inih would take them as continuations of the
 * previous value) and unknown section headers (inih does not report a section
 * without keys).  inih's global options are left alone (the policy parser
 * uses inih too).  The values are checked here; on any error nothing is
 * returned.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <ini.h>
#include <secp256k1.h>
#include "config.h"
#include "util.h"

#define SECTION "mpcsignd"

enum cfg_key {
	K_LISTEN, K_HOST_KEY, K_DEVICE, K_CONTROL_SOCKET, K_STATE_DIR, K_POLICY, K_USER,
	K_PEER, K_COORDINATOR, K_HANDSHAKE, K_ROUND, K_SESSION, K_MAX_CONNECTIONS,
	K_MAX_SESSIONS, K_MAX_FRAME, K_NUM
};

static const struct {
	const char *name;
	int repeat;		/* may be given several times */
	unsigned long min, max;	/* numbers */
} cfg_keys[K_NUM] = {
	[K_LISTEN] = { "listen" },
	[K_HOST_KEY] = { "host_key" },
	[K_DEVICE] = { "device" },
	[K_CONTROL_SOCKET] = { "control_socket" },
	[K_STATE_DIR] = { "state_dir" },
	[K_POLICY] = { "policy" },
	[K_USER] = { "user" },
	[K_PEER] = { "peer", 1 },
	[K_COORDINATOR] = { "coordinator", 1 },
	[K_HANDSHAKE] = { "handshake_timeout_ms", 0, 100, 600000 },
	[K_ROUND] = { "round_timeout_ms", 0, 100, 3600000 },
	[K_SESSION] = { "session_timeout_ms", 0, 1000, 86400000 },
	[K_MAX_CONNECTIONS] = { "max_connections", 0, 1, 4096 },
	[K_MAX_SESSIONS] = { "max_sessions", 0, 1, 65536 },
	[K_MAX_FRAME] = { "max_frame", 0, 4096, MPCSIGN_CONFIG_DEFAULT_MAX_FRAME },
};

struct key_list {
	uint8_t (*keys)[33];
	unsigned *lines;	/* where each was given */
	size_t n, cap;
};

struct parse_state {
	const char *text;
	size_t pos;
	unsigned line;
	int failed;
	char msg[320];
	unsigned seen[K_NUM];	/* line of each single key, 0 = not given */
	struct key_list peers, coords;
	struct mpcsign_config *c;
};

static void fail(struct parse_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct parse_state *st, const char *fmt, ...)
{
	va_list ap;

	if (st->failed)
		return;
	st->failed = -EINVAL;
	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
}

/* --- the line reader --------------------------------------------------------------- */

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Check one raw line (without its newline): 0 or fail(). */
static int check_line(struct parse_state *st, const char *p, size_t len)
{
	size_t i = 0, j;

	if (len && p[len - 1] == '\r')	/* CRLF files */
		len--;
	for (j = 0; j < len; j++) {
		unsigned char ch = (unsigned char)p[j];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			fail(st, "control character 0x%02x", ch);
			return -1;
		}
	}
	/* a UTF-8 byte order mark on the first line: inih skips it */
	if (st->line == 1 && len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		i = 3;
	if (i < len && is_blank(p[i])) {
		while (i < len && is_blank(p[i]))
			i++;
		if (i < len && p[i] != ';' && p[i] != '#') {
			fail(st, "indented line (it would continue the previous value): "
				 "remove the leading blanks");
			return -1;
		}
		return 0;
	}
	if (i < len && p[i] == '[') {
		const char *end = memchr(p + i, ']', len - i);
		size_t n;

		if (!end) {
			fail(st, "section header without ']'");
			return -1;
		}
		n = (size_t)(end - (p + i + 1));
		if (n != strlen(SECTION) || memcmp(p + i + 1, SECTION, n)) {
			fail(st, "unknown section [%.*s] (the only section is [" SECTION "])",
			     (int)(n > 64 ? 64 : n), p + i + 1);
			return -1;
		}
		return 0;
	}
	if (i == len || p[i] == ';' || p[i] == '#')
		return 0;	/* blank or comment */
	/* key = value (inih also takes ':'), before any inline " ;" comment */
	for (j = i; j < len; j++) {
		if (p[j] == '=' || p[j] == ':')
			return 0;
		if (p[j] == ';' && j > i && is_blank(p[j - 1]))
			break;
	}
	fail(st, "syntax error (expected [" SECTION "], key = value or a comment)");
	return -1;
}

static void cfg_too_long(void *arg, size_t limit)
{
	fail(arg, "line longer than %zu characters", limit);
}

static int cfg_check_line(void *arg, const char *p, size_t len)
{
	return check_line(arg, p, len);
}

static char *cfg_reader(char *str, int num, void *stream)
{
	struct parse_state *st = stream;

	if (st->failed)
		return NULL;
	return mpcsign_ini_read_line(str, num, st->text, &st->pos, &st->line,
				     MPCSIGN_CONFIG_MAX_LINE, cfg_too_long, cfg_check_line, st);
}

/* --- values ----------------------------------------------------------------------------- */

static int parse_number(struct parse_state *st, enum cfg_key k, const char *v,
			unsigned long *out)
{
	unsigned long x = 0;
	const char *s = v;

	if (!*s)
		goto bad;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			goto bad;
		if (x > (ULONG_MAX - 9) / 10)
			goto bad;
		x = x * 10 + (unsigned long)(*s - '0');
		if (x > cfg_keys[k].max)
			goto bad;
	}
	if (x < cfg_keys[k].min)
		goto bad;
	*out = x;
	return 0;
bad:
	fail(st, "%s = %.40s: not a whole number from %lu to %lu", cfg_keys[k].name, v,
	     cfg_keys[k].min, cfg_keys[k].max);
	return -1;
}

/* A 33-byte compressed public key in hex, on the curve (libsecp256k1 checks). */
static int parse_pubkey(struct parse_state *st, enum cfg_key k, const char *v, uint8_t pk[33])
{
	secp256k1_pubkey p;
	size_t i;

	if (strlen(v) != 66) {
		fail(st, "%s: expected 66 hex digits (a 33-byte compressed public key), got %zu "
		     "characters", cfg_keys[k].name, strlen(v));
		return -1;
	}
	for (i = 0; i < 33; i++) {
		int hi = mpcsign_hexval(v[2 * i]), lo = mpcsign_hexval(v[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			fail(st, "%s: '%c' is not a hex digit", cfg_keys[k].name,
			     hi < 0 ? v[2 * i] : v[2 * i + 1]);
			return -1;
		}
		pk[i] = (uint8_t)(hi << 4 | lo);
	}
	if (pk[0] != 2 && pk[0] != 3) {
		fail(st, "%s: a compressed public key starts with 02 or 03", cfg_keys[k].name);
		return -1;
	}
	if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &p, pk, 33)) {
		fail(st, "%s: %.66s is not a point on secp256k1", cfg_keys[k].name, v);
		return -1;
	}
	return 0;
}

static int parse_path(struct parse_state *st, enum cfg_key k, const char *v, char *out,
		      size_t size)
{
	if (v[0] != '/') {
		fail(st, "%s: an absolute path is needed (starting with /)", cfg_keys[k].name);
		return -1;
	}
	if (strlen(v) >= size) {
		fail(st, "%s: path longer than %zu characters", cfg_keys[k].name, size - 1);
		return -1;
	}
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int parse_user(struct parse_state *st, const char *v, char out[64])
{
	size_t i, n = strlen(v);

	if (n > 63 || v[0] == '-')
		goto bad;
	for (i = 0; i < n; i++) {
		char ch = v[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			goto bad;
	}
	memcpy(out, v, n + 1);
	return 0;
bad:
	fail(st, "user = %.64s: not a user name (letters, digits, '_', '-', '.'; at most 63)", v);
	return -1;
}

int mpcsign_config_split_hostport(const char *s, char host[256], char port[16])
{
	const char *colon, *h;
	size_t hl, pl, i;
	unsigned long pn = 0;

	if (!s || !host || !port)
		return -EINVAL;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(end - h);
		colon = end + 1;
		/* hex digits, ':' and '.', then an optional %zone (an interface name) */
		for (i = 0; i < hl && h[i] != '%'; i++)
			if (!(mpcsign_hexval(h[i]) >= 0 || h[i] == ':' || h[i] == '.'))
				return -EINVAL;
		if (i < hl && i + 1 == hl)
			return -EINVAL;		/* empty zone */
		for (i++; i < hl; i++) {
			char ch = h[i];

			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_'))
				return -EINVAL;
		}
		if (!memchr(h, ':', hl))
			return -EINVAL;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		h = s;
		hl = (size_t)(colon - s);
		for (i = 0; i < hl; i++) {
			char ch = h[i];

			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_'))
				return -EINVAL;	/* also a bare IPv6 literal */
		}
	}
	pl = strlen(colon + 1);
	if (!hl || hl > 255 || !pl || pl > 5)
		return -EINVAL;
	for (i = 0; i < pl; i++) {
		char ch = colon[1 + i];

		if (ch < '0' || ch > '9')
			return -EINVAL;
		pn = pn * 10 + (unsigned long)(ch - '0');
	}
	if (pn < 1 || pn > 65535 || colon[1] == '0')
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = 0;
	memcpy(port, colon + 1, pl + 1);
	return 0;
}

static int list_add(struct parse_state *st, struct key_list *l, enum cfg_key k,
		    const uint8_t pk[33])
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (!memcmp(l->keys[i], pk, 33)) {
			fail(st, "%s: this key is already listed (line %u)", cfg_keys[k].name,
			     l->lines[i]);
			return -1;
		}
	}
	if (l->n == MPCSIGN_CONFIG_MAX_KEYS) {
		fail(st, "%s: more than %d keys", cfg_keys[k].name, MPCSIGN_CONFIG_MAX_KEYS);
		return -1;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		uint8_t (*keys)[33] = realloc(l->keys, cap * sizeof(*keys));
		unsigned *lines;

		if (!keys)
			goto nomem;
		l->keys = keys;
		lines = realloc(l->lines, cap * sizeof(*lines));
		if (!lines)
			goto nomem;
		l->lines = lines;
		l->cap = cap;
	}
	memcpy(l->keys[l->n], pk, 33);
	l->lines[l->n] = st->line;
	l->n++;
	return 0;
nomem:
	fail(st, "out of memory");
	st->failed = -ENOMEM;
	return -1;
}

static int cfg_handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	struct mpcsign_config *c = st->c;
	unsigned long x;
	uint8_t pk[33];
	int k;

	if (st->failed)
		return 0;
	if (strcmp(section, SECTION)) {
		if (!*section)
			fail(st, "%.64s: keys go in the [" SECTION "] section", name);
		else
			fail(st, "unknown section [%.64s]", section);
		return 0;
	}
	for (k = 0; k < K_NUM; k++)
		if (!strcmp(name, cfg_keys[k].name))
			break;
	if (k == K_NUM) {
		fail(st, "unknown key '%.64s'", name);
		return 0;
	}
	if (!cfg_keys[k].repeat) {
		if (st->seen[k]) {
			fail(st, "%s given twice (first on line %u)", cfg_keys[k].name, st->seen[k]);
			return 0;
		}
		st->seen[k] = st->line;
	}
	if (!*value) {
		fail(st, "%s: empty value", cfg_keys[k].name);
		return 0;
	}
	switch (k) {
	case K_LISTEN:
		if (mpcsign_config_split_hostport(value, c->listen_host, c->listen_port))
			fail(st, "listen = %.64s: expected HOST:PORT or [IPV6]:PORT, port 1 to "
				 "65535", value);
		break;
	case K_HOST_KEY:
		if (!parse_pubkey(st, k, value, c->host_key))
			c->has_host_key = 1;
		break;
	case K_DEVICE:
		parse_path(st, k, value, c->device, sizeof(c->device));
		break;
	case K_CONTROL_SOCKET:
		parse_path(st, k, value, c->control_socket, sizeof(c->control_socket));
		break;
	case K_STATE_DIR:
		parse_path(st, k, value, c->state_dir, sizeof(c->state_dir));
		break;
	case K_POLICY:
		parse_path(st, k, value, c->policy_path, sizeof(c->policy_path));
		break;
	case K_USER:
		parse_user(st, value, c->user);
		break;
	case K_PEER:
	case K_COORDINATOR:
		if (!parse_pubkey(st, k, value, pk))
			list_add(st, k == K_PEER ? &st->peers : &st->coords, k, pk);
		break;
	default:
		if (parse_number(st, k, value, &x))
			break;
		switch (k) {
		case K_HANDSHAKE:
			c->handshake_timeout_ms = (unsigned)x;
			break;
		case K_ROUND:
			c->round_timeout_ms = (unsigned)x;
			break;
		case K_SESSION:
			c->session_timeout_ms = (unsigned)x;
			break;
		case K_MAX_CONNECTIONS:
			c->max_connections = (unsigned)x;
			break;
		case K_MAX_SESSIONS:
			c->max_sessions = (unsigned)x;
			break;
		case K_MAX_FRAME:
			c->max_frame = (size_t)x;
			break;
		}
	}
	return !st->failed;
}

static void set_defaults(struct mpcsign_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->listen_host, MPCSIGN_CONFIG_DEFAULT_LISTEN_HOST);
	strcpy(c->listen_port, MPCSIGN_CONFIG_DEFAULT_LISTEN_PORT);
	strcpy(c->device, MPCSIGN_CONFIG_DEFAULT_DEVICE);
	strcpy(c->control_socket, MPCSIGN_CONFIG_DEFAULT_CONTROL_SOCKET);
	strcpy(c->state_dir, MPCSIGN_CONFIG_DEFAULT_STATE_DIR);
	strcpy(c->policy_path, MPCSIGN_CONFIG_DEFAULT_POLICY);
	c->handshake_timeout_ms = MPCSIGN_CONFIG_DEFAULT_HANDSHAKE_MS;
	c->round_timeout_ms = MPCSIGN_CONFIG_DEFAULT_ROUND_MS;
	c->session_timeout_ms = MPCSIGN_CONFIG_DEFAULT_SESSION_MS;
	c->max_connections = MPCSIGN_CONFIG_DEFAULT_MAX_CONNECTIONS;
	c->max_sessions = MPCSIGN_CONFIG_DEFAULT_MAX_SESSIONS;
	c->max_frame = MPCSIGN_CONFIG_DEFAULT_MAX_FRAME;
}

/* origin: NULL for text ("line N: "), else the file name ("PATH:N: "). */
static int parse_text(struct mpcsign_config *out, const char *text, const char *origin,
		      char *err, size_t errlen)
{
	struct parse_state st;
	struct mpcsign_config c;
	int r;

	memset(&st, 0, sizeof(st));
	set_defaults(&c);
	st.text = text;
	st.c = &c;
	r = ini_parse_stream(cfg_reader, &st, cfg_handler, &st);
	if (!st.failed && r) {
		/* a line inih itself refused; -1/-2: cannot happen with a reader */
		st.line = r > 0 ? (unsigned)r : st.line;
		fail(&st, r > 0 ? "syntax error (expected [" SECTION "], key = value or a comment)"
				: "cannot parse");
	}
	if (!st.failed) {
		if (c.handshake_timeout_ms > c.round_timeout_ms)
			fail(&st, "handshake_timeout_ms (%u) is longer than round_timeout_ms (%u)",
			     c.handshake_timeout_ms, c.round_timeout_ms);
		else if (c.round_timeout_ms > c.session_timeout_ms)
			fail(&st, "round_timeout_ms (%u) is longer than session_timeout_ms (%u)",
			     c.round_timeout_ms, c.session_timeout_ms);
		if (st.failed)
			st.line = 0;	/* not one line's fault */
	}
	if (st.failed) {
		if (st.line && origin)
			mpcsign_set_err(err, errlen, "%s:%u: %s", origin, st.line, st.msg);
		else if (st.line)
			mpcsign_set_err(err, errlen, "line %u: %s", st.line, st.msg);
		else if (origin)
			mpcsign_set_err(err, errlen, "%s: %s", origin, st.msg);
		else
			mpcsign_set_err(err, errlen, "%s", st.msg);
		free(st.peers.keys);
		free(st.coords.keys);
		free(st.peers.lines);
		free(st.coords.lines);
		memset(out, 0, sizeof(*out));
		return st.failed;
	}
	free(st.peers.lines);
	free(st.coords.lines);
	c.peers = st.peers.keys;
	c.num_peers = st.peers.n;
	c.coordinators = st.coords.keys;
	c.num_coordinators = st.coords.n;
	*out = c;
	return 0;
}

int mpcsign_config_parse(struct mpcsign_config *out, const char *text, char *err, size_t errlen)
{
	if (!out || !text) {
		if (out)
			memset(out, 0, sizeof(*out));
		mpcsign_set_err(err, errlen, "invalid argument");
		return -EINVAL;
	}
	return parse_text(out, text, NULL, err, errlen);
}

int mpcsign_config_load(struct mpcsign_config *out, const char *path, char *err, size_t errlen)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	if (!out || !path) {
		if (out)
			memset(out, 0, sizeof(*out));
		mpcsign_set_err(err, errlen, "invalid argument");
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		mpcsign_set_err(err, errlen, "%s: %s", path, strerror(errno));
		return r;
	}
	if (fstat(fd, &st)) {
		r = -errno;
		mpcsign_set_err(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		mpcsign_set_err(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > MPCSIGN_CONFIG_MAX_SIZE) {
		r = -EFBIG;
		mpcsign_set_err(err, errlen, "%s: larger than %d bytes", path,
			MPCSIGN_CONFIG_MAX_SIZE);
		goto out;
	}
	text = malloc(MPCSIGN_CONFIG_MAX_SIZE + 2);
	if (!text) {
		r = -ENOMEM;
		mpcsign_set_err(err, errlen, "out of memory");
		goto out;
	}
	/* read to EOF (the file may have grown since fstat: bounded anyway) */
	for (;;) {
		ssize_t n = read(fd, text + len, MPCSIGN_CONFIG_MAX_SIZE + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			mpcsign_set_err(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > MPCSIGN_CONFIG_MAX_SIZE) {
			r = -EFBIG;
			mpcsign_set_err(err, errlen, "%s: larger than %d bytes", path,
				MPCSIGN_CONFIG_MAX_SIZE);
			goto out;
		}
	}
	text[len] = 0;
	if (memchr(text, 0, len)) {
		r = -EINVAL;
		mpcsign_set_err(err, errlen, "%s: contains a NUL byte (not a text file)", path);
		goto out;
	}
	r = parse_text(out, text, path, err, errlen);
out:
	free(text);
	close(fd);
	return r;
}

void mpcsign_config_free(struct mpcsign_config *c)
{
	if (!c)
		return;
	free(c->peers);
	free(c->coordinators);
	memset(c, 0, sizeof(*c));
}
