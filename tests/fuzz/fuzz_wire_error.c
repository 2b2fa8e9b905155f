// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_wire_error.c - the ERROR decoder (userspace/lib/wire.c).
 *
 * Input: a ERROR body.  Properties (abort() if violated):
 *  - the decoder returns 0 or -EBADMSG, never reads past the body (ASan);
 *  - accepted: code in range, text printable and of text_len bytes, in the body;
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
	struct mpcsign_msg_error m;
	struct mpcsign_buf b;
	size_t i;
	int ret = mpcsign_msg_error_decode(&m, data, size);

	CHECK(ret == 0 || ret == -EBADMSG);
	if (ret)
		return 0;
	CHECK(m.code >= 1 && m.code <= MPCSIGN_WERR_MAX);
	CHECK(strcmp(mpcsign_wire_err_name(m.code), "UNKNOWN"));
	CHECK(m.text_len <= MPCSIGN_WIRE_MAX_ERRTEXT && size == 18u + m.text_len);
	CHECK(m.text_len ? m.text == (const char *)data + 18 : m.text == NULL);
	for (i = 0; i < m.text_len; i++)
		CHECK(m.text[i] >= 0x20 && m.text[i] <= 0x7e);
	mpcsign_buf_init(&b);
	mpcsign_msg_error_encode(&b, &m);
	same_bytes(&b, data, size);
	mpcsign_buf_free(&b);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static const char text[] = "key=02ab: denied by rule hot: over rate 10/3600";
	struct mpcsign_msg_error m = { MPCSIGN_WERR_RATE, 1, 0, MPCSIGN_BLAME_NONE, text,
					sizeof(text) - 1 };
	struct mpcsign_buf b;

	mpcsign_buf_init(&b);
	mpcsign_msg_error_encode(&b, &m);
	CHECK(b.err == 0);
	emit(b.p, b.len);
	mpcsign_buf_free(&b);
	m.code = MPCSIGN_WERR_DKG;
	m.blame_kind = 10;
	m.blame_index = 3;
	m.text = NULL;
	m.text_len = 0;
	mpcsign_msg_error_encode(&b, &m);
	CHECK(b.err == 0);
	emit(b.p, b.len);
	mpcsign_buf_free(&b);
}
