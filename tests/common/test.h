/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * test.h - minimal userspace unit-test helpers (TAP-like output).
 *
 * Each test binary prints one line per check group: "ok - name" or
 * "not ok - name"; tests/run-tests.sh counts them for `make check`.
 * A binary must exit non-zero if anything failed.
 */
#ifndef MPC_TEST_H
#define MPC_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

extern int test_failures;	/* defined in tests/common/util.c */
extern int test_passes;

/* Report a named result; returns cond. */
int test_report(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a diagnostic ("# ...") and count a failure, without ending the group. */
#define TEST_FAIL(...) do { printf("# FAIL %s:%d: ", __FILE__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); test_failures++; } while (0)
#define CHECK(c) do { if (!(c)) TEST_FAIL("CHECK(%s)", #c); } while (0)
/* Exit code for main(): 0 if no failure. */
int test_exit(void);

/* Hex helpers: return 0 on malformed hex / wrong length. */
int hex_decode(uint8_t *out, size_t outlen, const char *hex);
/* Decodes variable-length hex into a malloc'ed buffer; *len set. NULL on error. */
uint8_t *hex_decode_alloc(const char *hex, size_t *len);
void hex_encode(char *out, const uint8_t *in, size_t len);	/* out: 2*len+1 */

/* Deterministic test RNG (xoshiro-style), seeded from MPC_TEST_SEED or fixed. */
void test_rand_seed(uint64_t seed);
void test_rand_bytes(uint8_t *out, size_t len);
uint64_t test_rand64(void);

/* Path of the official vectors (env MPC_VECTORS, else tests/vectors from the top of the tree). */
const char *test_vectors_dir(void);

#endif
