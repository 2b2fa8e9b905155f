// SPDX-License-Identifier: GPL-2.0
/*
 * dkg_test.c - ChillDKG through /dev/mpcsign (kselftest, in the VM).
 *
 * Every participant is a distinct host key inside the module (the module
 * plays n machines); libmpcsign's coordinator drives the session.  Each
 * DKG is followed by FROST signing through the device and a libsecp256k1
 * check.  Recovery: delete the key share, re-create it from the host key
 * and the recovery data, sign again.  Faults: tampered participant and
 * coordinator messages are blamed correctly.  No ioctl returns a share.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <grp.h>
#include <pthread.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "libmpcsign.h"
#include "core/ecmult.h"
#include "core/chilldkg.h"

#define MAXN 8
#define NOBODY 65534

struct dkg {
	uint32_t n, t;
	uint32_t hostkey[MAXN];
	uint8_t hostpubkeys[MAXN][33];
	uint32_t session[MAXN];
	uint8_t *pmsg1[MAXN];
	size_t pmsg1_len[MAXN];
	uint8_t pmsg2[MAXN][64];
	uint8_t *cmsg1, *cmsg2, *rd;
	size_t cmsg1_len, cmsg2_len, rd_len;
	uint8_t thresh_pk[33];
	struct mpcsign_dkg_coord *coord;
	uint32_t key[MAXN];
	uint8_t pubshares[MAXN][33];
	uint8_t rd_of[MAXN][8192];	/* each participant's recovery data */
	size_t rd_of_len[MAXN];
};

static int dkg_setup(struct mpcsign *h, struct dkg *d, uint32_t t, uint32_t n)
{
	uint32_t i;
	int ret;

	memset(d, 0, sizeof(*d));
	d->n = n;
	d->t = t;
	for (i = 0; i < n; i++) {
		ret = mpcsign_host_key_create(h, &d->hostkey[i], d->hostpubkeys[i]);
		if (ret)
			return ret;
	}
	return mpcsign_dkg_coord_new(&d->coord, t, n, (const uint8_t (*)[33])d->hostpubkeys);
}

static int dkg_round1(struct mpcsign *h, struct dkg *d)
{
	struct mpcsign_dkg_blame b;
	uint32_t i;
	int ret;

	for (i = 0; i < d->n; i++) {
		size_t cap = mpcsign_dkg_pmsg1_len(d->n, d->t);

		d->pmsg1[i] = malloc(cap);
		if (!d->pmsg1[i])
			return -ENOMEM;
		ret = mpcsign_dkg_step1(h, d->hostkey[i], d->t, d->n,
					(const uint8_t (*)[33])d->hostpubkeys, d->pmsg1[i], cap,
					&d->pmsg1_len[i], &d->session[i], &b);
		if (ret)
			return ret;
	}
	return 0;
}

static int dkg_coord1(struct dkg *d)
{
	return mpcsign_dkg_coord_step1(d->coord, (const uint8_t *const *)d->pmsg1, d->pmsg1_len,
				       &d->cmsg1, &d->cmsg1_len, NULL);
}

static int dkg_round2(struct mpcsign *h, struct dkg *d, struct mpcsign_dkg_blame *b)
{
	uint32_t i;
	int ret;

	for (i = 0; i < d->n; i++) {
		ret = mpcsign_dkg_step2(h, d->session[i], d->cmsg1, d->cmsg1_len, d->pmsg2[i], b);
		if (ret)
			return ret;
	}
	return 0;
}

static int dkg_finish(struct mpcsign *h, struct dkg *d)
{
	struct mpcsign_dkg_result res;
	uint32_t i;
	int ret;

	ret = mpcsign_dkg_coord_finalize(d->coord, (const uint8_t (*)[64])d->pmsg2, &d->cmsg2,
					 &d->cmsg2_len, &d->rd, &d->rd_len, d->thresh_pk, NULL);
	if (ret)
		return ret;
	for (i = 0; i < d->n; i++) {
		uint8_t pubs[MAXN][33];

		memset(&res, 0, sizeof(res));
		res.pubshares = pubs;
		res.pubshares_cap = MAXN;
		res.recovery_data = d->rd_of[i];
		res.recovery_data_cap = sizeof(d->rd_of[i]);
		ret = mpcsign_dkg_finalize(h, d->session[i], d->cmsg2, d->cmsg2_len, &res, NULL);
		if (ret)
			return ret;
		d->rd_of[i][0] ^= 0;
		d->rd_of_len[i] = res.recovery_data_len;
		d->key[i] = res.key;
		/* everybody agrees with the coordinator */
		if (res.my_id != i || res.t != d->t || res.n != d->n ||
		    memcmp(res.thresh_pk, d->thresh_pk, 33) ||
		    res.recovery_data_len != d->rd_len ||
		    memcmp(d->rd_of[i], d->rd, d->rd_len))
			return -EPROTO;
		if (i == 0)
			memcpy(d->pubshares, pubs, (size_t)d->n * 33);
		else if (memcmp(d->pubshares, pubs, (size_t)d->n * 33))
			return -EPROTO;
	}
	return 0;
}

static void dkg_free(struct mpcsign *h, struct dkg *d)
{
	uint32_t i;

	for (i = 0; i < d->n; i++) {
		free(d->pmsg1[i]);
		if (d->key[i])
			mpcsign_key_delete(h, d->key[i]);
		mpcsign_host_key_delete(h, d->hostkey[i]);
	}
	free(d->cmsg1);
	free(d->cmsg2);
	free(d->rd);
	mpcsign_dkg_coord_free(d->coord);
}

/* Sign a random message with the signers ids[] through the device. */
static int frost_sign(struct mpcsign *h, struct dkg *d, const uint32_t *ids, uint32_t u)
{
	struct mpcsign_session s;
	uint8_t pubs[MAXN][33], pubnonces[MAXN][66], psigs[MAXN][32], agg[66], sig[64];
	uint8_t msg[32], pk[32];
	uint32_t nonce[MAXN], i, blame;
	int ret;

	if (getrandom(msg, sizeof(msg), 0) != sizeof(msg))
		return -EIO;
	for (i = 0; i < u; i++) {
		memcpy(pubs[i], d->pubshares[ids[i]], 33);
		ret = mpcsign_nonce_gen(h, d->key[ids[i]], NULL, pubnonces[i], &nonce[i]);
		if (ret)
			return ret;
	}
	ret = mpcsign_coord_nonce_agg(agg, (const uint8_t (*)[66])pubnonces, u, &blame);
	if (ret)
		return ret;
	memset(&s, 0, sizeof(s));
	s.n = d->n;
	s.t = d->t;
	s.thresh_pk = d->thresh_pk;
	s.num_signers = u;
	s.ids = ids;
	s.pubshares = (const uint8_t (*)[33])pubs;
	s.msg = msg;
	s.msg_len = sizeof(msg);
	s.aggnonce = agg;
	for (i = 0; i < u; i++) {
		ret = mpcsign_sign(h, nonce[i], &s, psigs[i], &blame);
		if (ret)
			return ret;
	}
	ret = mpcsign_coord_aggregate(sig, &s, (const uint8_t (*)[66])pubnonces,
				      (const uint8_t (*)[32])psigs, &blame);
	if (ret)
		return ret;
	/* the x-only threshold key verifies it (libsecp256k1) */
	memcpy(pk, d->thresh_pk + 1, 32);
	return mpcsign_bip340_verify(sig, msg, sizeof(msg), pk);
}

static int full_dkg(struct mpcsign *h, struct dkg *d, uint32_t t, uint32_t n)
{
	int ret = dkg_setup(h, d, t, n);

	if (!ret)
		ret = dkg_round1(h, d);
	if (!ret)
		ret = dkg_coord1(d);
	if (!ret)
		ret = dkg_round2(h, d, NULL);
	if (!ret)
		ret = dkg_finish(h, d);
	return ret;
}

/* mpcsign_dkg_acks_verify_params on the DKG's recovery data */
static int acks_params(const struct dkg *d, const struct mpcsign_dkg_params *prm,
		       uint8_t (*acks)[64], struct mpcsign_dkg_blame *b)
{
	return mpcsign_dkg_acks_verify_params(d->rd, d->rd_len, prm,
					      (const uint8_t (*)[64])acks, b);
}

FIXTURE(chilldkg) {
	struct mpcsign *h;
	struct dkg d;
};

FIXTURE_SETUP(chilldkg)
{
	ASSERT_EQ(0, mpc_ecmult_init());
	ASSERT_EQ(0, mpcsign_open(&self->h, NULL));
}

FIXTURE_TEARDOWN(chilldkg)
{
	dkg_free(self->h, &self->d);
	mpcsign_close(self->h);
}

