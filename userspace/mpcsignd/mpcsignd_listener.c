// SPDX-License-Identifier: GPL-2.0
/*
 * mpcsignd_listener.c - coordinators' TCP connections.
 *
 * The main thread accepts (mpcsignd_listen_accept); beyond max_connections
 * a new connection is closed at once (and logged).  Each accepted one gets
 * its own detached thread:
 *   TLS handshake + AUTH (mpcsign_chan_accept, handshake_timeout_ms; only an
 *   allowed coordinator key gets past it), then request by request:
 *   mpcsign_link_recv (round_timeout_ms per frame: the time a coordinator
 *   may take between two rounds) -> mpcsign_party_handle ->
 *   mpcsign_link_send, until the peer closes, a timeout, a protocol error
 *   (bad frame, replay, unknown type: the link refuses them from the
 *   header, before the body is read), or session_timeout_ms since the
 *   connection started.
 * At exit the main thread shuts every connection's socket down (which
 * wakes its thread from any read) and waits for the threads to finish.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "mpcsignd.h"
#include "mpcsignd_log.h"
#include "party.h"
#include "tls.h"

static void addr_desc(char *out, size_t len, const struct sockaddr *sa)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
		snprintf(out, len, "%s:%u", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
		snprintf(out, len, "[%s]:%u", host, port);
	} else {
		snprintf(out, len, "?");
	}
}

int mpcsignd_listen_open(struct mpcsignd *d)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *res, *ai;
	const char *host = d->cfg.listen_host[0] ? d->cfg.listen_host : NULL;
	int fd = -1, one = 1, zero = 0, e = 0, ret;

	ret = getaddrinfo(host, d->cfg.listen_port, &hints, &res);
	if (ret) {
		log_err("listen address %s port %s: %s", host ? host : "*", d->cfg.listen_port,
			gai_strerror(ret));
		return -EINVAL;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		/* "::" takes IPv4 too */
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 64) == 0) {
			addr_desc(d->listen_desc, sizeof(d->listen_desc), ai->ai_addr);
			break;
		}
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		log_err("cannot listen on %s port %s: %s", host ? host : "*", d->cfg.listen_port,
			strerror(e));
		return -(e ? e : EADDRNOTAVAIL);
	}
	d->listen_fd = fd;
	log_info("listening on %s", d->listen_desc);
	return 0;
}

/* the TLS layer's allowed(): only coordinators, only allowlisted ones */
static int conn_allowed(void *arg, const uint8_t peer_pk[33], uint8_t peer_role)
{
	struct mpcsignd_conn *c = arg;
	char hex[67];

	if (peer_role == MPCSIGN_ROLE_COORDINATOR &&
	    mpcsign_party_coordinator_allowed(c->d->party, peer_pk))
		return 1;
	log_warn("%s: refused %s %s (not in the coordinators allowlist)", c->peer_addr,
		 peer_role == MPCSIGN_ROLE_COORDINATOR ? "coordinator" : "peer in role",
		 mpcsignd_hex(hex, peer_pk, 33));
	return 0;
}

static int is_request(uint8_t type)
{
	switch (type) {
	case MPCSIGN_MSG_DKG_PROPOSE:
	case MPCSIGN_MSG_DKG_CMSG1:
	case MPCSIGN_MSG_DKG_CMSG2:
	case MPCSIGN_MSG_DKG_ACKS:
	case MPCSIGN_MSG_DKG_INVESTIGATE:
	case MPCSIGN_MSG_SIGN_REQ:
	case MPCSIGN_MSG_SIGN_AGG:
		return 1;
	default:
		return 0;
	}
}

