// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_tls.c - the transport (userspace/lib/tls.c, identity.c) on loopback:
 * key-file identities, TLS 1.3 channels authenticated by AUTH, refusals on
 * every check, timeouts, no session tickets, frames after AUTH, plain fd
 * links.  127.0.0.1 (and ::1 if the machine has it) only, ephemeral ports,
 * one thread per side.
 *
 * Peers that misbehave (a TLS 1.2 client, a client that tampers with its
 * AUTH, a server that answers as another key) are written here directly
 * with OpenSSL and the wire.h codecs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "test.h"
#include "libmpcsign.h"
#include "tls.h"

static char tmpdir[64];
static struct mpcsign_identity *id_a, *id_b, *id_c;	/* coordinator, party, stranger */
static struct mpcsign_tls *tls_srv, *tls_cli;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void hex33(char out[67], const uint8_t *pk)
{
	hex_encode(out, pk, 33);
}

/* A listening TCP socket on an ephemeral port of addr; port written to portstr. */
static int listen_on(int family, char portstr[16])
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	memset(&ss, 0, sizeof(ss));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		s->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		s->sin6_addr = in6addr_loopback;
		sl = sizeof(*s);
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 8)) {
		close(fd);
		return -1;
	}
	sl = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	snprintf(portstr, 16, "%u", family == AF_INET ?
		 ntohs(((struct sockaddr_in *)&ss)->sin_port) :
		 ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	return fd;
}

static int tcp_connect(const char *port)
{
	struct sockaddr_in s = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	s.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s.sin_port = htons((uint16_t)atoi(port));
	if (fd < 0 || connect(fd, (struct sockaddr *)&s, sizeof(s))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* --- the party side: mpcsign_chan_accept in a thread ------------------------- */

struct party {
	int lfd;
	struct mpcsign_identity *id;
	const uint8_t *allow_pk;	/* the one coordinator allowed (NULL: nobody) */
	int timeout_ms;
	int echo;			/* after AUTH: receive one frame, answer it */
	int keep_dup;			/* keep a dup of the socket in dupfd */
	int big;			/* echo: one frame of up to 256 KiB back */
	/* results */
	int r;
	char err[512];
	uint8_t peer[33];
	uint8_t role;
	int dupfd;
	int allowed_calls;
	int64_t elapsed_ms;
	int echo_ok;
	pthread_t th;
};

static int party_allowed(void *arg, const uint8_t pk[33], uint8_t role)
{
	struct party *p = arg;

	p->allowed_calls++;
	return p->allow_pk && !memcmp(pk, p->allow_pk, 33) && role == MPCSIGN_ROLE_COORDINATOR;
}

static void *party_main(void *arg)
{
	struct party *p = arg;
	struct mpcsign_chan *c = NULL;
	int fd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
	int64_t t0;

	p->dupfd = -1;
	if (fd < 0) {
		p->r = -errno;
		return NULL;
	}
	if (p->keep_dup)
		p->dupfd = dup(fd);
	t0 = now_ms();
	p->r = mpcsign_chan_accept(&c, tls_srv, fd, p->id, MPCSIGN_ROLE_PARTY, party_allowed, p,
				   4096, p->timeout_ms, p->err, sizeof(p->err));
	p->elapsed_ms = now_ms() - t0;
	if (p->r)
		return NULL;
	memcpy(p->peer, mpcsign_chan_peer(c), 33);
	p->role = mpcsign_chan_peer_role(c);
	if (p->big) {
		struct mpcsign_link *l = mpcsign_chan_link(c);
		struct mpcsign_frame_hdr h;
		uint8_t *body = NULL;

		l->max_body = 0;	/* the default maximum, MPCSIGN_FRAME_MAX_BODY */
		if (!mpcsign_link_recv(l, &h, &body, 10000) &&
		    !mpcsign_link_send(l, MPCSIGN_MSG_SIGN_NONCE, h.session, body, h.body_len,
				       10000))
			p->echo_ok = 1;
		free(body);
	}
	if (p->echo) {
		struct mpcsign_link *l = mpcsign_chan_link(c);
		struct mpcsign_frame_hdr h;
		uint8_t *body = NULL;

		if (!mpcsign_link_recv(l, &h, &body, 5000) && h.type == MPCSIGN_MSG_SIGN_REQ &&
		    h.seq == 2 && h.body_len == 5 && !memcmp(body, "hello", 5) &&
		    !mpcsign_link_send(l, MPCSIGN_MSG_SIGN_NONCE, h.session, (const uint8_t *)"world!",
				       6, 5000))
			p->echo_ok = 1;
		free(body);
		/* a frame above the link's maximum is refused before allocation */
		if (p->echo_ok) {
			int r = mpcsign_link_recv(l, &h, &body, 5000);

			p->echo_ok = r == -EMSGSIZE && !body;
			free(body);
		}
	}
	mpcsign_chan_close(c);
	return NULL;
}

static void party_start(struct party *p, int lfd, struct mpcsign_identity *id,
			const uint8_t *allow_pk, int timeout_ms)
{
	memset(p, 0, sizeof(*p));
	p->lfd = lfd;
	p->id = id;
	p->allow_pk = allow_pk;
	p->timeout_ms = timeout_ms;
	p->dupfd = -1;
}

static void party_run(struct party *p)
{
	pthread_create(&p->th, NULL, party_main, p);
}

/* --- hand-written peers ----------------------------------------------------------- */

static int accept_any(int ok, X509_STORE_CTX *x)
{
	return 1;
}

static int tickets_seen;
static int count_ticket(SSL *s, SSL_SESSION *sess)
{
	tickets_seen++;
	return 0;
}

/* An SSL_CTX with its own self-signed Ed25519 certificate, up to TLS max_version. */
static SSL_CTX *raw_ctx(int server, int max_version)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	X509 *x = X509_new();

	if (!ctx || !k || !x)
		abort();
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, k);
	if (!X509_sign(x, k, NULL) || SSL_CTX_use_certificate(ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, k) != 1)
		abort();
	X509_free(x);
	EVP_PKEY_free(k);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ctx, max_version);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any);
	if (!server) {
		/* count any ticket the server would issue */
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
		SSL_CTX_sess_set_new_cb(ctx, count_ticket);
	}
	return ctx;
}

