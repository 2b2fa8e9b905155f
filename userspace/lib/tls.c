// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * tls.c - libmpcsign: TLS 1.3 channels authenticated by host keys (tls.h,
 * Documentation/transport.rst), and plain links over a file descriptor.
 *
 * Sockets are non-blocking; every wait is a poll() bounded by a deadline on
 * CLOCK_MONOTONIC, so a peer that stalls costs at most the caller's timeout.
 * OpenSSL's read-ahead stays off (the default): a record is read only when
 * the frame layer asks for bytes, so the party reads exactly the AUTH frame
 * before it has checked the binding signature.
 *
 * Writes go through OpenSSL's socket BIO (write(2)): the process must ignore
 * SIGPIPE (the daemon and the CLI do).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "libmpcsign.h"
#include "tls.h"
#include "util.h"

struct mpcsign_tls {
	SSL_CTX *ctx;
	int server;
};

struct mpcsign_chan {
	SSL *ssl;
	int fd;
	struct mpcsign_link link;
	uint8_t peer[33];
	uint8_t peer_role;
};

/* The first OpenSSL error of this thread as text (or "unknown error"), queue cleared. */
static const char *ssl_reason(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (!e)
		snprintf(buf, len, "unknown error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

static const char *role_name(uint8_t role)
{
	switch (role) {
	case MPCSIGN_ROLE_COORDINATOR:
		return "coordinator";
	case MPCSIGN_ROLE_PARTY:
		return "party";
	}
	return "unknown role";
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Deadline from a timeout (< 0: none, returned as -1). */
static int64_t deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

/* Milliseconds left (-1: no deadline, 0: expired). */
static int left_ms(int64_t deadline)
{
	int64_t l;

	if (deadline < 0)
		return -1;
	l = deadline - now_ms();
	if (l <= 0)
		return 0;
	return l > 0x7fffffff ? 0x7fffffff : (int)l;
}

/* Wait for events on fd until the deadline: 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int l = left_ms(deadline), r;

		if (l == 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, l);
		if (r > 0)
			return 0;	/* also POLLERR / POLLHUP: the next call reports it */
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* --- plain fd links ------------------------------------------------------- */

static int fd_write(void *ctx, const uint8_t *p, size_t n, int timeout_ms)
{
	int fd = (int)(intptr_t)ctx, sock = 1;
	int64_t dl = deadline_of(timeout_ms);

	while (n) {
		ssize_t w = sock ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);

		if (w < 0 && sock && errno == ENOTSOCK) {
			sock = 0;
			continue;
		}
		if (w < 0) {
			int r;

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			r = wait_fd(fd, POLLOUT, dl);
			if (r)
				return r;
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int fd_read(void *ctx, uint8_t *p, size_t n, int timeout_ms)
{
	int fd = (int)(intptr_t)ctx;
	int64_t dl = deadline_of(timeout_ms);

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r == 0)
			return -ECONNRESET;
		if (r < 0) {
			int e;

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			e = wait_fd(fd, POLLIN, dl);
			if (e)
				return e;
			continue;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static const struct mpcsign_link_ops fd_link_ops = {
	.write = fd_write,
	.read = fd_read,
};

int mpcsign_fd_link_init(struct mpcsign_link *l, int fd, size_t max_body)
{
	int r;

	if (!l || fd < 0)
		return -EINVAL;
	r = set_nonblock(fd);
	if (r)
		return r;
	mpcsign_link_init(l, &fd_link_ops, (void *)(intptr_t)fd, max_body);
	return 0;
}

/* --- TLS links ------------------------------------------------------------ */

/*
 * One SSL I/O step's outcome: 1 retry (after waiting), or a final -errno.
 * ERR queue is cleared.
 */
static int ssl_step(struct mpcsign_chan *c, int ret, int64_t dl)
{
	int e = SSL_get_error(c->ssl, ret), r;

	switch (e) {
	case SSL_ERROR_WANT_READ:
		r = wait_fd(c->fd, POLLIN, dl);
		return r ? r : 1;
	case SSL_ERROR_WANT_WRITE:
		r = wait_fd(c->fd, POLLOUT, dl);
		return r ? r : 1;
	case SSL_ERROR_ZERO_RETURN:
		ERR_clear_error();
		return -ECONNRESET;
	case SSL_ERROR_SYSCALL:
		r = errno ? -errno : -ECONNRESET;	/* errno 0: EOF without close_notify */
		ERR_clear_error();
		return r == -EAGAIN ? -ECONNRESET : r;
	default:
		ERR_clear_error();
		return -EPROTO;
	}
}

static int tls_write(void *ctx, const uint8_t *p, size_t n, int timeout_ms)
{
	struct mpcsign_chan *c = ctx;
	int64_t dl = deadline_of(timeout_ms);

	while (n) {
		size_t w = 0;
		int ret, r;

		ERR_clear_error();
		errno = 0;
		ret = SSL_write_ex(c->ssl, p, n, &w);
		if (ret > 0) {
			p += w;
			n -= w;
			continue;
		}
		r = ssl_step(c, ret, dl);
		if (r < 0)
			return r == -ECONNRESET ? -EPIPE : r;
	}
	return 0;
}

static int tls_read(void *ctx, uint8_t *p, size_t n, int timeout_ms)
{
	struct mpcsign_chan *c = ctx;
	int64_t dl = deadline_of(timeout_ms);

	while (n) {
		size_t got = 0;
		int ret, r;

		ERR_clear_error();
		errno = 0;
		ret = SSL_read_ex(c->ssl, p, n, &got);
		if (ret > 0) {
			p += got;
			n -= got;
			continue;
		}
		r = ssl_step(c, ret, dl);
		if (r < 0)
			return r;
	}
	return 0;
}

static const struct mpcsign_link_ops tls_link_ops = {
	.write = tls_write,
	.read = tls_read,
};

/* --- contexts -------------------------------------------------------------- */

/* Certificates carry no identity: accept whatever the peer shows. */
static int verify_any(int preverify_ok, X509_STORE_CTX *x)
{
	(void)preverify_ok;
	(void)x;
	return 1;
}

/* A fresh Ed25519 key and a self-signed certificate for it, valid one day. */
static int make_cert(EVP_PKEY **pkey_out, X509 **x509_out)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	X509 *x = X509_new();
	X509_NAME *name;
	uint8_t serial[16];
	BIGNUM *bn = NULL;
	int ok = 0;

	if (!pkey || !x || getrandom(serial, sizeof(serial), 0) != (ssize_t)sizeof(serial))
		goto out;
	serial[0] &= 0x7f;	/* positive */
	serial[0] |= 0x01;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		goto out;
	name = X509_get_subject_name(x);
	if (!X509_set_version(x, 2) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -300) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 86400) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"mpcsign", -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) ||
	    !X509_set_pubkey(x, pkey) ||
	    !X509_sign(x, pkey, NULL))	/* Ed25519: no separate digest */
		goto out;
	ok = 1;
out:
	BN_free(bn);
	if (!ok) {
		EVP_PKEY_free(pkey);
		X509_free(x);
		return -EIO;
	}
	*pkey_out = pkey;
	*x509_out = x;
	return 0;
}

int mpcsign_tls_new(struct mpcsign_tls **out, int server, char *err, size_t errlen)
{
	struct mpcsign_tls *t;
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	char why[256];
	SSL_CTX *ctx;

	if (!out) {
		mpcsign_set_err(err, errlen, "invalid argument");
		return -EINVAL;
	}
	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		mpcsign_set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_method());
	if (!ctx)
		goto fail;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION))
		goto fail;
	/* no resumption of any kind: every connection is a full handshake */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION |
				 SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (!SSL_CTX_set_num_tickets(ctx, 0) ||
	    !SSL_CTX_set_max_early_data(ctx, 0) ||
	    !SSL_CTX_set_recv_max_early_data(ctx, 0))
		goto fail;
	SSL_CTX_set_read_ahead(ctx, 0);
	if (make_cert(&pkey, &x))
		goto fail;
	if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, pkey) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	X509_free(x);
	EVP_PKEY_free(pkey);
	x = NULL;
	pkey = NULL;
	/*
	 * The server asks for the client's certificate and both take any: the
	 * certificates only make the TLS handshake a mutual one; who the peer
	 * is comes from AUTH over the exporter binding.
	 */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_any);
	t->ctx = ctx;
	t->server = !!server;
	*out = t;
	return 0;
