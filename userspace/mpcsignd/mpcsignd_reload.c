// SPDX-License-Identifier: GPL-2.0
/*
 * mpcsignd_reload.c - SIGHUP: new policy and allowlists, all or nothing.
 *
 * The configuration file is read again into a new struct and the policy file
 * it names parsed; only if both parse are the party's allowlists and policy
 * replaced (the policy's rate counters start afresh).  Otherwise the old ones
 * stay and the log says why.  The listen address, host key, device, control
 * socket, state directory and limits are read at start only: a change to
 * them is logged as needing a restart.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "config.h"
#include "mpcsignd.h"
#include "mpcsignd_log.h"
#include "party.h"
#include "policy.h"

static void reload_failed(struct mpcsignd *d, const char *why)
{
	size_t n;

	log_err("reload: %s; keeping the previous policy and allowlists", why);
	pthread_mutex_lock(&d->lock);
	d->reload_failures++;
	n = strnlen(why, sizeof(d->last_reload_error) - 1);
	memcpy(d->last_reload_error, why, n);
	d->last_reload_error[n] = 0;
	pthread_mutex_unlock(&d->lock);
}

int mpcsignd_reload(struct mpcsignd *d)
{
	struct mpcsign_config cfg;
	struct mpcsign_policy *pol = NULL;
	char err[256] = "", why[4608];
	int ret;

	memset(&cfg, 0, sizeof(cfg));
	ret = mpcsign_config_load(&cfg, d->config_path, err, sizeof(err));
	if (ret) {
		snprintf(why, sizeof(why), "%s", err[0] ? err : strerror(-ret));
		reload_failed(d, why);
		return ret;
	}
	ret = mpcsign_policy_load(&pol, cfg.policy_path, err, sizeof(err));
	if (ret) {
		snprintf(why, sizeof(why), "policy %s: %s", cfg.policy_path,
			 err[0] ? err : strerror(-ret));
		mpcsign_config_free(&cfg);
		reload_failed(d, why);
		return ret;
	}
	ret = mpcsign_party_set_allowlists(d->party, (const uint8_t (*)[33])cfg.peers, cfg.num_peers,
					   (const uint8_t (*)[33])cfg.coordinators,
					   cfg.num_coordinators);
	if (ret) {
		mpcsign_policy_free(pol);
		mpcsign_config_free(&cfg);
		reload_failed(d, "out of memory");
		return ret;
	}
	mpcsign_party_set_policy(d->party, pol);	/* taken over */
	if (strcmp(cfg.listen_host, d->cfg.listen_host) || strcmp(cfg.listen_port, d->cfg.listen_port) ||
	    cfg.has_host_key != d->cfg.has_host_key || memcmp(cfg.host_key, d->cfg.host_key, 33) ||
	    strcmp(cfg.device, d->cfg.device) || strcmp(cfg.control_socket, d->cfg.control_socket) ||
	    strcmp(cfg.state_dir, d->cfg.state_dir))
		log_warn("reload: listen, host_key, device, control_socket or state_dir changed: "
			 "those take effect at the next restart");
	log_notice("reload: policy %s and allowlists (%zu peers, %zu coordinators) in effect",
		   cfg.policy_path, cfg.num_peers, cfg.num_coordinators);
	pthread_mutex_lock(&d->lock);
	d->reloads++;
	d->last_reload = time(NULL);
	d->last_reload_error[0] = 0;
	pthread_mutex_unlock(&d->lock);
	mpcsign_config_free(&cfg);
	return 0;
}
