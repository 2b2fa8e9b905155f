// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * json.c - a small JSON reader for the test-vector files (tests only).
 *
 * Strict RFC 8259 syntax (no trailing commas, no comments).  Strings are
 * unescaped to UTF-8 (\uXXXX including surrogate pairs).  Numbers are kept
 * as long long; a number with a fraction or exponent is accepted and
 * truncated toward zero (the vectors only use integers).  Nesting depth is
 * limited to 256.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "json.h"

#define JSON_MAX_DEPTH 256

struct parser {
	const char *p, *end, *start;
	const char *err;
};

static void set_err(struct parser *ps, const char *msg)
{
	if (!ps->err)
		ps->err = msg;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static struct json *new_node(enum json_type t)
{
	struct json *j = calloc(1, sizeof(*j));

	if (j)
		j->type = t;
	return j;
}

static int hex4(struct parser *ps, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	if (ps->end - ps->p < 4) {
		set_err(ps, "truncated \\u escape");
		return 0;
	}
	for (i = 0; i < 4; i++) {
		char c = *ps->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else {
			set_err(ps, "bad hex digit in \\u escape");
			return 0;
		}
	}
	*out = v;
	return 1;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Parses a string starting at the opening quote; returns a malloc'ed copy. */
static char *parse_string(struct parser *ps)
{
	const char *q;
	char *out, *o;

	if (ps->p >= ps->end || *ps->p != '"') {
		set_err(ps, "expected string");
		return NULL;
	}
	ps->p++;
	/* The unescaped string is never longer than the escaped one. */
	for (q = ps->p; q < ps->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= ps->end) {
		set_err(ps, "unterminated string");
		return NULL;
	}
	out = malloc((size_t)(q - ps->p) + 1);
	if (!out) {
		set_err(ps, "out of memory");
		return NULL;
	}
	o = out;
	while (*ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p++;

		if (c < 0x20) {
			set_err(ps, "control character in string");
			goto fail;
		}
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		c = (unsigned char)*ps->p++;
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned int cp, lo;

			if (!hex4(ps, &cp))
				goto fail;
			if (cp >= 0xD800 && cp < 0xDC00) {
				if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') {
					set_err(ps, "lone high surrogate");
					goto fail;
				}
				ps->p += 2;
				if (!hex4(ps, &lo))
					goto fail;
				if (lo < 0xDC00 || lo >= 0xE000) {
					set_err(ps, "bad low surrogate");
					goto fail;
				}
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xDC00 && cp < 0xE000) {
				set_err(ps, "lone low surrogate");
				goto fail;
			}
			/* \u0000 would truncate the C string: refuse it. */
			if (cp == 0) {
				set_err(ps, "\\u0000 not supported");
				goto fail;
			}
			o += put_utf8(o, cp);
			break;
		}
		default:
			set_err(ps, "bad escape");
			goto fail;
		}
	}
	ps->p++;		/* closing quote */
	*o = 0;
	return out;
fail:
	free(out);
	return NULL;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static struct json *parse_number(struct parser *ps)
{
	const char *s = ps->p;
	int neg = 0, frac = 0;
	unsigned long long v = 0;
	int overflow = 0;
	struct json *j;

	if (ps->p < ps->end && *ps->p == '-') {
		neg = 1;
		ps->p++;
	}
	if (ps->p >= ps->end || !is_digit(*ps->p)) {
		set_err(ps, "bad number");
		return NULL;
	}
	if (*ps->p == '0' && ps->p + 1 < ps->end && is_digit(ps->p[1])) {
		set_err(ps, "leading zero in number");
		return NULL;
	}
	while (ps->p < ps->end && is_digit(*ps->p)) {
		unsigned int d = (unsigned int)(*ps->p++ - '0');

		if (v > (0x8000000000000000ULL - d) / 10)
			overflow = 1;
		else
			v = v * 10 + d;
	}
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (ps->p >= ps->end || !is_digit(*ps->p)) {
			set_err(ps, "bad fraction");
			return NULL;
		}
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
		frac = 1;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || !is_digit(*ps->p)) {
			set_err(ps, "bad exponent");
			return NULL;
		}
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
		frac = 1;
	}
	j = new_node(JSON_NUM);
	if (!j) {
		set_err(ps, "out of memory");
		return NULL;
	}
	if (frac) {
		char buf[128];
		size_t n = (size_t)(ps->p - s);
		double d;

		if (n >= sizeof(buf)) {
			free(j);
			set_err(ps, "number too long");
			return NULL;
		}
		memcpy(buf, s, n);
		buf[n] = 0;
		d = strtod(buf, NULL);
		if (!(d > -9.2e18 && d < 9.2e18)) {
			free(j);
			set_err(ps, "number out of range");
			return NULL;
		}
		j->num = (long long)d;
		return j;
	}
	if (overflow || (!neg && v > 0x7FFFFFFFFFFFFFFFULL)) {
		free(j);
		set_err(ps, "integer out of range");
		return NULL;
	}
	j->num = neg ? (long long)(0 - v) : (long long)v;
	return j;
}

