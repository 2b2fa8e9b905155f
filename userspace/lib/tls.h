/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * tls.h - mpcsign's transport: who we are (identities), TLS 1.3 contexts,
 * authenticated channels, and plain links over a file descriptor
 * (Documentation/transport.rst).
 *
 * A channel is TCP + TLS 1.3 with an ephemeral self-signed certificate on each
 * side (no CA, no session tickets, no resumption, no 0-RTT).  The TLS session
 * is tied to the long-term identities by one AUTH frame each way (wire.h):
 * each side signs mpcsign_auth_digest(role, binding, sender, receiver) where
 * binding is the connection's RFC 9266 tls-exporter value.  The coordinator
 * (the TLS client) speaks first; the party checks that it is the receiver,
 * that the sender may connect in that role (the allowed() callback) and the
 * signature before it answers with its own AUTH, which the coordinator checks
 * against the party key it expected.  Nothing but the AUTH frame is read from
 * the peer before its binding signature has been verified.
 *
 * Contracts: outputs first; 0 or a negative errno; err (if not NULL) gets a
 * NUL-terminated sentence for a person on every failure.  A channel belongs
 * to one thread at a time; a struct mpcsign_tls and a struct
 * mpcsign_identity may be shared by several threads' channels (the context is
 * only read after mpcsign_tls_new, mpcsign_identity_sign may run in several
 * threads at once).  TLS writes use write(2): a process using channels must
 * ignore SIGPIPE (the plain fd links use MSG_NOSIGNAL on sockets).
 */
#ifndef MPCSIGN_TLS_H
#define MPCSIGN_TLS_H

#include <stddef.h>
#include <stdint.h>
#include "wire.h"

struct mpcsign;		/* libmpcsign.h: an open device handle */

/* --- identities ----------------------------------------------------------- */

/*
 * Who we are: a host key held in the kernel (mpcsign_identity_device, the
 * choice for a party) or a secret in a key file (mpcsign_identity_file, the
 * weaker choice: the secret lives in a file and in this process's memory;
 * meant for an operator's coordinator).  Both sign the same thing: BIP340
 * over TaggedHash("mpcsign/transport/v1", msg32), checked with
 * mpcsign_transport_verify().
 */
struct mpcsign_identity;

/*
 * The kernel host key whose public key is hostpubkey, on device dev (which
 * must stay open while the identity is used; the identity does not close it).
 * -ENOENT no such host key; other errnos from the device.
 */
int mpcsign_identity_device(struct mpcsign_identity **out, struct mpcsign *dev,
			    const uint8_t hostpubkey[33]);
/*
 * A key file: 64 hex digits (a 32-byte secret key, valid: nonzero and below
 * the group order), optionally followed by a newline; nothing else.  Refuses
 * a symlink, a non-regular file, and a file that group or others may read or
 * write (-EPERM), a malformed one (-EINVAL).  The secret is kept in memory
 * (wiped at mpcsign_identity_free) for the identity's lifetime.
 */
int mpcsign_identity_file(struct mpcsign_identity **out, const char *path, char *err,
			  size_t errlen);
/*
 * Make a new key file at path (created with O_EXCL, mode 0600: -EEXIST if
 * it exists) from getrandom() and return its public key.
 */
int mpcsign_identity_generate_file(const char *path, uint8_t pubkey[33]);
/* The identity's 33-byte compressed public key. */
const uint8_t *mpcsign_identity_pubkey(const struct mpcsign_identity *id);
/*
 * sig = BIP340 signature over TaggedHash("mpcsign/transport/v1", msg32) (the
 * HOST_KEY_SIGN message).  0 or -errno.
 */
int mpcsign_identity_sign(struct mpcsign_identity *id, const uint8_t msg32[32],
			  uint8_t sig[64]);
void mpcsign_identity_free(struct mpcsign_identity *id);

/* --- TLS contexts ---------------------------------------------------------- */

