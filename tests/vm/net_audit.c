// SPDX-License-Identifier: GPL-2.0
/*
 * net_audit - interrupt a party daemon in the middle of a signature, for the
 * network test (tests/vm/net-test.sh).
 *
 *   net_audit --signal KILL|STOP --seconds S UID:PID...
 *
 * Joins the module's audit multicast group (CAP_NET_ADMIN) and, at the first
 * NONCE_GEN made by one of the given uids, sends the signal to that uid's
 * daemon at once (no shell in between, so the daemon has at most just sent
 * its public nonce).  Then it keeps printing the events it sees until S
 * seconds have passed or it gets SIGTERM, one line each:
 *
 *   ready
 *   victim uid=U pid=P
 *   event=nonce_gen|sign|key_add|key_delete uid=U pid=P result=R after=yes|no
 *
 * "after=yes" marks events seen after the signal.  If the victim's own SIGN
 * event shows up at all, the signal came too late (it had signed already):
 * the test then tries again.  Exit 0 if a victim was signalled, 1 if not.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include "libmpcsign.h"
#include <linux/mpcsign.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "?", "nonce_gen", "sign", "key_add", "key_delete" };
	unsigned int uids[16];
	pid_t pids[16];
	int n = 0, i, sig = SIGKILL, seconds = 30, victim = -1, ret;
	struct mpcsign_audit *a;
	struct mpcsign_audit_record ev;
	struct sigaction sa;
	time_t end;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--signal") && i + 1 < argc) {
			i++;
			sig = !strcmp(argv[i], "STOP") ? SIGSTOP : !strcmp(argv[i], "KILL") ? SIGKILL : -1;
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			seconds = atoi(argv[++i]);
		} else if (n < 16 && sscanf(argv[i], "%u:%d", &uids[n], &pids[n]) == 2) {
			n++;
		} else {
			sig = -1;
			break;
		}
	}
	if (sig < 0 || !n || seconds < 1) {
		fprintf(stderr, "usage: net_audit --signal KILL|STOP --seconds S UID:PID...\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	ret = mpcsign_audit_open(&a);
	if (ret) {
		fprintf(stderr, "net_audit: audit group: %s\n", strerror(-ret));
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	end = time(NULL) + seconds;
	while (!stop && time(NULL) < end) {
		ret = mpcsign_audit_next(a, &ev, 200);
		if (ret == -ETIMEDOUT || ret == -EINTR)
			continue;
		if (ret) {
			fprintf(stderr, "net_audit: %s\n", strerror(-ret));
			break;
		}
		if (victim < 0 && ev.event == MPCSIGN_AUDIT_NONCE_GEN) {
			for (i = 0; i < n; i++)
				if (uids[i] == ev.uid)
					break;
			if (i < n) {
				kill(pids[i], sig);
				victim = i;
				printf("victim uid=%u pid=%d\n", uids[i], (int)pids[i]);
			}
		}
		printf("event=%s uid=%u pid=%u result=%d after=%s\n",
		       ev.event < 5 ? names[ev.event] : "?", ev.uid, ev.pid, ev.result,
		       victim >= 0 ? "yes" : "no");
		fflush(stdout);
	}
	mpcsign_audit_close(a);
	return victim >= 0 ? 0 : 1;
}
