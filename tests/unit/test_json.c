// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_json.c - tests of the test-vector JSON reader (tests/common/json.c).
 *
 * Hand-written cases (values, escapes, UTF-8, errors, accessors), then every
 * *.json file under vectors/bip445 and vectors/chilldkg is parsed and
 * re-serialized canonically; the result must equal Python's json.dumps of
 * the same file (an independent parser) when python3 is available.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "json.h"

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 1024;

		while (nc < b->len + n + 1)
			nc *= 2;
		b->s = realloc(b->s, nc);
		if (!b->s)
			abort();
		b->cap = nc;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/* Python json.dumps(..., separators=(',', ':'), ensure_ascii=False) escaping. */
static void dump_string(struct sbuf *b, const char *s)
{
	sb_put(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[8];

		switch (c) {
		case '"': sb_str(b, "\\\""); break;
		case '\\': sb_str(b, "\\\\"); break;
		case '\n': sb_str(b, "\\n"); break;
		case '\r': sb_str(b, "\\r"); break;
		case '\t': sb_str(b, "\\t"); break;
		case '\b': sb_str(b, "\\b"); break;
		case '\f': sb_str(b, "\\f"); break;
		default:
			if (c < 0x20) {
				snprintf(tmp, sizeof(tmp), "\\u%04x", c);
				sb_str(b, tmp);
			} else {
				sb_put(b, s, 1);
			}
		}
	}
	sb_put(b, "\"", 1);
}

static void dump(struct sbuf *b, const struct json *j)
{
	char tmp[32];
	size_t i;

	switch (j->type) {
	case JSON_NULL: sb_str(b, "null"); break;
	case JSON_BOOL: sb_str(b, j->num ? "true" : "false"); break;
	case JSON_NUM:
		snprintf(tmp, sizeof(tmp), "%lld", j->num);
		sb_str(b, tmp);
		break;
	case JSON_STR: dump_string(b, j->str); break;
	case JSON_ARR:
	case JSON_OBJ:
		sb_str(b, j->type == JSON_ARR ? "[" : "{");
		for (i = 0; i < j->len; i++) {
			if (i)
				sb_str(b, ",");
			if (j->type == JSON_OBJ) {
				dump_string(b, j->keys[i]);
				sb_str(b, ":");
			}
			dump(b, j->items[i]);
		}
		sb_str(b, j->type == JSON_ARR ? "]" : "}");
		break;
	}
}

static char *dump_alloc(const struct json *j)
{
	struct sbuf b = { 0 };

	dump(&b, j);
	return b.s;
}

static struct json *parse_str(const char *s)
{
	return json_parse(s, strlen(s));
}

/* Parses s and checks that the canonical dump equals want. */
static int roundtrip(const char *s, const char *want)
{
	struct json *j = parse_str(s);
	char *d;
	int ok;

	if (!j) {
		TEST_FAIL("parse failed: %s", s);
		return 0;
	}
	d = dump_alloc(j);
	ok = !strcmp(d, want);
	if (!ok)
		TEST_FAIL("'%s' -> '%s', want '%s'", s, d, want);
	free(d);
	json_free(j);
	return ok;
}

static void test_values(void)
{
	int ok = 1;

	ok &= roundtrip("null", "null");
	ok &= roundtrip(" true ", "true");
	ok &= roundtrip("\n\tfalse\r\n", "false");
	ok &= roundtrip("0", "0");
	ok &= roundtrip("-0", "0");
	ok &= roundtrip("12345", "12345");
	ok &= roundtrip("-42", "-42");
	ok &= roundtrip("9223372036854775807", "9223372036854775807");
	ok &= roundtrip("-9223372036854775808", "-9223372036854775808");
	ok &= roundtrip("1.5", "1");
	ok &= roundtrip("-2.75", "-2");
	ok &= roundtrip("1e3", "1000");
	ok &= roundtrip("25E-1", "2");
	ok &= roundtrip("\"\"", "\"\"");
	ok &= roundtrip("\"abc\"", "\"abc\"");
	ok &= roundtrip("[]", "[]");
	ok &= roundtrip("{}", "{}");
	ok &= roundtrip("[ 1 , [ ] , { } , \"x\" ]", "[1,[],{},\"x\"]");
	ok &= roundtrip("{\"b\":1,\"a\":2,\"c\":[true,null]}", "{\"b\":1,\"a\":2,\"c\":[true,null]}");
	ok &= roundtrip("[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]", "[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]");
	test_report(ok, "json: scalar values, containers, key order");
}

