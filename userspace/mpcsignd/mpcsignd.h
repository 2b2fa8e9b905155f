/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpcsignd.h - the party daemon's shared state (mpcsignd(8)).
 *
 * Threads: the main thread (signals, accept, control socket, expiry) and one
 * thread per coordinator connection (mpcsignd_listener.c).
 *
 * Locking: d->lock guards the fields marked [lock]: the connection table and
 * the counters.  Nobody holds it across network I/O or kernel calls.  The
 * party state machine (struct mpcsign_party: sessions, keys, policy,
 * allowlists) has its own mutex (party.h); SIGHUP hands it the new policy and
 * allowlists.  d->cfg is written before the first thread starts and only
 * read afterwards (a reload reads the file into a new struct).
 */
#ifndef MPCSIGND_H
#define MPCSIGND_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include "config.h"

struct mpcsign;
struct mpcsign_identity;
struct mpcsign_tls;
struct mpcsign_party;
struct mpcsign_policy;
struct mpcsign_party_key_record;

/* one coordinator connection (its thread owns it, the table points at it) */
struct mpcsignd_conn {
	struct mpcsignd *d;
	int fd;			/* our copy of the socket: for shutdown() at exit */
	int chan_fd;		/* the dup handed to mpcsign_chan_accept */
	char peer_addr[64];	/* "[addr]:port" of the TCP peer */
	time_t started;
};

struct mpcsignd {
	const char *config_path;
	struct mpcsign_config cfg;	/* as loaded at start; allowlists see below */
	struct mpcsign *dev;
	struct mpcsign_identity *id;
	struct mpcsign_tls *tls;
	struct mpcsign_party *party;
	int listen_fd, ctl_fd;
	char listen_desc[300];		/* "[addr]:port" we listen on */
	time_t started;

	pthread_mutex_t lock;
	pthread_cond_t idle;		/* signalled when num_conns drops */
	struct mpcsignd_conn **conns;		/* [lock] max_connections slots */
	unsigned num_conns;			/* [lock] */
	unsigned long long accepted, refused_busy, refused_auth, requests;	/* [lock] */
	unsigned long long reloads, reload_failures;				/* [lock] */
	time_t last_reload;							/* [lock] */
	char last_reload_error[256];						/* [lock] */
	int stopping;				/* [lock] */
};

/* mpcsignd_listener.c */
int mpcsignd_listen_open(struct mpcsignd *d);
/* accept one connection (listen_fd readable) and start its thread */
void mpcsignd_listen_accept(struct mpcsignd *d);
/* at exit: wake every connection thread and wait (bounded) for them */
void mpcsignd_listen_stop(struct mpcsignd *d, int timeout_ms);

/* mpcsignd_control.c */
int mpcsignd_control_open(struct mpcsignd *d);
void mpcsignd_control_accept(struct mpcsignd *d);
void mpcsignd_control_close(struct mpcsignd *d);

/* mpcsignd_reload.c: SIGHUP; 0 or -errno (old policy and allowlists kept) */
int mpcsignd_reload(struct mpcsignd *d);

/* mpcsignd_store.c: key records in state_dir/keys/ (public data only) */
int mpcsignd_store_key(void *arg, const struct mpcsign_party_key_record *rec);
/* give every stored record to the party; returns how many were loaded */
int mpcsignd_store_load(struct mpcsignd *d);

/* mpcsignd_status.c: the control socket's JSON replies */
struct mpcsign_buf;
void mpcsignd_ctl_reply(struct mpcsignd *d, const char *cmd, struct mpcsign_buf *out);

#endif
