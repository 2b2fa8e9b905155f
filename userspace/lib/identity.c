// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * identity.c - libmpcsign: who we are on the network (tls.h).
 *
 * Two kinds of identity sign the same transport message, BIP340 over
 * TaggedHash(MPCSIGN_TRANSPORT_TAG, msg32):
 *   - a host key in the kernel (HOST_KEY_SIGN through the device): the secret
 *     never reaches userspace; the choice for a party daemon;
 *   - a key file (32-byte secret, hex): signed here with libsecp256k1; the
 *     secret is in a file and in this process's memory, so anyone who can read
 *     the file or the process can impersonate it.  The weaker choice, for an
 *     operator's coordinator machine without the module.
 * A signature is checked with mpcsign_transport_verify() (transport_sig.c).
 *
 * mpcsign_identity_sign() may be called from several threads at once on the
 * same identity: the libsecp256k1 context is only read after creation and
 * the device calls are independent ioctls.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include "libmpcsign.h"
#include "tls.h"
#include "util.h"

enum { IDENTITY_DEVICE = 1, IDENTITY_FILE = 2 };

struct mpcsign_identity {
	int kind;
	uint8_t pk[33];
	/* IDENTITY_DEVICE */
	struct mpcsign *dev;
	uint32_t handle;
	/* IDENTITY_FILE */
	secp256k1_context *ctx;
	uint8_t sk[32];
};