TEST_F(chilldkg, dkg_2_of_3_then_sign)
{
	const uint32_t ids[] = { 0, 2 }, ids2[] = { 1, 0 }, all[] = { 2, 1, 0 };

	struct mpcsign_dkg_public pub;
	struct mpcsign_dkg_blame b;
	uint8_t pubs[3][33], hpks[3][33];

	ASSERT_EQ(0, full_dkg(self->h, &self->d, 2, 3));
	EXPECT_EQ(0, frost_sign(self->h, &self->d, ids, 2));
	EXPECT_EQ(0, frost_sign(self->h, &self->d, ids2, 2));
	EXPECT_EQ(0, frost_sign(self->h, &self->d, all, 3));

	/* coordinator_recover: the public output again, from the recovery data */
	memset(&pub, 0, sizeof(pub));
	pub.pubshares = &pubs[0][0];
	pub.pubshares_cap = sizeof(pubs);
	pub.hostpubkeys = &hpks[0][0];
	pub.hostpubkeys_cap = sizeof(hpks);
	ASSERT_EQ(0, mpcsign_dkg_coord_recover(self->d.rd, self->d.rd_len, &pub, &b));
	EXPECT_EQ(2, pub.t);
	EXPECT_EQ(3, pub.n);
	EXPECT_EQ(0, memcmp(pub.thresh_pk, self->d.thresh_pk, 33));
	EXPECT_EQ(0, memcmp(pubs, self->d.pubshares, sizeof(pubs)));
	EXPECT_EQ(0, memcmp(hpks, self->d.hostpubkeys, sizeof(hpks)));
	pub.pubshares_cap = 33;
	EXPECT_EQ(-ENOSPC, mpcsign_dkg_coord_recover(self->d.rd, self->d.rd_len, &pub, &b));
	pub.pubshares_cap = sizeof(pubs);
	EXPECT_EQ(-EILSEQ, mpcsign_dkg_coord_recover(self->d.rd, self->d.rd_len - 1, &pub, &b));
	/* a flipped byte in a commitment: the data no longer checks out */
	self->d.rd[4 + 5] ^= 1;
	EXPECT_NE(0, mpcsign_dkg_coord_recover(self->d.rd, self->d.rd_len, &pub, &b));
	self->d.rd[4 + 5] ^= 1;
}

TEST_F(chilldkg, dkg_3_of_5_then_sign)
{
	const uint32_t ids[] = { 4, 1, 3 };

	ASSERT_EQ(0, full_dkg(self->h, &self->d, 3, 5));
	EXPECT_EQ(0, frost_sign(self->h, &self->d, ids, 3));
}

TEST_F(chilldkg, dkg_5_of_7_then_sign)
{
	const uint32_t ids[] = { 6, 0, 3, 2, 5 }, more[] = { 0, 1, 2, 3, 4, 5 };

	ASSERT_EQ(0, full_dkg(self->h, &self->d, 5, 7));
	EXPECT_EQ(0, frost_sign(self->h, &self->d, ids, 5));
	EXPECT_EQ(0, frost_sign(self->h, &self->d, more, 6));
}

TEST_F(chilldkg, recover_after_delete_then_sign)
{
	const uint32_t ids[] = { 1, 2 };
	struct mpcsign_dkg_result res;
	struct mpcsign_key_info ki;
	uint8_t pubs[MAXN][33], acks[MAXN][64];
	struct mpcsign_dkg_blame b;
	uint32_t i;

	ASSERT_EQ(0, full_dkg(self->h, &self->d, 2, 3));
	/* machine 1 loses its key share */
	ASSERT_EQ(0, mpcsign_key_delete(self->h, self->d.key[1]));
	self->d.key[1] = 0;
	EXPECT_EQ(-ENOENT, frost_sign(self->h, &self->d, ids, 2));
	/* and re-creates it from its host key + the public recovery data */
	memset(&res, 0, sizeof(res));
	res.pubshares = pubs;
	res.pubshares_cap = MAXN;
	ASSERT_EQ(0, mpcsign_recover(self->h, self->d.hostkey[1], self->d.rd, self->d.rd_len,
				     &res, &b));
	self->d.key[1] = res.key;
	EXPECT_EQ(1, res.my_id);
	EXPECT_EQ(0, memcmp(res.thresh_pk, self->d.thresh_pk, 33));
	EXPECT_EQ(0, memcmp(pubs, self->d.pubshares, 3 * 33));
	ASSERT_EQ(0, mpcsign_key_info(self->h, res.key, &ki, NULL, 0));
	EXPECT_EQ(2, ki.t);
	EXPECT_EQ(3, ki.n);
	EXPECT_EQ(0, frost_sign(self->h, &self->d, ids, 2));
	/* an unknown host key handle; the wrong host key */
	EXPECT_EQ(-ENOENT, mpcsign_recover(self->h, 0x7ffffff0, self->d.rd, self->d.rd_len,
					   &res, &b));
	{
		uint32_t other;
		uint8_t opk[33];

		ASSERT_EQ(0, mpcsign_host_key_create(self->h, &other, opk));
		EXPECT_EQ(-EKEYREJECTED, mpcsign_recover(self->h, other, self->d.rd,
							 self->d.rd_len, &res, &b));
		EXPECT_EQ(MPCSIGN_DKG_HOST_SECKEY, b.kind);
		mpcsign_host_key_delete(self->h, other);
	}
	/* tampered recovery data */
	self->d.rd[self->d.rd_len - 1] ^= 1;
	EXPECT_EQ(-EILSEQ, mpcsign_recover(self->h, self->d.hostkey[1], self->d.rd,
					   self->d.rd_len, &res, &b));
	EXPECT_EQ(MPCSIGN_DKG_RECOVERY_DATA, b.kind);
	self->d.rd[self->d.rd_len - 1] ^= 1;
	/* recovery acks from every machine verify; a forged one is blamed */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, mpcsign_recovery_ack_sign(self->h, self->d.hostkey[i], self->d.rd,
						       self->d.rd_len, acks[i], &b));
	EXPECT_EQ(0, mpcsign_dkg_acks_verify(self->d.rd, self->d.rd_len,
					     (const uint8_t (*)[64])acks, 3, &b));
	/* with the caller's own params (the spec's form): they must match */
	{
		struct mpcsign_dkg_params prm = { 2, 3,
			(const uint8_t (*)[33])self->d.hostpubkeys };
		uint8_t swapped[3][33], ack[64];

		EXPECT_EQ(0, mpcsign_recovery_ack_sign_params(self->h, self->d.hostkey[0],
							      self->d.rd, self->d.rd_len, &prm,
							      ack, &b));
		EXPECT_EQ(0, acks_params(&self->d, &prm, acks, &b));
		prm.t = 3;	/* another threshold */
		EXPECT_EQ(-EILSEQ, mpcsign_recovery_ack_sign_params(self->h, self->d.hostkey[0],
								    self->d.rd, self->d.rd_len,
								    &prm, ack, &b));
		EXPECT_EQ(MPCSIGN_DKG_RECOVERY_DATA, b.kind);
		EXPECT_EQ(-EILSEQ, acks_params(&self->d, &prm, acks, &b));
		EXPECT_EQ(MPCSIGN_DKG_RECOVERY_DATA, b.kind);
		/* params for another n */
		prm.t = 2;
		prm.n = 2;
		EXPECT_EQ(-EILSEQ, acks_params(&self->d, &prm, acks, &b));
		EXPECT_EQ(MPCSIGN_DKG_RECOVERY_DATA, b.kind);
		prm.n = 3;
		/* the same host keys in another order */
		memcpy(swapped[0], self->d.hostpubkeys[1], 33);
		memcpy(swapped[1], self->d.hostpubkeys[0], 33);
		memcpy(swapped[2], self->d.hostpubkeys[2], 33);
		prm.t = 2;
		prm.hostpubkeys = (const uint8_t (*)[33])swapped;
		EXPECT_EQ(-EILSEQ, mpcsign_recovery_ack_sign_params(self->h, self->d.hostkey[0],
								    self->d.rd, self->d.rd_len,
								    &prm, ack, &b));
		EXPECT_EQ(-EILSEQ, acks_params(&self->d, &prm, acks, &b));
		/* the flag with an old-size struct, and params fields without it */
		{
			struct mpcsign_recovery_ack ra;
			int fd = mpcsign_fd(self->h);

			memset(&ra, 0, sizeof(ra));
			ra.size = MPCSIGN_RECOVERY_ACK_SIZE_VER0;
			ra.flags = MPCSIGN_ACK_F_PARAMS;
			ra.host_key = self->d.hostkey[0];
			ra.recovery_data = (uintptr_t)self->d.rd;
			ra.recovery_data_len = self->d.rd_len;
			EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_RECOVERY_ACK_SIGN, &ra));
			EXPECT_EQ(EINVAL, errno);
			ra.size = sizeof(ra);
			ra.flags = 0;
			ra.t = 2;
			EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_RECOVERY_ACK_SIGN, &ra));
			EXPECT_EQ(EINVAL, errno);
			/* an old-size struct without the flag still works */
			memset(&ra, 0, sizeof(ra));
			ra.size = MPCSIGN_RECOVERY_ACK_SIZE_VER0;
			ra.host_key = self->d.hostkey[0];
			ra.recovery_data = (uintptr_t)self->d.rd;
			ra.recovery_data_len = self->d.rd_len;
			EXPECT_EQ(0, ioctl(fd, MPCSIGN_IOC_RECOVERY_ACK_SIGN, &ra));
		}
	}
	acks[2][5] ^= 1;
	EXPECT_EQ(-EBADMSG, mpcsign_dkg_acks_verify(self->d.rd, self->d.rd_len,
						    (const uint8_t (*)[64])acks, 3, &b));
	EXPECT_EQ(2, b.participant);
}