static void test_strings(void)
{
	struct json *j;
	int ok = 1;

	ok &= roundtrip("\"a\\\"b\\\\c\\/d\"", "\"a\\\"b\\\\c/d\"");
	ok &= roundtrip("\"\\b\\f\\n\\r\\t\"", "\"\\b\\f\\n\\r\\t\"");
	j = parse_str("\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"");
	ok &= j && j->type == JSON_STR &&
	      !strcmp(j->str, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	json_free(j);
	j = parse_str("\"raw \xc3\xa9 utf8\"");
	ok &= j && !strcmp(j->str, "raw \xc3\xa9 utf8");
	json_free(j);
	j = parse_str("\"\\u001f\"");
	ok &= j && j->str[0] == 0x1f && j->str[1] == 0;
	json_free(j);
	test_report(ok, "json: string escapes and UTF-8");
}

static void test_errors(void)
{
	static const char *const bad[] = {
		"", " ", "nul", "tru", "falsey", "[1,]", "[1 2]", "{\"a\" 1}",
		"{\"a\":1,}", "{a:1}", "{\"a\":}", "[", "]", "{", "\"abc", "\"a\\x\"",
		"\"\\u12\"", "\"\\u12g4\"", "\"\\ud800\"", "\"\\ude00\"", "\"\\ud800\\u0041\"",
		"\"\\u0000\"", "\"tab\there\"", "01", "-", "+1", "1.", ".5", "1e", "1e+",
		"9223372036854775808", "-9223372036854775809", "99999999999999999999",
		"1 2", "[1] x", "{\"a\":1}}", "'a'", "[1,,2]", "\"\\",
	};
	char deep[600];
	struct json *j;
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = parse_str(bad[i]);
		if (j) {
			TEST_FAIL("accepted invalid JSON '%s'", bad[i]);
			json_free(j);
			ok = 0;
		}
	}
	/* Embedded NUL is not JSON whitespace. */
	j = json_parse("[1]\0", 4);
	if (j) {
		TEST_FAIL("accepted trailing NUL");
		json_free(j);
		ok = 0;
	}
	/* Length limits the input: "[1]2" cut after 3 bytes is fine. */
	j = json_parse("[1]2", 3);
	ok &= j && j->type == JSON_ARR && j->len == 1;
	json_free(j);
	/* Nesting depth is limited, deep input fails cleanly. */
	memset(deep, '[', sizeof(deep));
	j = json_parse(deep, sizeof(deep));
	ok &= !j;
	json_free(j);
	ok &= !json_parse_file("/nonexistent/file.json");
	ok &= !json_parse(NULL, 0);
	test_report(ok, "json: %zu malformed inputs rejected", sizeof(bad) / sizeof(bad[0]) + 3);
}

static void test_accessors(void)
{
	const char *s = "{\"name\":\"x\",\"n\":7,\"arr\":[10,\"y\",false],\"o\":{\"k\":null},"
			"\"big\":100000000000}";
	struct json *j = parse_str(s);
	const struct json *a;
	int ok = j != NULL;

	if (j) {
		ok &= j->type == JSON_OBJ && j->len == 5;
		ok &= !strcmp(j->keys[0], "name") && !strcmp(j->keys[4], "big");
		ok &= json_get_str(j, "name") && !strcmp(json_get_str(j, "name"), "x");
		ok &= json_get_str(j, "n") == NULL;
		ok &= json_get_str(j, "missing") == NULL;
		ok &= json_get_num(j, "n", -1) == 7;
		ok &= json_get_num(j, "name", -1) == -1;
		ok &= json_get_num(j, "missing", 99) == 99;
		ok &= json_get_num(j, "big", 0) == 100000000000LL;
		a = json_get(j, "arr");
		ok &= a && a->type == JSON_ARR && a->len == 3;
		ok &= json_at(a, 0) && json_at(a, 0)->type == JSON_NUM && json_at(a, 0)->num == 10;
		ok &= json_at(a, 1) && !strcmp(json_at(a, 1)->str, "y");
		ok &= json_at(a, 2) && json_at(a, 2)->type == JSON_BOOL && json_at(a, 2)->num == 0;
		ok &= json_at(a, 3) == NULL;
		ok &= json_at(j, 0) == NULL;	/* not an array */
		ok &= json_get(a, "x") == NULL;	/* not an object */
		ok &= json_get(NULL, "x") == NULL && json_at(NULL, 0) == NULL;
		ok &= json_get_num(NULL, "x", 5) == 5 && json_get_str(NULL, "x") == NULL;
		a = json_get(j, "o");
		ok &= a && json_get(a, "k") && json_get(a, "k")->type == JSON_NULL;
	}
	json_free(j);
	json_free(NULL);
	test_report(ok, "json: json_get / json_at / json_get_str / json_get_num");
}

/* Large generated array (exercises growth of the child arrays). */
static void test_large(void)
{
	struct sbuf b = { 0 };
	struct json *j;
	char tmp[32];
	int i, ok;

	sb_str(&b, "{");
	for (i = 0; i < 5000; i++) {
		snprintf(tmp, sizeof(tmp), "%s\"k%d\":[%d,%d]", i ? "," : "", i, i, -i);
		sb_str(&b, tmp);
	}
	sb_str(&b, "}");
	j = json_parse(b.s, b.len);
	ok = j && j->len == 5000;
	for (i = 0; ok && i < 5000; i++) {
		const struct json *a;

		snprintf(tmp, sizeof(tmp), "k%d", i);
		a = json_get(j, tmp);
		ok = a && a->len == 2 && json_at(a, 0)->num == i && json_at(a, 1)->num == -i;
	}
	json_free(j);
	free(b.s);
	test_report(ok, "json: 5000-member object with 2-element arrays");
}

static int have_python(void)
{
	return system("python3 -c 'import json' >/dev/null 2>&1") == 0;
}

static char *python_dump(const char *path)
{
	char cmd[4096];
	struct sbuf b = { 0 };
	char buf[65536];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys;"
		 "sys.stdout.write(json.dumps(json.load(open(sys.argv[1],encoding=\"utf-8\")),"
		 "separators=(\",\",\":\"),ensure_ascii=False))' '%s'", path);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_put(&b, buf, n);
	if (pclose(p) != 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static void test_vector_dir(const char *sub, int py)
{
	char dir[1024], path[2048];
	struct dirent *de;
	int files = 0, ok = 1;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", test_vectors_dir(), sub);
	d = opendir(dir);
	if (!d) {
		test_report(0, "json: open vectors dir %s", dir);
		return;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		struct json *j;

		if (l < 6 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		files++;
		j = json_parse_file(path);
		if (!j || j->type != JSON_OBJ) {
			TEST_FAIL("%s did not parse to an object", path);
			ok = 0;
			json_free(j);
			continue;
		}
		if (py) {
			char *mine = dump_alloc(j), *theirs = python_dump(path);

			if (!theirs || strcmp(mine, theirs)) {
				TEST_FAIL("%s: our parse differs from python's json", path);
				ok = 0;
			}
			free(mine);
			free(theirs);
		}
		json_free(j);
	}
	closedir(d);
	test_report(ok && files > 0, "json: %d files in vectors/%s parsed%s", files, sub,
		    py ? " and equal to python3 json" : "");
}

int main(void)
{
	int py = have_python();

	test_values();
	test_strings();
	test_errors();
	test_accessors();
	test_large();
	if (!py)
		printf("# python3 not found: vector files parsed without cross-check\n");
	test_vector_dir("bip445", py);
	test_vector_dir("chilldkg", py);
	return test_exit();
}
