// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_wire.c - the network frames and messages (userspace/lib/wire.c).
 *
 * Round trips of every message; every truncation and a one-byte extension
 * of each refused; each field's bad values (counts, reserved bytes, text,
 * order, prefixes, duplicates) refused; header errors; the digests against
 * OpenSSL's SHA-256 over the layout written out by hand here; a link over a
 * socketpair: frames in order, replay, oversize (nothing read past the
 * header), EOF in the middle of a frame, a whole-frame timeout against a
 * peer that sends one byte at a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/sha.h>
#include "test.h"
#include "wire.h"

/* --- helpers ---------------------------------------------------------------------- */

static void rand_pk(uint8_t pk[33])
{
	test_rand_bytes(pk, 33);
	pk[0] = 2 + (pk[1] & 1);
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void be64(uint8_t *p, uint64_t v)
{
	be32(p, (uint32_t)(v >> 32));
	be32(p + 4, (uint32_t)v);
}

typedef int (*decode_fn)(void *m, const uint8_t *body, size_t len);

/* every proper prefix of a valid body is refused; returns 1 if so */
static int truncations_refused(decode_fn dec, void *m, const uint8_t *body, size_t len)
{
	uint8_t *copy;
	size_t k;
	int ok = 1;

	for (k = 0; k < len; k++) {
		/* a fresh copy of exactly k bytes, so ASan sees any read past the end */
		copy = malloc(k ? k : 1);
		memcpy(copy, body, k);
		if (dec(m, k ? copy : NULL, k) != -EBADMSG) {
			TEST_FAIL("truncated to %zu of %zu accepted", k, len);
			ok = 0;
		}
		free(copy);
	}
	return ok;
}

/* the body with one more byte (value x) at the end */
static int extension_refused(decode_fn dec, void *m, const uint8_t *body, size_t len)
{
	uint8_t *copy = malloc(len + 1);
	int ok = 1, x;

	memcpy(copy, body, len);
	for (x = 0; x < 256; x += 85) {
		copy[len] = (uint8_t)x;
		if (dec(m, copy, len + 1) != -EBADMSG)
			ok = 0;
	}
	free(copy);
	return ok;
}

/* decode after setting body[off] = v (on a copy) */
static int decode_with(decode_fn dec, void *m, const uint8_t *body, size_t len, size_t off,
		       uint8_t v)
{
	uint8_t *copy = malloc(len);
	int ret;

	memcpy(copy, body, len);
	copy[off] = v;
	ret = dec(m, copy, len);
	free(copy);
	return ret;
}

/* --- frame header --------------------------------------------------------------- */

static void test_header(void)
{
	struct mpcsign_frame_hdr h, g;
	uint8_t raw[32], bad[32];
	int ok = 1;

	memset(&h, 0, sizeof(h));
	h.body_len = 1234;
	h.version = MPCSIGN_WIRE_VERSION;
	h.type = MPCSIGN_MSG_SIGN_REQ;
	h.seq = 0x01020304;
	test_rand_bytes(h.session, 16);
	mpcsign_frame_hdr_encode(raw, &h);
	/* the layout, byte by byte */
	ok &= !memcmp(raw, "MPCS", 4) && raw[4] == 0 && raw[5] == 0 && raw[6] == 0x04 &&
	      raw[7] == 0xd2 && raw[8] == 1 && raw[9] == 32 && raw[10] == 0 && raw[11] == 0 &&
	      raw[12] == 1 && raw[13] == 2 && raw[14] == 3 && raw[15] == 4 &&
	      !memcmp(raw + 16, h.session, 16);
	ok &= mpcsign_frame_hdr_parse(&g, raw, 0) == 0 && !memcmp(&g, &h, sizeof(h));
	test_report(ok, "wire: header layout and round trip");

	ok = 1;
	memcpy(bad, raw, 32);
	bad[0] = 'm';
	ok &= mpcsign_frame_hdr_parse(&g, bad, 0) == -EBADMSG;
	memcpy(bad, raw, 32);
	bad[3] = 'T';
	ok &= mpcsign_frame_hdr_parse(&g, bad, 0) == -EBADMSG;
	memcpy(bad, raw, 32);
	bad[8] = 2;	/* version */
	ok &= mpcsign_frame_hdr_parse(&g, bad, 0) == -EBADMSG;
	bad[8] = 0;
	ok &= mpcsign_frame_hdr_parse(&g, bad, 0) == -EBADMSG;
	memcpy(bad, raw, 32);
	bad[11] = 1;	/* flags */
	ok &= mpcsign_frame_hdr_parse(&g, bad, 0) == -EBADMSG;
	memcpy(bad, raw, 32);
	bad[10] = 0x80;
	ok &= mpcsign_frame_hdr_parse(&g, bad, 0) == -EBADMSG;
	test_report(ok, "wire: header: bad magic, version, flags -> EBADMSG");

	ok = 1;
	memcpy(bad, raw, 32);
	be32(bad + 4, MPCSIGN_FRAME_MAX_BODY);
	ok &= mpcsign_frame_hdr_parse(&g, bad, 0) == 0 && g.body_len == MPCSIGN_FRAME_MAX_BODY;
	be32(bad + 4, MPCSIGN_FRAME_MAX_BODY + 1);
	ok &= mpcsign_frame_hdr_parse(&g, bad, 0) == -EMSGSIZE;
	/* a larger max is capped to MPCSIGN_FRAME_MAX_BODY */
	ok &= mpcsign_frame_hdr_parse(&g, bad, (size_t)1 << 30) == -EMSGSIZE;
	be32(bad + 4, 0xffffffff);
	ok &= mpcsign_frame_hdr_parse(&g, bad, 0) == -EMSGSIZE;
	be32(bad + 4, 100);
	ok &= mpcsign_frame_hdr_parse(&g, bad, 100) == 0;
	ok &= mpcsign_frame_hdr_parse(&g, bad, 99) == -EMSGSIZE;
	test_report(ok, "wire: header: body_len > max (own max, capped max) -> EMSGSIZE");

	ok = 1;
	{
		unsigned int t, known = 0;

		for (t = 0; t < 256; t++) {
			int r;

			memcpy(bad, raw, 32);
			bad[9] = (uint8_t)t;
			r = mpcsign_frame_hdr_parse(&g, bad, 0);
			if (mpcsign_msg_type_known(t)) {
				known++;
				ok &= r == 0 && strcmp(mpcsign_msg_type_name(t), "UNKNOWN");
			} else {
				ok &= r == -EPROTO && !strcmp(mpcsign_msg_type_name(t), "UNKNOWN");
			}
		}
		ok &= known == 17;
		ok &= !strcmp(mpcsign_msg_type_name(MPCSIGN_MSG_SIGN_REQ), "SIGN_REQ");
	}
	ok &= !strcmp(mpcsign_wire_err_name(MPCSIGN_WERR_CONFLICT), "CONFLICT") &&
	      !strcmp(mpcsign_wire_err_name(0), "UNKNOWN") &&
	      !strcmp(mpcsign_wire_err_name(MPCSIGN_WERR_MAX + 1), "UNKNOWN") &&
	      !strcmp(mpcsign_wire_err_name(MPCSIGN_WERR_INTERNAL), "INTERNAL");
	test_report(ok, "wire: header: 17 known types parse, the other 239 -> EPROTO; names");
}

/* --- buffer --------------------------------------------------------------------- */

static void test_buf(void)
{
	struct mpcsign_buf b;
	uint8_t big[1000];
	int ok = 1, i;

	mpcsign_buf_init(&b);
	mpcsign_buf_u8(&b, 0x01);
	mpcsign_buf_u16(&b, 0x0203);
	mpcsign_buf_u32(&b, 0x04050607);
	mpcsign_buf_u64(&b, 0x08090a0b0c0d0e0fULL);
	ok &= b.err == 0 && b.len == 15;
	for (i = 0; i < 15 && ok; i++)
		ok &= b.p[i] == i + 1;
	memset(big, 0x5a, sizeof(big));
	mpcsign_buf_free(&b);
	ok &= b.p == NULL && b.len == 0 && b.err == 0;
	mpcsign_buf_init(&b);
	for (i = 0; i < 262; i++)
		mpcsign_buf_put(&b, big, sizeof(big));
	ok &= b.err == 0 && b.len == 262000;
	mpcsign_buf_put(&b, big, sizeof(big));	/* 263000 > 262144 */
	ok &= b.err == -EMSGSIZE && b.len == 262000;
	mpcsign_buf_u8(&b, 1);
	ok &= b.err == -EMSGSIZE && b.len == 262000;
	mpcsign_buf_free(&b);
	/* own max */
	mpcsign_buf_init(&b);
	b.max = 10;
	mpcsign_buf_put(&b, big, 10);
	ok &= b.err == 0 && b.len == 10;
	mpcsign_buf_u8(&b, 1);
	ok &= b.err == -EMSGSIZE;
	mpcsign_buf_free(&b);
	ok &= b.max == 10;
	mpcsign_buf_init(&b);
	mpcsign_buf_put(&b, NULL, 0);
	ok &= b.err == 0 && b.len == 0;
	mpcsign_buf_put(&b, NULL, 1);
	ok &= b.err == -EINVAL && b.len == 0;
	mpcsign_buf_free(&b);
	test_report(ok, "wire: buf: big-endian puts, growth, sticky EMSGSIZE at the max");
}

/* --- messages ------------------------------------------------------------------- */

static int dec_auth(void *m, const uint8_t *b, size_t l) { return mpcsign_msg_auth_decode(m, b, l); }
static int dec_error(void *m, const uint8_t *b, size_t l) { return mpcsign_msg_error_decode(m, b, l); }
static int dec_propose(void *m, const uint8_t *b, size_t l) { return mpcsign_msg_dkg_propose_decode(m, b, l); }
static int dec_final(void *m, const uint8_t *b, size_t l) { return mpcsign_msg_dkg_final_decode(m, b, l); }
static int dec_acks(void *m, const uint8_t *b, size_t l) { return mpcsign_msg_dkg_acks_decode(m, b, l); }
static int dec_req(void *m, const uint8_t *b, size_t l) { return mpcsign_msg_sign_req_decode(m, b, l); }
static int dec_agg(void *m, const uint8_t *b, size_t l) { return mpcsign_msg_sign_agg_decode(m, b, l); }

static void test_auth(void)
{
	struct mpcsign_msg_auth a, d;
	struct mpcsign_buf b;
	int ok = 1;

	a.role = MPCSIGN_ROLE_COORDINATOR;
	rand_pk(a.sender_pk);
	rand_pk(a.receiver_pk);
	test_rand_bytes(a.sig, 64);
	mpcsign_buf_init(&b);
	mpcsign_msg_auth_encode(&b, &a);
	ok &= b.err == 0 && b.len == MPCSIGN_AUTH_BODY_LEN;
	ok &= b.p[0] == 1 && !b.p[1] && !b.p[2] && !b.p[3] && !memcmp(b.p + 4, a.sender_pk, 33) &&
	      !memcmp(b.p + 37, a.receiver_pk, 33) && !memcmp(b.p + 70, a.sig, 64);
	ok &= mpcsign_msg_auth_decode(&d, b.p, b.len) == 0 && !memcmp(&a, &d, sizeof(a));
	test_report(ok, "wire: AUTH round trip and layout");

	ok = truncations_refused(dec_auth, &d, b.p, b.len);
	ok &= extension_refused(dec_auth, &d, b.p, b.len);
	ok &= decode_with(dec_auth, &d, b.p, b.len, 0, 0) == -EBADMSG;
	ok &= decode_with(dec_auth, &d, b.p, b.len, 0, 3) == -EBADMSG;
	ok &= decode_with(dec_auth, &d, b.p, b.len, 0, 2) == 0;
	ok &= decode_with(dec_auth, &d, b.p, b.len, 1, 1) == -EBADMSG;
	ok &= decode_with(dec_auth, &d, b.p, b.len, 3, 0x80) == -EBADMSG;
	ok &= decode_with(dec_auth, &d, b.p, b.len, 4, 4) == -EBADMSG;
	ok &= decode_with(dec_auth, &d, b.p, b.len, 37, 0) == -EBADMSG;
	ok &= decode_with(dec_auth, &d, b.p, b.len, 4, 3) == 0 ||
	      decode_with(dec_auth, &d, b.p, b.len, 4, 2) == 0;
	/* sender == receiver */
	memcpy(a.receiver_pk, a.sender_pk, 33);
	mpcsign_buf_free(&b);
	mpcsign_msg_auth_encode(&b, &a);
	ok &= b.err == -EINVAL;
	mpcsign_buf_free(&b);
	test_report(ok, "wire: AUTH: truncated, extended, role, reserved, prefixes, sender == receiver refused");
}

static void test_error(void)
{
	static const char text[] = "policy: rule hot denied: over 10/3600";
	struct mpcsign_msg_error e, d;
	struct mpcsign_buf b;
	char big[MPCSIGN_WIRE_MAX_ERRTEXT + 1];
	int ok = 1;

	memset(&e, 0, sizeof(e));
	e.code = MPCSIGN_WERR_RATE;
	e.sys_errno = EAGAIN;
	e.blame_kind = 0;
	e.blame_index = MPCSIGN_BLAME_NONE;
	e.text = text;
	e.text_len = sizeof(text) - 1;
	mpcsign_buf_init(&b);
	mpcsign_msg_error_encode(&b, &e);
	ok &= b.err == 0 && b.len == 18 + sizeof(text) - 1;
	ok &= b.p[3] == 4 && b.p[7] == EAGAIN && b.p[12] == 0xff && b.p[16] == 0 &&
	      b.p[17] == sizeof(text) - 1;
	ok &= mpcsign_msg_error_decode(&d, b.p, b.len) == 0 && d.code == e.code &&
	      d.sys_errno == e.sys_errno && d.blame_kind == 0 && d.blame_index == MPCSIGN_BLAME_NONE &&
	      d.text_len == e.text_len && d.text == (const char *)b.p + 18 &&
	      !memcmp(d.text, text, d.text_len);
	test_report(ok, "wire: ERROR round trip and layout");

	ok = truncations_refused(dec_error, &d, b.p, b.len);
	ok &= extension_refused(dec_error, &d, b.p, b.len);
	ok &= decode_with(dec_error, &d, b.p, b.len, 3, 0) == -EBADMSG;		/* code 0 */
	ok &= decode_with(dec_error, &d, b.p, b.len, 3, MPCSIGN_WERR_MAX) == 0;
	ok &= decode_with(dec_error, &d, b.p, b.len, 3, MPCSIGN_WERR_MAX + 1) == -EBADMSG;
	ok &= decode_with(dec_error, &d, b.p, b.len, 0, 1) == -EBADMSG;		/* code 2^24 + 4 */
	ok &= decode_with(dec_error, &d, b.p, b.len, 6, 0x10) == -EBADMSG;	/* errno 4096+ */
	ok &= decode_with(dec_error, &d, b.p, b.len, 6, 0x0f) == 0;		/* errno 0xf0b */
	ok &= decode_with(dec_error, &d, b.p, b.len, 11, 15) == 0;		/* blame kind */
	ok &= decode_with(dec_error, &d, b.p, b.len, 11, 16) == -EBADMSG;
	ok &= decode_with(dec_error, &d, b.p, b.len, 15, 0xfe) == -EBADMSG;	/* index 2^32-2 */
	ok &= decode_with(dec_error, &d, b.p, b.len, 18, 0x7f) == -EBADMSG;	/* DEL */
	ok &= decode_with(dec_error, &d, b.p, b.len, 18, '\n') == -EBADMSG;
	ok &= decode_with(dec_error, &d, b.p, b.len, 18, 0xc3) == -EBADMSG;	/* non-ASCII */
	ok &= decode_with(dec_error, &d, b.p, b.len, 18, '~') == 0;
	ok &= decode_with(dec_error, &d, b.p, b.len, 17, (uint8_t)(b.p[17] + 1)) == -EBADMSG;
	ok &= decode_with(dec_error, &d, b.p, b.len, 17, (uint8_t)(b.p[17] - 1)) == -EBADMSG;
	mpcsign_buf_free(&b);

	/* blame index in range, empty text, longest text, one too long */
	e.blame_kind = 13;
	e.blame_index = MPCSIGN_WIRE_MAX_N - 1;
	e.text_len = 0;
	e.text = NULL;
	mpcsign_msg_error_encode(&b, &e);
	ok &= b.err == 0 && b.len == 18 && mpcsign_msg_error_decode(&d, b.p, b.len) == 0 &&
	      d.text == NULL && d.blame_index == MPCSIGN_WIRE_MAX_N - 1;
	mpcsign_buf_free(&b);
	e.blame_index = MPCSIGN_WIRE_MAX_N;
	mpcsign_msg_error_encode(&b, &e);
	ok &= b.err == -EINVAL;
	mpcsign_buf_free(&b);
	e.blame_index = 0;
	memset(big, 'x', sizeof(big));
	e.text = big;
	e.text_len = MPCSIGN_WIRE_MAX_ERRTEXT;
	mpcsign_msg_error_encode(&b, &e);
	ok &= b.err == 0 && mpcsign_msg_error_decode(&d, b.p, b.len) == 0;
	mpcsign_buf_free(&b);
	e.text_len = MPCSIGN_WIRE_MAX_ERRTEXT + 1;
	mpcsign_msg_error_encode(&b, &e);
	ok &= b.err == -EINVAL;
	mpcsign_buf_free(&b);
	/* the same on the wire */
	{
		uint8_t raw[18 + MPCSIGN_WIRE_MAX_ERRTEXT + 1];

		memset(raw, 0, 18);
		raw[3] = 1;
		be32(raw + 12, MPCSIGN_BLAME_NONE);
		raw[16] = (MPCSIGN_WIRE_MAX_ERRTEXT + 1) >> 8;
		raw[17] = (MPCSIGN_WIRE_MAX_ERRTEXT + 1) & 0xff;
		memset(raw + 18, 'a', MPCSIGN_WIRE_MAX_ERRTEXT + 1);
		ok &= mpcsign_msg_error_decode(&d, raw, sizeof(raw)) == -EBADMSG;
		raw[17]--;
		ok &= mpcsign_msg_error_decode(&d, raw, sizeof(raw) - 1) == 0;
	}
	test_report(ok, "wire: ERROR: truncated, extended, code, errno, blame, text range and bytes refused");
}

/* a valid DKG_PROPOSE body with n keys */
static void make_propose(struct mpcsign_buf *b, uint8_t (*hpk)[33], uint32_t t, uint32_t n,
			 const char *desc)
{
	struct mpcsign_msg_dkg_propose p;
	uint32_t i;

	for (i = 0; i < n; i++)
		rand_pk(hpk[i]);
	p.t = t;
	p.n = n;
	p.expiry = 1700000000;
	p.desc = desc;
	p.desc_len = (uint16_t)strlen(desc);
	p.hostpubkeys = (const uint8_t (*)[33])hpk;
	mpcsign_buf_init(b);
	mpcsign_msg_dkg_propose_encode(b, &p);
}

static void test_propose(void)
{
	static uint8_t hpk[MPCSIGN_WIRE_MAX_N + 1][33];
	static const char desc[] = "cold wallet 2-of-3 (alice, bob, carol)";
	struct mpcsign_msg_dkg_propose d, p;
	struct mpcsign_buf b;
	size_t off;
	int ok = 1;

	make_propose(&b, hpk, 2, 3, desc);
	ok &= b.err == 0 && b.len == 18 + strlen(desc) + 99;
	ok &= b.p[3] == 2 && b.p[7] == 3 && b.p[17] == strlen(desc);
	ok &= mpcsign_msg_dkg_propose_decode(&d, b.p, b.len) == 0 && d.t == 2 && d.n == 3 &&
	      d.expiry == 1700000000 && d.desc_len == strlen(desc) &&
	      !memcmp(d.desc, desc, d.desc_len) && !memcmp(d.hostpubkeys, hpk, 99) &&
	      (const uint8_t *)d.hostpubkeys == b.p + 18 + strlen(desc);
	test_report(ok, "wire: DKG_PROPOSE round trip and layout");

	ok = truncations_refused(dec_propose, &d, b.p, b.len);
	ok &= extension_refused(dec_propose, &d, b.p, b.len);
	ok &= decode_with(dec_propose, &d, b.p, b.len, 3, 0) == -EBADMSG;	/* t = 0 */
	ok &= decode_with(dec_propose, &d, b.p, b.len, 3, 4) == -EBADMSG;	/* t > n */
	ok &= decode_with(dec_propose, &d, b.p, b.len, 3, 3) == 0;		/* t = n */
	ok &= decode_with(dec_propose, &d, b.p, b.len, 0, 1) == -EBADMSG;	/* t huge */
	ok &= decode_with(dec_propose, &d, b.p, b.len, 7, 2) == -EBADMSG;	/* n != keys */
	ok &= decode_with(dec_propose, &d, b.p, b.len, 7, 4) == -EBADMSG;
	ok &= decode_with(dec_propose, &d, b.p, b.len, 4, 1) == -EBADMSG;	/* n huge */
	ok &= decode_with(dec_propose, &d, b.p, b.len, 17, (uint8_t)(strlen(desc) + 1)) == -EBADMSG;
	ok &= decode_with(dec_propose, &d, b.p, b.len, 18, 0x1f) == -EBADMSG;	/* desc byte */
	ok &= decode_with(dec_propose, &d, b.p, b.len, 18, 0x80) == -EBADMSG;
	ok &= decode_with(dec_propose, &d, b.p, b.len, 18, ' ') == 0;
	off = 18 + strlen(desc);
	ok &= decode_with(dec_propose, &d, b.p, b.len, off, 4) == -EBADMSG;	/* prefix */
	ok &= decode_with(dec_propose, &d, b.p, b.len, off + 66, 0) == -EBADMSG;
	ok &= decode_with(dec_propose, &d, b.p, b.len, off + 33, 0x06) == -EBADMSG;
	mpcsign_buf_free(&b);

	/* duplicate host keys (the last equal to the first) */
	memcpy(hpk[2], hpk[0], 33);
	p.t = 2;
	p.n = 3;
	p.expiry = 0;
	p.desc = NULL;
	p.desc_len = 0;
	p.hostpubkeys = (const uint8_t (*)[33])hpk;
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_propose_encode(&b, &p);
	ok &= b.err == -EINVAL;
	mpcsign_buf_free(&b);
	hpk[2][32] ^= 1;
	mpcsign_msg_dkg_propose_encode(&b, &p);
	ok &= b.err == 0 && mpcsign_msg_dkg_propose_decode(&d, b.p, b.len) == 0 && d.desc == NULL;
	/* the same duplicate on the wire */
	b.p[18 + 66 + 32] ^= 1;
	ok &= mpcsign_msg_dkg_propose_decode(&d, b.p, b.len) == -EBADMSG;
	mpcsign_buf_free(&b);
	test_report(ok, "wire: DKG_PROPOSE: truncated, extended, t/n, desc, prefixes, duplicates refused");

	ok = 1;
	/* n = MAX_N accepted (and then one more key refused), desc of MAX and MAX+1 */
	make_propose(&b, hpk, 1, MPCSIGN_WIRE_MAX_N, "");
	ok &= b.err == 0 && mpcsign_msg_dkg_propose_decode(&d, b.p, b.len) == 0 &&
	      d.n == MPCSIGN_WIRE_MAX_N && d.t == 1;
	mpcsign_buf_free(&b);
	p.t = 1;
	p.n = MPCSIGN_WIRE_MAX_N + 1;
	rand_pk(hpk[MPCSIGN_WIRE_MAX_N]);
	mpcsign_msg_dkg_propose_encode(&b, &p);
	ok &= b.err == -EINVAL;
	mpcsign_buf_free(&b);
	{
		static char longdesc[MPCSIGN_WIRE_MAX_DESC + 2];
		static uint8_t raw[18 + MPCSIGN_WIRE_MAX_DESC + 1 + 33];

		memset(longdesc, 'd', MPCSIGN_WIRE_MAX_DESC);
		make_propose(&b, hpk, 1, 1, longdesc);
		ok &= b.err == 0 && mpcsign_msg_dkg_propose_decode(&d, b.p, b.len) == 0;
		mpcsign_buf_free(&b);
		longdesc[MPCSIGN_WIRE_MAX_DESC] = 'd';
		make_propose(&b, hpk, 1, 1, longdesc);
		ok &= b.err == -EINVAL;
		mpcsign_buf_free(&b);
		/* hand-made: desc_len = MAX + 1 */
		memset(raw, 0, sizeof(raw));
		raw[3] = 1;
		raw[7] = 1;
		raw[16] = (MPCSIGN_WIRE_MAX_DESC + 1) >> 8;
		raw[17] = (MPCSIGN_WIRE_MAX_DESC + 1) & 0xff;
		memset(raw + 18, 'a', MPCSIGN_WIRE_MAX_DESC + 1);
		raw[18 + MPCSIGN_WIRE_MAX_DESC + 1] = 2;
		ok &= mpcsign_msg_dkg_propose_decode(&d, raw, sizeof(raw)) == -EBADMSG;
		/* and n = 0 with no keys */
		memset(raw, 0, 18);
		ok &= mpcsign_msg_dkg_propose_decode(&d, raw, 18) == -EBADMSG;
	}
	test_report(ok, "wire: DKG_PROPOSE: n = 255 and desc of 256 fit; n = 256, desc of 257, n = 0 refused");
}

static void test_final_agg(void)
{
	struct mpcsign_msg_dkg_final f, fd;
	struct mpcsign_msg_sign_agg a, ad;
	struct mpcsign_buf b;
	int ok = 1;

	rand_pk(f.thresh_pk);
	test_rand_bytes(f.ack, 64);
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_final_encode(&b, &f);
	ok &= b.err == 0 && b.len == 97 && !memcmp(b.p, f.thresh_pk, 33) && !memcmp(b.p + 33, f.ack, 64);
	ok &= mpcsign_msg_dkg_final_decode(&fd, b.p, b.len) == 0 && !memcmp(&f, &fd, sizeof(f));
	ok &= truncations_refused(dec_final, &fd, b.p, b.len);
	ok &= extension_refused(dec_final, &fd, b.p, b.len);
	ok &= decode_with(dec_final, &fd, b.p, b.len, 0, 0) == -EBADMSG;
	ok &= decode_with(dec_final, &fd, b.p, b.len, 0, 4) == -EBADMSG;
	mpcsign_buf_free(&b);
	test_report(ok, "wire: DKG_FINAL round trip; truncated, extended, bad prefix refused");

	ok = 1;
	test_rand_bytes(a.request_hash, 32);
	rand_pk(a.aggnonce);
	rand_pk(a.aggnonce + 33);
	mpcsign_msg_sign_agg_encode(&b, &a);
	ok &= b.err == 0 && b.len == 98 && !memcmp(b.p + 32, a.aggnonce, 66);
	ok &= mpcsign_msg_sign_agg_decode(&ad, b.p, b.len) == 0 && !memcmp(&a, &ad, sizeof(a));
	ok &= truncations_refused(dec_agg, &ad, b.p, b.len);
	ok &= extension_refused(dec_agg, &ad, b.p, b.len);
	ok &= decode_with(dec_agg, &ad, b.p, b.len, 32, 1) == -EBADMSG;
	ok &= decode_with(dec_agg, &ad, b.p, b.len, 65, 4) == -EBADMSG;
	ok &= decode_with(dec_agg, &ad, b.p, b.len, 32, 0) == -EBADMSG;	/* 00 || nonzero x */
	mpcsign_buf_free(&b);
	/* infinity halves (33 zero bytes) are the spec's encoding and are accepted */
	memset(a.aggnonce, 0, 33);
	mpcsign_msg_sign_agg_encode(&b, &a);
	ok &= b.err == 0 && mpcsign_msg_sign_agg_decode(&ad, b.p, b.len) == 0;
	mpcsign_buf_free(&b);
	memset(a.aggnonce + 33, 0, 33);
	mpcsign_msg_sign_agg_encode(&b, &a);
	ok &= b.err == 0 && mpcsign_msg_sign_agg_decode(&ad, b.p, b.len) == 0;
	mpcsign_buf_free(&b);
	test_report(ok, "wire: SIGN_AGG round trip (also infinity halves); truncated, extended, bad prefixes refused");

	ok = mpcsign_msg_fixed_check(66, 66) == 0 && mpcsign_msg_fixed_check(65, 66) == -EBADMSG &&
	     mpcsign_msg_fixed_check(67, 66) == -EBADMSG && mpcsign_msg_fixed_check(0, 0) == 0;
	ok &= mpcsign_msg_ctl_req_check((const uint8_t *)"status", 6) == 0 &&
	      mpcsign_msg_ctl_req_check((const uint8_t *)"status\n", 7) == -EBADMSG &&
	      mpcsign_msg_ctl_req_check((const uint8_t *)"", 0) == -EBADMSG;
	{
		uint8_t c[MPCSIGN_CTL_MAX_CMD + 1];

		memset(c, 'k', sizeof(c));
		ok &= mpcsign_msg_ctl_req_check(c, MPCSIGN_CTL_MAX_CMD) == 0 &&
		      mpcsign_msg_ctl_req_check(c, MPCSIGN_CTL_MAX_CMD + 1) == -EBADMSG;
	}
	test_report(ok, "wire: fixed-size bodies and CTL_REQ commands");
}

static void test_acks(void)
{
	static uint8_t acks[MPCSIGN_WIRE_MAX_N][64];
	uint8_t rec[200];
	struct mpcsign_msg_dkg_acks a, d;
	struct mpcsign_buf b;
	int ok = 1;

	test_rand_bytes((uint8_t *)acks, sizeof(acks));
	test_rand_bytes(rec, sizeof(rec));
	a.n = 3;
	a.acks = (const uint8_t (*)[64])acks;
	a.recovery_data = rec;
	a.recovery_data_len = sizeof(rec);
	mpcsign_buf_init(&b);
	mpcsign_msg_dkg_acks_encode(&b, &a);
	ok &= b.err == 0 && b.len == 4 + 192 + 200 && b.p[3] == 3;
	ok &= mpcsign_msg_dkg_acks_decode(&d, b.p, b.len) == 0 && d.n == 3 &&
	      (const uint8_t *)d.acks == b.p + 4 && !memcmp(d.acks, acks, 192) &&
	      d.recovery_data == b.p + 196 && d.recovery_data_len == 200;
	test_report(ok, "wire: DKG_ACKS round trip and layout");

	ok = 1;
	/* truncation: down to 4 + 3*64 + 1 is a shorter recovery data; below it refused */
	{
		size_t k;

		for (k = 0; k <= 196; k++)
			ok &= dec_acks(&d, b.p, k) == -EBADMSG;
		ok &= dec_acks(&d, b.p, 197) == 0 && d.recovery_data_len == 1;
	}
	ok &= decode_with(dec_acks, &d, b.p, b.len, 3, 0) == -EBADMSG;		/* n = 0 */
	ok &= decode_with(dec_acks, &d, b.p, b.len, 2, 1) == -EBADMSG;		/* n = 259 */
	ok &= decode_with(dec_acks, &d, b.p, b.len, 3, 4) == 0 && d.recovery_data_len == 136;
	ok &= decode_with(dec_acks, &d, b.p, b.len, 3, 7) == -EBADMSG;		/* nothing left */
	ok &= decode_with(dec_acks, &d, b.p, b.len, 0, 0x80) == -EBADMSG;
	mpcsign_buf_free(&b);
	/* empty recovery data, n too large in the encoder */
	a.recovery_data_len = 0;
	mpcsign_msg_dkg_acks_encode(&b, &a);
	ok &= b.err == -EINVAL;
	mpcsign_buf_free(&b);
	a.recovery_data_len = 1;
	a.n = MPCSIGN_WIRE_MAX_N;
	mpcsign_msg_dkg_acks_encode(&b, &a);
	ok &= b.err == 0 && mpcsign_msg_dkg_acks_decode(&d, b.p, b.len) == 0 && d.n == 255;
	mpcsign_buf_free(&b);
	test_report(ok, "wire: DKG_ACKS: short, n = 0 / > 255 / past the body, empty recovery data refused");
}

/* A valid SIGN_REQ: 3 signers, 2 tweaks (one x-only), 2 approvals, a message. */
struct req_fixture {
	struct mpcsign_msg_sign_req m;
	uint32_t ids[MPCSIGN_WIRE_MAX_N + 1];
	uint8_t msg[64];
	uint8_t tweaks[MPCSIGN_WIRE_MAX_TWEAKS + 1][32];
	struct mpcsign_approval appr[MPCSIGN_WIRE_MAX_APPROVALS + 1];
};

static void req_fixture(struct req_fixture *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	rand_pk(f->m.thresh_pk);
	f->m.expiry = 0x0102030405060708ULL;
	f->m.kind = MPCSIGN_SIGN_KIND_RAW;
	test_rand_bytes(f->msg, sizeof(f->msg));
	f->m.msg = f->msg;
	f->m.msg_len = 40;
	f->ids[0] = 0;
	f->ids[1] = 2;
	f->ids[2] = 7;
	f->m.num_signers = 3;
	test_rand_bytes((uint8_t *)f->tweaks, sizeof(f->tweaks));
	for (i = 0; i <= MPCSIGN_WIRE_MAX_TWEAKS; i++)
		f->tweaks[i][0] &= 0x7f;	/* < n */
	f->m.tweaks = (const uint8_t (*)[32])f->tweaks;
	f->m.num_tweaks = 2;
	f->m.tweak_xonly = 2;
	test_rand_bytes((uint8_t *)f->appr, sizeof(f->appr));
	f->m.approvals = f->appr;
	f->m.num_approvals = 2;
}

static void test_sign_req(void)
{
	static struct req_fixture f;
	struct mpcsign_msg_sign_req d;
	struct mpcsign_buf b;
	size_t off_msg, off_ns, off_nt, off_xo, off_tw, off_na;
	int ok = 1;

	req_fixture(&f);
	mpcsign_buf_init(&b);
	mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
	off_msg = 33 + 8 + 1 + 3 + 4;
	off_ns = off_msg + 40;
	off_nt = off_ns + 2 + 12;
	off_xo = off_nt + 1;
	off_tw = off_xo + 8;
	off_na = off_tw + 64;
	ok &= b.err == 0 && b.len == off_na + 1 + 192;
	ok &= !memcmp(b.p, f.m.thresh_pk, 33) && b.p[33] == 1 && b.p[40] == 8 && b.p[41] == 0 &&
	      b.p[48] == 40 && !memcmp(b.p + off_msg, f.msg, 40) && b.p[off_ns + 1] == 3 &&
	      b.p[off_ns + 9] == 2 && b.p[off_ns + 13] == 7 && b.p[off_nt] == 2 &&
	      b.p[off_xo + 7] == 2 && !memcmp(b.p + off_tw, f.tweaks, 64) && b.p[off_na] == 2 &&
	      !memcmp(b.p + off_na + 1, f.appr, 192);
	ok &= mpcsign_msg_sign_req_decode(&d, b.p, b.len) == 0 &&
	      !memcmp(d.thresh_pk, f.m.thresh_pk, 33) && d.expiry == f.m.expiry && d.kind == 0 &&
	      d.msg_len == 40 && d.msg == b.p + off_msg && d.num_signers == 3 &&
	      mpcsign_msg_sign_req_id(&d, 0) == 0 && mpcsign_msg_sign_req_id(&d, 1) == 2 &&
	      mpcsign_msg_sign_req_id(&d, 2) == 7 && d.num_tweaks == 2 && d.tweak_xonly == 2 &&
	      (const uint8_t *)d.tweaks == b.p + off_tw && d.num_approvals == 2 &&
	      !memcmp(d.approvals[1].approver_x, f.appr[1].approver_x, 32) &&
	      !memcmp(d.approvals[1].sig, f.appr[1].sig, 64);
	test_report(ok, "wire: SIGN_REQ round trip and layout");

	ok = truncations_refused(dec_req, &d, b.p, b.len);
	ok &= extension_refused(dec_req, &d, b.p, b.len);
	ok &= decode_with(dec_req, &d, b.p, b.len, 0, 4) == -EBADMSG;		/* prefix */
	ok &= decode_with(dec_req, &d, b.p, b.len, 41, 1) == -EBADMSG;		/* kind */
	ok &= decode_with(dec_req, &d, b.p, b.len, 42, 1) == -EBADMSG;		/* reserved */
	ok &= decode_with(dec_req, &d, b.p, b.len, 44, 0x40) == -EBADMSG;
	ok &= decode_with(dec_req, &d, b.p, b.len, 48, 41) == -EBADMSG;		/* msg_len */
	ok &= decode_with(dec_req, &d, b.p, b.len, 48, 39) == -EBADMSG;
	ok &= decode_with(dec_req, &d, b.p, b.len, 46, 1) == -EBADMSG;		/* msg_len 64K+ */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_ns + 1, 0) == -EBADMSG;	/* no signers */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_ns + 1, 2) == -EBADMSG;	/* count */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_ns, 1) == -EBADMSG;	/* 259 signers */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_ns + 9, 0) == -EBADMSG;	/* 0, 0: equal */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_ns + 13, 1) == -EBADMSG;	/* 0, 2, 1 */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_ns + 13, 2) == -EBADMSG;	/* 0, 2, 2 */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_ns + 13, 254) == 0;	/* id 254 */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_ns + 13, 255) == -EBADMSG;	/* id 255 */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_ns + 10, 1) == -EBADMSG;	/* id 2^24 + 7 */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_nt, 3) == -EBADMSG;	/* tweak count */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_nt, MPCSIGN_WIRE_MAX_TWEAKS + 1) == -EBADMSG;
	ok &= decode_with(dec_req, &d, b.p, b.len, off_xo + 7, 3) == 0;		/* both x-only */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_xo + 7, 4) == -EBADMSG;	/* bit 2 */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_xo, 0x80) == -EBADMSG;	/* bit 63 */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_na, 3) == -EBADMSG;	/* approvals */
	ok &= decode_with(dec_req, &d, b.p, b.len, off_na, 1) == -EBADMSG;
	ok &= decode_with(dec_req, &d, b.p, b.len, off_na, MPCSIGN_WIRE_MAX_APPROVALS + 1) == -EBADMSG;
	mpcsign_buf_free(&b);
	test_report(ok, "wire: SIGN_REQ: truncated, extended, prefix, kind, reserved, counts, id order/range, xonly bits, tweak range refused");

	ok = 1;
	/* tweaks exactly n and n - 1 */
	{
		static const uint8_t order[32] = {
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
			0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41 };

		memcpy(f.tweaks[1], order, 32);
		mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
		ok &= b.err == -EINVAL;
		mpcsign_buf_free(&b);
		f.tweaks[1][31] = 0x40;
		mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
		ok &= b.err == 0 && mpcsign_msg_sign_req_decode(&d, b.p, b.len) == 0;
		mpcsign_buf_free(&b);
	}
	/* duplicate approver */
	memcpy(f.appr[1].approver_x, f.appr[0].approver_x, 32);
	mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
	ok &= b.err == -EINVAL;
	mpcsign_buf_free(&b);
	f.appr[1].approver_x[31] ^= 1;
	/* empty message, no tweaks, no approvals, one signer */
	f.m.msg_len = 0;
	f.m.num_tweaks = 0;
	f.m.tweak_xonly = 0;
	f.m.num_approvals = 0;
	f.m.num_signers = 1;
	mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
	ok &= b.err == 0 && b.len == 33 + 16 + 2 + 4 + 1 + 8 + 1 &&
	      mpcsign_msg_sign_req_decode(&d, b.p, b.len) == 0 && d.msg == NULL && d.tweaks == NULL &&
	      d.approvals == NULL && d.num_signers == 1;
	mpcsign_buf_free(&b);
	/* tweak_xonly with bits past num_tweaks in the encoder */
	f.m.tweak_xonly = 1;
	mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
	ok &= b.err == -EINVAL;
	mpcsign_buf_free(&b);
	f.m.tweak_xonly = 0;
	/* maximums: 255 signers, 64 tweaks all x-only, 16 approvals, 64 KiB message */
	{
		static uint8_t bigmsg[MPCSIGN_WIRE_MAX_MSG + 1];
		static uint8_t tw[MPCSIGN_WIRE_MAX_TWEAKS][32];
		static struct mpcsign_approval ap[MPCSIGN_WIRE_MAX_APPROVALS + 1];
		size_t i;

		for (i = 0; i < MPCSIGN_WIRE_MAX_N; i++)
			f.ids[i] = (uint32_t)i;
		memset(tw, 0x11, sizeof(tw));
		for (i = 0; i <= MPCSIGN_WIRE_MAX_APPROVALS; i++)
			memset(ap[i].approver_x, (int)i + 1, 32);
		f.m.num_signers = MPCSIGN_WIRE_MAX_N;
		f.m.msg = bigmsg;
		f.m.msg_len = MPCSIGN_WIRE_MAX_MSG;
		f.m.tweaks = (const uint8_t (*)[32])tw;
		f.m.num_tweaks = MPCSIGN_WIRE_MAX_TWEAKS;
		f.m.tweak_xonly = ~0ULL;
		f.m.approvals = ap;
		f.m.num_approvals = MPCSIGN_WIRE_MAX_APPROVALS;
		mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
		ok &= b.err == 0 && mpcsign_msg_sign_req_decode(&d, b.p, b.len) == 0 &&
		      d.num_signers == 255 && d.num_tweaks == 64 && d.tweak_xonly == ~0ULL &&
		      d.num_approvals == 16 && d.msg_len == MPCSIGN_WIRE_MAX_MSG &&
		      mpcsign_msg_sign_req_id(&d, 254) == 254;
		mpcsign_buf_free(&b);
		f.m.msg_len = MPCSIGN_WIRE_MAX_MSG + 1;
		mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
		ok &= b.err == -EINVAL;
		mpcsign_buf_free(&b);
		f.m.msg_len = 1;
		f.m.num_approvals = MPCSIGN_WIRE_MAX_APPROVALS + 1;
		mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
		ok &= b.err == -EINVAL;
		mpcsign_buf_free(&b);
		f.m.num_approvals = 0;
		f.m.num_tweaks = MPCSIGN_WIRE_MAX_TWEAKS + 1;
		mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
		ok &= b.err == -EINVAL;
		mpcsign_buf_free(&b);
		f.m.num_tweaks = 0;
		f.m.tweak_xonly = 0;
		f.m.num_signers = MPCSIGN_WIRE_MAX_N + 1;
		f.ids[MPCSIGN_WIRE_MAX_N] = MPCSIGN_WIRE_MAX_N;
		mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
		ok &= b.err == -EINVAL;
		mpcsign_buf_free(&b);
	}
	test_report(ok, "wire: SIGN_REQ: limits (255 signers, 64 tweaks, 16 approvals, 64 KiB) fit, one past each and duplicates refused");
}

