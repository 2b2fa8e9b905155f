// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_wire_sign_req.c - the SIGN_REQ decoder (userspace/lib/wire.c).
 *
 * Input: a SIGN_REQ body.  Properties (abort() if violated):
 *  - the decoder returns 0 or -EBADMSG, never reads past the body (ASan);
 *  - accepted: every count within its maximum, ids strictly increasing and
 *    < 255, tweak_xonly bits past num_tweaks zero, approvers distinct, the
 *    fields in the body; the approval digest and request hash do not change
 *    on re-encoding;
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
	uint32_t ids[MPCSIGN_WIRE_MAX_N];
	struct mpcsign_msg_sign_req m, m2;
	struct mpcsign_buf b;
	uint8_t d1[32], d2[32];
	size_t i, j;
	int ret = mpcsign_msg_sign_req_decode(&m, data, size);

	CHECK(ret == 0 || ret == -EBADMSG);
	if (ret)
		return 0;
	CHECK((m.thresh_pk[0] | 1) == 3 && m.kind == MPCSIGN_SIGN_KIND_RAW);
	CHECK(m.msg_len <= MPCSIGN_WIRE_MAX_MSG);
	CHECK(m.num_signers >= 1 && m.num_signers <= MPCSIGN_WIRE_MAX_N);
	CHECK(m.num_tweaks <= MPCSIGN_WIRE_MAX_TWEAKS && m.num_approvals <= MPCSIGN_WIRE_MAX_APPROVALS);
	CHECK(size == 33 + 8 + 4 + 4 + m.msg_len + 2 + 4 * (size_t)m.num_signers + 1 + 8 +
		      32 * (size_t)m.num_tweaks + 1 + 96 * (size_t)m.num_approvals);
	CHECK(!m.msg_len || (m.msg >= data && m.msg + m.msg_len <= data + size));
	for (i = 0; i < m.num_signers; i++) {
		ids[i] = mpcsign_msg_sign_req_id(&m, i);
		CHECK(ids[i] < MPCSIGN_WIRE_MAX_N && (!i || ids[i] > ids[i - 1]));
	}
	CHECK(m.num_tweaks == 64 || !(m.tweak_xonly >> m.num_tweaks));
	for (i = 0; i < m.num_approvals; i++)
		for (j = 0; j < i; j++)
			CHECK(memcmp(m.approvals[i].approver_x, m.approvals[j].approver_x, 32));
	mpcsign_buf_init(&b);
	mpcsign_msg_sign_req_encode(&b, &m, ids);
	same_bytes(&b, data, size);
	CHECK(mpcsign_msg_sign_req_decode(&m2, b.p, b.len) == 0);
	mpcsign_approval_digest(d1, &m);
	mpcsign_approval_digest(d2, &m2);
	CHECK(!memcmp(d1, d2, 32));
	mpcsign_sign_request_hash(d1, sess, data, size);
	mpcsign_sign_request_hash(d2, sess, b.p, b.len);
	CHECK(!memcmp(d1, d2, 32));
	mpcsign_buf_free(&b);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static const uint32_t ids[3] = { 0, 1, 4 };
	uint8_t msg[32], tweaks[2][32];
	struct mpcsign_approval ap[2];
	struct mpcsign_msg_sign_req m;
	struct mpcsign_buf b;

	memset(&m, 0, sizeof(m));
	memset(msg, 0x42, sizeof(msg));
	memset(tweaks, 0x07, sizeof(tweaks));
	memset(ap, 0x99, sizeof(ap));
	ap[1].approver_x[0] = 0x98;
	memset(m.thresh_pk, 0x21, 33);
	m.thresh_pk[0] = 2;
	m.expiry = 1800000000;
	m.msg = msg;
	m.msg_len = sizeof(msg);
	m.num_signers = 3;
	mpcsign_buf_init(&b);
	mpcsign_msg_sign_req_encode(&b, &m, ids);
	CHECK(b.err == 0);
	emit(b.p, b.len);
	mpcsign_buf_free(&b);
	m.tweaks = (const uint8_t (*)[32])tweaks;
	m.num_tweaks = 2;
	m.tweak_xonly = 2;
	m.approvals = ap;
	m.num_approvals = 2;
	mpcsign_msg_sign_req_encode(&b, &m, ids);
	CHECK(b.err == 0);
	emit(b.p, b.len);
	mpcsign_buf_free(&b);
}
