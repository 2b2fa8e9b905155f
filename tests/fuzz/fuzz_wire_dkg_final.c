// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_wire_dkg_final.c - the DKG_FINAL decoder (userspace/lib/wire.c).
 *
 * Input: a DKG_FINAL body.  Properties (abort() if violated):
 *  - the decoder returns 0 or -EBADMSG, never reads past the body (ASan);
 *  - accepted: 97 bytes, thresh_pk prefix 02/03;
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
	struct mpcsign_msg_dkg_final m;
	struct mpcsign_buf b;
	int ret = mpcsign_msg_dkg_final_decode(&m, data, size);

	CHECK(ret == 0 || ret == -EBADMSG);
	if (ret)
		return 0;
	CHECK(size == 97 && (m.thresh_pk[0] | 1) == 3);
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_final_encode(&b, &m);
	same_bytes(&b, data, size);
	mpcsign_buf_free(&b);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	struct mpcsign_msg_dkg_final m;
	struct mpcsign_buf b;

	memset(&m, 0x77, sizeof(m));
	m.thresh_pk[0] = 3;
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_final_encode(&b, &m);
	CHECK(b.err == 0);
	emit(b.p, b.len);
	mpcsign_buf_free(&b);
}