/* --- digests against OpenSSL ----------------------------------------------------------- */

static void ossl_tagged(uint8_t out[32], const char *tag, const uint8_t *data, size_t len)
{
	uint8_t *buf = malloc(64 + len);

	/* SHA256(SHA256(tag) || SHA256(tag) || data), one-shot over a copy */
	SHA256((const uint8_t *)tag, strlen(tag), buf);
	memcpy(buf + 32, buf, 32);
	memcpy(buf + 64, data, len);
	SHA256(buf, 64 + len, out);
	free(buf);
}

static void test_digests(void)
{
	static struct req_fixture f;
	uint8_t binding[32], s_pk[33], r_pk[33], sess[16], d[32], want[32];
	uint8_t in[4096];
	size_t n;
	struct mpcsign_buf b;
	int ok = 1;

	test_rand_bytes(binding, 32);
	rand_pk(s_pk);
	rand_pk(r_pk);
	test_rand_bytes(sess, 16);

	/* AUTH: SHA256("mpcsign/auth/v1" || role || binding || sender || receiver) */
	n = 0;
	memcpy(in, "mpcsign/auth/v1", 15);
	n = 15;
	in[n++] = MPCSIGN_ROLE_PARTY;
	memcpy(in + n, binding, 32);
	n += 32;
	memcpy(in + n, s_pk, 33);
	n += 33;
	memcpy(in + n, r_pk, 33);
	n += 33;
	SHA256(in, n, want);
	mpcsign_auth_digest(d, MPCSIGN_ROLE_PARTY, binding, s_pk, r_pk);
	ok &= !memcmp(d, want, 32);
	mpcsign_auth_digest(d, MPCSIGN_ROLE_COORDINATOR, binding, s_pk, r_pk);
	ok &= memcmp(d, want, 32) != 0;
	test_report(ok, "wire: auth digest = OpenSSL SHA256 of the documented layout (and role-bound)");

	/* fingerprint */
	ok = 1;
	{
		static uint8_t hpk[3][33];

		make_propose(&b, hpk, 2, 3, "x");
		memcpy(in, "mpcsign/dkg-fingerprint/v1", 26);
		memcpy(in + 26, b.p, b.len);
		memcpy(in + 26 + b.len, sess, 16);
		SHA256(in, 26 + b.len + 16, want);
		mpcsign_dkg_fingerprint(d, b.p, b.len, sess);
		ok &= !memcmp(d, want, 32);
		mpcsign_buf_free(&b);
	}
	test_report(ok, "wire: DKG fingerprint = OpenSSL SHA256 of the documented layout");

	/* approval digest and request hash */
	ok = 1;
	req_fixture(&f);
	mpcsign_buf_init(&b);
	mpcsign_msg_sign_req_encode(&b, &f.m, f.ids);
	ok &= b.err == 0;
	n = 0;
	memcpy(in, f.m.thresh_pk, 33);
	n = 33;
	in[n++] = 0;
	be32(in + n, 40);
	n += 4;
	memcpy(in + n, f.msg, 40);
	n += 40;
	in[n++] = 2;
	be64(in + n, 2);
	n += 8;
	memcpy(in + n, f.tweaks, 64);
	n += 64;
	ossl_tagged(want, "mpcsign/approval/v1", in, n);
	{
		struct mpcsign_msg_sign_req dm;
		uint32_t ids2[2] = { 1, 5 };

		ok &= mpcsign_msg_sign_req_decode(&dm, b.p, b.len) == 0;
		mpcsign_approval_digest(d, &dm);
		ok &= !memcmp(d, want, 32);
		/* independent of signers, expiry and approvals */
		f.m.num_signers = 2;
		f.m.expiry = 5;
		f.m.num_approvals = 0;
		mpcsign_approval_digest(d, &f.m);
		ok &= !memcmp(d, want, 32);
		mpcsign_buf_free(&b);
		mpcsign_msg_sign_req_encode(&b, &f.m, ids2);
		ok &= b.err == 0 && mpcsign_msg_sign_req_decode(&dm, b.p, b.len) == 0;
		mpcsign_approval_digest(d, &dm);
		ok &= !memcmp(d, want, 32);
		/* bound to the message and the tweak flags */
		f.msg[39] ^= 1;
		mpcsign_approval_digest(d, &f.m);
		ok &= memcmp(d, want, 32) != 0;
		f.msg[39] ^= 1;
		f.m.tweak_xonly = 1;
		mpcsign_approval_digest(d, &f.m);
		ok &= memcmp(d, want, 32) != 0;
		f.m.tweak_xonly = 2;
	}
	test_report(ok, "wire: approval digest = OpenSSL tagged hash; independent of signers/expiry/approvals, bound to msg and tweaks");

	ok = 1;
	memcpy(in, "mpcsign/sign-request/v1", 23);
	memcpy(in + 23, sess, 16);
	memcpy(in + 39, b.p, b.len);
	SHA256(in, 39 + b.len, want);
	mpcsign_sign_request_hash(d, sess, b.p, b.len);
	ok &= !memcmp(d, want, 32);
	sess[0] ^= 1;
	mpcsign_sign_request_hash(d, sess, b.p, b.len);
	ok &= memcmp(d, want, 32) != 0;
	mpcsign_buf_free(&b);
	test_report(ok, "wire: sign request hash = OpenSSL SHA256 of the documented layout (session-bound)");
}

