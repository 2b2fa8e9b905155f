// SPDX-License-Identifier: GPL-2.0
/*
 * identity_test.c - host keys as network identities (kselftest, in the VM):
 * HOST_KEY_SIGN (transport signatures, checked with libsecp256k1 only),
 * HOST_KEY_LOOKUP and KEY_LOOKUP (handles from public identities).
 *
 * A transport signature must verify as BIP340 over
 * TaggedHash(MPCSIGN_TRANSPORT_TAG, msg) under the x-only host key, and be
 * no signature over the raw 32 bytes nor under any other tag.  Owners and
 * CAP_SYS_ADMIN may sign and look up; another uid sees nothing of them.
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
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "kselftest_harness.h"
#include "libmpcsign.h"

#define DEV "/dev/mpcsign"
#define NOBODY 65534

static secp256k1_context *ctx(void)
{
	static secp256k1_context *c;

	if (!c)
		c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	return c;
}

/* Compressed public key of a secret, by libsecp256k1. */
static int pubkey_of(uint8_t out[33], const uint8_t sec[32])
{
	secp256k1_pubkey pk;
	size_t len = 33;

	if (!secp256k1_ec_pubkey_create(ctx(), &pk, sec))
		return -1;
	secp256k1_ec_pubkey_serialize(ctx(), out, &len, &pk, SECP256K1_EC_COMPRESSED);
	return 0;
}

/* BIP340 verification by libsecp256k1 of sig over m (m_len bytes). */
static int secp_verify(const uint8_t sig[64], const uint8_t *m, size_t m_len,
		       const uint8_t hostpubkey[33])
{
	secp256k1_xonly_pubkey x;
	secp256k1_pubkey pk;

	if (!secp256k1_ec_pubkey_parse(ctx(), &pk, hostpubkey, 33) ||
	    !secp256k1_xonly_pubkey_from_pubkey(ctx(), &x, NULL, &pk))
		return -1;
	return secp256k1_schnorrsig_verify(ctx(), sig, m, m_len, &x);
}

static int secp_verify_tag(const uint8_t sig[64], const char *tag, const uint8_t msg[32],
			   const uint8_t hostpubkey[33])
{
	uint8_t m[32];

	if (!secp256k1_tagged_sha256(ctx(), m, (const unsigned char *)tag, strlen(tag), msg, 32))
		return -1;
	return secp_verify(sig, m, 32, hostpubkey);
}

static void random_bytes(uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = getrandom(p, n, 0);

		if (r > 0) {
			p += r;
			n -= r;
		}
	}
}

/* Run fn in a child as uid/gid NOBODY (device opened to all meanwhile). */
static int as_nobody(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	if (chmod(DEV, 0666))
		return -1;
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		chmod(DEV, 0600);
		return -1;
	}
	chmod(DEV, 0600);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

FIXTURE(id) {
	struct mpcsign *h;
	int fd;
};

FIXTURE_SETUP(id)
{
	ASSERT_NE(NULL, ctx());
	ASSERT_EQ(0, mpcsign_open(&self->h, NULL));
	self->fd = mpcsign_fd(self->h);
}

FIXTURE_TEARDOWN(id)
{
	mpcsign_close(self->h);
}