/* ERROR BAD_REQUEST before we hang up on a frame that is no request */
static void send_bad_request(struct mpcsign_link *l, const struct mpcsign_frame_hdr *hdr,
			     const char *text, int timeout_ms)
{
	struct mpcsign_msg_error e = {
		.code = MPCSIGN_WERR_BAD_REQUEST,
		.blame_index = 0xffffffffu,
		.text = text,
		.text_len = (uint16_t)strlen(text),
	};
	struct mpcsign_buf b;

	mpcsign_buf_init(&b);
	mpcsign_msg_error_encode(&b, &e);
	if (!b.err)
		mpcsign_link_send(l, MPCSIGN_MSG_ERROR, hdr->session, b.p, b.len, timeout_ms);
	mpcsign_buf_free(&b);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void conn_serve(struct mpcsignd_conn *c)
{
	struct mpcsignd *d = c->d;
	struct mpcsign_chan *chan = NULL;
	struct mpcsign_link *link;
	struct mpcsign_frame_hdr hdr;
	struct mpcsign_buf reply;
	uint8_t *body, reply_type, coord[33];
	char err[256] = "", hex[67];
	long long deadline = now_ms() + d->cfg.session_timeout_ms, left;
	unsigned frames = 0;
	int ret, fd = c->chan_fd;

	c->chan_fd = -1;	/* taken over by mpcsign_chan_accept */
	ret = mpcsign_chan_accept(&chan, d->tls, fd, d->id, MPCSIGN_ROLE_PARTY, conn_allowed, c,
				  d->cfg.max_frame, (int)d->cfg.handshake_timeout_ms, err,
				  sizeof(err));
	if (ret) {
		pthread_mutex_lock(&d->lock);
		d->refused_auth++;
		pthread_mutex_unlock(&d->lock);
		log_notice("%s: handshake failed: %s", c->peer_addr, err[0] ? err : strerror(-ret));
		return;
	}
	memcpy(coord, mpcsign_chan_peer(chan), 33);
	mpcsignd_hex(hex, coord, 33);
	log_info("%s: coordinator %s connected", c->peer_addr, hex);
	link = mpcsign_chan_link(chan);
	for (;;) {
		left = deadline - now_ms();
		if (left <= 0) {
			log_notice("%s: coordinator %s: connection open longer than %u ms, closed",
				   c->peer_addr, hex, d->cfg.session_timeout_ms);
			break;
		}
		if (left > d->cfg.round_timeout_ms)
			left = d->cfg.round_timeout_ms;
		body = NULL;
		ret = mpcsign_link_recv(link, &hdr, &body, (int)left);
		if (ret) {
			if (ret == -ECONNRESET)
				log_info("%s: coordinator %s closed the connection after %u requests",
					 c->peer_addr, hex, frames);
			else
				log_notice("%s: coordinator %s: %s, closing", c->peer_addr, hex,
					   ret == -ETIMEDOUT ? "no request in time" :
					   ret == -EPROTO ? "frame out of sequence or unknown type" :
					   ret == -EMSGSIZE ? "frame too large" : strerror(-ret));
			break;
		}
		if (!is_request(hdr.type)) {
			log_notice("%s: coordinator %s sent %s, which is no request; closing",
				   c->peer_addr, hex, mpcsign_msg_type_name(hdr.type));
			send_bad_request(link, &hdr, "not a request", (int)d->cfg.round_timeout_ms);
			free(body);
			break;
		}
		frames++;
		pthread_mutex_lock(&d->lock);
		d->requests++;
		pthread_mutex_unlock(&d->lock);
		mpcsign_buf_init(&reply);
		reply.max = d->cfg.max_frame;
		ret = mpcsign_party_handle(d->party, coord, &hdr, body, &reply_type, &reply);
		free(body);
		if (!ret && reply.err)
			ret = reply.err;
		if (!ret)
			ret = mpcsign_link_send(link, reply_type, hdr.session, reply.p, reply.len,
						(int)d->cfg.round_timeout_ms);
		else
			log_err("%s: coordinator %s: request %s: %s", c->peer_addr, hex,
				mpcsign_msg_type_name(hdr.type), strerror(-ret));
		mpcsign_buf_free(&reply);
		if (ret)
			break;
	}
	mpcsign_chan_close(chan);
}

static void *conn_thread(void *arg)
{
	struct mpcsignd_conn *c = arg;
	struct mpcsignd *d = c->d;
	unsigned i;

	conn_serve(c);
	if (c->chan_fd >= 0)
		close(c->chan_fd);
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->cfg.max_connections; i++)
		if (d->conns[i] == c)
			d->conns[i] = NULL;
	d->num_conns--;
	close(c->fd);		/* only now: the slot no longer names it */
	pthread_cond_broadcast(&d->idle);
	pthread_mutex_unlock(&d->lock);
	free(c);
	return NULL;
}

void mpcsignd_listen_accept(struct mpcsignd *d)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct mpcsignd_conn *c;
	pthread_attr_t attr;
	pthread_t th;
	char addr[64];
	unsigned i;
	int fd, one = 1;

	fd = accept4(d->listen_fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
	if (fd < 0) {
		static time_t last_warn;
		int e = errno;

		if (e == EAGAIN || e == EINTR || e == ECONNABORTED)
			return;
		/* out of descriptors or memory: the connection stays queued and
		 * poll() would wake us at once again; back off, warn once a second */
		if (time(NULL) != last_warn) {
			last_warn = time(NULL);
			log_warn("accept: %s", strerror(e));
		}
		if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM)
			usleep(100 * 1000);
		return;
	}
	addr_desc(addr, sizeof(addr), (struct sockaddr *)&ss);
	pthread_mutex_lock(&d->lock);
	if (d->stopping || d->num_conns >= d->cfg.max_connections) {
		d->refused_busy++;
		pthread_mutex_unlock(&d->lock);
		log_warn("%s: refused: %u connections open (max_connections)", addr,
			 d->cfg.max_connections);
		close(fd);
		return;
	}
	pthread_mutex_unlock(&d->lock);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = calloc(1, sizeof(*c));
	if (!c)
		goto fail;
	c->d = d;
	c->fd = fd;
	c->started = time(NULL);
	snprintf(c->peer_addr, sizeof(c->peer_addr), "%s", addr);
	c->chan_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (c->chan_fd < 0)
		goto fail;
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->cfg.max_connections && d->conns[i]; i++)
		;
	d->conns[i] = c;	/* a free slot exists: num_conns < max_connections */
	d->num_conns++;
	d->accepted++;
	pthread_mutex_unlock(&d->lock);

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 512 * 1024);
	if (pthread_create(&th, &attr, conn_thread, c)) {
		pthread_attr_destroy(&attr);
		pthread_mutex_lock(&d->lock);
		d->conns[i] = NULL;
		d->num_conns--;
		pthread_mutex_unlock(&d->lock);
		close(c->chan_fd);
		goto fail;
	}
	pthread_attr_destroy(&attr);
	log_debug("%s: connection accepted", addr);
	return;
fail:
	log_err("%s: cannot serve the connection: out of resources", addr);
	free(c);
	close(fd);
}

void mpcsignd_listen_stop(struct mpcsignd *d, int timeout_ms)
{
	struct timespec until;
	unsigned i;

	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		d->listen_fd = -1;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&d->lock);
	d->stopping = 1;
	for (i = 0; d->conns && i < d->cfg.max_connections; i++)
		if (d->conns[i])
			shutdown(d->conns[i]->fd, SHUT_RDWR);
	while (d->num_conns)
		if (pthread_cond_timedwait(&d->idle, &d->lock, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&d->lock);
}