fail:
	mpcsign_set_err(err, errlen, "cannot set up TLS: %s", ssl_reason(why, sizeof(why)));
	X509_free(x);
	EVP_PKEY_free(pkey);
	SSL_CTX_free(ctx);
	free(t);
	return -EIO;
}

void mpcsign_tls_free(struct mpcsign_tls *t)
{
	if (!t)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

/* --- channels -------------------------------------------------------------- */

static struct mpcsign_chan *chan_new(struct mpcsign_tls *t, int fd)
{
	struct mpcsign_chan *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	c->ssl = SSL_new(t->ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, fd)) {
		SSL_free(c->ssl);
		free(c);
		return NULL;
	}
	return c;
}

/* Close without waiting for the peer: one close_notify attempt, then close(2). */
void mpcsign_chan_close(struct mpcsign_chan *c)
{
	if (!c)
		return;
	if (c->ssl) {
		ERR_clear_error();
		if (SSL_is_init_finished(c->ssl))
			SSL_shutdown(c->ssl);	/* non-blocking: best effort */
		ERR_clear_error();
		SSL_free(c->ssl);
	}
	if (c->fd >= 0)
		close(c->fd);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

struct mpcsign_link *mpcsign_chan_link(struct mpcsign_chan *c)
{
	return c ? &c->link : NULL;
}

const uint8_t *mpcsign_chan_peer(const struct mpcsign_chan *c)
{
	return c ? c->peer : NULL;
}

uint8_t mpcsign_chan_peer_role(const struct mpcsign_chan *c)
{
	return c ? c->peer_role : 0;
}

int mpcsign_chan_fd(const struct mpcsign_chan *c)
{
	return c ? c->fd : -1;
}

/* TLS handshake as client or server until the deadline; then the binding. */
static int chan_handshake(struct mpcsign_chan *c, int server, int64_t dl,
			  uint8_t binding[MPCSIGN_TLS_BINDING_LEN], const char *who, char *err,
			  size_t errlen)
{
	char why[256];
	int ret, r;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		ret = server ? SSL_accept(c->ssl) : SSL_connect(c->ssl);
		if (ret == 1)
			break;
		if (SSL_get_error(c->ssl, ret) == SSL_ERROR_SSL) {
			mpcsign_set_err(err, errlen, "TLS handshake with %s failed: %s", who,
				ssl_reason(why, sizeof(why)));
			return -EPROTO;
		}
		r = ssl_step(c, ret, dl);
		if (r == -ETIMEDOUT) {
			mpcsign_set_err(err, errlen, "TLS handshake with %s timed out", who);
			return r;
		}
		if (r < 0) {
			mpcsign_set_err(err, errlen, "TLS handshake with %s failed: %s", who,
				r == -ECONNRESET ? "connection closed by the peer" : strerror(-r));
			return r == -ECONNRESET ? -EPROTO : r;
		}
	}
	if (SSL_version(c->ssl) != TLS1_3_VERSION) {	/* cannot happen: min = max = 1.3 */
		mpcsign_set_err(err, errlen, "TLS handshake with %s: not TLS 1.3", who);
		return -EPROTO;
	}
	/* RFC 9266 tls-exporter: no context (use_context 0), 32 bytes */
	if (SSL_export_keying_material(c->ssl, binding, MPCSIGN_TLS_BINDING_LEN,
				       MPCSIGN_TLS_EXPORTER_LABEL,
				       strlen(MPCSIGN_TLS_EXPORTER_LABEL), NULL, 0, 0) != 1) {
		mpcsign_set_err(err, errlen, "TLS with %s: no exporter value: %s", who,
			ssl_reason(why, sizeof(why)));
		return -EPROTO;
	}
	return 0;
}

