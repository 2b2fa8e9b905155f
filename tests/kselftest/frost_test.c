// SPDX-License-Identifier: GPL-2.0
/*
 * frost_test.c - FROST signing through /dev/mpcsign (kselftest, in the VM).
 *
 * A trusted dealer in this test splits a random key (Shamir over the group
 * order) and imports every share into the module as a separate key, so the
 * module plays all parties; the coordinator is libmpcsign's, and every final
 * signature is checked by libsecp256k1.  The module is loaded with
 * max_nonces=64 max_keys=32 by tests/vm/init so the limits can be reached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "libmpcsign.h"
#include "core/ecmult.h"
#include "core/hash.h"

#define MAXN 8
#define NOBODY 65534

struct dealer {
	uint32_t n, t;
	uint8_t sec[MAXN][32];
	uint8_t pub[MAXN][33];
	uint8_t thresh_pk[33];
	uint32_t handle[MAXN];		/* key handle of participant i */
};

static void rand_scalar(mpc_scalar *s)
{
	uint8_t b[32];

	do {
		if (getrandom(b, 32, 0) != 32)
			abort();
	} while (!mpc_scalar_set_b32_seckey(s, b));
}

static void point_of(uint8_t out[33], const mpc_scalar *s)
{
	mpc_gej pj;
	mpc_ge p;

	mpc_ecmult_gen(&pj, s);
	mpc_ge_set_gej(&p, &pj);
	mpc_ge_serialize_compressed(out, &p);
}

/* Shamir: f(x) = a0 + a1 x + ...; share of id i is f(i + 1). */
static void deal(struct dealer *d, uint32_t t, uint32_t n)
{
	mpc_scalar a[MAXN], x, acc, xi;
	uint32_t i, k;

	d->n = n;
	d->t = t;
	for (k = 0; k < t; k++)
		rand_scalar(&a[k]);
	point_of(d->thresh_pk, &a[0]);
	for (i = 0; i < n; i++) {
		mpc_scalar_set_int(&x, i + 1);
		mpc_scalar_set_int(&xi, 1);
		mpc_scalar_set_int(&acc, 0);
		for (k = 0; k < t; k++) {
			mpc_scalar term;

			mpc_scalar_mul(&term, &a[k], &xi);
			mpc_scalar_add(&acc, &acc, &term);
			mpc_scalar_mul(&xi, &xi, &x);
		}
		mpc_scalar_get_b32(d->sec[i], &acc);
		point_of(d->pub[i], &acc);
	}
}