TEST_F(chilldkg, faulty_participant_blamed)
{
	struct mpcsign_dkg_blame b;
	uint8_t *cinvs;
	size_t cinvs_len, one;
	uint32_t i;
	int ret = 0, blamed = 0;

	ASSERT_EQ(0, dkg_setup(self->h, &self->d, 2, 3));
	ASSERT_EQ(0, dkg_round1(self->h, &self->d));
	/* participant 2 sends garbage as its encrypted share for participant 0:
	 * the last 32 * n bytes of pmsg1 are the encrypted shares */
	self->d.pmsg1[2][self->d.pmsg1_len[2] - 3 * 32 + 7] ^= 1;
	ASSERT_EQ(0, dkg_coord1(&self->d));
	for (i = 0; i < 3; i++) {
		ret = mpcsign_dkg_step2(self->h, self->d.session[i], self->d.cmsg1,
					self->d.cmsg1_len, self->d.pmsg2[i], &b);
		if (ret) {
			EXPECT_EQ(-EREMOTEIO, ret);
			EXPECT_EQ(MPCSIGN_DKG_UNKNOWN_FAULTY, b.kind);
			EXPECT_EQ(0, i);
			break;
		}
	}
	ASSERT_EQ(-EREMOTEIO, ret);
	/* a step in the wrong stage */
	EXPECT_EQ(-EALREADY, mpcsign_dkg_step2(self->h, self->d.session[0], self->d.cmsg1,
					       self->d.cmsg1_len, self->d.pmsg2[0], &b));
	ASSERT_EQ(0, mpcsign_dkg_coord_investigate(self->d.coord,
						   (const uint8_t *const *)self->d.pmsg1,
						   self->d.pmsg1_len, &cinvs, &cinvs_len));
	one = mpcsign_dkg_cinv_len(3);
	ASSERT_EQ(3 * one, cinvs_len);
	ret = mpcsign_dkg_investigate(self->h, self->d.session[0], cinvs, one, &b);
	EXPECT_EQ(-EBADMSG, ret);
	EXPECT_EQ(MPCSIGN_DKG_FAULTY_PARTICIPANT_OR_COORDINATOR, b.kind);
	EXPECT_EQ(2, b.participant);
	blamed = b.participant == 2;
	EXPECT_TRUE(blamed);
	/* the session is over */
	EXPECT_EQ(-ENOENT, mpcsign_dkg_investigate(self->h, self->d.session[0], cinvs, one, &b));
	free(cinvs);
	for (i = 1; i < 3; i++)
		mpcsign_dkg_abort(self->h, self->d.session[i]);
}

TEST_F(chilldkg, faulty_coordinator_blamed)
{
	struct mpcsign_dkg_blame b;
	struct mpcsign_dkg_result res;
	uint8_t pubs[MAXN][33], rd[8192];
	int ret;

	ASSERT_EQ(0, dkg_setup(self->h, &self->d, 2, 3));
	ASSERT_EQ(0, dkg_round1(self->h, &self->d));
	ASSERT_EQ(0, dkg_coord1(&self->d));
	ASSERT_EQ(0, dkg_round2(self->h, &self->d, &b));
	ASSERT_EQ(0, mpcsign_dkg_coord_finalize(self->d.coord, (const uint8_t (*)[64])self->d.pmsg2,
						&self->d.cmsg2, &self->d.cmsg2_len, &self->d.rd,
						&self->d.rd_len, self->d.thresh_pk, NULL));
	/* a certificate with a broken signature of participant 1: the spec
	 * blames the coordinator (FaultyCoordinatorError), who must have
	 * checked every signature it put into the certificate */
	self->d.cmsg2[64 + 3] ^= 1;
	memset(&res, 0, sizeof(res));
	res.pubshares = pubs;
	res.pubshares_cap = MAXN;
	res.recovery_data = rd;
	res.recovery_data_cap = sizeof(rd);
	ret = mpcsign_dkg_finalize(self->h, self->d.session[0], self->d.cmsg2,
				   self->d.cmsg2_len, &res, &b);
	EXPECT_EQ(-EPROTO, ret);
	EXPECT_EQ(MPCSIGN_DKG_FAULTY_COORDINATOR, b.kind);
	EXPECT_EQ(MPCSIGN_BLAME_NONE, b.participant);
	/* the state went to one finalize (the spec): the session has ended,
	 * the good certificate cannot be tried on it any more */
	self->d.cmsg2[64 + 3] ^= 1;
	EXPECT_EQ(-ENOENT, mpcsign_dkg_finalize(self->h, self->d.session[0], self->d.cmsg2,
						self->d.cmsg2_len, &res, &b));
	self->d.session[0] = 0;
	/* the others, who got the good certificate, finish */
	ASSERT_EQ(0, mpcsign_dkg_finalize(self->h, self->d.session[1], self->d.cmsg2,
					  self->d.cmsg2_len, &res, &b));
	self->d.key[1] = res.key;

	/*
	 * A coordinator that tampers with cmsg1.  Layout (n = 3, t = 2):
	 * coms_to_secrets 33n | sum_coms_to_nonconst_terms 33(t-1) | pops 64n
	 * | pubnonces 33n | enc_secshares 32n.  Each case has one answer.
	 */
	{
		struct dkg *d = &self->d;
		const size_t ncs = 33 * 3, pns = 33 * 3 + 33 + 64 * 3;
		static const uint8_t gen[33] = {
			0x02, 0x79, 0xBE, 0x66, 0x7E, 0xF9, 0xDC, 0xBB, 0xAC, 0x55, 0xA0,
			0x62, 0x95, 0xCE, 0x87, 0x0B, 0x07, 0x02, 0x9B, 0xFC, 0xDB, 0x2D,
			0xCE, 0x28, 0xD9, 0x59, 0xF2, 0x81, 0x5B, 0x16, 0xF8, 0x17, 0x98
		};
		uint8_t *cinvs;
		size_t cinvs_len, one = mpcsign_dkg_cinv_len(3);
		uint32_t i;

		/* 1. the summed commitment is no point: everybody blames the
		 * coordinator at once */
		dkg_free(self->h, d);
		ASSERT_EQ(0, dkg_setup(self->h, d, 2, 3));
		ASSERT_EQ(0, dkg_round1(self->h, d));
		ASSERT_EQ(0, dkg_coord1(d));
		ASSERT_EQ(d->cmsg1_len, 162 * 3 + 33);
		d->cmsg1[ncs] = 0x05;
		for (i = 0; i < 3; i++) {
			EXPECT_EQ(-EPROTO, mpcsign_dkg_step2(self->h, d->session[i], d->cmsg1,
							     d->cmsg1_len, d->pmsg2[i], &b));
			EXPECT_EQ(MPCSIGN_DKG_FAULTY_COORDINATOR, b.kind);
			EXPECT_EQ(MPCSIGN_BLAME_NONE, b.participant);
		}

		/* 2. participant 1's public nonce altered: participant 1 sees
		 * that its own nonce was not forwarded */
		dkg_free(self->h, d);
		ASSERT_EQ(0, dkg_setup(self->h, d, 2, 3));
		ASSERT_EQ(0, dkg_round1(self->h, d));
		ASSERT_EQ(0, dkg_coord1(d));
		d->cmsg1[pns + 33 + 5] ^= 1;
		EXPECT_EQ(-EPROTO, mpcsign_dkg_step2(self->h, d->session[1], d->cmsg1,
						     d->cmsg1_len, d->pmsg2[1], &b));
		EXPECT_EQ(MPCSIGN_DKG_FAULTY_COORDINATOR, b.kind);
		for (i = 0; i < 3; i += 2)
			mpcsign_dkg_abort(self->h, d->session[i]);

		/* 3. the summed commitment replaced by another valid point (G):
		 * the shares no longer verify, nobody can tell who cheated
		 * (-EREMOTEIO), and the investigation names the coordinator */
		dkg_free(self->h, d);
		ASSERT_EQ(0, dkg_setup(self->h, d, 2, 3));
		ASSERT_EQ(0, dkg_round1(self->h, d));
		ASSERT_EQ(0, dkg_coord1(d));
		memcpy(d->cmsg1 + ncs, gen, 33);
		for (i = 0; i < 3; i++) {
			EXPECT_EQ(-EREMOTEIO, mpcsign_dkg_step2(self->h, d->session[i], d->cmsg1,
								d->cmsg1_len, d->pmsg2[i], &b));
			EXPECT_EQ(MPCSIGN_DKG_UNKNOWN_FAULTY, b.kind);
		}
		ASSERT_EQ(0, mpcsign_dkg_coord_investigate(d->coord,
							   (const uint8_t *const *)d->pmsg1,
							   d->pmsg1_len, &cinvs, &cinvs_len));
		ASSERT_EQ(3 * one, cinvs_len);
		for (i = 0; i < 3; i++) {
			EXPECT_EQ(-EPROTO, mpcsign_dkg_investigate(self->h, d->session[i],
								   cinvs + i * one, one, &b));
			EXPECT_EQ(MPCSIGN_DKG_FAULTY_COORDINATOR, b.kind);
			EXPECT_EQ(MPCSIGN_BLAME_NONE, b.participant);
		}
		free(cinvs);
	}
}