/*
 * An SSL_CTX: TLS 1.3 only, a fresh self-signed certificate (Ed25519, valid
 * for one day, made here), no session tickets or cache, no early data.  The
 * server side asks the client for a certificate; any certificate (or none)
 * is accepted on both sides: identities are proven by AUTH, not by
 * certificates (so the validity period, checked by nobody, never ends a
 * long-running daemon's service).  server: 1 for the party side (mpcsign_chan_accept),
 * 0 for the coordinator side (mpcsign_chan_connect).  -ENOMEM / -EIO.
 */
struct mpcsign_tls;
int mpcsign_tls_new(struct mpcsign_tls **out, int server, char *err, size_t errlen);
void mpcsign_tls_free(struct mpcsign_tls *t);

/* --- channels -------------------------------------------------------------- */

struct mpcsign_chan;

/* allowed(arg, peer_pk, peer_role): 1 if this identity may connect in that role. */
typedef int (*mpcsign_allow_fn)(void *arg, const uint8_t peer_pk[33], uint8_t peer_role);

/*
 * Coordinator side: connect to host:port (a name, IPv4 or IPv6 literal; every
 * address tried in turn), TLS handshake, send our AUTH (role my_role, receiver
 * expected_peer), check the peer's AUTH: its sender must be expected_peer,
 * its role MPCSIGN_ROLE_PARTY, its receiver our key, its signature valid.
 * timeout_ms bounds the TCP connect, the TLS handshake and the AUTH exchange
 * together (> 0); name resolution (getaddrinfo) comes before and is not
 * bounded by it (give addresses to avoid DNS).  max_body: the frame size
 * limit of the link (0 = default).  -ECONNREFUSED / -EHOSTUNREACH /
 * -ENETUNREACH / -ENOENT (name does not resolve): unreachable; -ETIMEDOUT;
 * -EPROTO TLS failure or malformed AUTH; -EACCES the peer is not the
 * expected one, or refused us (it sent ERROR; -EBUSY if that ERROR was
 * BUSY); -EBADMSG bad signature.
 */
int mpcsign_chan_connect(struct mpcsign_chan **out, struct mpcsign_tls *t, const char *host,
			 const char *port, struct mpcsign_identity *id, uint8_t my_role,
			 const uint8_t expected_peer[33], size_t max_body, int timeout_ms,
			 char *err, size_t errlen);
/*
 * Party side, on an accepted TCP socket fd (taken over: closed on failure and
 * by mpcsign_chan_close): TLS handshake, read exactly one frame, the peer's
 * AUTH: its receiver must be our key, allowed(arg, sender, role) must return
 * 1, its signature must be valid; then send our AUTH (role my_role, receiver
 * the peer).  On a refusal the party sends an ERROR frame (NOT_ALLOWED or
 * BAD_REQUEST, a short text) before closing, and nothing after the AUTH
 * frame has been read.  timeout_ms bounds the whole handshake.  Errnos as
 * mpcsign_chan_connect (-EACCES not allowed or not for us).
 */
int mpcsign_chan_accept(struct mpcsign_chan **out, struct mpcsign_tls *t, int fd,
			struct mpcsign_identity *id, uint8_t my_role, mpcsign_allow_fn allowed,
			void *arg, size_t max_body, int timeout_ms, char *err, size_t errlen);
/* The link for frames after AUTH (seq continues after the AUTH frames). */
struct mpcsign_link *mpcsign_chan_link(struct mpcsign_chan *c);
/* The authenticated peer's public key (33 bytes) and role. */
const uint8_t *mpcsign_chan_peer(const struct mpcsign_chan *c);
uint8_t mpcsign_chan_peer_role(const struct mpcsign_chan *c);
/* The connection's socket (for poll), or -1. */
int mpcsign_chan_fd(const struct mpcsign_chan *c);
/* TLS close_notify (best effort, not waited for), close the socket, free. */
void mpcsign_chan_close(struct mpcsign_chan *c);

/*
 * Plain (no TLS) link on a connected fd: the control unix socket and tests.
 * The fd is NOT taken over (the caller closes it).  The fd is switched to
 * non-blocking; reads and writes wait with poll() up to their timeout_ms
 * (< 0 = no limit).  Writes use MSG_NOSIGNAL on sockets (no SIGPIPE).
 * -EINVAL bad fd.
 */
int mpcsign_fd_link_init(struct mpcsign_link *l, int fd, size_t max_body);

#endif