/* --- links over a socketpair --------------------------------------------------------- */

struct sock {
	int fd;
	size_t bytes_read;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sock_write(void *ctx, const uint8_t *p, size_t n, int timeout_ms)
{
	struct sock *s = ctx;

	while (n) {
		ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);

		if (w < 0)
			return errno == EINTR ? -EINTR : -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* reads exactly n bytes by the deadline of this call */
static int sock_read(void *ctx, uint8_t *p, size_t n, int timeout_ms)
{
	struct sock *s = ctx;
	int64_t deadline = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;

	while (n) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		int left = deadline < 0 ? -1 : (int)(deadline - mono_ms());
		ssize_t r;

		if (deadline >= 0 && left < 0)
			left = 0;
		if (poll(&pfd, 1, left) == 0)
			return -ETIMEDOUT;
		r = recv(s->fd, p, n, 0);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0)
			return -errno;
		p += r;
		n -= (size_t)r;
		s->bytes_read += (size_t)r;
	}
	return 0;
}

static const struct mpcsign_link_ops k_sock_ops = { sock_write, sock_read };

static void raw_frame(uint8_t out[32], uint8_t type, uint32_t seq, uint32_t body_len)
{
	struct mpcsign_frame_hdr h;

	memset(&h, 0, sizeof(h));
	h.version = MPCSIGN_WIRE_VERSION;
	h.type = type;
	h.seq = seq;
	h.body_len = body_len;
	mpcsign_frame_hdr_encode(out, &h);
}