TEST_F(id, sign_verifies_with_libsecp256k1)
{
	uint8_t sec[32], pk[33], want[33], msg[32], sig[64], sig2[64], m[32], other[33];
	static const char *other_tags[] = {
		"mpcsign/transport/v2", "mpcsign/transport", "BIP0340/challenge",
		"BIP DKG/certeq message", "BIP DKG/recovery acknowledgment", "",
	};
	uint32_t hk, hk2;
	size_t i;

	/* an imported secret: the signer is provably that key */
	random_bytes(sec, sizeof(sec));
	ASSERT_EQ(0, pubkey_of(want, sec));
	ASSERT_EQ(0, mpcsign_host_key_import(self->h, sec, &hk, pk));
	ASSERT_EQ(0, memcmp(pk, want, 33));
	random_bytes(msg, sizeof(msg));
	ASSERT_EQ(0, mpcsign_host_key_sign(self->h, hk, msg, sig));
	EXPECT_EQ(0, mpcsign_transport_verify(sig, msg, pk));
	/* by libsecp256k1 directly, with the tag spelt out here */
	EXPECT_EQ(1, secp_verify_tag(sig, "mpcsign/transport/v1", msg, pk));
	EXPECT_EQ(0, strcmp(MPCSIGN_TRANSPORT_TAG, "mpcsign/transport/v1"));
	/* not a signature over the raw bytes, nor under any other tag */
	EXPECT_EQ(0, secp_verify(sig, msg, 32, pk));
	for (i = 0; i < sizeof(other_tags) / sizeof(other_tags[0]); i++)
		EXPECT_EQ(0, secp_verify_tag(sig, other_tags[i], msg, pk)) TH_LOG("tag %zu", i);
	/* nor the plain SHA-256 of the bytes */
	ASSERT_EQ(1, secp256k1_tagged_sha256(ctx(), m, (const unsigned char *)"", 0, msg, 32));
	EXPECT_EQ(0, secp_verify(sig, m, 32, pk));
	/* fresh aux randomness: another signature of the same bytes, also valid */
	ASSERT_EQ(0, mpcsign_host_key_sign(self->h, hk, msg, sig2));
	EXPECT_NE(0, memcmp(sig, sig2, 64));
	EXPECT_EQ(0, mpcsign_transport_verify(sig2, msg, pk));
	/* tampering anywhere fails */
	msg[31] ^= 1;
	EXPECT_EQ(-EBADMSG, mpcsign_transport_verify(sig, msg, pk));
	msg[31] ^= 1;
	sig[63] ^= 1;
	EXPECT_EQ(-EBADMSG, mpcsign_transport_verify(sig, msg, pk));
	sig[63] ^= 1;
	sig[0] ^= 1;
	EXPECT_EQ(-EBADMSG, mpcsign_transport_verify(sig, msg, pk));
	sig[0] ^= 1;
	/* a created key: its own public key verifies, another key's does not */
	ASSERT_EQ(0, mpcsign_host_key_create(self->h, &hk2, other));
	EXPECT_EQ(-EBADMSG, mpcsign_transport_verify(sig, msg, other));
	ASSERT_EQ(0, mpcsign_host_key_sign(self->h, hk2, msg, sig2));
	EXPECT_EQ(0, mpcsign_transport_verify(sig2, msg, other));
	EXPECT_EQ(-EBADMSG, mpcsign_transport_verify(sig2, msg, pk));
	/* a host key that is no compressed point */
	memcpy(want, pk, 33);
	want[0] = 4;
	EXPECT_EQ(-EINVAL, mpcsign_transport_verify(sig, msg, want));
	memset(want + 1, 0xff, 32);
	want[0] = 2;
	EXPECT_EQ(-EINVAL, mpcsign_transport_verify(sig, msg, want));
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, hk));
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, hk2));
	explicit_bzero(sec, sizeof(sec));
}

TEST_F(id, sign_unknown_handle_is_enoent)
{
	uint8_t pk[33], msg[32] = { 7 }, sig[64];
	uint32_t hk;

	ASSERT_EQ(0, mpcsign_host_key_create(self->h, &hk, pk));
	ASSERT_EQ(0, mpcsign_host_key_delete(self->h, hk));
	EXPECT_EQ(-ENOENT, mpcsign_host_key_sign(self->h, hk, msg, sig));
	EXPECT_EQ(-ENOENT, mpcsign_host_key_sign(self->h, 0, msg, sig));
	EXPECT_EQ(-ENOENT, mpcsign_host_key_sign(self->h, 0x7fffffff, msg, sig));
	EXPECT_EQ(-ENOENT, mpcsign_host_key_lookup(self->h, pk, &hk));
}

struct foreign {
	uint32_t root_hk;
	uint8_t root_hpk[33];
	uint8_t root_thresh_pk[33];
	int pipe_w;
};