/*
 * A cmsg1 or cmsg2 of the wrong length is malformed (-EINVAL, kind
 * INVALID_ARG for cmsg1) and leaves the session where it was: the right
 * message then completes the DKG.  The kernel sizes its copy from the
 * session, not from the module's limits.
 */
TEST_F(chilldkg, wrong_length_messages_keep_the_session)
{
	struct mpcsign_dkg_blame b;
	struct mpcsign_dkg_result res;
	uint8_t pubs[MAXN][33], rd[8192], *longer;
	uint32_t i;

	ASSERT_EQ(0, dkg_setup(self->h, &self->d, 2, 3));
	ASSERT_EQ(0, dkg_round1(self->h, &self->d));
	ASSERT_EQ(0, dkg_coord1(&self->d));
	longer = calloc(1, self->d.cmsg1_len + 1);
	ASSERT_NE(NULL, longer);
	memcpy(longer, self->d.cmsg1, self->d.cmsg1_len);
	EXPECT_EQ(-EINVAL, mpcsign_dkg_step2(self->h, self->d.session[0], longer,
					     self->d.cmsg1_len + 1, self->d.pmsg2[0], &b));
	EXPECT_EQ(MPCSIGN_DKG_INVALID_ARG, b.kind);
	EXPECT_EQ(-EINVAL, mpcsign_dkg_step2(self->h, self->d.session[0], self->d.cmsg1,
					     self->d.cmsg1_len - 1, self->d.pmsg2[0], &b));
	free(longer);
	ASSERT_EQ(0, dkg_round2(self->h, &self->d, &b));
	ASSERT_EQ(0, mpcsign_dkg_coord_finalize(self->d.coord, (const uint8_t (*)[64])self->d.pmsg2,
						&self->d.cmsg2, &self->d.cmsg2_len, &self->d.rd,
						&self->d.rd_len, self->d.thresh_pk, NULL));
	memset(&res, 0, sizeof(res));
	res.pubshares = pubs;
	res.pubshares_cap = MAXN;
	res.recovery_data = rd;
	res.recovery_data_cap = sizeof(rd);
	EXPECT_EQ(-EINVAL, mpcsign_dkg_finalize(self->h, self->d.session[0], self->d.cmsg2,
						self->d.cmsg2_len - 64, &res, &b));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, mpcsign_dkg_finalize(self->h, self->d.session[i], self->d.cmsg2,
						  self->d.cmsg2_len, &res, &b));
		self->d.key[i] = res.key;
		EXPECT_EQ(0, memcmp(res.thresh_pk, self->d.thresh_pk, 33));
	}
}

/*
 * A DKG session lives no longer than the open file it was begun through:
 * closing that file ends it (its secret state is wiped); the host key stays.
 */
TEST_F(chilldkg, session_dies_with_its_file)
{
	struct mpcsign_dkg_blame b;
	struct mpcsign *h2;
	uint8_t pmsg1[4096];
	size_t len;
	uint32_t session, kept;

	ASSERT_EQ(0, dkg_setup(self->h, &self->d, 2, 3));
	ASSERT_EQ(0, mpcsign_open(&h2, NULL));
	ASSERT_EQ(0, mpcsign_dkg_step1(h2, self->d.hostkey[0], 2, 3,
				       (const uint8_t (*)[33])self->d.hostpubkeys, pmsg1,
				       sizeof(pmsg1), &len, &session, &b));
	ASSERT_EQ(0, mpcsign_dkg_step1(self->h, self->d.hostkey[1], 2, 3,
				       (const uint8_t (*)[33])self->d.hostpubkeys, pmsg1,
				       sizeof(pmsg1), &len, &kept, &b));
	mpcsign_close(h2);
	EXPECT_EQ(-ENOENT, mpcsign_dkg_abort(self->h, session));
	/* the session of the file still open is still there */
	EXPECT_EQ(0, mpcsign_dkg_abort(self->h, kept));
	/* and the host key too: a new session runs under it */
	ASSERT_EQ(0, mpcsign_dkg_step1(self->h, self->d.hostkey[0], 2, 3,
				       (const uint8_t (*)[33])self->d.hostpubkeys, pmsg1,
				       sizeof(pmsg1), &len, &session, &b));
	EXPECT_EQ(0, mpcsign_dkg_abort(self->h, session));
}

static int contains(const void *hay, size_t len, const uint8_t needle[32])
{
	return len >= 32 && memmem(hay, len, needle, 32) != NULL;
}

/*
 * No ioctl output holds a secret share or a host secret.  The host keys are
 * imported with secrets the test knows, so after the DKG the test can work
 * out each share itself (participant_recover in userspace, from the host
 * secret and the public recovery data; checked against its public share)
 * and look for it, and for the host secrets, in every byte the device gave
 * back: pmsg1, pmsg2, the recovery data, the public shares, KEY_INFO,
 * HOST_KEY_INFO and a partial signature round.
 */
TEST_F(chilldkg, secret_share_never_in_any_output)
{
	struct dkg *d = &self->d;
	struct mpcsign_dkg_blame b;
	uint8_t sec[3][32], share[3][32];
	uint32_t i, j, owner;
	const uint32_t ids[] = { 0, 2 };

	memset(d, 0, sizeof(*d));
	d->n = 3;
	d->t = 2;
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(32, getrandom(sec[i], 32, 0));
		ASSERT_EQ(0, mpcsign_host_key_import(self->h, sec[i], &d->hostkey[i],
						     d->hostpubkeys[i]));
	}
	ASSERT_EQ(0, mpcsign_dkg_coord_new(&d->coord, 2, 3,
					   (const uint8_t (*)[33])d->hostpubkeys));
	ASSERT_EQ(0, dkg_round1(self->h, d));
	ASSERT_EQ(0, dkg_coord1(d));
	ASSERT_EQ(0, dkg_round2(self->h, d, &b));
	ASSERT_EQ(0, dkg_finish(self->h, d));
	EXPECT_EQ(0, frost_sign(self->h, d, ids, 2));

	for (i = 0; i < 3; i++) {
		struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
		struct mpc_dkg_output o;
		uint8_t pubs[3][33], pk[33];
		mpc_scalar sc;
		mpc_gej pj;
		mpc_ge pg;

		memset(&o, 0, sizeof(o));
		o.pubshares = &pubs[0][0];
		o.pubshares_len = sizeof(pubs);
		ASSERT_EQ(0, mpc_dkg_participant_recover(&o, NULL, sec[i], d->rd, d->rd_len, &e));
		memcpy(share[i], o.secshare, 32);
		/* it is the share: share * G is participant i's public share */
		ASSERT_TRUE(mpc_scalar_set_b32(&sc, share[i]));
		mpc_ecmult_gen(&pj, &sc);
		mpc_ge_set_gej_var(&pg, &pj);
		ASSERT_TRUE(mpc_ge_serialize_compressed(pk, &pg));
		ASSERT_EQ(0, memcmp(pk, d->pubshares[i], 33));
	}
	for (i = 0; i < 3; i++) {
		struct mpcsign_key_info ki;
		uint8_t kpubs[3][33], hpk[33];

		ASSERT_EQ(0, mpcsign_key_info(self->h, d->key[i], &ki, kpubs, 3));
		ASSERT_EQ(0, mpcsign_host_key_info(self->h, d->hostkey[i], hpk, &owner));
		for (j = 0; j < 3; j++) {
			const uint8_t *secret[2] = { share[j], sec[j] };
			int k;

			for (k = 0; k < 2; k++) {
				EXPECT_FALSE(contains(d->pmsg1[i], d->pmsg1_len[i], secret[k]));
				EXPECT_FALSE(contains(d->pmsg2[i], 64, secret[k]));
				EXPECT_FALSE(contains(d->rd_of[i], d->rd_of_len[i], secret[k]));
				EXPECT_FALSE(contains(d->pubshares, sizeof(d->pubshares), secret[k]));
				EXPECT_FALSE(contains(&ki, sizeof(ki), secret[k]));
				EXPECT_FALSE(contains(kpubs, sizeof(kpubs), secret[k]));
				EXPECT_FALSE(contains(hpk, sizeof(hpk), secret[k]));
			}
		}
	}
	/* the check can see a share where there is one */
	EXPECT_TRUE(contains(share, sizeof(share), share[1]));
}

