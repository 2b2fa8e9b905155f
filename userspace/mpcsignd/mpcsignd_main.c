// SPDX-License-Identifier: GPL-2.0
/*
 * mpcsignd - the mpcsign party daemon (mpcsignd(8)).
 *
 *   mpcsignd [--config FILE] [--debug]      run (foreground; systemd Type=notify)
 *   mpcsignd --check-config [--config FILE] validate config and policy, exit
 *   mpcsignd --create-host-key [--config FILE] [--device PATH]
 *                                           new host key in the kernel, owned by
 *                                           the calling user; prints hostpubkey=
 *
 * The only process on a party machine that opens /dev/mpcsign.  Startup:
 * config, policy, device, host key (by its public key: HOST_KEY_LOOKUP), TLS
 * context, party state (keys from state_dir), control socket, listener, then
 * READY=1.  The main thread waits in poll() for connections, the control
 * socket and signals (a signalfd: SIGHUP reload, SIGTERM/SIGINT exit) and
 * expires sessions once a second.
 *
 * Exit codes: 0 clean exit (or check passed), 1 runtime failure (device,
 * host key, listen address), 2 usage, 3 configuration or policy invalid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>
#include "config.h"
#include "libmpcsign.h"
#include "mpcsignd.h"
#include "mpcsignd_log.h"
#include "party.h"
#include "policy.h"
#include "tls.h"

#define DEFAULT_CONFIG	"/etc/mpcsign/mpcsignd.conf"
#define EXIT_USAGE	2
#define EXIT_CONFIG	3

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mpcsignd [--config FILE] [--debug]\n"
		"       mpcsignd --check-config [--config FILE]\n"
		"       mpcsignd --create-host-key [--config FILE] [--device PATH]\n"
		"default config: " DEFAULT_CONFIG "; see mpcsignd(8)\n");
}

static void party_log(void *arg, int level, const char *line)
{
	mpcsignd_log(level, "%s", line);
}

static int load_config(struct mpcsign_config *cfg, const char *path)
{
	char err[256] = "";
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = mpcsign_config_load(cfg, path, err, sizeof(err));
	if (ret)
		log_err("%s", err[0] ? err : strerror(-ret));
	return ret;
}

static int check_config(const char *path)
{
	struct mpcsign_config cfg;
	struct mpcsign_policy *pol = NULL;
	char err[256] = "", hex[67];
	int ret;

	if (load_config(&cfg, path))
		return EXIT_CONFIG;
	ret = mpcsign_policy_load(&pol, cfg.policy_path, err, sizeof(err));
	if (ret) {
		log_err("policy %s: %s", cfg.policy_path, err[0] ? err : strerror(-ret));
		mpcsign_config_free(&cfg);
		return EXIT_CONFIG;
	}
	mpcsign_policy_free(pol);
	if (!cfg.has_host_key) {
		log_err("config %s: no host_key (create one with mpcsignd --create-host-key)", path);
		mpcsign_config_free(&cfg);
		return EXIT_CONFIG;
	}
	printf("config ok: %s (host_key=%s, listen %s port %s, %zu peers, %zu coordinators, "
	       "policy %s)\n", path, mpcsignd_hex(hex, cfg.host_key, 33),
	       cfg.listen_host[0] ? cfg.listen_host : "*", cfg.listen_port, cfg.num_peers,
	       cfg.num_coordinators, cfg.policy_path);
	mpcsign_config_free(&cfg);
	return 0;
}

static int create_host_key(const char *config_path, int config_given, const char *device)
{
	struct mpcsign_config cfg;
	struct mpcsign *dev;
	uint32_t handle;
	uint8_t pk[33];
	char hex[67], err[256] = "", devpath[256];
	int ret;

	snprintf(devpath, sizeof(devpath), "%s", MPCSIGN_DEFAULT_PATH);
	if (!device && (config_given || access(config_path, F_OK) == 0)) {
		memset(&cfg, 0, sizeof(cfg));
		ret = mpcsign_config_load(&cfg, config_path, err, sizeof(err));
		if (!ret) {
			if (cfg.device[0])
				snprintf(devpath, sizeof(devpath), "%s", cfg.device);
			mpcsign_config_free(&cfg);
		} else if (config_given) {
			log_warn("%s; using %s",
				 err[0] ? err : strerror(-ret), devpath);
		}
	}
	if (device)
		snprintf(devpath, sizeof(devpath), "%s", device);
	ret = mpcsign_open(&dev, devpath);
	if (ret) {
		log_err("cannot open %s: %s%s", devpath, strerror(-ret),
			ret == -ENOENT ? " (is the mpcsign module loaded?)" :
			ret == -EACCES ? " (run as the daemon's user, in group mpcsign)" : "");
		return 1;
	}
	ret = mpcsign_host_key_create(dev, &handle, pk);
	mpcsign_close(dev);
	if (ret) {
		log_err("HOST_KEY_CREATE: %s%s", strerror(-ret),
			ret == -EDQUOT ? " (this uid holds its quota of host keys)" : "");
		return 1;
	}
	printf("hostpubkey=%s\n", mpcsignd_hex(hex, pk, 33));
	fprintf(stderr, "mpcsignd: host key created, owned by uid %u; put host_key=%s into %s\n",
		(unsigned)geteuid(), hex, config_path);
	return 0;
}

/*
 * user = NAME: started as root (not under systemd's User=), become NAME once
 * the device is open and the sockets are bound, before the host key is
 * looked up (the kernel owns keys by effective uid: the key must be NAME's).
 */