static int import_all(struct mpcsign *h, struct dealer *d)
{
	uint32_t i;
	int ret;

	for (i = 0; i < d->n; i++) {
		ret = mpcsign_key_import(h, i, d->t, d->n, d->sec[i], d->thresh_pk,
					 (const uint8_t (*)[33])d->pub, &d->handle[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static void delete_all(struct mpcsign *h, struct dealer *d)
{
	uint32_t i;

	for (i = 0; i < d->n; i++)
		mpcsign_key_delete(h, d->handle[i]);
}

struct round {
	struct mpcsign_session s;
	uint32_t ids[MAXN];
	uint8_t pubshares[MAXN][33];
	uint8_t pubnonces[MAXN][66];
	uint32_t nonce[MAXN];
	uint8_t aggnonce[66];
	uint8_t psig[MAXN][32];
	uint8_t tweaks[4][32];
	uint8_t msg[64];
};

/* Set up a session for signers ids[0..u-1], generate nonces, aggregate. */
static int round_start(struct mpcsign *h, struct dealer *d, struct round *r,
		       const uint32_t *ids, uint32_t u, uint32_t num_tweaks,
		       uint64_t xonly)
{
	uint32_t i, blame;
	int ret;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < u; i++) {
		r->ids[i] = ids[i];
		memcpy(r->pubshares[i], d->pub[ids[i]], 33);
	}
	for (i = 0; i < num_tweaks; i++) {
		mpc_scalar tw;

		rand_scalar(&tw);
		mpc_scalar_get_b32(r->tweaks[i], &tw);
	}
	if (getrandom(r->msg, sizeof(r->msg), 0) != sizeof(r->msg))
		return -EIO;
	r->s.n = d->n;
	r->s.t = d->t;
	r->s.thresh_pk = d->thresh_pk;
	r->s.num_signers = u;
	r->s.ids = r->ids;
	r->s.pubshares = (const uint8_t (*)[33])r->pubshares;
	r->s.num_tweaks = num_tweaks;
	r->s.tweaks = (const uint8_t (*)[32])r->tweaks;
	r->s.tweak_xonly = xonly;
	r->s.msg = r->msg;
	r->s.msg_len = sizeof(r->msg);
	for (i = 0; i < u; i++) {
		struct mpcsign_nonce_opts o = { .has_msg = 1, .msg = r->msg,
						.msg_len = sizeof(r->msg) };

		ret = mpcsign_nonce_gen(h, d->handle[ids[i]], i & 1 ? &o : NULL,
					r->pubnonces[i], &r->nonce[i]);
		if (ret)
			return ret;
	}
	ret = mpcsign_coord_nonce_agg(r->aggnonce, (const uint8_t (*)[66])r->pubnonces,
				      u, &blame);
	r->s.aggnonce = r->aggnonce;
	return ret;
}

static int round_sign_all(struct mpcsign *h, struct round *r)
{
	uint32_t i, blame;
	int ret;

	for (i = 0; i < r->s.num_signers; i++) {
		ret = mpcsign_sign(h, r->nonce[i], &r->s, r->psig[i], &blame);
		if (ret)
			return ret;
	}
	return 0;
}

static int full_session(struct mpcsign *h, uint32_t t, uint32_t n, const uint32_t *ids,
			uint32_t u, uint32_t num_tweaks, uint64_t xonly)
{
	struct dealer d;
	struct round r;
	uint8_t sig[64], pk[32];
	uint32_t blame;
	int ret;

	deal(&d, t, n);
	ret = import_all(h, &d);
	if (ret)
		return ret;
	ret = round_start(h, &d, &r, ids, u, num_tweaks, xonly);
	if (!ret)
		ret = round_sign_all(h, &r);
	if (!ret)
		ret = mpcsign_coord_aggregate(sig, &r.s, (const uint8_t (*)[66])r.pubnonces,
					      (const uint8_t (*)[32])r.psig, &blame);
	/* and once more, independently: libsecp256k1 on the session key */
	if (!ret)
		ret = mpcsign_coord_session_pubkey(pk, &r.s);
	if (!ret)
		ret = mpcsign_bip340_verify(sig, r.msg, sizeof(r.msg), pk);
	/* a signature on another message must not verify */
	if (!ret) {
		r.msg[0] ^= 1;
		ret = mpcsign_bip340_verify(sig, r.msg, sizeof(r.msg), pk) == -EBADMSG ? 0 : -EIO;
	}
	delete_all(h, &d);
	return ret;
}

FIXTURE(frost) {
	struct mpcsign *h;
};

FIXTURE_SETUP(frost)
{
	ASSERT_EQ(0, mpc_ecmult_init());
	ASSERT_EQ(0, mpcsign_open(&self->h, NULL));
}

FIXTURE_TEARDOWN(frost)
{
	mpcsign_close(self->h);
}

TEST_F(frost, sign_2_of_3)
{
	const uint32_t ids[] = { 0, 1 }, ids2[] = { 2, 0 };

	EXPECT_EQ(0, full_session(self->h, 2, 3, ids, 2, 0, 0));
	EXPECT_EQ(0, full_session(self->h, 2, 3, ids2, 2, 0, 0));
}

TEST_F(frost, sign_3_of_5)
{
	const uint32_t ids[] = { 0, 2, 4 };

	EXPECT_EQ(0, full_session(self->h, 3, 5, ids, 3, 0, 0));
}

TEST_F(frost, sign_u_greater_than_t)
{
	const uint32_t ids[] = { 1, 0, 2 }, ids5[] = { 4, 3, 2, 1 };

	EXPECT_EQ(0, full_session(self->h, 2, 3, ids, 3, 0, 0));
	EXPECT_EQ(0, full_session(self->h, 3, 5, ids5, 4, 0, 0));
}

TEST_F(frost, sign_with_tweaks)
{
	const uint32_t ids[] = { 0, 2 }, ids5[] = { 1, 3, 4 };

	EXPECT_EQ(0, full_session(self->h, 2, 3, ids, 2, 1, 1));	/* x-only */
	EXPECT_EQ(0, full_session(self->h, 2, 3, ids, 2, 1, 0));	/* plain */
	EXPECT_EQ(0, full_session(self->h, 3, 5, ids5, 3, 4, 0x5));	/* mixed */
}

TEST_F(frost, nonce_is_single_use)
{
	const uint32_t ids[] = { 0, 1 };
	struct dealer d;
	struct round r;
	struct mpcsign_key_info ki;
	uint8_t psig[32];

	deal(&d, 2, 3);
	ASSERT_EQ(0, import_all(self->h, &d));
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 2, 0, 0));
	ASSERT_EQ(0, mpcsign_key_info(self->h, d.handle[0], &ki, NULL, 0));
	EXPECT_EQ(1, ki.nonces);
	ASSERT_EQ(0, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, NULL));
	EXPECT_EQ(-ENOENT, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, NULL));
	ASSERT_EQ(0, mpcsign_key_info(self->h, d.handle[0], &ki, NULL, 0));
	EXPECT_EQ(0, ki.nonces);
	/* a failed SIGN consumes the nonce too */
	r.s.num_signers = 1;		/* u < t */
	EXPECT_EQ(-EINVAL, mpcsign_sign(self->h, r.nonce[1], &r.s, psig, NULL));
	r.s.num_signers = 2;
	EXPECT_EQ(-ENOENT, mpcsign_sign(self->h, r.nonce[1], &r.s, psig, NULL));
	delete_all(self->h, &d);
}

