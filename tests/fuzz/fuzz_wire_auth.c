// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_wire_auth.c - the AUTH decoder (userspace/lib/wire.c).
 *
 * Input: a AUTH body.  Properties (abort() if violated):
 *  - the decoder returns 0 or -EBADMSG, never reads past the body (ASan);
 *  - accepted: the length is MPCSIGN_AUTH_BODY_LEN, role 1 or 2, prefixes 02/03;
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
	struct mpcsign_msg_auth m;
	struct mpcsign_buf b;
	int ret = mpcsign_msg_auth_decode(&m, data, size);

	CHECK(ret == 0 || ret == -EBADMSG);
	if (ret)
		return 0;
	CHECK(size == MPCSIGN_AUTH_BODY_LEN);
	CHECK(m.role == MPCSIGN_ROLE_COORDINATOR || m.role == MPCSIGN_ROLE_PARTY);
	CHECK((m.sender_pk[0] | 1) == 3 && (m.receiver_pk[0] | 1) == 3);
	mpcsign_buf_init(&b);
	mpcsign_msg_auth_encode(&b, &m);
	same_bytes(&b, data, size);
	mpcsign_buf_free(&b);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	struct mpcsign_msg_auth m;
	struct mpcsign_buf b;

	memset(&m, 0x5a, sizeof(m));
	m.role = MPCSIGN_ROLE_COORDINATOR;
	m.sender_pk[0] = 2;
	m.receiver_pk[0] = 3;
	mpcsign_buf_init(&b);
	mpcsign_msg_auth_encode(&b, &m);
	CHECK(b.err == 0);
	emit(b.p, b.len);
	b.p[0] = 3;	/* near miss: bad role */
	emit(b.p, b.len);
	mpcsign_buf_free(&b);
}