static int drop_privileges(struct mpcsignd *d)
{
	const char *user = d->cfg.user;
	struct passwd *pw;

	if (!user[0])
		return 0;
	pw = getpwnam(user);
	if (!pw) {
		log_err("user %s: no such user", user);
		return -ENOENT;
	}
	if (geteuid() != 0) {
		if (geteuid() != pw->pw_uid)
			log_warn("user = %s, but running as uid %u and not root: staying", user,
				 (unsigned)geteuid());
		return 0;
	}
	/* the control socket is the daemon's user's to ask on */
	if (d->ctl_fd >= 0 && chown(d->cfg.control_socket, pw->pw_uid, pw->pw_gid) < 0)
		log_warn("control socket: chown to %s: %s", user, strerror(errno));
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		log_err("cannot become user %s: %s", user, strerror(errno));
		return -errno;
	}
	if (setuid(0) == 0) {
		log_err("still able to regain root after dropping to %s", user);
		return -EPERM;
	}
	log_info("running as user %s (uid %u)", user, (unsigned)pw->pw_uid);
	return 0;
}

static int setup(struct mpcsignd *d)
{
	struct mpcsign_party_cfg pc;
	struct mpcsign_policy *pol = NULL;
	uint32_t host_handle;
	char err[256] = "", hex[67];
	int ret, n;

	mpcsignd_hex(hex, d->cfg.host_key, 33);
	if (!d->cfg.has_host_key) {
		log_err("config %s: no host_key; create one with mpcsignd --create-host-key",
			d->config_path);
		return EXIT_CONFIG;
	}
	ret = mpcsign_policy_load(&pol, d->cfg.policy_path, err, sizeof(err));
	if (ret) {
		log_err("policy %s: %s", d->cfg.policy_path, err[0] ? err : strerror(-ret));
		return EXIT_CONFIG;
	}
	ret = mpcsign_open(&d->dev, d->cfg.device[0] ? d->cfg.device : NULL);
	if (ret) {
		log_err("cannot open %s: %s%s", d->cfg.device[0] ? d->cfg.device : MPCSIGN_DEFAULT_PATH,
			strerror(-ret),
			ret == -ENOENT ? " (is the mpcsign module loaded?)" :
			ret == -EACCES ? " (the daemon's user needs group mpcsign: 60-mpcsign.rules)" : "");
		mpcsign_policy_free(pol);
		return 1;
	}
	d->conns = calloc(d->cfg.max_connections ? d->cfg.max_connections : 1, sizeof(*d->conns));
	if (!d->conns || mpcsignd_control_open(d) || mpcsignd_listen_open(d) ||
	    drop_privileges(d)) {
		mpcsign_policy_free(pol);
		return 1;
	}
	ret = mpcsign_host_key_lookup(d->dev, d->cfg.host_key, &host_handle);
	if (ret) {
		if (ret == -ENOENT)
			log_err("host key %s is not in this machine's kernel; create one with "
				"mpcsignd --create-host-key", hex);
		else
			log_err("host key %s: HOST_KEY_LOOKUP: %s", hex, strerror(-ret));
		mpcsign_policy_free(pol);
		return 1;
	}
	ret = mpcsign_identity_device(&d->id, d->dev, d->cfg.host_key);
	if (ret) {
		log_err("host key %s: %s", hex, strerror(-ret));
		mpcsign_policy_free(pol);
		return 1;
	}
	ret = mpcsign_tls_new(&d->tls, 1, err, sizeof(err));
	if (ret) {
		log_err("TLS: %s", err[0] ? err : strerror(-ret));
		mpcsign_policy_free(pol);
		return 1;
	}
	ret = mpcsign_coord_init();
	if (ret) {
		log_err("library init: %s", strerror(-ret));
		mpcsign_policy_free(pol);
		return 1;
	}
	memset(&pc, 0, sizeof(pc));
	pc.dev = d->dev;
	memcpy(pc.hostpubkey, d->cfg.host_key, 33);
	pc.host_key_handle = host_handle;
	pc.peers = (const uint8_t (*)[33])d->cfg.peers;
	pc.num_peers = d->cfg.num_peers;
	pc.coordinators = (const uint8_t (*)[33])d->cfg.coordinators;
	pc.num_coordinators = d->cfg.num_coordinators;
	pc.policy = pol;	/* taken over */
	pc.max_sessions = d->cfg.max_sessions;
	pc.session_timeout_s = (d->cfg.session_timeout_ms + 999) / 1000;
	pc.log = party_log;
	pc.store = mpcsignd_store_key;
	pc.store_arg = d;
	ret = mpcsign_party_new(&d->party, &pc);
	if (ret) {
		log_err("party state: %s", strerror(-ret));
		return 1;
	}
	n = mpcsignd_store_load(d);
	log_info("host key %s; %d key(s) from %s/keys; %zu peers, %zu coordinators allowed", hex, n,
		 d->cfg.state_dir, d->cfg.num_peers, d->cfg.num_coordinators);
	{
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur < 2ull * d->cfg.max_connections + 64)
			log_warn("max_connections = %u needs about %u descriptors, the limit is %llu",
				 d->cfg.max_connections, 2 * d->cfg.max_connections + 64,
				 (unsigned long long)rl.rlim_cur);
	}
	if (!d->cfg.num_coordinators)
		log_warn("no coordinator is allowed (coordinator= in %s): every connection will be "
			 "refused", d->config_path);
	return 0;
}