TEST_F(frost, tampered_psig_and_wrong_aggnonce_blamed)
{
	const uint32_t ids[] = { 0, 1, 2 };
	struct dealer d;
	struct round r;
	uint8_t sig[64], psig[32];
	uint32_t blame = 0;

	deal(&d, 2, 3);
	ASSERT_EQ(0, import_all(self->h, &d));
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 3, 0, 0));
	ASSERT_EQ(0, round_sign_all(self->h, &r));
	r.psig[1][31] ^= 1;
	EXPECT_EQ(-EBADMSG, mpcsign_coord_psig_verify(&r.s, (const uint8_t (*)[66])r.pubnonces,
						      r.psig[1], 1, &blame));
	EXPECT_EQ(1, blame);
	EXPECT_EQ(-EBADMSG, mpcsign_coord_aggregate(sig, &r.s, (const uint8_t (*)[66])r.pubnonces,
						    (const uint8_t (*)[32])r.psig, &blame));
	EXPECT_EQ(1, blame);
	EXPECT_EQ(0, mpcsign_coord_psig_verify(&r.s, (const uint8_t (*)[66])r.pubnonces,
					       r.psig[2], 2, &blame));

	/* a coordinator that hands signer 2 a wrong (but valid) aggregate nonce:
	 * the signer's psig does not verify against the real nonces: blamed 2 */
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 3, 0, 0));
	ASSERT_EQ(0, mpcsign_sign(self->h, r.nonce[0], &r.s, r.psig[0], NULL));
	ASSERT_EQ(0, mpcsign_sign(self->h, r.nonce[1], &r.s, r.psig[1], NULL));
	{
		uint8_t good[66];

		memcpy(good, r.aggnonce, 66);
		memcpy(r.aggnonce, r.pubnonces[0], 66);	/* wrong but decodable */
		ASSERT_EQ(0, mpcsign_sign(self->h, r.nonce[2], &r.s, r.psig[2], NULL));
		memcpy(r.aggnonce, good, 66);
	}
	EXPECT_EQ(-EBADMSG, mpcsign_coord_aggregate(sig, &r.s, (const uint8_t (*)[66])r.pubnonces,
						    (const uint8_t (*)[32])r.psig, &blame));
	EXPECT_EQ(2, blame);

	/* an aggregate nonce that does not decode: the coordinator is blamed */
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 3, 0, 0));
	r.aggnonce[0] = 0x05;
	blame = 0;
	EXPECT_EQ(-EBADMSG, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, &blame));
	EXPECT_EQ(MPCSIGN_BLAME_NONE, blame);
	/* a pubnonce that does not decode: NonceAgg blames its sender */
	r.pubnonces[2][0] = 0x07;
	EXPECT_EQ(-EBADMSG, mpcsign_coord_nonce_agg(r.aggnonce, (const uint8_t (*)[66])r.pubnonces,
						    3, &blame));
	EXPECT_EQ(2, blame);
	delete_all(self->h, &d);
}

TEST_F(frost, malformed_sign_inputs_refused)
{
	const uint32_t ids[] = { 0, 1, 2 };
	struct dealer d;
	struct round r;
	struct mpcsign_sign sg;
	uint8_t psig[32], bigtw[MPCSIGN_MAX_TWEAKS + 1][32];
	uint32_t blame, dup[3] = { 0, 1, 0 }, far[3] = { 0, 1, 7 };
	int fd = mpcsign_fd(self->h);

	deal(&d, 2, 3);
	ASSERT_EQ(0, import_all(self->h, &d));

	/* bad point in the pubshares list: blamed by position */
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 3, 0, 0));
	r.pubshares[1][0] = 0x04;
	EXPECT_EQ(-EINVAL, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, &blame));
	EXPECT_EQ(1, blame);
	/* x not on the curve */
	memcpy(r.pubshares[1], d.pub[1], 33);
	memset(r.pubshares[2] + 1, 0xff, 32);
	EXPECT_EQ(-EINVAL, mpcsign_sign(self->h, r.nonce[1], &r.s, psig, &blame));
	EXPECT_EQ(2, blame);

	/* duplicate ids */
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 3, 0, 0));
	r.s.ids = dup;
	EXPECT_EQ(-EINVAL, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, &blame));
	EXPECT_EQ(2, blame);
	/* identifier out of range */
	r.s.ids = far;
	EXPECT_EQ(-EINVAL, mpcsign_sign(self->h, r.nonce[1], &r.s, psig, &blame));
	EXPECT_EQ(2, blame);

	/* u < t */
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 3, 0, 0));
	r.s.num_signers = 1;
	EXPECT_EQ(-EINVAL, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, &blame));

	/* tweak >= group order */
	r.s.num_signers = 3;
	r.s.num_tweaks = 1;
	memset(r.tweaks[0], 0xff, 32);
	EXPECT_EQ(-EINVAL, mpcsign_sign(self->h, r.nonce[1], &r.s, psig, &blame));
	EXPECT_EQ(0, blame);

	/* oversized lists */
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 3, 0, 0));
	memset(bigtw, 1, sizeof(bigtw));
	r.s.tweaks = (const uint8_t (*)[32])bigtw;
	r.s.num_tweaks = MPCSIGN_MAX_TWEAKS + 1;
	EXPECT_EQ(-E2BIG, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, &blame));
	r.s.num_tweaks = 0;
	r.s.num_signers = 1000000;
	blame = 0;
	EXPECT_EQ(-E2BIG, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, &blame));
	/* refused before the core ran: nobody is blamed (not "entry 0") */
	EXPECT_EQ(MPCSIGN_BLAME_NONE, blame);
	r.s.num_signers = 3;
	r.s.msg_len = 1u << 30;
	EXPECT_EQ(-E2BIG, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, &blame));
	r.s.msg_len = sizeof(r.msg);
	/* the -E2BIG / -EINVAL header checks come before the nonce is taken */
	EXPECT_EQ(0, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, &blame));

	/* raw struct: nonzero reserved, flags, bits past num_tweaks */
	memset(&sg, 0, sizeof(sg));
	sg.size = sizeof(sg);
	sg.nonce_handle = r.nonce[1];
	sg.num_signers = 3;
	sg.ids = (uintptr_t)ids;
	sg.pubshares = (uintptr_t)r.pubshares;
	sg.msg = (uintptr_t)r.msg;
	sg.msg_len = sizeof(r.msg);
	memcpy(sg.aggnonce, r.aggnonce, 66);
	sg.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_SIGN, &sg));
	EXPECT_EQ(EINVAL, errno);
	sg.reserved[1] = 0;
	sg.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_SIGN, &sg));
	EXPECT_EQ(EINVAL, errno);
	sg.flags = 0;
	sg.tweak_xonly = 2;	/* num_tweaks = 0 */
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_SIGN, &sg));
	EXPECT_EQ(EINVAL, errno);
	sg.tweak_xonly = 0;
	sg.size = MPCSIGN_SIGN_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_SIGN, &sg));
	EXPECT_EQ(EINVAL, errno);
	sg.size = sizeof(sg);
	sg.ids = 8;	/* unmapped */
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_SIGN, &sg));
	EXPECT_EQ(EFAULT, errno);
	/* that one got the nonce: it is gone now */
	sg.ids = (uintptr_t)ids;
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_SIGN, &sg));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-ENOENT, mpcsign_sign(self->h, 0x7fffffff, &r.s, psig, &blame));
	delete_all(self->h, &d);
}