TEST_F(chilldkg, bad_inputs_refused)
{
	struct mpcsign_dkg_blame b;
	struct mpcsign_dkg_step1 a;
	uint8_t pmsg1[4096], dup[3][33];
	size_t len;
	uint32_t session, count, handles[4];
	int fd = mpcsign_fd(self->h);

	ASSERT_EQ(0, dkg_setup(self->h, &self->d, 2, 3));
	/* duplicate host public keys */
	memcpy(dup[0], self->d.hostpubkeys[0], 33);
	memcpy(dup[1], self->d.hostpubkeys[1], 33);
	memcpy(dup[2], self->d.hostpubkeys[0], 33);
	EXPECT_EQ(-EINVAL, mpcsign_dkg_step1(self->h, self->d.hostkey[1], 2, 3,
					     (const uint8_t (*)[33])dup, pmsg1, sizeof(pmsg1),
					     &len, &session, &b));
	EXPECT_EQ(MPCSIGN_DKG_DUPLICATE_HOSTPUBKEY, b.kind);
	EXPECT_EQ(0, b.participant);
	EXPECT_EQ(2, b.participant2);
	/* an invalid host public key */
	memcpy(dup[2], self->d.hostpubkeys[2], 33);
	dup[2][0] = 0x05;
	EXPECT_EQ(-EINVAL, mpcsign_dkg_step1(self->h, self->d.hostkey[1], 2, 3,
					     (const uint8_t (*)[33])dup, pmsg1, sizeof(pmsg1),
					     &len, &session, &b));
	EXPECT_EQ(MPCSIGN_DKG_INVALID_HOSTPUBKEY, b.kind);
	EXPECT_EQ(2, b.participant);
	/* our host key not in the list */
	{
		uint8_t other[3][33];

		memcpy(other[0], self->d.hostpubkeys[1], 33);
		memcpy(other[1], self->d.hostpubkeys[2], 33);
		{
			uint32_t x;

			ASSERT_EQ(0, mpcsign_host_key_create(self->h, &x, other[2]));
			mpcsign_host_key_delete(self->h, x);
		}
		EXPECT_EQ(-EKEYREJECTED, mpcsign_dkg_step1(self->h, self->d.hostkey[0], 2, 3,
							   (const uint8_t (*)[33])other, pmsg1,
							   sizeof(pmsg1), &len, &session, &b));
		EXPECT_EQ(MPCSIGN_DKG_HOST_SECKEY, b.kind);
	}
	/* t > n, t = 0, n too large, buffer too small */
	EXPECT_EQ(-EINVAL, mpcsign_dkg_step1(self->h, self->d.hostkey[0], 4, 3,
					     (const uint8_t (*)[33])self->d.hostpubkeys, pmsg1,
					     sizeof(pmsg1), &len, &session, &b));
	EXPECT_EQ(MPCSIGN_DKG_THRESHOLD_OR_COUNT, b.kind);
	EXPECT_EQ(-EINVAL, mpcsign_dkg_step1(self->h, self->d.hostkey[0], 0, 3,
					     (const uint8_t (*)[33])self->d.hostpubkeys, pmsg1,
					     sizeof(pmsg1), &len, &session, &b));
	EXPECT_EQ(MPCSIGN_DKG_THRESHOLD_OR_COUNT, b.kind);
	EXPECT_EQ(-E2BIG, mpcsign_dkg_step1(self->h, self->d.hostkey[0], 2, 100000,
					    (const uint8_t (*)[33])self->d.hostpubkeys, pmsg1,
					    sizeof(pmsg1), &len, &session, &b));
	/* refused before the protocol ran: nobody blamed (not participant 0) */
	EXPECT_EQ(MPCSIGN_DKG_OK, b.kind);
	EXPECT_EQ(MPCSIGN_BLAME_NONE, b.participant);
	/* t above the max_threshold parameter (5 in the test VM) */
	EXPECT_EQ(-E2BIG, mpcsign_dkg_step1(self->h, self->d.hostkey[0], 6, 7,
					    (const uint8_t (*)[33])self->d.hostpubkeys, pmsg1,
					    sizeof(pmsg1), &len, &session, &b));
	EXPECT_EQ(-ENOSPC, mpcsign_dkg_step1(self->h, self->d.hostkey[0], 2, 3,
					     (const uint8_t (*)[33])self->d.hostpubkeys, pmsg1, 10,
					     &len, &session, &b));
	/* unknown handles */
	EXPECT_EQ(-ENOENT, mpcsign_dkg_step1(self->h, 0x7ffffff0, 2, 3,
					     (const uint8_t (*)[33])self->d.hostpubkeys, pmsg1,
					     sizeof(pmsg1), &len, &session, &b));
	EXPECT_EQ(-ENOENT, mpcsign_dkg_step2(self->h, 0x7ffffff0, pmsg1, 10, self->d.pmsg2[0], &b));
	EXPECT_EQ(-ENOENT, mpcsign_dkg_abort(self->h, 0x7ffffff0));
	/* nonzero reserved fields */
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.host_key = self->d.hostkey[0];
	a.t = 2;
	a.n = 3;
	a.hostpubkeys = (uintptr_t)self->d.hostpubkeys;
	a.pmsg1 = (uintptr_t)pmsg1;
	a.pmsg1_len = sizeof(pmsg1);
	a.reserved0 = 1;
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_DKG_STEP1, &a));
	EXPECT_EQ(EINVAL, errno);
	a.reserved0 = 0;
	a.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_DKG_STEP1, &a));
	EXPECT_EQ(EINVAL, errno);
	a.reserved[1] = 0;
	ASSERT_EQ(0, ioctl(fd, MPCSIGN_IOC_DKG_STEP1, &a));
	/* a step-1 session cannot finalize; abort wipes it */
	{
		struct mpcsign_dkg_result res;
		uint8_t pubs[MAXN][33], rd[4096];

		memset(&res, 0, sizeof(res));
		res.pubshares = pubs;
		res.pubshares_cap = MAXN;
		res.recovery_data = rd;
		res.recovery_data_cap = sizeof(rd);
		EXPECT_EQ(-EALREADY, mpcsign_dkg_finalize(self->h, a.session, pmsg1, 64 * 3,
							  &res, &b));
	}
	EXPECT_EQ(0, mpcsign_dkg_abort(self->h, a.session));
	EXPECT_EQ(-ENOENT, mpcsign_dkg_abort(self->h, a.session));
	/* host key list sees our keys; a host key import needs a valid secret */
	ASSERT_EQ(0, mpcsign_host_key_list(self->h, handles, 4, &count));
	EXPECT_LE(3, count);
	{
		uint8_t zero[32] = { 0 }, pk[33];
		uint32_t hk;

		EXPECT_EQ(-EINVAL, mpcsign_host_key_import(self->h, zero, &hk, pk));
	}
}

/* A host key backup restored by import gives the same host public key. */
TEST_F(chilldkg, host_key_import_restores_backup)
{
	uint8_t sec[32], pk1[33], pk2[33];
	uint32_t h1, h2, owner;

	memset(sec, 0x42, sizeof(sec));
	ASSERT_EQ(0, mpcsign_host_key_import(self->h, sec, &h1, pk1));
	ASSERT_EQ(0, mpcsign_host_key_import(self->h, sec, &h2, pk2));
	EXPECT_NE(h1, h2);
	EXPECT_EQ(0, memcmp(pk1, pk2, 33));
	ASSERT_EQ(0, mpcsign_host_key_info(self->h, h1, pk2, &owner));
	EXPECT_EQ(0, memcmp(pk1, pk2, 33));
	EXPECT_EQ(0, owner);
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, h1));
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, h2));
	EXPECT_EQ(-ENOENT, mpcsign_host_key_info(self->h, h1, pk2, &owner));
}

/*
 * Per-uid quotas (module parameters uid_max_*; the test VM sets 3 keys,
 * 4 nonces, 3 host keys, 3 sessions): an unprivileged uid that reaches one
 * gets -EDQUOT, gets room back when it frees objects, and CAP_SYS_ADMIN is
 * not limited.
 */