static int run(struct mpcsignd *d, int sfd)
{
	struct pollfd pfd[3];
	struct signalfd_siginfo si;
	time_t last_expire = 0, now;
	unsigned expired;
	int ret;

	sd_notifyf(0, "READY=1\nSTATUS=listening on %s", d->listen_desc);
	log_notice("ready: listening on %s", d->listen_desc);
	for (;;) {
		pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = d->ctl_fd, .events = POLLIN };
		ret = poll(pfd, 3, 1000);
		if (ret < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return 1;
		}
		if (ret > 0 && (pfd[0].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				sd_notify(0, "RELOADING=1\nSTATUS=reloading");
				log_notice("SIGHUP: reloading policy and allowlists");
				mpcsignd_reload(d);
				sd_notifyf(0, "READY=1\nSTATUS=listening on %s", d->listen_desc);
			} else {
				log_notice("%s: shutting down", strsignal((int)si.ssi_signo));
				return 0;
			}
		}
		if (ret > 0 && (pfd[1].revents & POLLIN))
			mpcsignd_listen_accept(d);
		if (ret > 0 && d->ctl_fd >= 0 && (pfd[2].revents & POLLIN))
			mpcsignd_control_accept(d);
		now = time(NULL);
		if (now != last_expire) {
			last_expire = now;
			expired = mpcsign_party_expire(d->party);
			if (expired)
				log_info("%u session(s) expired", expired);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "create-host-key", no_argument, NULL, 'K' },
		{ "device", required_argument, NULL, 'D' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mpcsignd d;
	const char *config = DEFAULT_CONFIG, *device = NULL;
	int check = 0, create = 0, debug = 0, config_given = 0, opt, rc, sfd;
	struct rlimit rl;
	sigset_t mask;

	while ((opt = getopt_long(argc, argv, "c:fdh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config = optarg; config_given = 1; break;
		case 'C': check = 1; break;
		case 'K': create = 1; break;
		case 'D': device = optarg; break;
		case 'f': break;	/* always in the foreground */
		case 'd': debug = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc || (check && create) || (device && !create)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	mpcsignd_log_init(debug);
	umask(077);
	if (create)
		return create_host_key(config, config_given, device);
	if (check)
		return check_config(config);

	/* two descriptors per connection: take what the hard limit allows */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&d, 0, sizeof(d));
	d.config_path = config;
	d.listen_fd = d.ctl_fd = -1;
	d.started = time(NULL);
	pthread_mutex_init(&d.lock, NULL);
	pthread_cond_init(&d.idle, NULL);
	/* signals only through the signalfd, in every thread */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		log_err("signalfd: %s", strerror(errno));
		return 1;
	}
	if (load_config(&d.cfg, config))
		return EXIT_CONFIG;
	rc = setup(&d);
	if (!rc)
		rc = run(&d, sfd);
	else
		sd_notifyf(0, "STATUS=failed to start\nERRNO=%d", EINVAL);
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	mpcsignd_listen_stop(&d, 5000);
	mpcsignd_control_close(&d);
	pthread_mutex_lock(&d.lock);
	if (d.num_conns) {
		/* a thread still inside the party: leave its state to the
		 * kernel, which drops our nonces and DKG sessions with the file */
		log_warn("%u connection(s) did not finish; exiting anyway", d.num_conns);
		pthread_mutex_unlock(&d.lock);
		_exit(rc);
	}
	pthread_mutex_unlock(&d.lock);
	if (d.party)
		mpcsign_party_free(d.party);	/* abandons every session */
	if (d.tls)
		mpcsign_tls_free(d.tls);
	if (d.id)
		mpcsign_identity_free(d.id);
	if (d.dev)
		mpcsign_close(d.dev);
	free(d.conns);
	mpcsign_config_free(&d.cfg);
	close(sfd);
	log_info("stopped");
	return rc;
}