TEST_F(frost, key_import_validation)
{
	struct dealer d;
	struct mpcsign_key_import ki;
	uint8_t pub[MAXN][33], sec[32];
	uint32_t handle;
	int fd = mpcsign_fd(self->h);

	deal(&d, 2, 3);
	/* share does not match its public share */
	EXPECT_EQ(-EINVAL, mpcsign_key_import(self->h, 0, 2, 3, d.sec[1], d.thresh_pk,
					      (const uint8_t (*)[33])d.pub, &handle));
	/* public shares not on one polynomial (two swapped) */
	memcpy(pub, d.pub, sizeof(pub));
	memcpy(pub[1], d.pub[2], 33);
	memcpy(pub[2], d.pub[1], 33);
	EXPECT_EQ(-EINVAL, mpcsign_key_import(self->h, 0, 2, 3, d.sec[0], d.thresh_pk,
					      (const uint8_t (*)[33])pub, &handle));
	/* threshold key that does not interpolate */
	EXPECT_EQ(-EINVAL, mpcsign_key_import(self->h, 0, 2, 3, d.sec[0], d.pub[0],
					      (const uint8_t (*)[33])d.pub, &handle));
	/* secret share >= group order, and zero */
	memset(sec, 0xff, 32);
	EXPECT_EQ(-EINVAL, mpcsign_key_import(self->h, 0, 2, 3, sec, d.thresh_pk,
					      (const uint8_t (*)[33])d.pub, &handle));
	memset(sec, 0, 32);
	EXPECT_EQ(-EINVAL, mpcsign_key_import(self->h, 0, 2, 3, sec, d.thresh_pk,
					      (const uint8_t (*)[33])d.pub, &handle));
	/* t > n, t = 0, my_id >= n, n too large */
	EXPECT_EQ(-EINVAL, mpcsign_key_import(self->h, 0, 4, 3, d.sec[0], d.thresh_pk,
					      (const uint8_t (*)[33])d.pub, &handle));
	EXPECT_EQ(-EINVAL, mpcsign_key_import(self->h, 0, 0, 3, d.sec[0], d.thresh_pk,
					      (const uint8_t (*)[33])d.pub, &handle));
	EXPECT_EQ(-EINVAL, mpcsign_key_import(self->h, 3, 2, 3, d.sec[0], d.thresh_pk,
					      (const uint8_t (*)[33])d.pub, &handle));
	EXPECT_EQ(-E2BIG, mpcsign_key_import(self->h, 0, 2, 1000000, d.sec[0], d.thresh_pk,
					     (const uint8_t (*)[33])d.pub, &handle));
	/* pubshares_len inconsistent with n, reserved nonzero */
	memset(&ki, 0, sizeof(ki));
	ki.size = sizeof(ki);
	ki.t = 2;
	ki.n = 3;
	ki.pubshares = (uintptr_t)d.pub;
	ki.pubshares_len = 2 * 33;
	memcpy(ki.secshare, d.sec[0], 32);
	memcpy(ki.thresh_pk, d.thresh_pk, 33);
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_KEY_IMPORT, &ki));
	EXPECT_EQ(EINVAL, errno);
	ki.pubshares_len = 3 * 33;
	ki.reserved1[6] = 1;
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_KEY_IMPORT, &ki));
	EXPECT_EQ(EINVAL, errno);
	ki.reserved1[6] = 0;
	ASSERT_EQ(0, ioctl(fd, MPCSIGN_IOC_KEY_IMPORT, &ki));
	EXPECT_NE(0, ki.handle);
	EXPECT_EQ(0, mpcsign_key_delete(self->h, ki.handle));
	EXPECT_EQ(-ENOENT, mpcsign_key_delete(self->h, ki.handle));
}

