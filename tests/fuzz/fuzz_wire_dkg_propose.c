// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_wire_dkg_propose.c - the DKG_PROPOSE decoder (userspace/lib/wire.c).
 *
 * Input: a DKG_PROPOSE body.  Properties (abort() if violated):
 *  - the decoder returns 0 or -EBADMSG, never reads past the body (ASan);
 *  - accepted: 1 <= t <= n <= 255, the keys fill the rest of the body, are
 *    distinct with prefixes 02/03, the description is printable;
 *  - the fingerprint is a function of the body and session only;
 *  - an accepted body re-encodes to exactly the same bytes (the encoding is
 *    canonical: one message, one byte string) with no encoder error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wire.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

static void same_bytes(const struct mpcsign_buf *b, const uint8_t *data, size_t size)
{
	CHECK(b->err == 0);
	CHECK(b->len == size);
	CHECK(!size || !memcmp(b->p, data, size));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sess[MPCSIGN_SESSION_ID_LEN];
	struct mpcsign_msg_dkg_propose m;
	struct mpcsign_buf b;
	uint8_t f1[32], f2[32];
	uint32_t i, j;
	int ret = mpcsign_msg_dkg_propose_decode(&m, data, size);

	CHECK(ret == 0 || ret == -EBADMSG);
	if (ret)
		return 0;
	CHECK(m.t >= 1 && m.t <= m.n && m.n <= MPCSIGN_WIRE_MAX_N);
	CHECK(m.desc_len <= MPCSIGN_WIRE_MAX_DESC);
	CHECK(size == 18u + m.desc_len + 33u * m.n);
	CHECK((const uint8_t *)m.hostpubkeys == data + 18 + m.desc_len);
	for (i = 0; i < m.desc_len; i++)
		CHECK(m.desc[i] >= 0x20 && m.desc[i] <= 0x7e);
	for (i = 0; i < m.n; i++) {
		CHECK((m.hostpubkeys[i][0] | 1) == 3);
		for (j = 0; j < i; j++)
			CHECK(memcmp(m.hostpubkeys[i], m.hostpubkeys[j], 33));
	}
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_propose_encode(&b, &m);
	same_bytes(&b, data, size);
	mpcsign_dkg_fingerprint(f1, data, size, sess);
	mpcsign_dkg_fingerprint(f2, b.p, b.len, sess);
	CHECK(!memcmp(f1, f2, 32));
	mpcsign_buf_free(&b);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static const char desc[] = "treasury 2-of-3";
	uint8_t hpk[5][33];
	struct mpcsign_msg_dkg_propose m;
	struct mpcsign_buf b;
	int i;

	for (i = 0; i < 5; i++) {
		memset(hpk[i], 0x11 * (i + 1), 33);
		hpk[i][0] = 2 + (i & 1);
	}
	m.t = 2;
	m.n = 3;
	m.expiry = 1800000000;
	m.desc = desc;
	m.desc_len = sizeof(desc) - 1;
	m.hostpubkeys = (const uint8_t (*)[33])hpk;
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_propose_encode(&b, &m);
	CHECK(b.err == 0);
	emit(b.p, b.len);
	mpcsign_buf_free(&b);
	m.t = 5;
	m.n = 5;
	m.desc = NULL;
	m.desc_len = 0;
	mpcsign_msg_dkg_propose_encode(&b, &m);
	CHECK(b.err == 0);
	emit(b.p, b.len);
	mpcsign_buf_free(&b);
}