TEST_F(chilldkg, per_uid_quotas)
{
	uint32_t extra[4];
	uint8_t pk[33];
	pid_t pid;
	int status, i;

	ASSERT_EQ(0, chmod("/dev/mpcsign", 0666));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct dkg *d = calloc(1, sizeof(*d));
		struct mpcsign_dkg_result res;
		struct mpcsign *h;
		uint8_t pubnonce[66], pubs[MAXN][33], pmsg1[4096];
		uint32_t nonce, hk, session[4];
		size_t len;

		if (!d || setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		if (mpcsign_open(&h, NULL))
			_exit(11);
		/* a whole DKG fits: 3 host keys, 3 sessions, 3 key shares */
		if (full_dkg(h, d, 2, 3))
			_exit(12);
		if (mpcsign_host_key_create(h, &hk, pk) != -EDQUOT)
			_exit(13);
		memset(&res, 0, sizeof(res));
		res.pubshares = pubs;
		res.pubshares_cap = MAXN;
		if (mpcsign_recover(h, d->hostkey[0], d->rd, d->rd_len, &res, NULL) != -EDQUOT)
			_exit(14);
		for (i = 0; i < 4; i++)
			if (mpcsign_nonce_gen(h, d->key[0], NULL, pubnonce, &nonce))
				_exit(15);
		if (mpcsign_nonce_gen(h, d->key[1], NULL, pubnonce, &nonce) != -EDQUOT)
			_exit(16);
		for (i = 0; i < 3; i++)
			if (mpcsign_dkg_step1(h, d->hostkey[i], 2, 3,
					      (const uint8_t (*)[33])d->hostpubkeys, pmsg1,
					      sizeof(pmsg1), &len, &session[i], NULL))
				_exit(17);
		/* ending a session gives its room back; a fourth at once is over */
		if (mpcsign_dkg_abort(h, session[2]) ||
		    mpcsign_dkg_step1(h, d->hostkey[2], 2, 3,
				      (const uint8_t (*)[33])d->hostpubkeys, pmsg1,
				      sizeof(pmsg1), &len, &session[2], NULL))
			_exit(18);
		if (mpcsign_dkg_step1(h, d->hostkey[0], 2, 3,
				      (const uint8_t (*)[33])d->hostpubkeys, pmsg1,
				      sizeof(pmsg1), &len, &session[3], NULL) != -EDQUOT)
			_exit(19);
		/* room comes back: closing the file ends sessions and nonces */
		mpcsign_close(h);
		if (mpcsign_open(&h, NULL))
			_exit(20);
		for (i = 0; i < 4; i++)
			if (mpcsign_nonce_gen(h, d->key[0], NULL, pubnonce, &nonce))
				_exit(21);
		/* and deleting a key share lets RECOVER make it again */
		if (mpcsign_key_delete(h, d->key[0]))
			_exit(22);
		d->key[0] = 0;
		if (mpcsign_recover(h, d->hostkey[0], d->rd, d->rd_len, &res, NULL))
			_exit(23);
		d->key[0] = res.key;
		dkg_free(h, d);
		mpcsign_close(h);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	chmod("/dev/mpcsign", 0600);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* root (CAP_SYS_ADMIN) is counted, not limited */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, mpcsign_host_key_create(self->h, &extra[i], pk));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, mpcsign_host_key_delete(self->h, extra[i]));
}

/* Another uid can't use root's host keys or sessions, nor import. */
TEST_F(chilldkg, foreign_uid_refused)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, dkg_setup(self->h, &self->d, 2, 3));
	ASSERT_EQ(0, dkg_round1(self->h, &self->d));
	ASSERT_EQ(0, chmod("/dev/mpcsign", 0666));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct mpcsign *h;
		uint8_t pmsg1[4096], pk[33], sec[32] = { 1 }, pmsg2[64];
		size_t len;
		uint32_t session, hk, count = 99;

		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		if (mpcsign_open(&h, NULL))
			_exit(11);
		if (mpcsign_dkg_step1(h, self->d.hostkey[0], 2, 3,
				      (const uint8_t (*)[33])self->d.hostpubkeys, pmsg1,
				      sizeof(pmsg1), &len, &session, NULL) != -EACCES)
			_exit(12);
		if (mpcsign_dkg_step2(h, self->d.session[0], pmsg1, 10, pmsg2, NULL) != -EACCES)
			_exit(13);
		if (mpcsign_dkg_abort(h, self->d.session[0]) != -EACCES)
			_exit(14);
		if (mpcsign_host_key_delete(h, self->d.hostkey[0]) != -EACCES)
			_exit(15);
		if (mpcsign_host_key_import(h, sec, &hk, pk) != -EPERM)
			_exit(16);
		if (mpcsign_host_key_list(h, NULL, 0, &count) || count != 0)
			_exit(17);
		/* but it can make its own host key */
		if (mpcsign_host_key_create(h, &hk, pk) || mpcsign_host_key_delete(h, hk))
			_exit(18);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	chmod("/dev/mpcsign", 0600);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* the session is intact */
	ASSERT_EQ(0, dkg_coord1(&self->d));
	EXPECT_EQ(0, dkg_round2(self->h, &self->d, NULL));
}

/*
 * An answer that cannot reach the caller (the argument struct in a
 * read-only page: its copy-in works, its copy-out faults) leaves nothing
 * behind: the call fails with -EFAULT and no object appears or stays
 * charged to the caller's quota.  Before the dispatcher published objects
 * only after the answer, KEY_IMPORT, DKG_FINALIZE, RECOVER and the host
 * key ioctls left a live object with a handle nobody knew.
 */
static void *ro_copy(const void *arg, size_t len)
{
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return NULL;
	memcpy(page, arg, len);
	if (mprotect(page, 4096, PROT_READ)) {
		munmap(page, 4096);
		return NULL;
	}
	return page;
}

/* ioctl with the struct in a read-only page: -errno */
static int ioctl_ro(struct mpcsign *h, unsigned long cmd, const void *arg, size_t len)
{
	void *page = ro_copy(arg, len);
	int ret;

	if (!page)
		return -ENOMEM;
	ret = ioctl(mpcsign_fd(h), cmd, page) < 0 ? -errno : 0;
	munmap(page, 4096);
	return ret;
}

static void recover_args(struct mpcsign_dkg_output *a, uint32_t hk, const uint8_t *rd,
			 size_t rd_len, uint8_t (*pubs)[33])
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->host_key = hk;
	a->recovery_data = (uintptr_t)rd;
	a->recovery_data_len = rd_len;
	a->pubshares = (uintptr_t)pubs;
	a->pubshares_len = MAXN * 33;
}

static uint32_t host_key_count(struct mpcsign *h)
{
	uint32_t count = 0;

	return mpcsign_host_key_list(h, NULL, 0, &count) ? 0xffffffff : count;
}

TEST_F(chilldkg, unanswered_finalize_and_recover_leave_no_key)
{
	struct dkg *d = &self->d;
	struct mpcsign_dkg_output a;
	struct mpcsign_dkg_result res;
	uint8_t pubs[MAXN][33], rd[8192];
	uint32_t found, id, i;

	ASSERT_EQ(0, dkg_setup(self->h, d, 2, 3));
	ASSERT_EQ(0, dkg_round1(self->h, d));
	ASSERT_EQ(0, dkg_coord1(d));
	ASSERT_EQ(0, dkg_round2(self->h, d, NULL));
	ASSERT_EQ(0, mpcsign_dkg_coord_finalize(d->coord, (const uint8_t (*)[64])d->pmsg2,
						&d->cmsg2, &d->cmsg2_len, &d->rd, &d->rd_len,
						d->thresh_pk, NULL));
	/* participant 0: FINALIZE with the struct read-only */
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.session = d->session[0];
	a.cmsg2 = (uintptr_t)d->cmsg2;
	a.cmsg2_len = d->cmsg2_len;
	a.recovery_data = (uintptr_t)rd;
	a.recovery_data_len = sizeof(rd);
	a.pubshares = (uintptr_t)pubs;
	a.pubshares_len = sizeof(pubs);
	memset(rd, 0, sizeof(rd));
	EXPECT_EQ(-EFAULT, ioctl_ro(self->h, MPCSIGN_IOC_DKG_FINALIZE, &a, sizeof(a)));
	/* no key share of participant 0 appeared; the recovery data did arrive */
	id = 0;
	EXPECT_EQ(-ENOENT, mpcsign_key_lookup(self->h, d->thresh_pk, &id, &found, NULL));
	EXPECT_EQ(0, memcmp(rd, d->rd, d->rd_len));
	/* the session went to its one finalize */
	EXPECT_EQ(-ENOENT, mpcsign_dkg_abort(self->h, d->session[0]));
	/* the others finish normally */
	for (i = 1; i < d->n; i++) {
		memset(&res, 0, sizeof(res));
		res.pubshares = pubs;
		res.pubshares_cap = MAXN;
		res.recovery_data = d->rd_of[i];
		res.recovery_data_cap = sizeof(d->rd_of[i]);
		ASSERT_EQ(0, mpcsign_dkg_finalize(self->h, d->session[i], d->cmsg2, d->cmsg2_len,
						  &res, NULL));
		d->key[i] = res.key;
		memcpy(d->pubshares, pubs, (size_t)d->n * 33);
	}
	/* RECOVER with the struct read-only, many times: nothing made, nothing kept */
	recover_args(&a, d->hostkey[0], rd, d->rd_len, pubs);
	for (i = 0; i < 40; i++)
		ASSERT_EQ(-EFAULT, ioctl_ro(self->h, MPCSIGN_IOC_RECOVER, &a, sizeof(a)))
			TH_LOG("try %u", i);
	EXPECT_EQ(-ENOENT, mpcsign_key_lookup(self->h, d->thresh_pk, &id, &found, NULL));
	/* the one that is answered works, and is the only one */
	memset(&res, 0, sizeof(res));
	res.pubshares = pubs;
	res.pubshares_cap = MAXN;
	ASSERT_EQ(0, mpcsign_recover(self->h, d->hostkey[0], rd, d->rd_len, &res, NULL));
	d->key[0] = res.key;
	EXPECT_EQ(0, mpcsign_key_lookup(self->h, d->thresh_pk, &id, &found, NULL));
	EXPECT_EQ(res.key, found);
	EXPECT_EQ(0, frost_sign(self->h, d, (const uint32_t[]){ 0, 2 }, 2));
}