/* Sign and send our AUTH. */
static int send_auth(struct mpcsign_chan *c, struct mpcsign_identity *id, uint8_t role,
		     const uint8_t binding[MPCSIGN_TLS_BINDING_LEN], const uint8_t receiver[33],
		     int64_t dl, const char *who, char *err, size_t errlen)
{
	static const uint8_t zero_session[MPCSIGN_SESSION_ID_LEN];
	struct mpcsign_msg_auth a;
	struct mpcsign_buf b;
	uint8_t digest[32];
	int r;

	memset(&a, 0, sizeof(a));
	a.role = role;
	memcpy(a.sender_pk, mpcsign_identity_pubkey(id), 33);
	memcpy(a.receiver_pk, receiver, 33);
	mpcsign_auth_digest(digest, role, binding, a.sender_pk, a.receiver_pk);
	r = mpcsign_identity_sign(id, digest, a.sig);
	if (r) {
		mpcsign_set_err(err, errlen, "cannot sign our AUTH for %s: %s", who, strerror(-r));
		return r;
	}
	mpcsign_buf_init(&b);
	mpcsign_msg_auth_encode(&b, &a);
	r = b.err;
	if (!r) {
		int l = left_ms(dl);

		r = l == 0 ? -ETIMEDOUT :
		    mpcsign_link_send(&c->link, MPCSIGN_MSG_AUTH, zero_session, b.p, b.len, l);
	}
	mpcsign_buf_free(&b);
	if (r)
		mpcsign_set_err(err, errlen, "cannot send AUTH to %s: %s", who,
			r == -ETIMEDOUT ? "timed out" : strerror(-r));
	return r;
}