struct dribble {
	int fd;
	size_t n;
	int gap_ms;
};

static void *dribble_thread(void *arg)
{
	struct dribble *d = arg;
	uint8_t frame[32 + 64];
	size_t i;

	/* half the header at once, then one byte per gap_ms */
	raw_frame(frame, MPCSIGN_MSG_CTL_REPLY, 1, (uint32_t)d->n);
	memset(frame + 32, 'x', d->n);
	if (send(d->fd, frame, 16, MSG_NOSIGNAL) != 16)
		return NULL;
	for (i = 16; i < 32 + d->n; i++) {
		struct timespec ts = { 0, d->gap_ms * 1000000L };

		nanosleep(&ts, NULL);
		if (send(d->fd, frame + i, 1, MSG_NOSIGNAL) != 1)
			break;
	}
	return NULL;
}

static void test_link(void)
{
	struct sock sa, sb;
	struct mpcsign_link a, b;
	struct mpcsign_frame_hdr h;
	uint8_t sess[16], body[1000], *got, raw[64];
	int sv[2], ok = 1, i;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	sa.fd = sv[0];
	sb.fd = sv[1];
	sa.bytes_read = sb.bytes_read = 0;
	mpcsign_link_init(&a, &k_sock_ops, &sa, 0);
	mpcsign_link_init(&b, &k_sock_ops, &sb, 0);
	test_rand_bytes(sess, 16);
	test_rand_bytes(body, sizeof(body));
	for (i = 0; i < 5; i++)
		ok &= mpcsign_link_send(&a, MPCSIGN_MSG_SIGN_REQ, sess, body, (size_t)i * 100, 1000) == 0;
	ok &= mpcsign_link_send(&a, MPCSIGN_MSG_AUTH, NULL, NULL, 0, 1000) == 0;
	ok &= a.seq_out == 6;
	for (i = 0; i < 5; i++) {
		got = NULL;
		ok &= mpcsign_link_recv(&b, &h, &got, 1000) == 0 && h.seq == (uint32_t)i + 1 &&
		      h.type == MPCSIGN_MSG_SIGN_REQ && h.body_len == (uint32_t)i * 100 &&
		      !memcmp(h.session, sess, 16) && (i ? got && !memcmp(got, body, (size_t)i * 100) :
						       got == NULL);
		free(got);
	}
	ok &= mpcsign_link_recv(&b, &h, &got, 1000) == 0 && h.type == MPCSIGN_MSG_AUTH &&
	      got == NULL && h.seq == 6 && b.seq_in == 6;
	{
		uint8_t z[16] = { 0 };

		ok &= !memcmp(h.session, z, 16);
	}
	/* sender refusals */
	ok &= mpcsign_link_send(&a, 99, sess, body, 1, 1000) == -EINVAL;
	ok &= mpcsign_link_send(&a, MPCSIGN_MSG_AUTH, sess, NULL, 5, 1000) == -EINVAL;
	ok &= mpcsign_link_send(&a, MPCSIGN_MSG_AUTH, sess, body, MPCSIGN_FRAME_MAX_BODY + 1,
				1000) == -EMSGSIZE;
	ok &= a.seq_out == 6;
	test_report(ok, "wire: link: 6 frames in order over a socketpair (seq 1..6, bodies intact)");

	/* replay: a frame with the seq already seen, then a skipped one */
	ok = 1;
	raw_frame(raw, MPCSIGN_MSG_SIGN_PSIG, 6, 0);
	ok &= send(sv[0], raw, 32, 0) == 32;
	ok &= mpcsign_link_recv(&b, &h, &got, 1000) == -EPROTO && got == NULL;
	b.seq_in = 6;
	raw_frame(raw, MPCSIGN_MSG_SIGN_PSIG, 8, 0);
	ok &= send(sv[0], raw, 32, 0) == 32;
	ok &= mpcsign_link_recv(&b, &h, &got, 1000) == -EPROTO;
	raw_frame(raw, MPCSIGN_MSG_SIGN_PSIG, 7, 0);
	ok &= send(sv[0], raw, 32, 0) == 32;
	ok &= mpcsign_link_recv(&b, &h, &got, 1000) == 0 && h.seq == 7;
	/* a recorded frame sent again as a whole */
	{
		uint8_t rec[32 + 10];
		struct sock sr = { sv[1], 0 };
		struct mpcsign_link r;

		mpcsign_link_init(&r, &k_sock_ops, &sr, 0);
		raw_frame(rec, MPCSIGN_MSG_SIGN_AGG, 1, 10);
		memset(rec + 32, 7, 10);
		ok &= send(sv[0], rec, 42, 0) == 42 && send(sv[0], rec, 42, 0) == 42;
		ok &= mpcsign_link_recv(&r, &h, &got, 1000) == 0 && got && got[9] == 7;
		free(got);
		ok &= mpcsign_link_recv(&r, &h, &got, 1000) == -EPROTO && got == NULL;
		/* the replayed body is still in the socket: nothing read past its header */
		ok &= sr.bytes_read == 42 + 32;
		ok &= recv(sv[1], rec, 10, MSG_DONTWAIT) == 10;
	}
	test_report(ok, "wire: link: replayed frame (same seq) and skipped seq -> EPROTO");

	/* oversize: a tiny max_body; the body is never read (so nothing was allocated for it) */
	ok = 1;
	{
		struct sock so = { sv[1], 0 };
		struct mpcsign_link l;
		uint8_t junk[64];

		mpcsign_link_init(&l, &k_sock_ops, &so, 16);
		raw_frame(raw, MPCSIGN_MSG_SIGN_AGG, 1, 17);
		memset(raw + 32, 0xee, 17);
		ok &= send(sv[0], raw, 49, 0) == 49;
		ok &= mpcsign_link_recv(&l, &h, &got, 1000) == -EMSGSIZE && got == NULL &&
		      so.bytes_read == 32 && l.seq_in == 0;
		ok &= recv(sv[1], junk, 17, MSG_DONTWAIT) == 17;
		raw_frame(raw, MPCSIGN_MSG_SIGN_AGG, 1, 0xffffffff);
		ok &= send(sv[0], raw, 32, 0) == 32;
		so.bytes_read = 0;
		mpcsign_link_init(&l, &k_sock_ops, &so, 0);
		ok &= mpcsign_link_recv(&l, &h, &got, 1000) == -EMSGSIZE && so.bytes_read == 32;
		/* 16 is accepted */
		raw_frame(raw, MPCSIGN_MSG_SIGN_AGG, 1, 16);
		ok &= send(sv[0], raw, 48, 0) == 48;
		mpcsign_link_init(&l, &k_sock_ops, &so, 16);
		ok &= mpcsign_link_recv(&l, &h, &got, 1000) == 0 && got && h.body_len == 16;
		free(got);
		/* bad magic, unknown type */
		raw_frame(raw, MPCSIGN_MSG_SIGN_AGG, 2, 0);
		raw[0] = 'X';
		ok &= send(sv[0], raw, 32, 0) == 32;
		ok &= mpcsign_link_recv(&l, &h, &got, 1000) == -EBADMSG;
		raw_frame(raw, 3, 2, 0);
		ok &= send(sv[0], raw, 32, 0) == 32;
		ok &= mpcsign_link_recv(&l, &h, &got, 1000) == -EPROTO;
	}
	test_report(ok, "wire: link: body_len > max_body -> EMSGSIZE with only the header read; bad magic, type");

	/* timeout: half a header; then a peer that sends the body one byte per 20 ms */
	ok = 1;
	{
		struct sock st = { sv[1], 0 };
		struct mpcsign_link l;
		struct dribble dr = { sv[0], 16, 12 };
		pthread_t th;
		int64_t t0;

		mpcsign_link_init(&l, &k_sock_ops, &st, 0);
		raw_frame(raw, MPCSIGN_MSG_SIGN_AGG, 1, 0);
		ok &= send(sv[0], raw, 10, 0) == 10;
		t0 = mono_ms();
		ok &= mpcsign_link_recv(&l, &h, &got, 150) == -ETIMEDOUT && got == NULL;
		ok &= mono_ms() - t0 >= 140 && mono_ms() - t0 < 2000;
		/* (the 10 bytes were consumed by the failed read) start over on a fresh link */
		ok &= st.bytes_read == 10;
		mpcsign_link_init(&l, &k_sock_ops, &st, 0);
		ok &= pthread_create(&th, NULL, dribble_thread, &dr) == 0;
		t0 = mono_ms();
		/*
		 * the rest of the header takes 16 * 12 ms = 192 ms, the body as long:
		 * each read alone is within 300 ms, the frame (384 ms) is not
		 */
		ok &= mpcsign_link_recv(&l, &h, &got, 300) == -ETIMEDOUT && got == NULL;
		ok &= mono_ms() - t0 >= 290 && mono_ms() - t0 < 1500;
		pthread_join(th, NULL);
		{
			uint8_t junk[64];

			while (recv(sv[1], junk, sizeof(junk), MSG_DONTWAIT) > 0)
				;
		}
	}
	test_report(ok, "wire: link: timeout covers the whole frame (half header; header and body at 1 byte/12 ms)");

	/* EOF in the middle of a body, and in the middle of a header */
	ok = 1;
	{
		struct sock se = { sv[1], 0 };
		struct mpcsign_link l;

		mpcsign_link_init(&l, &k_sock_ops, &se, 0);
		raw_frame(raw, MPCSIGN_MSG_SIGN_AGG, 1, 30);
		ok &= send(sv[0], raw, 32 + 10, 0) == 42;
		close(sv[0]);
		ok &= mpcsign_link_recv(&l, &h, &got, 1000) == -ECONNRESET && got == NULL;
		close(sv[1]);
		CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
		se.fd = sv[1];
		mpcsign_link_init(&l, &k_sock_ops, &se, 0);
		ok &= send(sv[0], raw, 20, 0) == 20;
		close(sv[0]);
		ok &= mpcsign_link_recv(&l, &h, &got, 1000) == -ECONNRESET;
		ok &= mpcsign_link_recv(&l, &h, &got, 1000) == -ECONNRESET;
		/* writing to a closed peer */
		sa.fd = sv[1];
		mpcsign_link_init(&a, &k_sock_ops, &sa, 0);
		ok &= mpcsign_link_send(&a, MPCSIGN_MSG_AUTH, NULL, body, 10, 100) == -EPIPE;
		close(sv[1]);
	}
	test_report(ok, "wire: link: EOF mid-body and mid-header -> ECONNRESET; write to a closed peer -> EPIPE");
}

int main(void)
{
	test_rand_seed(0x77697265);
	test_header();
	test_buf();
	test_auth();
	test_error();
	test_propose();
	test_final_agg();
	test_acks();
	test_sign_req();
	test_digests();
	test_link();
	return test_exit();
}