TEST_F(chilldkg, unanswered_host_key_and_step1_leave_nothing)
{
	struct mpcsign_host_key k;
	struct mpcsign_dkg_step1 s1;
	uint8_t pk[33], pmsg1[4096], want[33];
	uint32_t before, hk, found, i;
	struct mpc_dkg_error e;

	before = host_key_count(self->h);
	memset(&k, 0, sizeof(k));
	k.size = sizeof(k);
	for (i = 0; i < 80; i++)
		ASSERT_EQ(-EFAULT, ioctl_ro(self->h, MPCSIGN_IOC_HOST_KEY_CREATE, &k, sizeof(k)))
			TH_LOG("try %u", i);
	EXPECT_EQ(before, host_key_count(self->h));
	/* an import that cannot answer: its identity is nowhere */
	memset(k.hostseckey, 0x5a, sizeof(k.hostseckey));
	ASSERT_EQ(0, mpc_dkg_hostpubkey_gen(want, k.hostseckey, &e));
	EXPECT_EQ(-EFAULT, ioctl_ro(self->h, MPCSIGN_IOC_HOST_KEY_IMPORT, &k, sizeof(k)));
	EXPECT_EQ(-ENOENT, mpcsign_host_key_lookup(self->h, want, &found));
	EXPECT_EQ(before, host_key_count(self->h));

	/* the deletes write nothing back: a read-only struct is fine for them */
	ASSERT_EQ(0, mpcsign_host_key_create(self->h, &hk, pk));
	memset(&k, 0, sizeof(k));
	k.size = sizeof(k);
	k.handle = hk;
	EXPECT_EQ(0, ioctl_ro(self->h, MPCSIGN_IOC_HOST_KEY_DELETE, &k, sizeof(k)));
	EXPECT_EQ(-ENOENT, mpcsign_host_key_info(self->h, hk, pk, &found));
	EXPECT_EQ(before, host_key_count(self->h));

	/* DKG_STEP1: no session stays (the module holds max_dkg_sessions = 16) */
	ASSERT_EQ(0, dkg_setup(self->h, &self->d, 2, 3));
	memset(&s1, 0, sizeof(s1));
	s1.size = sizeof(s1);
	s1.host_key = self->d.hostkey[0];
	s1.t = 2;
	s1.n = 3;
	s1.hostpubkeys = (uintptr_t)self->d.hostpubkeys;
	s1.pmsg1 = (uintptr_t)pmsg1;
	s1.pmsg1_len = sizeof(pmsg1);
	for (i = 0; i < 20; i++)
		ASSERT_EQ(-EFAULT, ioctl_ro(self->h, MPCSIGN_IOC_DKG_STEP1, &s1, sizeof(s1)))
			TH_LOG("try %u", i);
	/* a whole DKG still fits */
	ASSERT_EQ(0, dkg_round1(self->h, &self->d));
	ASSERT_EQ(0, dkg_coord1(&self->d));
	ASSERT_EQ(0, dkg_round2(self->h, &self->d, NULL));
	ASSERT_EQ(0, dkg_finish(self->h, &self->d));
}