static int ssl_write_all(SSL *s, const uint8_t *p, size_t n)
{
	size_t w;

	while (n) {
		if (SSL_write_ex(s, p, n, &w) != 1)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

static int ssl_read_all(SSL *s, uint8_t *p, size_t n)
{
	size_t got;

	while (n) {
		if (SSL_read_ex(s, p, n, &got) != 1)
			return -1;
		p += got;
		n -= got;
	}
	return 0;
}

static int raw_send_frame(SSL *s, uint8_t type, uint32_t seq, const uint8_t *body, size_t len)
{
	struct mpcsign_frame_hdr h;
	uint8_t frame[MPCSIGN_FRAME_HDR_LEN + 2048];

	if (len > 2048)
		return -1;
	memset(&h, 0, sizeof(h));
	h.body_len = (uint32_t)len;
	h.version = MPCSIGN_WIRE_VERSION;
	h.type = type;
	h.seq = seq;
	mpcsign_frame_hdr_encode(frame, &h);
	memcpy(frame + MPCSIGN_FRAME_HDR_LEN, body, len);
	return ssl_write_all(s, frame, MPCSIGN_FRAME_HDR_LEN + len);
}

/* Read one frame (body into buf, at most cap); returns its type or -1. */
static int raw_recv_frame(SSL *s, uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t raw[MPCSIGN_FRAME_HDR_LEN];
	struct mpcsign_frame_hdr h;

	if (ssl_read_all(s, raw, sizeof(raw)) || mpcsign_frame_hdr_parse(&h, raw, cap) ||
	    ssl_read_all(s, buf, h.body_len))
		return -1;
	*len = h.body_len;
	return h.type;
}

/* An AUTH body by signer claiming sender, for receiver, over this connection. */
static void raw_auth(struct mpcsign_buf *b, SSL *s, uint8_t role, struct mpcsign_identity *signer,
		     const uint8_t *sender, const uint8_t *receiver, int tamper)
{
	struct mpcsign_msg_auth a;
	uint8_t binding[32], digest[32];

	if (SSL_export_keying_material(s, binding, 32, MPCSIGN_TLS_EXPORTER_LABEL,
				       strlen(MPCSIGN_TLS_EXPORTER_LABEL), NULL, 0, 0) != 1)
		abort();
	memset(&a, 0, sizeof(a));
	a.role = role;
	memcpy(a.sender_pk, sender, 33);
	memcpy(a.receiver_pk, receiver, 33);
	mpcsign_auth_digest(digest, role, binding, sender, receiver);
	if (mpcsign_identity_sign(signer, digest, a.sig))
		abort();
	if (tamper)
		a.sig[7] ^= 0x20;
	mpcsign_buf_init(b);
	mpcsign_msg_auth_encode(b, &a);
}

/* --- tests ---------------------------------------------------------------------------- */

static void test_identity_files(void)
{
	char path[128], other[128], link[128], out[80];
	uint8_t pk[33], pk2[33], msg[32], sig[64];
	struct mpcsign_identity *id = NULL;
	char err[256];
	struct stat st;
	int fd, ok;

	snprintf(path, sizeof(path), "%s/gen.key", tmpdir);
	test_report(mpcsign_identity_generate_file(path, pk) == 0 && !stat(path, &st) &&
		    (st.st_mode & 0777) == 0600 && (pk[0] == 2 || pk[0] == 3),
		    "identity: generate_file makes a 0600 key file and a compressed public key");
	test_report(mpcsign_identity_generate_file(path, pk2) == -EEXIST,
		    "identity: generate_file does not overwrite (-EEXIST)");
	ok = mpcsign_identity_file(&id, path, err, sizeof(err)) == 0 &&
	     !memcmp(mpcsign_identity_pubkey(id), pk, 33);
	test_report(ok, "identity: the generated file loads with the same public key");
	memset(msg, 0x5a, sizeof(msg));
	ok = id && mpcsign_identity_sign(id, msg, sig) == 0 &&
	     mpcsign_transport_verify(sig, msg, pk) == 0;
	msg[0] ^= 1;
	ok = ok && mpcsign_transport_verify(sig, msg, pk) == -EBADMSG;
	msg[0] ^= 1;
	sig[63] ^= 1;
	ok = ok && mpcsign_transport_verify(sig, msg, pk) == -EBADMSG;
	test_report(ok, "identity: a file signature verifies with mpcsign_transport_verify, a changed "
		    "message or signature does not");
	mpcsign_identity_free(id);
	id = NULL;

	chmod(path, 0640);
	err[0] = 0;
	test_report(mpcsign_identity_file(&id, path, err, sizeof(err)) == -EPERM && !id &&
		    strstr(err, "0640"), "identity: a group-readable key file is refused (%s)", err);
	chmod(path, 0604);
	test_report(mpcsign_identity_file(&id, path, err, sizeof(err)) == -EPERM && !id,
		    "identity: an other-readable key file is refused");
	chmod(path, 0600);
	snprintf(link, sizeof(link), "%s/link.key", tmpdir);
	ok = !symlink(path, link);
	test_report(ok && mpcsign_identity_file(&id, link, err, sizeof(err)) == -ELOOP && !id &&
		    strstr(err, "symbolic link"), "identity: a symlink to a key file is refused (%s)",
		    err);
	test_report(mpcsign_identity_file(&id, tmpdir, err, sizeof(err)) < 0 && !id,
		    "identity: a directory is refused");
	snprintf(other, sizeof(other), "%s/missing.key", tmpdir);
	test_report(mpcsign_identity_file(&id, other, err, sizeof(err)) == -ENOENT && !id &&
		    strstr(err, "missing.key"), "identity: a missing file says which (%s)", err);

	/* malformed contents */
	{
		static const char *const bad[] = {
			"",
			"00",
			/* zero */
			"0000000000000000000000000000000000000000000000000000000000000000\n",
			/* the group order n */
			"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141\n",
			/* not hex */
			"g000000000000000000000000000000000000000000000000000000000000001\n",
			"000000000000000000000000000000000000000000000000000000000000000 1",
			/* trailing garbage */
			"0000000000000000000000000000000000000000000000000000000000000001\nx",
			"0000000000000000000000000000000000000000000000000000000000000001\n\n",
			"0000000000000000000000000000000000000000000000000000000000000001 ",
		};
		size_t i;
		int all = 1;

		snprintf(other, sizeof(other), "%s/bad.key", tmpdir);
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			unlink(other);
			fd = open(other, O_WRONLY | O_CREAT | O_EXCL, 0600);
			if (fd < 0 || write(fd, bad[i], strlen(bad[i])) != (ssize_t)strlen(bad[i]))
				all = 0;
			close(fd);
			if (mpcsign_identity_file(&id, other, err, sizeof(err)) != -EINVAL || id) {
				TEST_FAIL("bad key file %zu accepted or wrong errno", i);
				all = 0;
			}
		}
		test_report(all, "identity: %zu malformed key files are -EINVAL", i);
		/* secret 1 (G), upper-case hex, no newline: the key is G */
		unlink(other);
		fd = open(other, O_WRONLY | O_CREAT | O_EXCL, 0600);
		strcpy(out, "000000000000000000000000000000000000000000000000000000000000000A");
		ok = fd >= 0 && write(fd, out, 64) == 64;
		close(fd);
		ok = ok && mpcsign_identity_file(&id, other, err, sizeof(err)) == 0;
		hex_decode(pk2, 33, "03a0434d9e47f3c86235477c7b1ae6ae5d3442d49b1943c2b752a68e2a47e247c7");
		test_report(ok && !memcmp(mpcsign_identity_pubkey(id), pk2, 33),
			    "identity: secret 10 in upper-case hex without newline gives 10 G");
		mpcsign_identity_free(id);
		id = NULL;
	}
	{
		/* a kernel host key identity needs the module: without it, the lookup fails */
		struct mpcsign *h = NULL;
		int r = mpcsign_open(&h, "/dev/null");

		id = (struct mpcsign_identity *)1;
		test_report(r == 0 && mpcsign_identity_device(&id, h, pk) == -ENOTTY && !id &&
			    mpcsign_identity_device(&id, NULL, pk) == -EINVAL,
			    "identity: a device identity on a non-mpcsign device is -ENOTTY, NULL");
		id = NULL;
		mpcsign_close(h);
	}
	test_report(mpcsign_identity_file(NULL, path, err, sizeof(err)) == -EINVAL &&
		    mpcsign_identity_sign(NULL, msg, sig) == -EINVAL && !mpcsign_identity_pubkey(NULL),
		    "identity: NULL arguments are -EINVAL");
	mpcsign_identity_free(NULL);
}

static void make_identities(void)
{
	char path[128], err[256];
	uint8_t pk[33];
	struct mpcsign_identity **ids[3] = { &id_a, &id_b, &id_c };
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/id%d.key", tmpdir, i);
		if (mpcsign_identity_generate_file(path, pk) ||
		    mpcsign_identity_file(ids[i], path, err, sizeof(err))) {
			printf("# cannot make identity %d: %s\n", i, err);
			exit(1);
		}
	}
	if (mpcsign_tls_new(&tls_srv, 1, err, sizeof(err)) ||
	    mpcsign_tls_new(&tls_cli, 0, err, sizeof(err))) {
		printf("# mpcsign_tls_new: %s\n", err);
		exit(1);
	}
}

