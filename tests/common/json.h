/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * json.h - a small JSON reader for the test-vector files (tests only).
 *
 * json_parse_file() reads and parses a whole file into a tree; objects keep
 * key order; numbers are kept as long long (vectors only use integers);
 * null, true, false supported.  Everything is freed with json_free().
 */
#ifndef MPC_JSON_H
#define MPC_JSON_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

struct json {
	enum json_type type;
	long long num;		/* JSON_NUM, JSON_BOOL (0/1) */
	char *str;		/* JSON_STR (NUL-terminated, unescaped) */
	size_t len;		/* JSON_ARR / JSON_OBJ: number of children */
	struct json **items;	/* children */
	char **keys;		/* JSON_OBJ: keys[i] names items[i] */
};

struct json *json_parse_file(const char *path);	/* NULL + message on error */
struct json *json_parse(const char *text, size_t len);
void json_free(struct json *j);
/* Object member by key, NULL if absent or j is not an object. */
const struct json *json_get(const struct json *j, const char *key);
/* Array element, NULL if out of range or not an array. */
const struct json *json_at(const struct json *j, size_t i);
/* String value of member key, NULL if absent / not a string. */
const char *json_get_str(const struct json *j, const char *key);
/* Integer member; returns def if absent / not a number. */
long long json_get_num(const struct json *j, const char *key, long long def);

#endif
