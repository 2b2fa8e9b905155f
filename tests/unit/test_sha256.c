// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_sha256.c - SHA-256 and tagged hashes (kmod/core/hash.c).
 *
 * FIPS 180-4 example vectors; every length 0..300 against an independent
 * implementation (sha256sum(1) via popen); incremental updates split at
 * every position; tagged hashes against libsecp256k1's
 * secp256k1_tagged_sha256; cached BIP340 midstates against hashing the
 * 64-byte prefix normally.
 */
#include <unistd.h>
#include <secp256k1.h>
#include "test.h"
#include "core/hash.h"

static int digest_is(const uint8_t d[32], const char *hex)
{
	uint8_t want[32];

	return hex_decode(want, 32, hex) && !memcmp(d, want, 32);
}

static void test_fips(void)
{
	static const struct {
		const char *msg;
		const char *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	static uint8_t million[1000000];
	struct mpc_sha256 h;
	uint8_t d[32];
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		mpc_sha256(d, (const uint8_t *)v[i].msg, strlen(v[i].msg));
		if (!digest_is(d, v[i].hex)) {
			TEST_FAIL("FIPS vector %zu", i);
			ok = 0;
		}
	}
	memset(million, 'a', sizeof(million));
	mpc_sha256(d, million, sizeof(million));
	ok &= digest_is(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* the same million 'a' in 1000-byte and odd 997-byte updates */
	mpc_sha256_init(&h);
	for (i = 0; i < 1000; i++)
		mpc_sha256_update(&h, million, 1000);
	mpc_sha256_final(&h, d);
	ok &= digest_is(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	mpc_sha256_init(&h);
	for (i = 0; i < 1000000; i += 997)
		mpc_sha256_update(&h, million, 1000000 - i < 997 ? 1000000 - i : 997);
	mpc_sha256_final(&h, d);
	ok &= digest_is(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	test_report(ok, "sha256: FIPS 180-4 examples (empty, abc, 448-bit, 896-bit, 10^6 'a')");
}

/* SHA-256 of data by sha256sum(1); returns 0 if the tool is unavailable. */
static int sha256sum_tool(uint8_t out[32], const uint8_t *data, size_t len, const char *tmp)
{
	char cmd[512], line[128];
	FILE *f = fopen(tmp, "wb");
	int ok;

	if (!f)
		return 0;
	if (len && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return 0;
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sha256sum '%s' 2>/dev/null", tmp);
	f = popen(cmd, "r");
	if (!f)
		return 0;
	ok = fgets(line, sizeof(line), f) != NULL && strlen(line) > 64;
	if (ok) {
		line[64] = 0;
		ok = hex_decode(out, 32, line);
	}
	if (pclose(f) != 0)
		ok = 0;
	return ok;
}

static void test_lengths(void)
{
	uint8_t data[4096], d[32], ref[32];
	char tmp[64];
	size_t len;
	int ok = 1, n = 0;

	snprintf(tmp, sizeof(tmp), "/tmp/mpc_test_sha256.%d", (int)getpid());
	test_rand_bytes(data, sizeof(data));
	for (len = 0; len <= 300; len++) {
		mpc_sha256(d, data, len);
		if (!sha256sum_tool(ref, data, len, tmp)) {
			TEST_FAIL("sha256sum(1) failed for length %zu", len);
			ok = 0;
			break;
		}
		n++;
		if (memcmp(d, ref, 32)) {
			TEST_FAIL("length %zu differs from sha256sum", len);
			ok = 0;
		}
	}
	/* a few long ones */
	for (len = 511; ok && len <= 4096; len += 717) {
		mpc_sha256(d, data, len);
		if (!sha256sum_tool(ref, data, len, tmp) || memcmp(d, ref, 32)) {
			TEST_FAIL("length %zu differs from sha256sum", len);
			ok = 0;
		}
		n++;
	}
	unlink(tmp);
	test_report(ok, "sha256: %d lengths (0..300 and long) equal sha256sum(1)", n);
}

static void test_splits(void)
{
	uint8_t data[300], one[32], d[32];
	struct mpc_sha256 h;
	size_t len, i, j;
	int ok = 1, n = 0;

	test_rand_bytes(data, sizeof(data));
	for (len = 0; len <= 300; len += (len < 140 ? 1 : 23)) {
		mpc_sha256(one, data, len);
		for (i = 0; i <= len; i++) {
			mpc_sha256_init(&h);
			mpc_sha256_update(&h, data, i);
			mpc_sha256_update(&h, data + i, len - i);
			mpc_sha256_final(&h, d);
			n++;
			if (memcmp(d, one, 32)) {
				TEST_FAIL("len %zu split at %zu", len, i);
				ok = 0;
			}
		}
		/* three pieces at pseudo-random cut points, plus byte by byte */
		for (i = 0; i < 20 && len; i++) {
			size_t a = (size_t)(test_rand64() % (len + 1));
			size_t b = a + (size_t)(test_rand64() % (len - a + 1));

			mpc_sha256_init(&h);
			mpc_sha256_update(&h, data, a);
			mpc_sha256_update(&h, data + a, 0);
			mpc_sha256_update(&h, data + a, b - a);
			mpc_sha256_update(&h, data + b, len - b);
			mpc_sha256_final(&h, d);
			n++;
			if (memcmp(d, one, 32)) {
				TEST_FAIL("len %zu split at %zu,%zu", len, a, b);
				ok = 0;
			}
		}
		mpc_sha256_init(&h);
		for (j = 0; j < len; j++)
			mpc_sha256_update(&h, data + j, 1);
		mpc_sha256_final(&h, d);
		n++;
		if (memcmp(d, one, 32)) {
			TEST_FAIL("len %zu byte by byte", len);
			ok = 0;
		}
	}
	test_report(ok, "sha256: %d incremental updates (every split point) equal one-shot", n);
}

static void test_final_wipes(void)
{
	struct mpc_sha256 h, zero;
	uint8_t d[32];

	memset(&zero, 0, sizeof(zero));
	mpc_sha256_init(&h);
	mpc_sha256_update(&h, (const uint8_t *)"secret", 6);
	mpc_sha256_final(&h, d);
	test_report(!memcmp(&h, &zero, sizeof(h)), "sha256: final wipes the context");
}

static const char *const bip340_tags[] = { "BIP0340/challenge", "BIP0340/aux", "BIP0340/nonce" };

static void test_midstates(void)
{
	struct mpc_sha256 a, b;
	uint8_t prefix[64];
	uint32_t mid[8];
	size_t i;
	int ok = 1;

	for (i = 0; i < 3; i++) {
		const char *t = bip340_tags[i];

		/* the slow way: hash the prefix SHA256(tag)||SHA256(tag) normally */
		mpc_sha256(prefix, (const uint8_t *)t, strlen(t));
		memcpy(prefix + 32, prefix, 32);
		mpc_sha256_init(&a);
		mpc_sha256_update(&a, prefix, 64);
		/* the cached table */
		memset(&b, 0x5a, sizeof(b));
		mpc_sha256_tagged_init(&b, t, strlen(t));
		if (memcmp(a.s, b.s, sizeof(a.s)) || a.bytes != b.bytes || b.bytes != 64) {
			TEST_FAIL("cached midstate of %s", t);
			ok = 0;
		}
		mpc_sha256_tag_midstate(mid, t, strlen(t));
		if (memcmp(mid, a.s, sizeof(mid))) {
			TEST_FAIL("mpc_sha256_tag_midstate(%s)", t);
			ok = 0;
		}
		mpc_sha256_init_midstate(&b, mid);
		if (memcmp(a.s, b.s, sizeof(a.s)) || b.bytes != 64) {
			TEST_FAIL("mpc_sha256_init_midstate(%s)", t);
			ok = 0;
		}
	}
	test_report(ok, "sha256: cached BIP340 tag midstates equal hashing the 64-byte prefix");
}

static void test_tagged(void)
{
	secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	uint8_t data[300], tag[200], d[32], ref[32];
	struct mpc_sha256 h;
	uint32_t mid[8];
	size_t len, i;
	int ok = 1, n = 0;

	test_rand_bytes(data, sizeof(data));
	for (i = 0; i < 3; i++) {
		const char *t = bip340_tags[i];

		for (len = 0; len <= 300; len++) {
			mpc_tagged_hash(d, t, strlen(t), data, len);
			if (!secp256k1_tagged_sha256(ctx, ref, (const uint8_t *)t, strlen(t), data, len) ||
			    memcmp(d, ref, 32)) {
				TEST_FAIL("tagged %s len %zu", t, len);
				ok = 0;
			}
			n++;
		}
	}
	/* random tags of random length 0..199, including uncached ones */
	for (i = 0; i < 500; i++) {
		size_t tl = (size_t)(test_rand64() % sizeof(tag));

		len = (size_t)(test_rand64() % (sizeof(data) + 1));
		test_rand_bytes(tag, tl);
		mpc_tagged_hash(d, (const char *)tag, tl, data, len);
		if (!secp256k1_tagged_sha256(ctx, ref, tag, tl, data, len) || memcmp(d, ref, 32)) {
			TEST_FAIL("random tag len %zu msg len %zu", tl, len);
			ok = 0;
		}
		/* precomputed midstate path gives the same */
		mpc_sha256_tag_midstate(mid, (const char *)tag, tl);
		mpc_sha256_init_midstate(&h, mid);
		mpc_sha256_update(&h, data, len);
		mpc_sha256_final(&h, d);
		if (memcmp(d, ref, 32)) {
			TEST_FAIL("midstate path, random tag len %zu", tl);
			ok = 0;
		}
		n++;
	}
	/* BIP340 tags that are prefixes / extensions of the cached ones are not confused */
	mpc_tagged_hash(d, "BIP0340/nonc", 12, data, 32);
	ok &= secp256k1_tagged_sha256(ctx, ref, (const uint8_t *)"BIP0340/nonc", 12, data, 32) &&
	      !memcmp(d, ref, 32);
	mpc_tagged_hash(d, "BIP0340/auxx", 12, data, 32);
	ok &= secp256k1_tagged_sha256(ctx, ref, (const uint8_t *)"BIP0340/auxx", 12, data, 32) &&
	      !memcmp(d, ref, 32);
	secp256k1_context_destroy(ctx);
	test_report(ok, "sha256: %d tagged hashes equal secp256k1_tagged_sha256", n + 2);
}

int main(void)
{
	test_fips();
	test_lengths();
	test_splits();
	test_final_wipes();
	test_midstates();
	test_tagged();
	return test_exit();
}