TEST_F(frost, key_info_and_delete)
{
	struct dealer d;
	struct mpcsign_key_info ki;
	uint8_t pubs[MAXN][33], pubnonce[66];
	uint32_t nonce;

	deal(&d, 3, 5);
	ASSERT_EQ(0, import_all(self->h, &d));
	ASSERT_EQ(0, mpcsign_key_info(self->h, d.handle[3], &ki, pubs, MAXN));
	EXPECT_EQ(3, ki.my_id);
	EXPECT_EQ(3, ki.t);
	EXPECT_EQ(5, ki.n);
	EXPECT_EQ(0, ki.owner_uid);
	EXPECT_EQ(5 * 33, ki.pubshares_len);
	EXPECT_EQ(0, memcmp(ki.thresh_pk, d.thresh_pk, 33));
	EXPECT_EQ(0, memcmp(pubs, d.pub, 5 * 33));
	/* buffer too small */
	EXPECT_EQ(-ENOSPC, mpcsign_key_info(self->h, d.handle[3], &ki, pubs, 4));
	/* ... and says what is needed */
	EXPECT_EQ(5, ki.n);
	EXPECT_EQ(5 * 33, ki.pubshares_len);
	/* deleting a key wipes its nonces */
	ASSERT_EQ(0, mpcsign_nonce_gen(self->h, d.handle[3], NULL, pubnonce, &nonce));
	ASSERT_EQ(0, mpcsign_key_delete(self->h, d.handle[3]));
	EXPECT_EQ(-ENOENT, mpcsign_key_info(self->h, d.handle[3], &ki, NULL, 0));
	EXPECT_EQ(-ENOENT, mpcsign_nonce_gen(self->h, d.handle[3], NULL, pubnonce, &nonce));
	{
		struct mpcsign_session s = { .n = 5, .t = 3, .thresh_pk = d.thresh_pk,
					     .num_signers = 3, .ids = (uint32_t[]){ 0, 1, 3 },
					     .pubshares = (const uint8_t (*)[33])d.pub,
					     .aggnonce = pubnonce };
		uint8_t psig[32];

		EXPECT_EQ(-ENOENT, mpcsign_sign(self->h, nonce, &s, psig, NULL));
	}
	delete_all(self->h, &d);
}

TEST_F(frost, nonce_gen_inputs_and_limits)
{
	struct dealer d;
	struct mpcsign_nonce_gen ng;
	struct mpcsign_info info;
	uint8_t pubnonce[66], extra[16] = { 1 }, tpk[32] = { 2 };
	uint32_t nonce, handles[200], i, made = 0;
	int fd = mpcsign_fd(self->h), ret = 0;
	struct mpcsign_nonce_opts o = { .has_msg = 1, .msg = NULL, .msg_len = 0,
					.extra_in = extra, .extra_in_len = sizeof(extra),
					.thresh_pk_x = tpk };

	deal(&d, 2, 3);
	ASSERT_EQ(0, import_all(self->h, &d));
	EXPECT_EQ(0, mpcsign_nonce_gen(self->h, d.handle[0], &o, pubnonce, &nonce));
	memset(&ng, 0, sizeof(ng));
	ng.size = sizeof(ng);
	ng.key_handle = d.handle[0];
	ng.flags = 0x8;		/* unknown flag */
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_NONCE_GEN, &ng));
	EXPECT_EQ(EINVAL, errno);
	ng.flags = 0;
	ng.msg_len = 4;		/* message without the flag */
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_NONCE_GEN, &ng));
	EXPECT_EQ(EINVAL, errno);
	ng.flags = MPCSIGN_NONCE_F_MSG;
	ng.msg_len = 1u << 30;
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_NONCE_GEN, &ng));
	EXPECT_EQ(E2BIG, errno);
	ng.flags = 0;
	ng.msg_len = 0;
	ng.key_handle = 0x7ffffff0;
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_NONCE_GEN, &ng));
	EXPECT_EQ(ENOENT, errno);

	/* the max_nonces limit: -ENOSPC, and nonces come back after SIGN/delete */
	ASSERT_EQ(0, mpcsign_get_info(self->h, &info));
	ASSERT_GE(200, info.max_nonces);
	for (i = 0; i < 200; i++) {
		ret = mpcsign_nonce_gen(self->h, d.handle[1], NULL, pubnonce, &handles[i]);
		if (ret)
			break;
		made++;
	}
	EXPECT_EQ(-ENOSPC, ret);
	EXPECT_GE(info.max_nonces, made);
	EXPECT_LE(info.max_nonces - 2, made);
	ASSERT_EQ(0, mpcsign_key_delete(self->h, d.handle[1]));
	EXPECT_EQ(0, mpcsign_nonce_gen(self->h, d.handle[2], NULL, pubnonce, &nonce));
	delete_all(self->h, &d);
}

TEST_F(frost, max_keys_limit)
{
	struct dealer d;
	struct mpcsign_info info;
	uint32_t handles[100], i, made = 0;
	int ret = 0;

	deal(&d, 1, 1);
	ASSERT_EQ(0, mpcsign_get_info(self->h, &info));
	ASSERT_GE(100, info.max_keys);
	for (i = 0; i < 100; i++) {
		ret = mpcsign_key_import(self->h, 0, 1, 1, d.sec[0], d.thresh_pk,
					 (const uint8_t (*)[33])d.pub, &handles[i]);
		if (ret)
			break;
		made++;
	}
	EXPECT_EQ(-ENOSPC, ret);
	EXPECT_EQ(info.max_keys, made);
	for (i = 0; i < made; i++) {
		EXPECT_EQ(0, mpcsign_key_delete(self->h, handles[i]));
	}
}