/* As NOBODY: root's objects are out of reach, its own are not. */
static int foreign_child(void *arg)
{
	struct foreign *f = arg;
	uint8_t pk[33], msg[32] = { 1, 2, 3 }, sig[64];
	uint32_t hk, found, id = 0;
	struct mpcsign *h;

	if (mpcsign_open(&h, NULL))
		return 1;
	if (mpcsign_host_key_sign(h, f->root_hk, msg, sig) != -EACCES)
		return 2;
	if (mpcsign_host_key_lookup(h, f->root_hpk, &found) != -ENOENT)
		return 3;
	if (mpcsign_key_lookup(h, f->root_thresh_pk, NULL, &found, NULL) != -ENOENT)
		return 4;
	if (mpcsign_key_lookup(h, f->root_thresh_pk, &id, &found, NULL) != -ENOENT)
		return 5;
	if (mpcsign_host_key_create(h, &hk, pk) || mpcsign_host_key_sign(h, hk, msg, sig) ||
	    mpcsign_transport_verify(sig, msg, pk))
		return 6;
	if (mpcsign_host_key_lookup(h, pk, &found) || found != hk)
		return 7;
	/* left for root to use: handle and public key to the parent */
	if (write(f->pipe_w, &hk, sizeof(hk)) != sizeof(hk) ||
	    write(f->pipe_w, pk, sizeof(pk)) != sizeof(pk))
		return 8;
	mpcsign_close(h);
	return 0;
}

TEST_F(id, owner_checks_and_foreign_identities)
{
	struct foreign f;
	uint8_t sec[32], pub2[2][33], pk[33], msg[32] = { 9 }, sig[64];
	uint32_t keys[2], hk, found;
	int p[2];

	ASSERT_EQ(0, mpcsign_host_key_create(self->h, &f.root_hk, f.root_hpk));
	/* a root-owned key share (1-of-1 import) */
	random_bytes(sec, sizeof(sec));
	ASSERT_EQ(0, pubkey_of(f.root_thresh_pk, sec));
	memcpy(pub2[0], f.root_thresh_pk, 33);
	ASSERT_EQ(0, mpcsign_key_import(self->h, 0, 1, 1, sec, f.root_thresh_pk,
					(const uint8_t (*)[33])pub2, &keys[0]));
	ASSERT_EQ(0, pipe(p));
	f.pipe_w = p[1];
	EXPECT_EQ(0, as_nobody(foreign_child, &f));
	close(p[1]);
	ASSERT_EQ(sizeof(hk), read(p[0], &hk, sizeof(hk)));
	ASSERT_EQ(sizeof(pk), read(p[0], pk, sizeof(pk)));
	close(p[0]);
	/* CAP_SYS_ADMIN may use another uid's host key: sign and look it up */
	EXPECT_EQ(0, mpcsign_host_key_sign(self->h, hk, msg, sig));
	EXPECT_EQ(0, mpcsign_transport_verify(sig, msg, pk));
	EXPECT_EQ(0, mpcsign_host_key_lookup(self->h, pk, &found));
	EXPECT_EQ(hk, found);
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, hk));
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, f.root_hk));
	EXPECT_EQ(0, mpcsign_key_delete(self->h, keys[0]));
	explicit_bzero(sec, sizeof(sec));
}