static void test_success(void)
{
	struct party p;
	struct mpcsign_chan *c = NULL;
	char port[16], err[512] = "";
	int lfd = listen_on(AF_INET, port), r, ok = 0;

	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_a), 5000);
	p.echo = 1;
	party_run(&p);
	r = mpcsign_chan_connect(&c, tls_cli, "127.0.0.1", port, id_a, MPCSIGN_ROLE_COORDINATOR,
				 mpcsign_identity_pubkey(id_b), 0, 5000, err, sizeof(err));
	test_report(r == 0 && !memcmp(mpcsign_chan_peer(c), mpcsign_identity_pubkey(id_b), 33) &&
		    mpcsign_chan_peer_role(c) == MPCSIGN_ROLE_PARTY && mpcsign_chan_fd(c) >= 0,
		    "chan: the coordinator connects and sees the party's key and role (%d %s)", r, err);
	if (!r) {
		struct mpcsign_link *l = mpcsign_chan_link(c);
		struct mpcsign_frame_hdr h;
		uint8_t session[16], *body = NULL, big[4097];

		memset(session, 0x11, sizeof(session));
		memset(big, 0, sizeof(big));
		ok = !mpcsign_link_send(l, MPCSIGN_MSG_SIGN_REQ, session, (const uint8_t *)"hello", 5,
					5000) &&
		     !mpcsign_link_recv(l, &h, &body, 5000) && h.type == MPCSIGN_MSG_SIGN_NONCE &&
		     h.seq == 2 && h.body_len == 6 && !memcmp(body, "world!", 6) &&
		     !memcmp(h.session, session, 16);
		free(body);
		/* over the party's max_body of 4096 */
		ok = ok && !mpcsign_link_send(l, MPCSIGN_MSG_SIGN_REQ, session, big, sizeof(big), 5000);
	}
	pthread_join(p.th, NULL);
	test_report(p.r == 0 && !memcmp(p.peer, mpcsign_identity_pubkey(id_a), 33) &&
		    p.role == MPCSIGN_ROLE_COORDINATOR && p.allowed_calls == 1,
		    "chan: the party accepts and sees the coordinator's key and role (%d %s)", p.r,
		    p.err);
	test_report(ok && p.echo_ok, "chan: frames flow both ways after AUTH (seq 2 after AUTH's 1); "
		    "a frame over the party's max_body is -EMSGSIZE");
	mpcsign_chan_close(c);
	close(lfd);
}

