// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_wire_dkg_acks.c - the DKG_ACKS decoder (userspace/lib/wire.c).
 *
 * Input: a DKG_ACKS body.  Properties (abort() if violated):
 *  - the decoder returns 0 or -EBADMSG, never reads past the body (ASan);
 *  - accepted: 1 <= n <= 255, acks right after n, non-empty recovery data
 *    to the end of the body;
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
	struct mpcsign_msg_dkg_acks m;
	struct mpcsign_buf b;
	int ret = mpcsign_msg_dkg_acks_decode(&m, data, size);

	CHECK(ret == 0 || ret == -EBADMSG);
	if (ret)
		return 0;
	CHECK(m.n >= 1 && m.n <= MPCSIGN_WIRE_MAX_N);
	CHECK((const uint8_t *)m.acks == data + 4);
	CHECK(m.recovery_data == data + 4 + 64 * (size_t)m.n);
	CHECK(m.recovery_data_len >= 1 && m.recovery_data_len == size - 4 - 64 * (size_t)m.n);
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_acks_encode(&b, &m);
	same_bytes(&b, data, size);
	mpcsign_buf_free(&b);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	uint8_t acks[3][64], rec[300];
	struct mpcsign_msg_dkg_acks m;
	struct mpcsign_buf b;

	memset(acks, 0xa5, sizeof(acks));
	memset(rec, 0x3c, sizeof(rec));
	m.n = 3;
	m.acks = (const uint8_t (*)[64])acks;
	m.recovery_data = rec;
	m.recovery_data_len = sizeof(rec);
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_acks_encode(&b, &m);
	CHECK(b.err == 0);
	emit(b.p, b.len);
	mpcsign_buf_free(&b);
}