static int fill_random(uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 * A signing context, randomized against side channels (libsecp256k1's advice);
 * not the shared mpcsign_secp_ctx(), which is for verification and unrandomized.
 */
static secp256k1_context *signing_ctx(void)
{
	secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	uint8_t seed[32];

	if (!ctx)
		return NULL;
	if (fill_random(seed, sizeof(seed)) || !secp256k1_context_randomize(ctx, seed)) {
		secp256k1_context_destroy(ctx);
		ctx = NULL;
	}
	explicit_bzero(seed, sizeof(seed));
	return ctx;
}

static int pubkey_of(const secp256k1_context *ctx, uint8_t pk[33], const uint8_t sk[32])
{
	secp256k1_pubkey p;
	size_t len = 33;
	int ok = secp256k1_ec_pubkey_create(ctx, &p, sk) &&
		 secp256k1_ec_pubkey_serialize(ctx, pk, &len, &p, SECP256K1_EC_COMPRESSED);

	explicit_bzero(&p, sizeof(p));
	return ok ? 0 : -EINVAL;
}

int mpcsign_identity_device(struct mpcsign_identity **out, struct mpcsign *dev,
			    const uint8_t hostpubkey[33])
{
	struct mpcsign_identity *id;
	uint32_t handle;
	int r;

	if (!out || !dev || !hostpubkey)
		return -EINVAL;
	*out = NULL;
	r = mpcsign_host_key_lookup(dev, hostpubkey, &handle);
	if (r)
		return r;
	id = calloc(1, sizeof(*id));
	if (!id)
		return -ENOMEM;
	id->kind = IDENTITY_DEVICE;
	memcpy(id->pk, hostpubkey, 33);
	id->dev = dev;
	id->handle = handle;
	*out = id;
	return 0;
}

int mpcsign_identity_file(struct mpcsign_identity **out, const char *path, char *err,
			  size_t errlen)
{
	struct mpcsign_identity *id = NULL;
	char hex[64];
	int r;

	if (!out || !path) {
		mpcsign_set_err(err, errlen, "no key file given");
		return -EINVAL;
	}
	*out = NULL;
	r = mpcsign_read_key_file(hex, path, err, errlen);
	if (r)
		return r;
	id = calloc(1, sizeof(*id));
	if (!id) {
		r = -ENOMEM;
		mpcsign_set_err(err, errlen, "out of memory");
		goto out;
	}
	id->kind = IDENTITY_FILE;
	id->ctx = signing_ctx();
	if (!id->ctx) {
		r = -ENOMEM;
		mpcsign_set_err(err, errlen, "cannot make a libsecp256k1 context");
		goto out;
	}
	if (mpcsign_unhex_ct(id->sk, 32, hex) ||
	    !secp256k1_ec_seckey_verify(id->ctx, id->sk) ||
	    pubkey_of(id->ctx, id->pk, id->sk)) {
		r = -EINVAL;
		mpcsign_set_err(err, errlen, "key file %s: not a valid secret key (64 hex digits, "
			"nonzero, below the group order)", path);
		goto out;
	}
	*out = id;
	id = NULL;
	r = 0;
out:
	explicit_bzero(hex, sizeof(hex));
	mpcsign_identity_free(id);
	return r;
}

int mpcsign_identity_generate_file(const char *path, uint8_t pubkey[33])
{
	secp256k1_context *ctx;
	uint8_t sk[32], pk[33];
	char hex[65];
	size_t i, off = 0;
	int fd, r;

	if (!path || !pubkey)
		return -EINVAL;
	ctx = signing_ctx();
	if (!ctx)
		return -ENOMEM;
	do {
		r = fill_random(sk, sizeof(sk));
		if (r)
			goto out_ctx;
	} while (!secp256k1_ec_seckey_verify(ctx, sk));
	r = pubkey_of(ctx, pk, sk);
	if (r)
		goto out_ctx;
	/* hex by arithmetic, not an indexed table: no secret-dependent address */
	for (i = 0; i < 32; i++) {
		unsigned hi = sk[i] >> 4, lo = sk[i] & 15;

		hex[2 * i] = (char)(hi + '0' + (((9 - (int)hi) >> 8) & ('a' - '0' - 10)));
		hex[2 * i + 1] = (char)(lo + '0' + (((9 - (int)lo) >> 8) & ('a' - '0' - 10)));
	}
	hex[64] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		r = -errno;
		goto out_ctx;
	}
	if (fchmod(fd, 0600)) {		/* whatever the umask */
		r = -errno;
		goto out_fd;
	}
	while (off < sizeof(hex)) {
		ssize_t n = write(fd, hex + off, sizeof(hex) - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out_fd;
		}
		off += (size_t)n;
	}
	if (fsync(fd)) {
		r = -errno;
		goto out_fd;
	}
	r = 0;
out_fd:
	if (close(fd) && !r)
		r = -errno;
	if (r)
		unlink(path);
	else
		memcpy(pubkey, pk, 33);
out_ctx:
	explicit_bzero(sk, sizeof(sk));
	explicit_bzero(hex, sizeof(hex));
	secp256k1_context_destroy(ctx);
	return r;
}

const uint8_t *mpcsign_identity_pubkey(const struct mpcsign_identity *id)
{
	return id ? id->pk : NULL;
}

int mpcsign_identity_sign(struct mpcsign_identity *id, const uint8_t msg32[32],
			  uint8_t sig[64])
{
	static const unsigned char tag[] = MPCSIGN_TRANSPORT_TAG;
	secp256k1_keypair kp;
	secp256k1_xonly_pubkey xpk;
	uint8_t m[32], aux[32];
	int r = -EINVAL;

	if (!id || !msg32 || !sig)
		return -EINVAL;
	if (id->kind == IDENTITY_DEVICE)
		return mpcsign_host_key_sign(id->dev, id->handle, msg32, sig);
	if (id->kind != IDENTITY_FILE)
		return -EINVAL;
	r = fill_random(aux, sizeof(aux));
	if (r)
		return r;
	r = -EINVAL;
	if (!secp256k1_tagged_sha256(id->ctx, m, tag, sizeof(tag) - 1, msg32, 32))
		goto out;
	if (!secp256k1_keypair_create(id->ctx, &kp, id->sk))
		goto out;
	if (!secp256k1_schnorrsig_sign32(id->ctx, sig, m, &kp, aux))
		goto out;
	/* check our own signature: a fault would otherwise go out on the wire */
	if (!secp256k1_keypair_xonly_pub(id->ctx, &xpk, NULL, &kp) ||
	    !secp256k1_schnorrsig_verify(id->ctx, sig, m, 32, &xpk)) {
		explicit_bzero(sig, 64);
		goto out;
	}
	r = 0;
out:
	explicit_bzero(&kp, sizeof(kp));
	explicit_bzero(aux, sizeof(aux));
	return r;
}

void mpcsign_identity_free(struct mpcsign_identity *id)
{
	if (!id)
		return;
	if (id->ctx)
		secp256k1_context_destroy(id->ctx);
	explicit_bzero(id, sizeof(*id));
	free(id);
}