/* A frame of the largest size, over many TLS records, both ways. */
static void test_big_frame(void)
{
	struct party p;
	struct mpcsign_chan *c = NULL;
	char port[16], err[512] = "";
	int lfd = listen_on(AF_INET, port), r, ok = 0;
	size_t n = MPCSIGN_FRAME_MAX_BODY, i;
	uint8_t *big = malloc(n), *body = NULL, session[16] = { 9 };

	for (i = 0; i < n; i++)
		big[i] = (uint8_t)(i * 7 + (i >> 8));
	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_a), 5000);
	p.big = 1;
	party_run(&p);
	r = mpcsign_chan_connect(&c, tls_cli, "127.0.0.1", port, id_a, MPCSIGN_ROLE_COORDINATOR,
				 mpcsign_identity_pubkey(id_b), 0, 5000, err, sizeof(err));
	if (!r) {
		struct mpcsign_link *l = mpcsign_chan_link(c);
		struct mpcsign_frame_hdr h;

		ok = !mpcsign_link_send(l, MPCSIGN_MSG_DKG_CMSG1, session, big, n, 10000) &&
		     !mpcsign_link_recv(l, &h, &body, 10000) && h.body_len == n &&
		     !memcmp(body, big, n);
	}
	pthread_join(p.th, NULL);
	test_report(ok && p.echo_ok, "chan: a %zu-byte frame goes there and back intact (%s)", n,
		    err);
	free(body);
	free(big);
	mpcsign_chan_close(c);
	close(lfd);
}

