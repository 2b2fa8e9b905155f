// SPDX-License-Identifier: GPL-2.0 OR MIT
/* util.c - shared helpers of the userspace unit tests (see test.h). */
#include <stdarg.h>
#include "test.h"
#include "util.h"

int test_failures;
int test_passes;

int test_report(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (cond)
		test_passes++;
	else
		test_failures++;
	return cond;
}

int test_exit(void)
{
	printf("# %d passed, %d failed\n", test_passes, test_failures);
	return test_failures ? 1 : 0;
}

/* the library's hex helpers (userspace/lib/util.h) with this file's return conventions */
int hex_decode(uint8_t *out, size_t outlen, const char *hex)
{
	return hex && !mpcsign_unhex(out, outlen, hex, strlen(hex));
}

uint8_t *hex_decode_alloc(const char *hex, size_t *len)
{
	size_t n;
	uint8_t *out;

	if (!hex || strlen(hex) % 2)
		return NULL;
	n = strlen(hex) / 2;
	out = malloc(n ? n : 1);
	if (!out)
		return NULL;
	if (!hex_decode(out, n, hex)) {
		free(out);
		return NULL;
	}
	*len = n;
	return out;
}

void hex_encode(char *out, const uint8_t *in, size_t len)
{
	mpcsign_hex(out, in, len);
}

static uint64_t rng_s[4] = { 0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL,
			     0x94d049bb133111ebULL, 0x2545f4914f6cdd1dULL };

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void test_rand_seed(uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		rng_s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t test_rand64(void)
{
	uint64_t r = rotl(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;

	rng_s[2] ^= rng_s[0];
	rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2];
	rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t;
	rng_s[3] = rotl(rng_s[3], 45);
	return r;
}

void test_rand_bytes(uint8_t *out, size_t len)
{
	while (len) {
		uint64_t r = test_rand64();
		size_t n = len < 8 ? len : 8;

		memcpy(out, &r, n);
		out += n;
		len -= n;
	}
}

const char *test_vectors_dir(void)
{
	const char *e = getenv("MPC_VECTORS");

	return e ? e : "tests/vectors";
}