/*
 * Tell a refused peer why (best effort, bounded by the deadline), then the
 * caller closes.  Nothing more is read from it.
 */
static void send_refusal(struct mpcsign_chan *c, uint32_t code, const char *text, int64_t dl)
{
	static const uint8_t zero_session[MPCSIGN_SESSION_ID_LEN];
	struct mpcsign_msg_error e;
	struct mpcsign_buf b;
	size_t len = strlen(text);
	int l = left_ms(dl);

	if (l == 0)
		return;
	memset(&e, 0, sizeof(e));
	e.code = code;
	e.blame_index = 0xffffffffu;
	e.text = text;
	e.text_len = (uint16_t)(len > MPCSIGN_WIRE_MAX_ERRTEXT ? MPCSIGN_WIRE_MAX_ERRTEXT : len);
	mpcsign_buf_init(&b);
	mpcsign_msg_error_encode(&b, &e);
	if (!b.err)
		(void)mpcsign_link_send(&c->link, MPCSIGN_MSG_ERROR, zero_session, b.p, b.len,
					l > 200 ? 200 : l);
	mpcsign_buf_free(&b);
}

/* Receive exactly one frame, at most an AUTH body: the peer's AUTH (or ERROR). */
static int recv_first(struct mpcsign_chan *c, struct mpcsign_frame_hdr *h, uint8_t **body,
		      int64_t dl, size_t max_body)
{
	int l = left_ms(dl), r;

	if (l == 0)
		return -ETIMEDOUT;
	c->link.max_body = max_body;
	r = mpcsign_link_recv(&c->link, h, body, l);
	return r;
}

static const char *recv_errstr(int r)
{
	switch (r) {
	case -ETIMEDOUT:
		return "timed out";
	case -ECONNRESET:
		return "connection closed by the peer";
	case -EMSGSIZE:
		return "frame too large";
	case -EBADMSG:
		return "malformed frame";
	case -EPROTO:
		return "protocol error (frame type or sequence)";
	}
	return strerror(-r);
}