static void test_ipv6(void)
{
	struct party p;
	struct mpcsign_chan *c = NULL;
	char port[16], err[512] = "";
	int lfd = listen_on(AF_INET6, port), r;

	if (lfd < 0) {
		printf("# no IPv6 loopback here: [::1] not tested\n");
		return;
	}
	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_a), 5000);
	party_run(&p);
	r = mpcsign_chan_connect(&c, tls_cli, "[::1]", port, id_a, MPCSIGN_ROLE_COORDINATOR,
				 mpcsign_identity_pubkey(id_b), 0, 5000, err, sizeof(err));
	pthread_join(p.th, NULL);
	test_report(r == 0 && p.r == 0 && !memcmp(p.peer, mpcsign_identity_pubkey(id_a), 33),
		    "chan: over IPv6 to [::1] (%s %s)", err, p.err);
	mpcsign_chan_close(c);
	close(lfd);
}

static void test_wrong_party(void)
{
	struct party p;
	struct mpcsign_chan *c = NULL;
	char port[16], err[512] = "", hc[67], hb[67];
	int lfd = listen_on(AF_INET, port), r;

	hex33(hc, mpcsign_identity_pubkey(id_c));
	hex33(hb, mpcsign_identity_pubkey(id_b));
	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_a), 5000);
	party_run(&p);
	/* the coordinator wants C but reaches B */
	r = mpcsign_chan_connect(&c, tls_cli, "127.0.0.1", port, id_a, MPCSIGN_ROLE_COORDINATOR,
				 mpcsign_identity_pubkey(id_c), 0, 5000, err, sizeof(err));
	pthread_join(p.th, NULL);
	test_report(r == -EACCES && !c && strstr(err, hc) && strstr(err, hb) &&
		    strstr(err, "NOT_ALLOWED"),
		    "chan: a coordinator expecting another party is refused: %s", err);
	test_report(p.r == -EACCES && p.allowed_calls == 0 && strstr(p.err, hc),
		    "chan: the party refuses an AUTH addressed to another key: %s", p.err);
	close(lfd);
}

/*
 * A hand-written coordinator: TLS handshake, AUTH (signed by signer, or
 * tampered), then at once a 1000-byte request frame; the party's answer is
 * read into reply.
 */
struct raw_result {
	int handshake_ok;
	int reply_type;
	uint32_t reply_code;
	int resumable;
};

static void raw_coordinator(struct raw_result *res, const char *port, int max_version,
			    struct mpcsign_identity *signer, int tamper, int send_request)
{
	SSL_CTX *ctx = raw_ctx(0, max_version);
	SSL *s = SSL_new(ctx);
	int fd = tcp_connect(port);
	uint8_t buf[2048];
	size_t len;

	memset(res, 0, sizeof(*res));
	res->reply_type = -1;
	SSL_set_fd(s, fd);
	if (SSL_connect(s) == 1) {
		struct mpcsign_buf b;

		res->handshake_ok = 1;
		raw_auth(&b, s, MPCSIGN_ROLE_COORDINATOR, signer, mpcsign_identity_pubkey(id_a),
			 mpcsign_identity_pubkey(id_b), tamper);
		raw_send_frame(s, MPCSIGN_MSG_AUTH, 1, b.p, b.len);
		mpcsign_buf_free(&b);
		if (send_request) {
			memset(buf, 0x42, 1000);
			raw_send_frame(s, MPCSIGN_MSG_SIGN_REQ, 2, buf, 1000);
		}
		res->reply_type = raw_recv_frame(s, buf, sizeof(buf), &len);
		if (res->reply_type == MPCSIGN_MSG_ERROR) {
			struct mpcsign_msg_error e;

			if (!mpcsign_msg_error_decode(&e, buf, len))
				res->reply_code = e.code;
		}
		res->resumable = SSL_SESSION_is_resumable(SSL_get0_session(s));
	}
	ERR_clear_error();
	SSL_free(s);
	SSL_CTX_free(ctx);
	close(fd);
}

static void test_allowlist_refuses(void)
{
	struct party p;
	struct raw_result res;
	char port[16];
	int lfd = listen_on(AF_INET, port), avail = 0, i;

	/* B allows only C: A is refused, and B reads nothing after A's AUTH */
	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_c), 5000);
	p.keep_dup = 1;
	party_run(&p);
	raw_coordinator(&res, port, TLS1_3_VERSION, id_a, 0, 1);
	pthread_join(p.th, NULL);
	test_report(p.r == -EACCES && p.allowed_calls == 1 && strstr(p.err, "not in the allowlist"),
		    "chan: a party whose allowlist refuses says so: %s", p.err);
	test_report(res.handshake_ok && res.reply_type == MPCSIGN_MSG_ERROR &&
		    res.reply_code == MPCSIGN_WERR_NOT_ALLOWED,
		    "chan: the refused coordinator gets ERROR NOT_ALLOWED (type %d code %u)",
		    res.reply_type, res.reply_code);
	/* the request frame (a TLS record of 32 + 1000 bytes + overhead) is still unread */
	for (i = 0; i < 100 && p.dupfd >= 0; i++) {
		if (ioctl(p.dupfd, FIONREAD, &avail) || avail >= 1032)
			break;
		usleep(10000);
	}
	test_report(avail >= 1032, "chan: the party read nothing after the AUTH frame "
		    "(%d bytes of the following request still unread)", avail);
	if (p.dupfd >= 0)
		close(p.dupfd);
	close(lfd);
}