/* Another uid may not use, delete or consume root's keys and nonces. */
TEST_F(frost, foreign_uid_refused)
{
	const uint32_t ids[] = { 0, 1 };
	struct dealer d;
	struct round r;
	uint8_t psig[32];
	pid_t pid;
	int status;

	deal(&d, 2, 3);
	ASSERT_EQ(0, import_all(self->h, &d));
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 2, 0, 0));
	ASSERT_EQ(0, chmod("/dev/mpcsign", 0666));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct mpcsign *h;
		struct mpcsign_key_info ki;
		uint8_t pubnonce[66];
		uint32_t nonce, handle;

		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		if (mpcsign_open(&h, NULL))
			_exit(11);
		if (mpcsign_nonce_gen(h, d.handle[0], NULL, pubnonce, &nonce) != -EACCES)
			_exit(12);
		if (mpcsign_sign(h, r.nonce[0], &r.s, psig, NULL) != -EACCES)
			_exit(13);
		if (mpcsign_key_info(h, d.handle[0], &ki, NULL, 0) != -EACCES)
			_exit(14);
		if (mpcsign_key_delete(h, d.handle[0]) != -EACCES)
			_exit(15);
		if (mpcsign_key_import(h, 0, 2, 3, d.sec[0], d.thresh_pk,
				       (const uint8_t (*)[33])d.pub, &handle) != -EPERM)
			_exit(16);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	chmod("/dev/mpcsign", 0600);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* root's nonces were not consumed by the foreign attempts */
	EXPECT_EQ(0, round_sign_all(self->h, &r));
	delete_all(self->h, &d);
}

/*
 * Ownership goes by the effective uid: a root process that dropped its
 * effective uid to nobody (real uid still 0) cannot use root's key, and
 * can again once it is back to euid 0.
 */
TEST_F(frost, owner_is_the_effective_uid)
{
	struct dealer d;
	pid_t pid;
	int status;

	deal(&d, 2, 3);
	ASSERT_EQ(0, import_all(self->h, &d));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct mpcsign *h;
		struct mpcsign_key_info ki;
		uint8_t pubnonce[66];
		uint32_t nonce;

		if (mpcsign_open(&h, NULL))	/* opened as root */
			_exit(11);
		if (setresuid(-1, NOBODY, -1))	/* real and saved uid stay 0 */
			_exit(10);
		if (mpcsign_key_info(h, d.handle[0], &ki, NULL, 0) != -EACCES)
			_exit(12);
		if (mpcsign_nonce_gen(h, d.handle[0], NULL, pubnonce, &nonce) != -EACCES)
			_exit(13);
		if (setresuid(-1, 0, -1))	/* back to root */
			_exit(14);
		if (mpcsign_key_info(h, d.handle[0], &ki, NULL, 0) || ki.owner_uid != 0)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	delete_all(self->h, &d);
}

/*
 * Secret nonces live no longer than the open file they were made through:
 * closing it wipes them (a crashed signer leaves nothing behind), and
 * closing another file does not.
 */
TEST_F(frost, nonces_die_with_their_file)
{
	const uint32_t ids[] = { 0, 1 };
	struct mpcsign_key_info ki;
	struct mpcsign *h2, *h3;
	struct dealer d;
	struct round r;
	uint8_t psig[32];

	deal(&d, 2, 3);
	ASSERT_EQ(0, import_all(self->h, &d));
	ASSERT_EQ(0, mpcsign_open(&h2, NULL));
	ASSERT_EQ(0, round_start(h2, &d, &r, ids, 2, 0, 0));
	ASSERT_EQ(0, mpcsign_key_info(self->h, d.handle[0], &ki, NULL, 0));
	EXPECT_EQ(1, ki.nonces);
	/* another file opened and closed: the nonces stay */
	ASSERT_EQ(0, mpcsign_open(&h3, NULL));
	mpcsign_close(h3);
	ASSERT_EQ(0, mpcsign_key_info(self->h, d.handle[0], &ki, NULL, 0));
	EXPECT_EQ(1, ki.nonces);
	/* their own file closed: gone, for every key */
	mpcsign_close(h2);
	ASSERT_EQ(0, mpcsign_key_info(self->h, d.handle[0], &ki, NULL, 0));
	EXPECT_EQ(0, ki.nonces);
	ASSERT_EQ(0, mpcsign_key_info(self->h, d.handle[1], &ki, NULL, 0));
	EXPECT_EQ(0, ki.nonces);
	EXPECT_EQ(-ENOENT, mpcsign_sign(self->h, r.nonce[0], &r.s, psig, NULL));
	EXPECT_EQ(-ENOENT, mpcsign_sign(self->h, r.nonce[1], &r.s, psig, NULL));
	/* the keys themselves stay and sign */
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 2, 0, 0));
	EXPECT_EQ(0, round_sign_all(self->h, &r));
	delete_all(self->h, &d);
}

/*
 * Hibernation would write the key shares to disk: the module refuses it
 * while it holds any.  A refused attempt changes nothing: the outstanding
 * nonces still sign, and new ones can be made (the module's "sleep under
 * way" state ended with the refusal).
 */