int mpcsign_chan_connect(struct mpcsign_chan **out, struct mpcsign_tls *t, const char *host,
			 const char *port, struct mpcsign_identity *id, uint8_t my_role,
			 const uint8_t expected_peer[33], size_t max_body, int timeout_ms,
			 char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct mpcsign_chan *c = NULL;
	struct mpcsign_frame_hdr h;
	struct mpcsign_msg_auth a;
	uint8_t binding[MPCSIGN_TLS_BINDING_LEN], digest[32], *body = NULL;
	char hostbuf[256], who[300], hexa[67], hexb[67];
	int64_t dl;
	int fd = -1, r, last = -EHOSTUNREACH, one = 1;
	size_t hl;

	if (!out || !t || t->server || !host || !port || !id || !expected_peer ||
	    timeout_ms <= 0) {
		mpcsign_set_err(err, errlen, "invalid argument");
		return -EINVAL;
	}
	*out = NULL;
	dl = deadline_of(timeout_ms);
	/* [v6-literal] as written in configs */
	hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']' && hl - 2 < sizeof(hostbuf)) {
		memcpy(hostbuf, host + 1, hl - 2);
		hostbuf[hl - 2] = 0;
		host = hostbuf;
	}
	if (strchr(host, ':'))
		snprintf(who, sizeof(who), "[%s]:%s", host, port);
	else
		snprintf(who, sizeof(who), "%s:%s", host, port);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	r = getaddrinfo(host, port, &hints, &res);
	if (r) {
		mpcsign_set_err(err, errlen, "cannot resolve %s: %s", who, gai_strerror(r));
		return r == EAI_NONAME ? -ENOENT : -EHOSTUNREACH;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			last = -errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			r = wait_fd(fd, POLLOUT, dl);
			if (!r && !getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) && !soerr)
				break;
			last = r ? r : -(soerr ? soerr : errno);
		} else {
			last = -errno;
		}
		close(fd);
		fd = -1;
		if (last == -ETIMEDOUT)
			break;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		mpcsign_set_err(err, errlen, "cannot connect to %s: %s", who,
			last == -ETIMEDOUT ? "timed out" : strerror(-last));
		return last;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = chan_new(t, fd);
	if (!c) {
		close(fd);
		mpcsign_set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	mpcsign_link_init(&c->link, &tls_link_ops, c, MPCSIGN_AUTH_BODY_LEN);
	r = chan_handshake(c, 0, dl, binding, who, err, errlen);
	if (r)
		goto fail;
	r = send_auth(c, id, my_role, binding, expected_peer, dl, who, err, errlen);
	if (r)
		goto fail;
	/* the party's AUTH, or an ERROR saying why it refused (<= its text limit) */
	r = recv_first(c, &h, &body, dl, 20 + MPCSIGN_WIRE_MAX_ERRTEXT);
	if (r) {
		mpcsign_set_err(err, errlen, "no AUTH from %s: %s", who, recv_errstr(r));
		goto fail;
	}
	if (h.type == MPCSIGN_MSG_ERROR) {
		struct mpcsign_msg_error e;
		char text[MPCSIGN_WIRE_MAX_ERRTEXT + 1];

		if (mpcsign_msg_error_decode(&e, body, h.body_len)) {
			mpcsign_set_err(err, errlen, "%s refused the connection (malformed ERROR)",
				who);
			r = -EPROTO;
			goto fail;
		}
		if (e.text_len)
			memcpy(text, e.text, e.text_len);
		text[e.text_len] = 0;
		mpcsign_set_err(err, errlen, "%s refused the connection: %s: %s", who,
			mpcsign_wire_err_name(e.code), text);
		r = e.code == MPCSIGN_WERR_BUSY ? -EBUSY : -EACCES;
		goto fail;
	}
	if (h.type != MPCSIGN_MSG_AUTH || mpcsign_msg_auth_decode(&a, body, h.body_len)) {
		mpcsign_set_err(err, errlen, "%s: expected AUTH, got %s", who,
			h.type == MPCSIGN_MSG_AUTH ? "a malformed AUTH" :
			mpcsign_msg_type_name(h.type));
		r = -EPROTO;
		goto fail;
	}
	if (memcmp(a.sender_pk, expected_peer, 33)) {
		mpcsign_hex(hexa, expected_peer, 33);
		mpcsign_hex(hexb, a.sender_pk, 33);
		mpcsign_set_err(err, errlen,
			"%s is not the party we expected: expected %s, got %s", who,
			hexa, hexb);
		r = -EACCES;
		goto fail;
	}
	if (a.role != MPCSIGN_ROLE_PARTY) {
		mpcsign_set_err(err, errlen, "%s answered as a %s, not as a party", who,
			role_name(a.role));
		r = -EACCES;
		goto fail;
	}
	if (memcmp(a.receiver_pk, mpcsign_identity_pubkey(id), 33)) {
		mpcsign_set_err(err, errlen, "%s: its AUTH is addressed to another key", who);
		r = -EACCES;
		goto fail;
	}
	mpcsign_auth_digest(digest, a.role, binding, a.sender_pk, a.receiver_pk);
	if (mpcsign_transport_verify(a.sig, digest, a.sender_pk)) {
		mpcsign_hex(hexa, a.sender_pk, 33);
		mpcsign_set_err(err, errlen, "%s: bad AUTH signature for host key %s", who, hexa);
		r = -EBADMSG;
		goto fail;
	}
	free(body);
	memcpy(c->peer, a.sender_pk, 33);
	c->peer_role = a.role;
	c->link.max_body = max_body;
	*out = c;
	return 0;
fail:
	free(body);
	mpcsign_chan_close(c);
	return r;
}