static void test_bad_signature(void)
{
	struct party p;
	struct raw_result res;
	char port[16];
	int lfd = listen_on(AF_INET, port);

	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_a), 5000);
	party_run(&p);
	raw_coordinator(&res, port, TLS1_3_VERSION, id_a, 1, 0);
	pthread_join(p.th, NULL);
	test_report(p.r == -EBADMSG && strstr(p.err, "bad AUTH signature") &&
		    res.reply_type == MPCSIGN_MSG_ERROR && res.reply_code == MPCSIGN_WERR_BAD_REQUEST,
		    "chan: an AUTH with a flipped signature bit is refused: %s", p.err);

	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_a), 5000);
	party_run(&p);
	raw_coordinator(&res, port, TLS1_3_VERSION, id_c, 0, 0);	/* claims A, signed by C */
	pthread_join(p.th, NULL);
	test_report(p.r == -EBADMSG && res.reply_type == MPCSIGN_MSG_ERROR,
		    "chan: an AUTH claiming A but signed by C is refused: %s", p.err);
	close(lfd);
}

static void test_tls12_client(void)
{
	struct party p;
	struct raw_result res;
	char port[16];
	int lfd = listen_on(AF_INET, port);

	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_a), 5000);
	party_run(&p);
	raw_coordinator(&res, port, TLS1_2_VERSION, id_a, 0, 0);
	pthread_join(p.th, NULL);
	test_report(!res.handshake_ok && p.r == -EPROTO && strstr(p.err, "TLS handshake") &&
		    p.allowed_calls == 0,
		    "chan: a TLS 1.2-only client fails the handshake: %s", p.err);
	close(lfd);
}

static void test_no_ticket(void)
{
	struct party p;
	struct raw_result res;
	char port[16];
	int lfd = listen_on(AF_INET, port);

	tickets_seen = 0;
	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_a), 5000);
	party_run(&p);
	raw_coordinator(&res, port, TLS1_3_VERSION, id_a, 0, 0);
	pthread_join(p.th, NULL);
	test_report(p.r == 0 && res.reply_type == MPCSIGN_MSG_AUTH && tickets_seen == 0 &&
		    res.resumable == 0,
		    "chan: a full session with a plain OpenSSL client: no session ticket issued "
		    "(%d tickets, resumable %d)", tickets_seen, res.resumable);
	close(lfd);
}

static void test_party_timeouts(void)
{
	struct party p;
	char port[16];
	int lfd = listen_on(AF_INET, port), fd;

	/* a TCP peer that never speaks */
	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_a), 300);
	party_run(&p);
	fd = tcp_connect(port);
	pthread_join(p.th, NULL);
	test_report(p.r == -ETIMEDOUT && p.elapsed_ms >= 250 && p.elapsed_ms < 1500 &&
		    strstr(p.err, "timed out"),
		    "chan: a silent peer: the party's handshake times out in %lld ms (bound 300): %s",
		    (long long)p.elapsed_ms, p.err);
	close(fd);

	/* TLS completes but no AUTH comes: the same bound covers the whole handshake */
	party_start(&p, lfd, id_b, mpcsign_identity_pubkey(id_a), 400);
	party_run(&p);
	{
		SSL_CTX *ctx = raw_ctx(0, TLS1_3_VERSION);
		SSL *s = SSL_new(ctx);
		int hs;

		fd = tcp_connect(port);
		SSL_set_fd(s, fd);
		hs = SSL_connect(s);
		pthread_join(p.th, NULL);
		test_report(hs == 1 && p.r == -ETIMEDOUT && p.elapsed_ms >= 350 &&
			    p.elapsed_ms < 1600,
			    "chan: TLS done but no AUTH: timed out in %lld ms (bound 400): %s",
			    (long long)p.elapsed_ms, p.err);
		SSL_free(s);
		SSL_CTX_free(ctx);
		ERR_clear_error();
		close(fd);
	}
	close(lfd);
}