/* Appends a child; capacity is 4, 8, 16, ... (grown when len hits it). */
static int push(struct json *j, struct json *item, char *key)
{
	if (j->len == 0 || (j->len >= 4 && (j->len & (j->len - 1)) == 0)) {
		size_t cap = j->len ? 2 * j->len : 4;
		struct json **ni = realloc(j->items, cap * sizeof(*ni));

		if (!ni)
			return 0;
		j->items = ni;
		if (j->type == JSON_OBJ) {
			char **nk = realloc(j->keys, cap * sizeof(*nk));

			if (!nk)
				return 0;
			j->keys = nk;
		}
	}
	j->items[j->len] = item;
	if (j->type == JSON_OBJ)
		j->keys[j->len] = key;
	j->len++;
	return 1;
}

static struct json *parse_value(struct parser *ps, int depth);

static struct json *parse_container(struct parser *ps, int depth, int obj)
{
	struct json *j = new_node(obj ? JSON_OBJ : JSON_ARR);
	char close = obj ? '}' : ']';

	if (!j) {
		set_err(ps, "out of memory");
		return NULL;
	}
	ps->p++;		/* '[' or '{' */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		struct json *v;

		skip_ws(ps);
		if (obj) {
			key = parse_string(ps);
			if (!key)
				goto fail;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				set_err(ps, "expected ':'");
				goto fail;
			}
			ps->p++;
		}
		v = parse_value(ps, depth + 1);
		if (!v) {
			free(key);
			goto fail;
		}
		if (!push(j, v, key)) {
			free(key);
			json_free(v);
			set_err(ps, "out of memory");
			goto fail;
		}
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return j;
		}
		set_err(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		goto fail;
	}
fail:
	json_free(j);
	return NULL;
}

static int match_word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n))
		return 0;
	ps->p += n;
	return 1;
}

static struct json *parse_value(struct parser *ps, int depth)
{
	struct json *j;

	if (depth > JSON_MAX_DEPTH) {
		set_err(ps, "nesting too deep");
		return NULL;
	}
	skip_ws(ps);
	if (ps->p >= ps->end) {
		set_err(ps, "unexpected end of input");
		return NULL;
	}
	switch (*ps->p) {
	case '{':
		return parse_container(ps, depth, 1);
	case '[':
		return parse_container(ps, depth, 0);
	case '"': {
		char *s = parse_string(ps);

		if (!s)
			return NULL;
		j = new_node(JSON_STR);
		if (!j) {
			free(s);
			set_err(ps, "out of memory");
			return NULL;
		}
		j->str = s;
		return j;
	}
	case 't':
	case 'f':
	{
		int val = match_word(ps, "true");

		if (val || match_word(ps, "false")) {
			j = new_node(JSON_BOOL);
			if (!j) {
				set_err(ps, "out of memory");
				return NULL;
			}
			j->num = val;
			return j;
		}
	}
		break;
	case 'n':
		if (match_word(ps, "null")) {
			j = new_node(JSON_NULL);
			if (!j)
				set_err(ps, "out of memory");
			return j;
		}
		break;
	default:
		if (*ps->p == '-' || is_digit(*ps->p))
			return parse_number(ps);
		break;
	}
	set_err(ps, "unexpected character");
	return NULL;
}

static struct json *parse_report(const char *text, size_t len, const char *name)
{
	struct parser ps = { text, text + len, text, NULL };
	struct json *j = parse_value(&ps, 0);

	if (j) {
		skip_ws(&ps);
		if (ps.p != ps.end) {
			set_err(&ps, "trailing data after value");
			json_free(j);
			j = NULL;
		}
	}
	if (!j) {
		size_t line = 1;
		const char *q;

		for (q = text; q < ps.p && q < ps.end; q++)
			if (*q == '\n')
				line++;
		fprintf(stderr, "json: %s:%zu (offset %zu): %s\n", name ? name : "<text>",
			line, (size_t)(ps.p - text), ps.err ? ps.err : "parse error");
	}
	return j;
}

struct json *json_parse(const char *text, size_t len)
{
	if (!text)
		return NULL;
	return parse_report(text, len, NULL);
}

struct json *json_parse_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct json *j;

	if (!f) {
		fprintf(stderr, "json: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t n;

		if (cap - len < 65536) {
			char *nb = realloc(buf, cap ? cap * 2 : 131072);

			if (!nb) {
				fprintf(stderr, "json: %s: out of memory\n", path);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = cap ? cap * 2 : 131072;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "json: read error on %s\n", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	j = parse_report(buf, len, path);
	free(buf);
	return j;
}

void json_free(struct json *j)
{
	size_t i;

	if (!j)
		return;
	for (i = 0; i < j->len; i++) {
		json_free(j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->str);
	free(j);
}

const struct json *json_get(const struct json *j, const char *key)
{
	size_t i;

	if (!j || j->type != JSON_OBJ || !key)
		return NULL;
	for (i = 0; i < j->len; i++)
		if (!strcmp(j->keys[i], key))
			return j->items[i];
	return NULL;
}

const struct json *json_at(const struct json *j, size_t i)
{
	if (!j || j->type != JSON_ARR || i >= j->len)
		return NULL;
	return j->items[i];
}

const char *json_get_str(const struct json *j, const char *key)
{
	const struct json *v = json_get(j, key);

	return v && v->type == JSON_STR ? v->str : NULL;
}

long long json_get_num(const struct json *j, const char *key, long long def)
{
	const struct json *v = json_get(j, key);

	return v && v->type == JSON_NUM ? v->num : def;
}