/* The same for an unprivileged uid, whose quota would show a leak. */
TEST_F(chilldkg, unanswered_calls_uncharged_from_the_quota)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, chmod("/dev/mpcsign", 0666));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct dkg *d = calloc(1, sizeof(*d));
		struct mpcsign_host_key k;
		struct mpcsign_dkg_output a;
		struct mpcsign_dkg_result res;
		uint8_t pubs[MAXN][33], pk[33];
		uint32_t hk[3], found, id = 0;
		struct mpcsign *h;
		int i;

		if (!d || setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		if (mpcsign_open(&h, NULL))
			_exit(11);
		/* uid_max_host_keys = 3: five unanswered creates, then three real ones */
		memset(&k, 0, sizeof(k));
		k.size = sizeof(k);
		for (i = 0; i < 5; i++)
			if (ioctl_ro(h, MPCSIGN_IOC_HOST_KEY_CREATE, &k, sizeof(k)) != -EFAULT)
				_exit(12);
		for (i = 0; i < 3; i++)
			if (mpcsign_host_key_create(h, &hk[i], pk))
				_exit(13);
		if (mpcsign_host_key_create(h, &found, pk) != -EDQUOT)
			_exit(20);
		for (i = 0; i < 3; i++)
			if (mpcsign_host_key_delete(h, hk[i]))
				_exit(14);
		/* uid_max_keys = 3: a 1-of-1 DKG (one key), five unanswered RECOVERs,
		 * then two answered ones */
		if (full_dkg(h, d, 1, 1))
			_exit(15);
		recover_args(&a, d->hostkey[0], d->rd, d->rd_len, pubs);
		for (i = 0; i < 5; i++)
			if (ioctl_ro(h, MPCSIGN_IOC_RECOVER, &a, sizeof(a)) != -EFAULT)
				_exit(16);
		/* exactly the DKG's key share is there */
		if (mpcsign_key_lookup(h, d->thresh_pk, &id, &found, NULL) || found != d->key[0])
			_exit(19);
		memset(&res, 0, sizeof(res));
		res.pubshares = pubs;
		res.pubshares_cap = MAXN;
		for (i = 0; i < 2; i++) {
			if (mpcsign_recover(h, d->hostkey[0], d->rd, d->rd_len, &res, NULL))
				_exit(17);
			hk[i] = res.key;
		}
		/* the quota is exactly full: nothing of the unanswered calls counts */
		if (mpcsign_recover(h, d->hostkey[0], d->rd, d->rd_len, &res, NULL) != -EDQUOT)
			_exit(21);
		for (i = 0; i < 2; i++)
			if (mpcsign_key_delete(h, hk[i]))
				_exit(18);
		dkg_free(h, d);
		mpcsign_close(h);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	chmod("/dev/mpcsign", 0600);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

static unsigned int read_param(const char *name)
{
	char path[128], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/mpcsign/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return (unsigned int)strtoul(buf, NULL, 10);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * One participant's DKG_STEP1 and DKG_STEP2 at the largest n the module
 * allows: n ECDHs in each, and hashing that grows as n^2.  The other n - 1
 * host keys are only public keys (made here), the coordinator's cmsg1 is
 * well formed but made up: STEP2 does all of its decryption work and then
 * blames participant 1, whose proof of possession is zeros.
 */
struct big_dkg {
	struct mpcsign *h;
	uint32_t n, t, hk;
	uint8_t (*hpk)[33];
	double start[2], end[2];	/* STEP1, STEP2 */
	int step1_ret, step2_ret;
	volatile uint32_t session;
	volatile int in_step[2], done;
};

static void *big_dkg_run(void *arg)
{
	struct big_dkg *b = arg;
	size_t p1len = mpc_dkg_pmsg1_len(b->n, b->t), c1len = mpc_dkg_cmsg1_len(b->n, b->t);
	uint8_t *pmsg1 = calloc(1, p1len), *cmsg1 = calloc(1, c1len), pmsg2[64], *q;
	struct mpcsign_dkg_blame bl;
	uint32_t session = 0, i;
	size_t len;

	b->step1_ret = b->step2_ret = -ENOMEM;
	if (!pmsg1 || !cmsg1)
		goto out;
	b->start[0] = now_ms();
	b->in_step[0] = 1;
	b->step1_ret = mpcsign_dkg_step1(b->h, b->hk, b->t, b->n, (const uint8_t (*)[33])b->hpk,
					 pmsg1, p1len, &len, &session, &bl);
	b->end[0] = now_ms();
	if (b->step1_ret)
		goto out;
	b->session = session;
	/* cmsg1 = coms (33n) | sum of the other coefficients (33(t-1)) |
	 * pops (64n) | pubnonces (33n) | encrypted shares (32n) */
	q = cmsg1;
	for (i = 0; i < b->n + b->t - 1; i++, q += 33)
		memcpy(q, pmsg1, 33);			/* our com0: a valid point */
	q += 64 * (size_t)b->n;				/* pops: zeros */
	for (i = 0; i < b->n; i++, q += 33)
		memcpy(q, pmsg1 + 33 * (size_t)b->t + 64, 33);	/* our pubnonce */
	b->start[1] = now_ms();
	b->in_step[1] = 1;
	b->step2_ret = mpcsign_dkg_step2(b->h, session, cmsg1, c1len, pmsg2, &bl);
	b->end[1] = now_ms();
	if (b->step2_ret == -EBADMSG && bl.participant != 1)
		b->step2_ret = -EPROTO;		/* the wrong culprit */
out:
	b->done = 1;
	free(pmsg1);
	free(cmsg1);
	return NULL;
}

struct small_call {
	double start, ms;
	int kind;		/* 0 HOST_KEY_INFO, 1 DKG_STEP1 (n = 2) + DKG_ABORT */
};

/*
 * A long DKG step holds no lock that other callers need, and yields the
 * CPU (the VM has one): while one runs, another caller's HOST_KEY_INFO and
 * small DKG_STEP1 finish in a fraction of its time.  Only the small calls
 * that began inside a big step's ioctl count.
 */
TEST_F(chilldkg, long_steps_do_not_block_other_callers)
{
	enum { MAXCALLS = 20000 };
	static struct small_call calls[MAXCALLS];
	struct big_dkg b = { .h = self->h };
	uint8_t pk[33], sec[32], small_hpk[2][33], pmsg1[4096], pk2[33];
	double worst[2][2] = { { 0 } }, big_ms[2];
	uint32_t small_hk, owner, session, ncalls = 0, during[2][2] = { { 0 } }, i, k;
	uint32_t mid[2][2] = { { 0 } };
	struct mpc_dkg_error e;
	pthread_t th;
	size_t len;

	b.n = read_param("max_participants");
	b.t = read_param("max_threshold");
	ASSERT_LE(64, b.n);
	if (b.t > b.n)
		b.t = b.n;
	b.hpk = calloc(b.n, 33);
	ASSERT_NE(NULL, b.hpk);
	ASSERT_EQ(0, mpcsign_host_key_create(self->h, &b.hk, b.hpk[0]));
	for (i = 1; i < b.n; i++) {
		ASSERT_EQ(32, getrandom(sec, 32, 0));
		ASSERT_EQ(0, mpc_dkg_hostpubkey_gen(b.hpk[i], sec, &e));
	}
	ASSERT_EQ(0, mpcsign_host_key_create(self->h, &small_hk, pk));
	memcpy(small_hpk[0], pk, 33);
	memcpy(small_hpk[1], b.hpk[1], 33);

	ASSERT_EQ(0, pthread_create(&th, NULL, big_dkg_run, &b));
	for (k = 0; !b.done && ncalls < MAXCALLS; k++) {
		struct small_call *c = &calls[ncalls++];

		/* another user's daemon: a call now and then, not a CPU hog
		 * (the big steps must get the CPU to be in the kernel at all) */
		usleep(2000);

		c->kind = k % 4 == 3;
		c->start = now_ms();
		if (!c->kind) {
			ASSERT_EQ(0, mpcsign_host_key_info(self->h, small_hk, pk2, &owner));
		} else {
			ASSERT_EQ(0, mpcsign_dkg_step1(self->h, small_hk, 1, 2,
						       (const uint8_t (*)[33])small_hpk, pmsg1,
						       sizeof(pmsg1), &len, &session, NULL));
			ASSERT_EQ(0, mpcsign_dkg_abort(self->h, session));
		}
		c->ms = now_ms() - c->start;
	}
	pthread_join(th, NULL);
	ASSERT_EQ(0, b.step1_ret);
	EXPECT_EQ(-EBADMSG, b.step2_ret);
	for (k = 0; k < 2; k++) {
		big_ms[k] = b.end[k] - b.start[k];
		for (i = 0; i < ncalls; i++) {
			struct small_call *c = &calls[i];

			double end = c->start + c->ms;

			if (c->start < b.start[k] || c->start > b.end[k])
				continue;
			during[k][c->kind]++;
			if (c->ms > worst[k][c->kind])
				worst[k][c->kind] = c->ms;
			/* finished in the middle half: the big step was in the kernel
			 * then (its entry and exit are the ends of the window) */
			if (end > b.start[k] + big_ms[k] / 4 && end < b.end[k] - big_ms[k] / 4)
				mid[k][c->kind]++;
		}
		TH_LOG("n = %u, t = %u: DKG_STEP%u %.0f ms; meanwhile %u HOST_KEY_INFO (%u in its "
		       "middle half, slowest %.1f ms), %u DKG_STEP1 n = 2 + DKG_ABORT (%u, slowest "
		       "%.1f ms)", b.n, b.t, k + 1, big_ms[k], during[k][0], mid[k][0], worst[k][0],
		       during[k][1], mid[k][1], worst[k][1]);
		/* the measurement means something: the big step is long */
		EXPECT_LT(50.0, big_ms[k]);
		/* small calls ran to the end while it was in the kernel ... */
		EXPECT_LE(3, mid[k][0]);
		EXPECT_LE(1, mid[k][1]);
		/* ... each in a fraction of its time */
		EXPECT_GT(big_ms[k], 8 * worst[k][0]);
		EXPECT_GT(big_ms[k], 2 * worst[k][1]);
	}
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, b.hk));
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, small_hk));
	free(b.hpk);
}

/* n - 1 made-up host public keys after ours (b->hpk[0]) */
static int big_dkg_setup(struct mpcsign *h, struct big_dkg *b, uint32_t n, uint32_t t)
{
	struct mpc_dkg_error e;
	uint8_t sec[32];
	uint32_t i;

	memset(b, 0, sizeof(*b));
	b->h = h;
	b->n = n;
	b->t = t > n ? n : t;
	b->hpk = calloc(n, 33);
	if (!b->hpk || mpcsign_host_key_create(h, &b->hk, b->hpk[0]))
		return -1;
	for (i = 1; i < n; i++)
		if (getrandom(sec, 32, 0) != 32 || mpc_dkg_hostpubkey_gen(b->hpk[i], sec, &e))
			return -1;
	return 0;
}

/*
 * A session ended while a long step on it is in the kernel: DKG_ABORT
 * returns at once, the step finishes with its own answer (or -ENOENT if it
 * had not taken the session yet), and the session is gone afterwards.  A
 * host key deleted during a long DKG_STEP1 under it: the new session dies
 * with it (its handle never works).  Nothing leaks (the debug kernel's
 * kmemleak and the quota checks at unload would say).
 */
TEST_F(chilldkg, session_ended_during_a_long_step)
{
	uint32_t n = read_param("max_participants");
	struct big_dkg b;
	pthread_t th;
	double t0, abort_ms;

	/* DKG_ABORT while DKG_STEP2 runs */
	ASSERT_EQ(0, big_dkg_setup(self->h, &b, n, read_param("max_threshold")));
	ASSERT_EQ(0, pthread_create(&th, NULL, big_dkg_run, &b));
	while (!b.in_step[1] && !b.done)
		usleep(1000);
	usleep(50000);
	t0 = now_ms();
	EXPECT_EQ(0, mpcsign_dkg_abort(self->h, b.session));
	abort_ms = now_ms() - t0;
	pthread_join(th, NULL);
	TH_LOG("DKG_ABORT during a %.0f ms DKG_STEP2 at n = %u took %.1f ms",
	       b.end[1] - b.start[1], n, abort_ms);
	/* it did not wait for the step */
	EXPECT_GT(b.end[1] - b.start[1], 4 * abort_ms);
	EXPECT_EQ(0, b.step1_ret);
	EXPECT_TRUE(b.step2_ret == -EBADMSG || b.step2_ret == -ENOENT) TH_LOG("%d", b.step2_ret);
	EXPECT_EQ(-ENOENT, mpcsign_dkg_abort(self->h, b.session));
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, b.hk));
	free(b.hpk);

	/* HOST_KEY_DELETE while DKG_STEP1 runs under that host key */
	ASSERT_EQ(0, big_dkg_setup(self->h, &b, n, read_param("max_threshold")));
	ASSERT_EQ(0, pthread_create(&th, NULL, big_dkg_run, &b));
	while (!b.in_step[0])
		usleep(1000);
	usleep(50000);
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, b.hk));
	pthread_join(th, NULL);
	/* STEP1 had its reference: it answered (or found the key gone) ... */
	EXPECT_TRUE(b.step1_ret == 0 || b.step1_ret == -ENOENT) TH_LOG("%d", b.step1_ret);
	/* ... but its session died with the host key */
	if (!b.step1_ret) {
		EXPECT_EQ(-ENOENT, b.step2_ret);
		EXPECT_EQ(-ENOENT, mpcsign_dkg_abort(self->h, b.session));
	}
	EXPECT_EQ(-ENOENT, mpcsign_host_key_delete(self->h, b.hk));
	free(b.hpk);
}

TEST_HARNESS_MAIN