static void test_connect_failures(void)
{
	struct mpcsign_chan *c = NULL;
	char port[16], err[512] = "";
	int lfd = listen_on(AF_INET, port), r;
	int64_t t0;

	/* nobody accepts: the kernel completes TCP, nothing answers the ClientHello */
	t0 = now_ms();
	r = mpcsign_chan_connect(&c, tls_cli, "127.0.0.1", port, id_a, MPCSIGN_ROLE_COORDINATOR,
				 mpcsign_identity_pubkey(id_b), 0, 300, err, sizeof(err));
	t0 = now_ms() - t0;
	test_report(r == -ETIMEDOUT && !c && t0 >= 250 && t0 < 1500 && strstr(err, "timed out"),
		    "chan: a server that never speaks: connect times out in %lld ms (bound 300): %s",
		    (long long)t0, err);
	close(lfd);
	/* the port is now closed */
	r = mpcsign_chan_connect(&c, tls_cli, "127.0.0.1", port, id_a, MPCSIGN_ROLE_COORDINATOR,
				 mpcsign_identity_pubkey(id_b), 0, 2000, err, sizeof(err));
	test_report(r == -ECONNREFUSED && !c && strstr(err, "cannot connect to 127.0.0.1:") &&
		    strstr(err, "refused"),
		    "chan: an unreachable party: %s", err);
	r = mpcsign_chan_connect(&c, tls_cli, "127.0.0.1", "notaport", id_a,
				 MPCSIGN_ROLE_COORDINATOR, mpcsign_identity_pubkey(id_b), 0, 2000,
				 err, sizeof(err));
	test_report(r < 0 && !c && strstr(err, "cannot resolve"), "chan: a bad port: %s", err);
	test_report(mpcsign_chan_connect(&c, tls_srv, "127.0.0.1", port, id_a, 1,
					 mpcsign_identity_pubkey(id_b), 0, 100, err,
					 sizeof(err)) == -EINVAL &&
		    mpcsign_chan_connect(&c, tls_cli, "127.0.0.1", port, id_a, 1,
					 mpcsign_identity_pubkey(id_b), 0, 0, err,
					 sizeof(err)) == -EINVAL,
		    "chan: connect with a server context or no timeout is -EINVAL");
}

/* A hand-written party: answers the coordinator's AUTH in one of these ways. */
enum { RS_TLS12, RS_BADSIG, RS_WRONG_SENDER, RS_AS_COORDINATOR };
struct raw_party {
	int lfd, mode;
	pthread_t th;
};

static void *raw_party_main(void *arg)
{
	struct raw_party *rp = arg;
	SSL_CTX *ctx = raw_ctx(1, rp->mode == RS_TLS12 ? TLS1_2_VERSION : TLS1_3_VERSION);
	SSL *s = SSL_new(ctx);
	int fd = accept4(rp->lfd, NULL, NULL, SOCK_CLOEXEC);
	struct timeval tv = { .tv_sec = 5 };
	uint8_t buf[512];
	size_t len;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	SSL_set_fd(s, fd);
	if (SSL_accept(s) == 1 && raw_recv_frame(s, buf, sizeof(buf), &len) == MPCSIGN_MSG_AUTH) {
		struct mpcsign_buf b;
		struct mpcsign_identity *who = rp->mode == RS_WRONG_SENDER ? id_c : id_b;

		raw_auth(&b, s, rp->mode == RS_AS_COORDINATOR ? MPCSIGN_ROLE_COORDINATOR :
			 MPCSIGN_ROLE_PARTY, who, mpcsign_identity_pubkey(who),
			 mpcsign_identity_pubkey(id_a), rp->mode == RS_BADSIG);
		raw_send_frame(s, MPCSIGN_MSG_AUTH, 1, b.p, b.len);
		mpcsign_buf_free(&b);
		/* wait for the client to hang up */
		(void)SSL_read_ex(s, buf, 1, &len);
	}
	ERR_clear_error();
	SSL_free(s);
	SSL_CTX_free(ctx);
	close(fd);
	return NULL;
}

static int coordinator_vs(int mode, char *err, size_t errlen)
{
	struct raw_party rp = { .mode = mode };
	struct mpcsign_chan *c = NULL;
	char port[16];
	int r;

	rp.lfd = listen_on(AF_INET, port);
	pthread_create(&rp.th, NULL, raw_party_main, &rp);
	r = mpcsign_chan_connect(&c, tls_cli, "127.0.0.1", port, id_a, MPCSIGN_ROLE_COORDINATOR,
				 mpcsign_identity_pubkey(id_b), 0, 5000, err, errlen);
	if (c)
		r = 1000;	/* must not succeed */
	mpcsign_chan_close(c);
	pthread_join(rp.th, NULL);
	close(rp.lfd);
	return r;
}

static void test_coordinator_checks(void)
{
	char err[512] = "", hb[67], hc[67];
	char expect[200];
	int r;

	hex33(hb, mpcsign_identity_pubkey(id_b));
	hex33(hc, mpcsign_identity_pubkey(id_c));
	r = coordinator_vs(RS_TLS12, err, sizeof(err));
	test_report(r == -EPROTO && strstr(err, "TLS handshake"),
		    "chan: a TLS 1.2-only server fails the handshake: %s", err);
	r = coordinator_vs(RS_BADSIG, err, sizeof(err));
	test_report(r == -EBADMSG && strstr(err, "bad AUTH signature") && strstr(err, hb),
		    "chan: the coordinator refuses a party's bad signature: %s", err);
	r = coordinator_vs(RS_WRONG_SENDER, err, sizeof(err));
	snprintf(expect, sizeof(expect), "expected %s, got %s", hb, hc);
	test_report(r == -EACCES && strstr(err, expect),
		    "chan: the coordinator refuses another party's key: %s", err);
	r = coordinator_vs(RS_AS_COORDINATOR, err, sizeof(err));
	test_report(r == -EACCES && strstr(err, "not as a party"),
		    "chan: the coordinator refuses a peer answering as a coordinator: %s", err);
}