TEST_F(id, host_key_lookup_finds_the_handle)
{
	uint8_t pk[3][33], sec[32], dup[33], unknown[33];
	uint32_t hk[3], h1, h2, found;
	int i, ro;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, mpcsign_host_key_create(self->h, &hk[i], pk[i]));
	for (i = 0; i < 3; i++) {
		found = 0;
		EXPECT_EQ(0, mpcsign_host_key_lookup(self->h, pk[i], &found));
		EXPECT_EQ(hk[i], found);
	}
	/* a valid point that is no host key here */
	random_bytes(sec, sizeof(sec));
	ASSERT_EQ(0, pubkey_of(unknown, sec));
	EXPECT_EQ(-ENOENT, mpcsign_host_key_lookup(self->h, unknown, &found));
	unknown[0] ^= 1;	/* the other y */
	EXPECT_EQ(-ENOENT, mpcsign_host_key_lookup(self->h, unknown, &found));
	/* the same x with the other parity is another key */
	memcpy(dup, pk[0], 33);
	dup[0] ^= 1;
	EXPECT_EQ(-ENOENT, mpcsign_host_key_lookup(self->h, dup, &found));
	/* a lookup only looks: allowed on a read-only descriptor */
	ro = open(DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	{
		struct mpcsign_host_key_lookup a = { .size = sizeof(a) };

		memcpy(a.hostpubkey, pk[1], 33);
		EXPECT_EQ(0, ioctl(ro, MPCSIGN_IOC_HOST_KEY_LOOKUP, &a));
		EXPECT_EQ(hk[1], a.handle);
		EXPECT_EQ(sizeof(a), a.size);
	}
	close(ro);
	/* deleted: gone */
	ASSERT_EQ(0, mpcsign_host_key_delete(self->h, hk[1]));
	EXPECT_EQ(-ENOENT, mpcsign_host_key_lookup(self->h, pk[1], &found));
	/* the same identity twice (a restored backup): not unique */
	ASSERT_EQ(0, mpcsign_host_key_import(self->h, sec, &h1, dup));
	ASSERT_EQ(0, mpcsign_host_key_import(self->h, sec, &h2, dup));
	EXPECT_EQ(-ENOTUNIQ, mpcsign_host_key_lookup(self->h, dup, &found));
	ASSERT_EQ(0, mpcsign_host_key_delete(self->h, h1));
	EXPECT_EQ(0, mpcsign_host_key_lookup(self->h, dup, &found));
	EXPECT_EQ(h2, found);
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, h2));
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, hk[0]));
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, hk[2]));
	explicit_bzero(sec, sizeof(sec));
}

TEST_F(id, key_lookup_finds_the_share)
{
	uint8_t sec[32], sec2[32], tpk[33], tpk2[33], pubs[2][33], unknown[33];
	uint32_t k0, k1, k2, found, fid, id;

	/* t = 1 of n = 2: both shares are the secret itself, two participants */
	random_bytes(sec, sizeof(sec));
	random_bytes(sec2, sizeof(sec2));
	ASSERT_EQ(0, pubkey_of(tpk, sec));
	ASSERT_EQ(0, pubkey_of(tpk2, sec2));
	memcpy(pubs[0], tpk, 33);
	memcpy(pubs[1], tpk, 33);
	ASSERT_EQ(0, mpcsign_key_import(self->h, 0, 1, 2, sec, tpk, (const uint8_t (*)[33])pubs, &k0));
	ASSERT_EQ(0, mpcsign_key_import(self->h, 1, 1, 2, sec, tpk, (const uint8_t (*)[33])pubs, &k1));
	memcpy(pubs[0], tpk2, 33);
	ASSERT_EQ(0, mpcsign_key_import(self->h, 0, 1, 1, sec2, tpk2, (const uint8_t (*)[33])pubs, &k2));

	/* one share of that key: found, with its id */
	found = fid = 99;
	EXPECT_EQ(0, mpcsign_key_lookup(self->h, tpk2, NULL, &found, &fid));
	EXPECT_EQ(k2, found);
	EXPECT_EQ(0, fid);
	/* two participants' shares: ambiguous without an id, exact with one */
	EXPECT_EQ(-ENOTUNIQ, mpcsign_key_lookup(self->h, tpk, NULL, &found, &fid));
	id = 0;
	EXPECT_EQ(0, mpcsign_key_lookup(self->h, tpk, &id, &found, &fid));
	EXPECT_EQ(k0, found);
	EXPECT_EQ(0, fid);
	id = 1;
	EXPECT_EQ(0, mpcsign_key_lookup(self->h, tpk, &id, &found, &fid));
	EXPECT_EQ(k1, found);
	EXPECT_EQ(1, fid);
	id = 2;
	EXPECT_EQ(-ENOENT, mpcsign_key_lookup(self->h, tpk, &id, &found, &fid));
	id = 1;
	EXPECT_EQ(-ENOENT, mpcsign_key_lookup(self->h, tpk2, &id, &found, &fid));
	/* unknown identities */
	ASSERT_EQ(0, pubkey_of(unknown, sec2));
	unknown[0] ^= 1;
	EXPECT_EQ(-ENOENT, mpcsign_key_lookup(self->h, unknown, NULL, &found, &fid));
	memset(unknown, 0, sizeof(unknown));
	EXPECT_EQ(-ENOENT, mpcsign_key_lookup(self->h, unknown, NULL, &found, &fid));
	/* one participant left: unique again */
	ASSERT_EQ(0, mpcsign_key_delete(self->h, k0));
	EXPECT_EQ(0, mpcsign_key_lookup(self->h, tpk, NULL, &found, &fid));
	EXPECT_EQ(k1, found);
	EXPECT_EQ(1, fid);
	id = 0;
	EXPECT_EQ(-ENOENT, mpcsign_key_lookup(self->h, tpk, &id, &found, &fid));
	EXPECT_EQ(0, mpcsign_key_delete(self->h, k1));
	EXPECT_EQ(-ENOENT, mpcsign_key_lookup(self->h, tpk, NULL, &found, &fid));
	EXPECT_EQ(0, mpcsign_key_delete(self->h, k2));
	explicit_bzero(sec, sizeof(sec));
	explicit_bzero(sec2, sizeof(sec2));
}

