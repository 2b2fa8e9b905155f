// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_wire_frame.c - frame headers and mpcsign_link_recv over a byte
 * stream (userspace/lib/wire.c).
 *
 * Input: max | stream.  max (1 byte) picks the receiver's max_body: 0 the
 * default, else max * 64 bytes; the rest is what the peer sent, read through
 * a memory-backed struct mpcsign_link_ops (EOF = -ECONNRESET).
 * Properties (abort() if violated):
 *  - mpcsign_frame_hdr_parse on the first 32 stream bytes returns 0,
 *    -EBADMSG, -EMSGSIZE or -EPROTO; an accepted header re-encodes to the
 *    same 32 bytes;
 *  - mpcsign_link_recv returns frames until one of those errors or
 *    -ECONNRESET; each frame has seq = previous + 1 (from 1), a known type,
 *    body_len <= max_body, a body (NULL iff empty) equal to the stream bytes
 *    after its header; nothing is read past a refused header (the body of an
 *    oversized frame is never read, hence never allocated);
 *  - sending the accepted frames again through mpcsign_link_send gives the
 *    same bytes as the stream (canonical framing).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wire.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

struct mem {
	const uint8_t *p;
	size_t len, off;
	uint8_t *out;		/* written bytes (send side) */
	size_t out_len, out_cap;
};

static int mem_read(void *ctx, uint8_t *p, size_t n, int timeout_ms)
{
	struct mem *m = ctx;

	if (n > m->len - m->off) {
		m->off = m->len;	/* a partial read consumes what there was */
		return -ECONNRESET;
	}
	memcpy(p, m->p + m->off, n);
	m->off += n;
	return 0;
}

static int mem_write(void *ctx, const uint8_t *p, size_t n, int timeout_ms)
{
	struct mem *m = ctx;

	if (n > m->out_cap - m->out_len)
		return -ENOSPC;
	memcpy(m->out + m->out_len, p, n);
	m->out_len += n;
	return 0;
}

static const struct mpcsign_link_ops k_ops = { mem_write, mem_read };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem in = { 0 }, out = { 0 };
	struct mpcsign_link l, s;
	struct mpcsign_frame_hdr h;
	size_t max, eff;
	uint32_t seq = 0;
	int ret;

	if (size < 1)
		return 0;
	max = (size_t)data[0] * 64;
	eff = max ? max : MPCSIGN_FRAME_MAX_BODY;
	in.p = data + 1;
	in.len = size - 1;

	if (in.len >= MPCSIGN_FRAME_HDR_LEN) {
		uint8_t again[MPCSIGN_FRAME_HDR_LEN];

		ret = mpcsign_frame_hdr_parse(&h, in.p, max);
		CHECK(ret == 0 || ret == -EBADMSG || ret == -EMSGSIZE || ret == -EPROTO);
		if (!ret) {
			CHECK(h.body_len <= eff && mpcsign_msg_type_known(h.type) && !h.flags &&
			      h.version == MPCSIGN_WIRE_VERSION);
			mpcsign_frame_hdr_encode(again, &h);
			CHECK(!memcmp(again, in.p, MPCSIGN_FRAME_HDR_LEN));
		}
	}

	out.out_cap = in.len;
	out.out = malloc(out.out_cap ? out.out_cap : 1);
	CHECK(out.out);
	mpcsign_link_init(&l, &k_ops, &in, max);
	mpcsign_link_init(&s, &k_ops, &out, 0);
	for (;;) {
		size_t start = in.off;
		uint8_t *body = (uint8_t *)1;

		ret = mpcsign_link_recv(&l, &h, &body, 1000);
		if (ret) {
			CHECK(ret == -EBADMSG || ret == -EMSGSIZE || ret == -EPROTO ||
			      ret == -ECONNRESET);
			CHECK(body == NULL);
			/* a refused header: nothing read past it */
			if (ret != -ECONNRESET)
				CHECK(in.off == start + MPCSIGN_FRAME_HDR_LEN);
			break;
		}
		CHECK(h.seq == ++seq && l.seq_in == seq);
		CHECK(mpcsign_msg_type_known(h.type) && h.body_len <= eff);
		CHECK(in.off == start + MPCSIGN_FRAME_HDR_LEN + h.body_len);
		CHECK(h.body_len ? body && !memcmp(body, in.p + start + MPCSIGN_FRAME_HDR_LEN,
						   h.body_len) : body == NULL);
		CHECK(mpcsign_link_send(&s, h.type, h.session, body, h.body_len, 1000) == 0);
		CHECK(out.out_len == in.off && !memcmp(out.out, in.p, in.off));
		free(body);
	}
	free(out.out);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static const uint8_t types[3] = { MPCSIGN_MSG_AUTH, MPCSIGN_MSG_SIGN_REQ, MPCSIGN_MSG_SIGN_PSIG };
	uint8_t buf[1 + 3 * (32 + 40)];
	struct mpcsign_frame_hdr h;
	size_t off = 1;
	int i;

	buf[0] = 0;
	for (i = 0; i < 3; i++) {
		memset(&h, 0, sizeof(h));
		h.version = MPCSIGN_WIRE_VERSION;
		h.type = types[i];
		h.seq = (uint32_t)i + 1;
		h.body_len = 40;
		if (i)
			memset(h.session, 0xc4, sizeof(h.session));
		mpcsign_frame_hdr_encode(buf + off, &h);
		memset(buf + off + 32, 0x30 + i, 40);
		off += 72;
	}
	emit(buf, off);
	buf[0] = 1;	/* max_body 64: still fits */
	emit(buf, off);
	emit(buf, 1 + 32 + 20);	/* EOF in the first body */
}
