// SPDX-License-Identifier: GPL-2.0
/*
 * mpcsignd_status.c - what the control socket answers (JSON, public data).
 *
 *   status  {"daemon":{...counters...},"party":{...mpcsign_party_ctl status...}}
 *   peers   the party's allowlists ({"peers":[...],"coordinators":[...]})
 *   keys    the keys this party holds ([{...}, ...])
 *   sessions  the party's open sessions
 * Anything else: {"error":"..."}.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "mpcsignd.h"
#include "mpcsignd_json.h"
#include "party.h"

static void error_json(struct mpcsign_buf *out, const char *text)
{
	mpcsignd_json_raw(out, "{\"error\":");
	mpcsignd_json_str(out, text);
	mpcsignd_json_raw(out, "}");
}

static void daemon_json(struct mpcsignd *d, struct mpcsign_buf *out)
{
	unsigned long long accepted, busy, auth, requests, reloads, reload_fail;
	unsigned conns;
	char last_err[sizeof(d->last_reload_error)];
	time_t last_reload;

	pthread_mutex_lock(&d->lock);
	conns = d->num_conns;
	accepted = d->accepted;
	busy = d->refused_busy;
	auth = d->refused_auth;
	requests = d->requests;
	reloads = d->reloads;
	reload_fail = d->reload_failures;
	last_reload = d->last_reload;
	memcpy(last_err, d->last_reload_error, sizeof(last_err));
	pthread_mutex_unlock(&d->lock);

	mpcsignd_json_printf(out, "{\"pid\":%ld,\"uid\":%u,\"uptime_s\":%lld,\"listen\":",
			     (long)getpid(), (unsigned)getuid(),
			     (long long)(time(NULL) - d->started));
	mpcsignd_json_str(out, d->listen_desc);
	mpcsignd_json_raw(out, ",\"host_key\":");
	mpcsignd_json_hex(out, d->cfg.host_key, 33);
	mpcsignd_json_raw(out, ",\"config\":");
	mpcsignd_json_str(out, d->config_path);
	mpcsignd_json_raw(out, ",\"policy\":");
	mpcsignd_json_str(out, d->cfg.policy_path);
	mpcsignd_json_printf(out, ",\"connections\":%u,\"max_connections\":%u,\"accepted\":%llu,"
			     "\"refused_busy\":%llu,\"refused_auth\":%llu,\"requests\":%llu,"
			     "\"reloads\":%llu,\"reload_failures\":%llu,\"last_reload\":%lld,"
			     "\"last_reload_error\":",
			     conns, d->cfg.max_connections, accepted, busy, auth, requests, reloads,
			     reload_fail, (long long)last_reload);
	mpcsignd_json_str(out, last_err);
	mpcsignd_json_raw(out, "}");
}

void mpcsignd_ctl_reply(struct mpcsignd *d, const char *cmd, struct mpcsign_buf *out)
{
	size_t mark;
	int ret;

	if (!strcmp(cmd, "status")) {
		mpcsignd_json_raw(out, "{\"daemon\":");
		daemon_json(d, out);
		mpcsignd_json_raw(out, ",\"party\":");
		mark = out->len;
		ret = mpcsign_party_ctl(d->party, "status", out);
		if (ret) {
			out->len = mark;
			mpcsignd_json_raw(out, "null");
		}
		mpcsignd_json_raw(out, "}");
		return;
	}
	if (!strcmp(cmd, "peers") || !strcmp(cmd, "keys") || !strcmp(cmd, "sessions")) {
		mark = out->len;
		ret = mpcsign_party_ctl(d->party, cmd, out);
		if (ret) {
			out->len = mark;
			error_json(out, ret == -ENOMEM ? "out of memory" : "the party cannot answer that");
		}
		return;
	}
	error_json(out, "unknown command (status, peers, keys, sessions)");
}