/* size, flags, reserved fields, extension tail, bad pointers */
TEST_F(id, bad_arguments)
{
	uint8_t buf[8192], pk[33];
	struct mpcsign_host_key_sign *s = (void *)buf;
	struct mpcsign_host_key_lookup *hl = (void *)buf;
	struct mpcsign_key_lookup *kl = (void *)buf;
	uint32_t hk;
	void *page;
	int ro;

	ASSERT_EQ(0, mpcsign_host_key_create(self->h, &hk, pk));
#define SIGN_ARGS() do { memset(buf, 0, sizeof(buf)); s->size = sizeof(*s); s->handle = hk; } while (0)
#define EXPECT_ERR(err, cmd) do { \
		EXPECT_EQ(-1, ioctl(self->fd, cmd, buf)); \
		EXPECT_EQ(err, errno); \
	} while (0)
	SIGN_ARGS();
	ASSERT_EQ(0, ioctl(self->fd, MPCSIGN_IOC_HOST_KEY_SIGN, buf));
	EXPECT_EQ(MPCSIGN_HOST_KEY_SIGN_SIZE_VER0, s->size);
	EXPECT_EQ(0, mpcsign_transport_verify(s->sig, s->msg, pk));
	SIGN_ARGS();
	s->size = MPCSIGN_HOST_KEY_SIGN_SIZE_VER0 - 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_SIGN);
	SIGN_ARGS();
	s->size = 4097;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_SIGN);
	SIGN_ARGS();
	s->flags = 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_SIGN);
	SIGN_ARGS();
	s->reserved0 = 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_SIGN);
	SIGN_ARGS();
	s->reserved[1] = 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_SIGN);
	SIGN_ARGS();
	s->sig[5] = 1;		/* an output must come in zero */
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_SIGN);
	SIGN_ARGS();
	s->size = sizeof(*s) + 8;
	buf[sizeof(*s) + 3] = 1;
	EXPECT_ERR(E2BIG, MPCSIGN_IOC_HOST_KEY_SIGN);
	/* a zero tail is fine, and the module says its own size */
	SIGN_ARGS();
	s->size = sizeof(*s) + 8;
	EXPECT_EQ(0, ioctl(self->fd, MPCSIGN_IOC_HOST_KEY_SIGN, buf));
	EXPECT_EQ(sizeof(*s), s->size);

	memset(buf, 0, sizeof(buf));
	hl->size = sizeof(*hl);
	memcpy(hl->hostpubkey, pk, 33);
	ASSERT_EQ(0, ioctl(self->fd, MPCSIGN_IOC_HOST_KEY_LOOKUP, buf));
	EXPECT_EQ(hk, hl->handle);
	hl->handle = 0;
	hl->size = MPCSIGN_HOST_KEY_LOOKUP_SIZE_VER0 - 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_LOOKUP);
	hl->size = sizeof(*hl);
	hl->flags = 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_LOOKUP);
	hl->flags = 0;
	hl->reserved1[2] = 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_LOOKUP);
	hl->reserved1[2] = 0;
	hl->reserved[0] = 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_LOOKUP);
	hl->reserved[0] = 0;
	hl->handle = hk;	/* an output must come in zero */
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_HOST_KEY_LOOKUP);

	memset(buf, 0, sizeof(buf));
	kl->size = sizeof(*kl);
	memcpy(kl->thresh_pk, pk, 33);
	EXPECT_ERR(ENOENT, MPCSIGN_IOC_KEY_LOOKUP);
	kl->size = MPCSIGN_KEY_LOOKUP_SIZE_VER0 - 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_KEY_LOOKUP);
	kl->size = sizeof(*kl);
	kl->flags = 2;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_KEY_LOOKUP);
	kl->flags = 0;
	kl->my_id = 1;		/* an id without MPCSIGN_LOOKUP_F_ID */
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_KEY_LOOKUP);
	kl->my_id = 0;
	kl->handle = 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_KEY_LOOKUP);
	kl->handle = 0;
	kl->reserved0 = 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_KEY_LOOKUP);
	kl->reserved0 = 0;
	kl->reserved1[0] = 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_KEY_LOOKUP);
	kl->reserved1[0] = 0;
	kl->reserved[1] = 1;
	EXPECT_ERR(EINVAL, MPCSIGN_IOC_KEY_LOOKUP);

	/* bad pointers: unreadable, and a read-only struct the answer cannot reach */
	EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_HOST_KEY_SIGN, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_HOST_KEY_LOOKUP, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_KEY_LOOKUP, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, munmap((uint8_t *)page + 4096, 4096));
	s = page;
	s->size = sizeof(*s);
	s->handle = hk;
	ASSERT_EQ(0, mprotect(page, 4096, PROT_READ));
	EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_HOST_KEY_SIGN, page));
	EXPECT_EQ(EFAULT, errno);
	/* a struct that ends past the mapping */
	ASSERT_EQ(0, mprotect(page, 4096, PROT_READ | PROT_WRITE));
	s = (void *)((uint8_t *)page + 4096 - 64);
	memset(s, 0, 64);
	s->size = sizeof(*s);
	s->handle = hk;
	EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_HOST_KEY_SIGN, s));
	EXPECT_EQ(EFAULT, errno);
	munmap(page, 4096);

	/* signing uses a secret: not on a read-only descriptor (lookups are) */
	ro = open(DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	s = (void *)buf;
	SIGN_ARGS();
	EXPECT_EQ(-1, ioctl(ro, MPCSIGN_IOC_HOST_KEY_SIGN, buf));
	EXPECT_EQ(EBADF, errno);
	memset(buf, 0, sizeof(buf));
	kl->size = sizeof(*kl);
	memcpy(kl->thresh_pk, pk, 33);
	EXPECT_EQ(-1, ioctl(ro, MPCSIGN_IOC_KEY_LOOKUP, buf));
	EXPECT_EQ(ENOENT, errno);
	close(ro);
	/* library argument checks */
	EXPECT_EQ(-EINVAL, mpcsign_host_key_sign(self->h, hk, NULL, buf));
	EXPECT_EQ(-EINVAL, mpcsign_host_key_lookup(self->h, NULL, &hk));
	EXPECT_EQ(-EINVAL, mpcsign_key_lookup(self->h, pk, NULL, NULL, NULL));
	EXPECT_EQ(-EINVAL, mpcsign_transport_verify(NULL, buf, pk));
	EXPECT_EQ(0, mpcsign_host_key_delete(self->h, hk));
#undef SIGN_ARGS
#undef EXPECT_ERR
}

TEST_HARNESS_MAIN