TEST_F(frost, hibernation_refused_nonces_kept)
{
	const uint32_t ids[] = { 0, 1 };
	struct dealer d;
	struct round r;
	int fd;
	ssize_t n;

	deal(&d, 2, 3);
	ASSERT_EQ(0, import_all(self->h, &d));
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 2, 0, 0));
	fd = open("/sys/power/state", O_WRONLY);
	ASSERT_LE(0, fd);
	n = write(fd, "disk", 4);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EBUSY, errno);
	close(fd);
	EXPECT_EQ(0, round_sign_all(self->h, &r));
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 2, 0, 0));
	EXPECT_EQ(0, round_sign_all(self->h, &r));
	delete_all(self->h, &d);
}

/*
 * The audit group reports key adds, nonces, signatures (with the message's
 * SHA-256, the caller's uid and pid) and deletes; joining needs CAP_NET_ADMIN.
 */
TEST_F(frost, audit_events)
{
	const uint32_t ids[] = { 0, 1 };
	struct mpcsign_audit *a;
	struct mpcsign_audit_record ev;
	struct dealer d;
	struct round r;
	uint8_t want[32];
	int seen_sign = 0, seen_nonce = 0, seen_add = 0, seen_del = 0, i;
	pid_t pid;
	int status;

	ASSERT_EQ(0, mpcsign_audit_open(&a));
	deal(&d, 2, 3);
	ASSERT_EQ(0, import_all(self->h, &d));
	ASSERT_EQ(0, round_start(self->h, &d, &r, ids, 2, 0, 0));
	ASSERT_EQ(0, round_sign_all(self->h, &r));
	mpcsign_key_delete(self->h, d.handle[2]);
	mpc_sha256(want, r.msg, sizeof(r.msg));
	for (i = 0; i < 20; i++) {
		if (mpcsign_audit_next(a, &ev, 2000))
			break;
		EXPECT_EQ(0, ev.uid);
		EXPECT_EQ(getpid(), (pid_t)ev.pid);
		EXPECT_EQ(0, ev.result);
		switch (ev.event) {
		case MPCSIGN_AUDIT_KEY_ADD:
			seen_add += ev.key == d.handle[0] || ev.key == d.handle[1] ||
				    ev.key == d.handle[2];
			break;
		case MPCSIGN_AUDIT_NONCE_GEN:
			seen_nonce += ev.nonce == r.nonce[0] || ev.nonce == r.nonce[1];
			break;
		case MPCSIGN_AUDIT_SIGN:
			EXPECT_TRUE(ev.has_msg_hash);
			EXPECT_EQ(0, memcmp(ev.msg_hash, want, 32));
			seen_sign += (ev.nonce == r.nonce[0] && ev.key == d.handle[0]) ||
				     (ev.nonce == r.nonce[1] && ev.key == d.handle[1]);
			break;
		case MPCSIGN_AUDIT_KEY_DELETE:
			seen_del += ev.key == d.handle[2];
			break;
		}
		if (seen_del)
			break;
	}
	EXPECT_EQ(3, seen_add);
	EXPECT_EQ(2, seen_nonce);
	EXPECT_EQ(2, seen_sign);
	EXPECT_EQ(1, seen_del);
	mpcsign_audit_close(a);
	d.handle[2] = 0;
	delete_all(self->h, &d);

	/* an unprivileged process may not listen */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		_exit(mpcsign_audit_open(&a) == -EPERM ? 0 : 11);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

static int contains(const void *hay, size_t len, const uint8_t needle[32])
{
	const uint8_t *p = hay;
	size_t i;

	for (i = 0; i + 32 <= len; i++)
		if (!memcmp(p + i, needle, 32))
			return 1;
	return 0;
}

/*
 * The share of an imported key (known to this test, the dealer) appears in
 * no output of KEY_IMPORT, KEY_INFO, NONCE_GEN or SIGN: every output struct
 * and buffer is scanned for it.
 */
TEST_F(frost, secret_share_never_returned)
{
	const uint32_t ids[] = { 0, 1 };
	struct dealer d;
	struct mpcsign_key_import ki;
	struct mpcsign_key_info info;
	struct mpcsign_nonce_gen ng;
	struct mpcsign_sign sg;
	uint8_t pubs[MAXN][33], agg[66], other[66];
	uint32_t other_nonce;
	int fd = mpcsign_fd(self->h);

	deal(&d, 2, 3);
	memset(&ki, 0, sizeof(ki));
	ki.size = sizeof(ki);
	ki.t = 2;
	ki.n = 3;
	ki.pubshares = (uintptr_t)d.pub;
	ki.pubshares_len = 3 * 33;
	memcpy(ki.secshare, d.sec[0], 32);
	memcpy(ki.thresh_pk, d.thresh_pk, 33);
	ASSERT_EQ(0, ioctl(fd, MPCSIGN_IOC_KEY_IMPORT, &ki));
	EXPECT_FALSE(contains(&ki, sizeof(ki), d.sec[0]));	/* wiped on the way out */
	d.handle[0] = ki.handle;
	ASSERT_EQ(0, mpcsign_key_import(self->h, 1, 2, 3, d.sec[1], d.thresh_pk,
					(const uint8_t (*)[33])d.pub, &d.handle[1]));
	ASSERT_EQ(0, mpcsign_key_import(self->h, 2, 2, 3, d.sec[2], d.thresh_pk,
					(const uint8_t (*)[33])d.pub, &d.handle[2]));

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.handle = d.handle[0];
	info.pubshares = (uintptr_t)pubs;
	info.pubshares_len = sizeof(pubs);
	ASSERT_EQ(0, ioctl(fd, MPCSIGN_IOC_KEY_INFO, &info));
	EXPECT_FALSE(contains(&info, sizeof(info), d.sec[0]));
	EXPECT_FALSE(contains(pubs, sizeof(pubs), d.sec[0]));

	memset(&ng, 0, sizeof(ng));
	ng.size = sizeof(ng);
	ng.key_handle = d.handle[0];
	ASSERT_EQ(0, ioctl(fd, MPCSIGN_IOC_NONCE_GEN, &ng));
	EXPECT_FALSE(contains(&ng, sizeof(ng), d.sec[0]));
	ASSERT_EQ(0, mpcsign_nonce_gen(self->h, d.handle[1], NULL, other, &other_nonce));
	{
		uint8_t both[2][66];

		memcpy(both[0], ng.pubnonce, 66);
		memcpy(both[1], other, 66);
		ASSERT_EQ(0, mpcsign_coord_nonce_agg(agg, (const uint8_t (*)[66])both, 2, NULL));
	}
	memset(&sg, 0, sizeof(sg));
	sg.size = sizeof(sg);
	sg.nonce_handle = ng.nonce_handle;
	sg.num_signers = 2;
	sg.ids = (uintptr_t)ids;
	sg.pubshares = (uintptr_t)d.pub;
	sg.msg = (uintptr_t)"message";
	sg.msg_len = 7;
	memcpy(sg.aggnonce, agg, 66);
	ASSERT_EQ(0, ioctl(fd, MPCSIGN_IOC_SIGN, &sg));
	EXPECT_FALSE(contains(&sg, sizeof(sg), d.sec[0]));
	mpcsign_sign(self->h, other_nonce, &(struct mpcsign_session){ .n = 3, .t = 2,
		     .thresh_pk = d.thresh_pk, .num_signers = 2, .ids = ids,
		     .pubshares = (const uint8_t (*)[33])d.pub, .aggnonce = agg }, other, NULL);
	delete_all(self->h, &d);
}

/* ioctl with the struct in a read-only page (its answer cannot be written) */
static int ioctl_ro(struct mpcsign *h, unsigned long cmd, const void *arg, size_t len)
{
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret;

	if (page == MAP_FAILED)
		return -ENOMEM;
	memcpy(page, arg, len);
	ret = mprotect(page, 4096, PROT_READ) ? -errno :
	      ioctl(mpcsign_fd(h), cmd, page) < 0 ? -errno : 0;
	munmap(page, 4096);
	return ret;
}

/*
 * KEY_IMPORT and NONCE_GEN whose answer faults (-EFAULT) leave no key and
 * no nonce behind: more of them than max_keys (32) / max_nonces (64) in
 * the test VM, and none is found or counted afterwards.
 */
TEST_F(frost, unanswered_import_and_nonce_gen_leave_nothing)
{
	static struct dealer dd;
	struct dealer *d = &dd;
	struct mpcsign_key_import ki;
	struct mpcsign_nonce_gen ng;
	struct mpcsign_key_info info;
	uint32_t found, id, i;

	deal(d, 2, 3);
	memset(&ki, 0, sizeof(ki));
	ki.size = sizeof(ki);
	ki.my_id = 1;
	ki.t = 2;
	ki.n = 3;
	ki.pubshares = (uintptr_t)d->pub;
	ki.pubshares_len = 3 * 33;
	memcpy(ki.secshare, d->sec[1], 32);
	memcpy(ki.thresh_pk, d->thresh_pk, 33);
	for (i = 0; i < 40; i++)
		ASSERT_EQ(-EFAULT, ioctl_ro(self->h, MPCSIGN_IOC_KEY_IMPORT, &ki, sizeof(ki)))
			TH_LOG("try %u", i);
	explicit_bzero(&ki, sizeof(ki));
	EXPECT_EQ(-ENOENT, mpcsign_key_lookup(self->h, d->thresh_pk, NULL, &found, NULL));
	/* the store has its room: every share imports, each found once */
	ASSERT_EQ(0, import_all(self->h, d));
	for (id = 0; id < 3; id++) {
		EXPECT_EQ(0, mpcsign_key_lookup(self->h, d->thresh_pk, &id, &found, NULL));
		EXPECT_EQ(d->handle[id], found);
	}
	memset(&ng, 0, sizeof(ng));
	ng.size = sizeof(ng);
	ng.key_handle = d->handle[0];
	for (i = 0; i < 70; i++)
		ASSERT_EQ(-EFAULT, ioctl_ro(self->h, MPCSIGN_IOC_NONCE_GEN, &ng, sizeof(ng)))
			TH_LOG("try %u", i);
	ASSERT_EQ(0, mpcsign_key_info(self->h, d->handle[0], &info, NULL, 0));
	EXPECT_EQ(0, info.nonces);
	delete_all(self->h, d);
	/* and signing still works */
	EXPECT_EQ(0, full_session(self->h, 2, 3, (const uint32_t[]){ 0, 1 }, 2, 0, 0));
}

TEST_HARNESS_MAIN