static void test_fd_link(void)
{
	struct mpcsign_link a, b;
	struct mpcsign_frame_hdr h;
	uint8_t session[16] = { 1, 2, 3 }, *body = NULL;
	int sv[2], pv[2], ok, r;
	int64_t t0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		TEST_FAIL("socketpair");
		return;
	}
	ok = !mpcsign_fd_link_init(&a, sv[0], 0) && !mpcsign_fd_link_init(&b, sv[1], 64);
	ok = ok && !mpcsign_link_send(&a, MPCSIGN_MSG_CTL_REQ, session, (const uint8_t *)"status",
				      6, 1000) &&
	     !mpcsign_link_recv(&b, &h, &body, 1000) && h.type == MPCSIGN_MSG_CTL_REQ &&
	     h.seq == 1 && h.body_len == 6 && !memcmp(body, "status", 6) &&
	     !memcmp(h.session, session, 16);
	free(body);
	body = NULL;
	ok = ok && !mpcsign_link_send(&b, MPCSIGN_MSG_CTL_REPLY, session, (const uint8_t *)"{}", 2,
				      1000) &&
	     !mpcsign_link_recv(&a, &h, &body, 1000) && h.type == MPCSIGN_MSG_CTL_REPLY &&
	     h.body_len == 2 && !memcmp(body, "{}", 2);
	free(body);
	body = NULL;
	test_report(ok, "fd link: frames both ways over a socketpair");
	t0 = now_ms();
	r = mpcsign_link_recv(&a, &h, &body, 200);
	t0 = now_ms() - t0;
	test_report(r == -ETIMEDOUT && t0 >= 150 && t0 < 1200,
		    "fd link: nothing to read times out (%lld ms for 200)", (long long)t0);
	/* b's maximum body is 64 */
	{
		uint8_t big[65] = { 0 };

		r = mpcsign_link_send(&a, MPCSIGN_MSG_CTL_REQ, session, big, sizeof(big), 1000);
		test_report(!r && mpcsign_link_recv(&b, &h, &body, 1000) == -EMSGSIZE && !body,
			    "fd link: a body over the receiver's maximum is -EMSGSIZE");
	}
	close(sv[1]);
	r = mpcsign_link_recv(&a, &h, &body, 1000);
	test_report(r == -ECONNRESET, "fd link: the peer's close is -ECONNRESET (%d)", r);
	r = mpcsign_link_send(&a, MPCSIGN_MSG_CTL_REQ, session, (const uint8_t *)"x", 1, 1000);
	test_report(r == -EPIPE, "fd link: writing to a closed peer is -EPIPE, no SIGPIPE (%d)", r);
	close(sv[0]);

	/* a pipe: not a socket, plain write(2) */
	ok = !pipe2(pv, O_CLOEXEC) && !mpcsign_fd_link_init(&a, pv[1], 0) &&
	     !mpcsign_fd_link_init(&b, pv[0], 0) &&
	     !mpcsign_link_send(&a, MPCSIGN_MSG_CTL_REQ, session, (const uint8_t *)"keys", 4, 1000) &&
	     !mpcsign_link_recv(&b, &h, &body, 1000) && h.body_len == 4 && !memcmp(body, "keys", 4);
	free(body);
	close(pv[0]);
	close(pv[1]);
	test_report(ok, "fd link: over a pipe (not a socket)");
	test_report(mpcsign_fd_link_init(&a, -1, 0) == -EINVAL && mpcsign_fd_link_init(NULL, 0, 0) ==
		    -EINVAL, "fd link: bad fd or NULL link is -EINVAL");
}

int main(void)
{
	char cmd[128];

	signal(SIGPIPE, SIG_IGN);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_tls.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_identity_files();
	make_identities();
	test_success();
	test_big_frame();
	test_ipv6();
	test_wrong_party();
	test_allowlist_refuses();
	test_bad_signature();
	test_tls12_client();
	test_no_ticket();
	test_party_timeouts();
	test_connect_failures();
	test_coordinator_checks();
	test_fd_link();
	mpcsign_identity_free(id_a);
	mpcsign_identity_free(id_b);
	mpcsign_identity_free(id_c);
	mpcsign_tls_free(tls_srv);
	mpcsign_tls_free(tls_cli);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		printf("# could not remove %s\n", tmpdir);
	return test_exit();
}