int mpcsign_chan_accept(struct mpcsign_chan **out, struct mpcsign_tls *t, int fd,
			struct mpcsign_identity *id, uint8_t my_role, mpcsign_allow_fn allowed,
			void *arg, size_t max_body, int timeout_ms, char *err, size_t errlen)
{
	struct mpcsign_chan *c;
	struct mpcsign_frame_hdr h;
	struct mpcsign_msg_auth a;
	uint8_t binding[MPCSIGN_TLS_BINDING_LEN], digest[32], *body = NULL;
	char who[80], hexa[67], hexb[67], text[200];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int64_t dl;
	int r, one = 1;

	if (out)
		*out = NULL;
	if (!out || !t || !t->server || fd < 0 || !id || !allowed || timeout_ms <= 0) {
		if (fd >= 0)
			close(fd);
		mpcsign_set_err(err, errlen, "invalid argument");
		return -EINVAL;
	}
	dl = deadline_of(timeout_ms);
	snprintf(who, sizeof(who), "the peer");
	if (!getpeername(fd, (struct sockaddr *)&ss, &sl)) {
		char hbuf[64], sbuf[16];

		if (!getnameinfo((struct sockaddr *)&ss, sl, hbuf, sizeof(hbuf), sbuf, sizeof(sbuf),
				 NI_NUMERICHOST | NI_NUMERICSERV))
			snprintf(who, sizeof(who), ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
				 hbuf, sbuf);
	}
	r = set_nonblock(fd);
	if (r) {
		close(fd);
		mpcsign_set_err(err, errlen, "%s: %s", who, strerror(-r));
		return r;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = chan_new(t, fd);
	if (!c) {
		close(fd);
		mpcsign_set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	mpcsign_link_init(&c->link, &tls_link_ops, c, MPCSIGN_AUTH_BODY_LEN);
	r = chan_handshake(c, 1, dl, binding, who, err, errlen);
	if (r)
		goto fail;
	/* exactly one frame of at most an AUTH body, before anything is verified */
	r = recv_first(c, &h, &body, dl, MPCSIGN_AUTH_BODY_LEN);
	if (r) {
		mpcsign_set_err(err, errlen, "no AUTH from %s: %s", who, recv_errstr(r));
		goto fail;
	}
	if (h.type != MPCSIGN_MSG_AUTH || mpcsign_msg_auth_decode(&a, body, h.body_len)) {
		mpcsign_set_err(err, errlen, "%s: expected AUTH, got %s", who,
			h.type == MPCSIGN_MSG_AUTH ? "a malformed AUTH" :
			mpcsign_msg_type_name(h.type));
		send_refusal(c, MPCSIGN_WERR_BAD_REQUEST, "expected a well-formed AUTH frame", dl);
		r = -EPROTO;
		goto fail;
	}
	if (memcmp(a.receiver_pk, mpcsign_identity_pubkey(id), 33)) {
		mpcsign_hex(hexa, a.receiver_pk, 33);
		mpcsign_hex(hexb, mpcsign_identity_pubkey(id), 33);
		mpcsign_set_err(err, errlen, "%s wants host key %s, this is %s", who, hexa, hexb);
		snprintf(text, sizeof(text), "wrong party: expected %s, got %s", hexa, hexb);
		send_refusal(c, MPCSIGN_WERR_NOT_ALLOWED, text, dl);
		r = -EACCES;
		goto fail;
	}
	if (allowed(arg, a.sender_pk, a.role) != 1) {
		mpcsign_hex(hexa, a.sender_pk, 33);
		mpcsign_set_err(err, errlen,
			"%s: host key %s is not in the allowlist (as a %s)", who,
			hexa, role_name(a.role));
		snprintf(text, sizeof(text), "host key %s is not in the allowlist (as a %s)",
			 hexa, role_name(a.role));
		send_refusal(c, MPCSIGN_WERR_NOT_ALLOWED, text, dl);
		r = -EACCES;
		goto fail;
	}
	mpcsign_auth_digest(digest, a.role, binding, a.sender_pk, a.receiver_pk);
	if (mpcsign_transport_verify(a.sig, digest, a.sender_pk)) {
		mpcsign_hex(hexa, a.sender_pk, 33);
		mpcsign_set_err(err, errlen, "%s: bad AUTH signature for host key %s", who, hexa);
		send_refusal(c, MPCSIGN_WERR_BAD_REQUEST, "bad AUTH signature", dl);
		r = -EBADMSG;
		goto fail;
	}
	r = send_auth(c, id, my_role, binding, a.sender_pk, dl, who, err, errlen);
	if (r)
		goto fail;
	free(body);
	memcpy(c->peer, a.sender_pk, 33);
	c->peer_role = a.role;
	c->link.max_body = max_body;
	*out = c;
	return 0;
fail:
	free(body);
	mpcsign_chan_close(c);
	return r;
}
