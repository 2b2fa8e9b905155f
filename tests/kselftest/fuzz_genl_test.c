// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_genl_test.c - a seeded fuzzer of the "mpcsign" generic netlink family
 * over a raw AF_NETLINK socket (runs in the test VM; see
 * Documentation/testing.rst).
 *
 * Messages: known and unknown commands, dump requests, random flags and
 * versions, attributes of known and unknown types with good and bad lengths
 * (too short for their header, longer than the message, wrong payload size
 * for the policy), nested flags, several messages in one datagram, truncated
 * netlink and genetlink headers, other family ids.  After each datagram a
 * valid GET_INFO with an ack is sent as a marker: everything the kernel
 * answers before the marker's ack belongs to the fuzzed datagram.
 *
 * Checks: every error the kernel reports is one the genl core or the family
 * documents (EINVAL, ERANGE, EOPNOTSUPP, EPERM, ENOENT for a family id that
 * is not registered, EMSGSIZE, ENOMEM); GET_INFO without attributes always
 * answers, with the ioctl's values; GET_INFO with any attribute, any other
 * command and any dump are refused; every reply is well formed; the kernel
 * keeps answering.  As root and as uid 65534 (GET_INFO is unprivileged;
 * joining the audit group is not).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "fuzz_util.h"

#define NOBODY 65534
#define BUFSZ 16384
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

enum { K_GET_INFO, K_GET_INFO_ATTR, K_AUDIT_CMD, K_UNKNOWN_CMD, K_DUMP, K_BAD_HDR,
       K_OTHER_FAMILY, K_MULTI, K_N };
static struct fz_counts cnt[K_N] = {
	{ .name = "GET_INFO" }, { .name = "GET_INFO+attrs" }, { .name = "AUDIT_EVENT(cmd)" },
	{ .name = "unknown cmd" }, { .name = "dump" }, { .name = "bad header" },
	{ .name = "other family" }, { .name = "multi-message" },
};

static int sk;
static uint16_t family;
static uint32_t seq = 1000;
static struct mpcsign_info ioc_info;
static struct fz_rng rng;
static unsigned long replies, datagrams;

static int allowed(int e)
{
	return e == 0 || e == EINVAL || e == ERANGE || e == EOPNOTSUPP || e == EPERM ||
	       e == ENOENT || e == EMSGSIZE || e == ENOMEM;
}

/* append an attribute header + payload (payload_len bytes of random data) */
static size_t put_attr(uint8_t *p, size_t room, uint16_t type, uint16_t nla_len, size_t payload)
{
	struct nlattr a = { .nla_len = nla_len, .nla_type = type };

	if (room < NLA_HDRLEN + NLA_ALIGN(payload))
		return 0;
	memcpy(p, &a, sizeof(a));
	fz_bytes(&rng, p + NLA_HDRLEN, payload);
	return NLA_HDRLEN + NLA_ALIGN(payload);
}

/* one genl message of kind k into buf; returns its length */
static size_t build(uint8_t *buf, size_t room, int k, uint32_t s)
{
	struct nlmsghdr *nh = (void *)buf;
	struct genlmsghdr *gh = (void *)(buf + NLMSG_HDRLEN);
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN;

	memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nh->nlmsg_type = family;
	nh->nlmsg_flags = NLM_F_REQUEST | (fz_chance(&rng, 4) ? 0 : NLM_F_ACK);
	nh->nlmsg_seq = s;
	gh->cmd = MPCSIGN_CMD_GET_INFO;
	gh->version = fz_chance(&rng, 4) ? (uint8_t)fz_below(&rng, 256) : MPCSIGN_GENL_VERSION;
	if (k != K_GET_INFO && fz_chance(&rng, 8))
		gh->reserved = (uint16_t)fz_next(&rng);
	switch (k) {
	case K_GET_INFO:
		break;
	case K_AUDIT_CMD:
		gh->cmd = MPCSIGN_CMD_AUDIT_EVENT;
		break;
	case K_UNKNOWN_CMD:
		gh->cmd = fz_chance(&rng, 2) ? 0 : (uint8_t)(3 + fz_below(&rng, 253));
		break;
	case K_DUMP:
		nh->nlmsg_flags |= NLM_F_DUMP;
		if (fz_chance(&rng, 2))
			gh->cmd = (uint8_t)fz_below(&rng, 4);
		break;
	case K_OTHER_FAMILY:	/* ids that are not registered (the ctrl family is 0x10) */
		nh->nlmsg_type = (uint16_t)(0x2000 + fz_below(&rng, 0xd000));
		break;
	}
	if (k == K_GET_INFO_ATTR || (k != K_GET_INFO && fz_chance(&rng, 2))) {
		int na = 1 + fz_below(&rng, 4);

		for (int i = 0; i < na; i++) {
			uint16_t type = (uint16_t)fz_below(&rng, MPCSIGN_A_MAX + 4);
			size_t pl = fz_chance(&rng, 2) ? 4 : fz_below(&rng, 40), w;
			uint16_t nla_len = (uint16_t)(NLA_HDRLEN + pl);

			if (fz_chance(&rng, 6))
				type |= NLA_F_NESTED;
			if (fz_chance(&rng, 10))
				type |= NLA_F_NET_BYTEORDER;
			if (fz_chance(&rng, 6))	/* a lie about the length */
				nla_len = fz_chance(&rng, 2) ? (uint16_t)fz_below(&rng, NLA_HDRLEN) :
							       (uint16_t)(nla_len + 1 + fz_below(&rng, 600));
			w = put_attr(buf + len, room - len, type, nla_len, pl);
			if (!w)
				break;
			len += w;
		}
		if (k == K_GET_INFO_ATTR && len == NLMSG_HDRLEN + GENL_HDRLEN)
			len += put_attr(buf + len, room - len, MPCSIGN_A_MAX_KEYS, NLA_HDRLEN + 4, 4);
	}
	nh->nlmsg_len = (uint32_t)len;
	if (k == K_BAD_HDR) {
		switch (fz_below(&rng, 4)) {
		case 0:		/* no (or half a) genl header */
			len = NLMSG_HDRLEN + fz_below(&rng, GENL_HDRLEN);
			nh->nlmsg_len = (uint32_t)len;
			break;
		case 1:		/* nlmsg_len shorter than the netlink header */
			nh->nlmsg_len = fz_below(&rng, NLMSG_HDRLEN);
			break;
		case 2:		/* nlmsg_len beyond the datagram */
			nh->nlmsg_len = (uint32_t)(len + 1 + fz_below(&rng, 4096));
			break;
		default:	/* nlmsg_len not aligned, the rest garbage */
			nh->nlmsg_len = (uint32_t)(len - fz_below(&rng, 3) - 1);
		}
	}
	return len;
}

/* the attributes of a GET_INFO reply against the ioctl's answer */
static void check_info_reply(const struct nlmsghdr *nh)
{
	const uint8_t *p = (const uint8_t *)nh + NLMSG_HDRLEN + GENL_HDRLEN;
	const uint8_t *end = (const uint8_t *)nh + nh->nlmsg_len;
	int seen = 0;

	if (nh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		fz_fail("GET_INFO reply too short (%u)", nh->nlmsg_len);
		return;
	}
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;
		uint32_t v;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end) {
			fz_fail("GET_INFO reply: malformed attribute");
			return;
		}
		memcpy(&v, p + NLA_HDRLEN, 4);
		switch (a->nla_type & NLA_TYPE_MASK) {
		case MPCSIGN_A_ABI_VERSION: seen++; if (v != ioc_info.abi_version) goto bad; break;
		case MPCSIGN_A_MAX_KEYS: seen++; if (v != ioc_info.max_keys) goto bad; break;
		case MPCSIGN_A_MAX_NONCES: seen++; if (v != ioc_info.max_nonces) goto bad; break;
		case MPCSIGN_A_MAX_SIGNERS: seen++; if (v != ioc_info.max_signers) goto bad; break;
		case MPCSIGN_A_MAX_MSG_LEN: seen++; if (v != ioc_info.max_msg_len) goto bad; break;
		case MPCSIGN_A_MAX_PARTICIPANTS:
			seen++;
			if (v != ioc_info.max_participants)
				goto bad;
			break;
		case MPCSIGN_A_MODULE_VERSION:
			seen++;
			if (a->nla_len - NLA_HDRLEN < 1 || p[a->nla_len - 1] != 0 ||
			    strcmp((const char *)p + NLA_HDRLEN, ioc_info.module_version))
				goto bad;
			break;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	if (seen != 7)
		fz_fail("GET_INFO reply has %d of the 7 attributes", seen);
	return;
bad:
	fz_fail("GET_INFO reply: attribute %u differs from the ioctl",
		((const struct nlattr *)p)->nla_type);
}

/*
 * Read until the ack of seq `marker`.  For each error message, check and
 * count it under the kind of the message it answers (kinds[seq - base]).
 */
static int drain(uint32_t base, const int *kinds, int nk, uint32_t marker, int *got_info)
{
	static uint8_t rb[65536];

	for (;;) {
		ssize_t n = recv(sk, rb, sizeof(rb), 0);
		struct nlmsghdr *nh;
		size_t left;

		if (n < 0) {
			fz_fail("netlink: no answer to the marker (%s)", fz_errname(errno));
			return -1;
		}
		left = (size_t)n;
		for (nh = (void *)rb; NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left)) {
			int k = nh->nlmsg_seq >= base && nh->nlmsg_seq < base + (uint32_t)nk ?
				kinds[nh->nlmsg_seq - base] : -1;

			replies++;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *er = NLMSG_DATA(nh);
				int e = -er->error;

				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*er))) {
					fz_fail("short NLMSG_ERROR");
					continue;
				}
				if (nh->nlmsg_seq == marker) {
					if (e)
						fz_fail("marker GET_INFO: %s", fz_errname(e));
					return 0;
				}
				if (!allowed(e))
					fz_fail("netlink: undocumented error %s (%s)", fz_errname(e),
						k >= 0 ? cnt[k].name : "?");
				if (k >= 0) {
					fz_count(&cnt[k], e);
					if (e == 0 && k != K_GET_INFO && k != K_MULTI &&
					    k != K_BAD_HDR)
						fz_fail("netlink: %s accepted", cnt[k].name);
					if (e && k == K_GET_INFO)
						fz_fail("netlink: plain GET_INFO refused: %s",
							fz_errname(e));
					if (k == K_OTHER_FAMILY && e != ENOENT)
						fz_fail("netlink: unregistered family: %s (ENOENT expected)",
							fz_errname(e));
					if ((k == K_UNKNOWN_CMD || k == K_AUDIT_CMD || k == K_DUMP) &&
					    e != EOPNOTSUPP && e != EINVAL)
						fz_fail("netlink: %s: %s", cnt[k].name, fz_errname(e));
				}
			} else if (nh->nlmsg_type == family) {
				check_info_reply(nh);
				if (nh->nlmsg_seq == marker)
					*got_info = 1;
				else if (k >= 0 && k != K_GET_INFO && k != K_MULTI && k != K_BAD_HDR)
					fz_fail("netlink: %s got a GET_INFO reply", cnt[k].name);
			} else if (nh->nlmsg_type != NLMSG_DONE && nh->nlmsg_type != NLMSG_NOOP) {
				fz_fail("netlink: unexpected reply type %u", nh->nlmsg_type);
			}
		}
		if (left)
			fz_fail("netlink: %zu trailing bytes in a reply", left);
	}
}

static int open_sock(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	int one = 1;

	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sk < 0 || bind(sk, (void *)&sa, sizeof(sa)))
		return -1;
	setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(sk, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return 0;
}

/* CTRL_CMD_GETFAMILY "mpcsign" by hand; also the mcast group id of "audit" */
static int resolve(uint32_t *audit_grp)
{
	uint8_t b[4096];
	struct nlmsghdr *nh = (void *)b;
	struct genlmsghdr *gh = (void *)(b + NLMSG_HDRLEN);
	struct nlattr *a = (void *)(b + NLMSG_HDRLEN + GENL_HDRLEN);
	ssize_t n;

	memset(b, 0, sizeof(b));
	nh->nlmsg_type = GENL_ID_CTRL;
	nh->nlmsg_flags = NLM_F_REQUEST;
	nh->nlmsg_seq = 1;
	gh->cmd = CTRL_CMD_GETFAMILY;
	gh->version = 1;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(MPCSIGN_GENL_NAME);
	memcpy((uint8_t *)a + NLA_HDRLEN, MPCSIGN_GENL_NAME, sizeof(MPCSIGN_GENL_NAME));
	nh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(a->nla_len);
	if (send(sk, b, nh->nlmsg_len, 0) < 0)
		return -1;
	n = recv(sk, b, sizeof(b), 0);
	if (n < (ssize_t)NLMSG_HDRLEN || nh->nlmsg_type != GENL_ID_CTRL)
		return -1;
	for (uint8_t *p = b + NLMSG_HDRLEN + GENL_HDRLEN; p + NLA_HDRLEN <= b + nh->nlmsg_len;) {
		struct nlattr *x = (void *)p;

		if (x->nla_len < NLA_HDRLEN)
			break;
		if (x->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(&family, p + NLA_HDRLEN, 2);
		if ((x->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS) {
			/* nested: groups, each nested with NAME and ID */
			for (uint8_t *q = p + NLA_HDRLEN; q + NLA_HDRLEN <= p + x->nla_len;) {
				struct nlattr *g = (void *)q;
				uint32_t id = 0;
				int is_audit = 0;

				if (g->nla_len < NLA_HDRLEN)
					break;
				for (uint8_t *r = q + NLA_HDRLEN; r + NLA_HDRLEN <= q + g->nla_len;) {
					struct nlattr *f = (void *)r;

					if (f->nla_len < NLA_HDRLEN)
						break;
					if (f->nla_type == CTRL_ATTR_MCAST_GRP_ID)
						memcpy(&id, r + NLA_HDRLEN, 4);
					if (f->nla_type == CTRL_ATTR_MCAST_GRP_NAME &&
					    !strcmp((char *)r + NLA_HDRLEN, MPCSIGN_GENL_MCGRP_AUDIT))
						is_audit = 1;
					r += NLA_ALIGN(f->nla_len);
				}
				if (is_audit)
					*audit_grp = id;
				q += NLA_ALIGN(g->nla_len);
			}
		}
		p += NLA_ALIGN(x->nla_len);
	}
	return family ? 0 : -1;
}

static void run(double secs, int root)
{
	static uint8_t buf[BUFSZ];
	double end = fz_now() + secs;
	unsigned long n0 = datagrams;

	while (fz_now() < end && (!fz_max_iters || datagrams - n0 < fz_max_iters)) {
		int kinds[8], nk, got = 0;
		uint32_t base = seq, marker;
		size_t len = 0;

		datagrams++;
		if (fz_chance(&rng, 8)) {	/* several messages in one datagram */
			nk = 2 + fz_below(&rng, 5);
			for (int i = 0; i < nk; i++) {
				int k = fz_below(&rng, K_MULTI);

				if (k == K_BAD_HDR)
					k = K_GET_INFO_ATTR;
				kinds[i] = k;
				len += build(buf + len, BUFSZ / 2 - len, k, seq++);
			}
			cnt[K_MULTI].n[0]++;	/* counts the datagrams */
		} else {
			nk = 1;
			kinds[0] = fz_below(&rng, K_MULTI);
			len = build(buf, BUFSZ / 2, kinds[0], seq++);
		}
		if (send(sk, buf, len, 0) < 0 && errno != EINVAL && errno != EMSGSIZE)
			fz_fail("netlink send: %s", fz_errname(errno));
		/* the marker */
		marker = seq++;
		len = build(buf, BUFSZ / 2, K_GET_INFO, marker);
		((struct nlmsghdr *)buf)->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		((struct genlmsghdr *)(buf + NLMSG_HDRLEN))->version = MPCSIGN_GENL_VERSION;
		((struct genlmsghdr *)(buf + NLMSG_HDRLEN))->reserved = 0;
		if (send(sk, buf, len, 0) < 0) {
			fz_fail("netlink send (marker): %s", fz_errname(errno));
			return;
		}
		if (drain(base, kinds, nk, marker, &got))
			return;
		if (!got)
			fz_fail("marker GET_INFO: no reply data");
	}
	printf("# %s: %lu datagrams\n", root ? "root" : "uid 65534", datagrams - n0);
}

int main(void)
{
	struct shared {
		int failures;
		unsigned long datagrams, replies;
		struct fz_counts cnt[K_N];
	} *sh;
	uint32_t audit_grp = 0;
	double t0;
	int fd, status;
	pid_t pid;

	fz_init("fuzz_genl", 10);
	setvbuf(stdout, NULL, _IOLBF, 0);
	rng.s = fz_seed;
	fd = open("/dev/mpcsign", O_RDONLY | O_CLOEXEC);
	memset(&ioc_info, 0, sizeof(ioc_info));
	ioc_info.size = sizeof(ioc_info);
	if (fd < 0 || ioctl(fd, MPCSIGN_IOC_GET_INFO, &ioc_info)) {
		printf("not ok 1 fuzz_genl: GET_INFO ioctl: %m\n");
		return 1;
	}
	close(fd);
	if (open_sock() || resolve(&audit_grp)) {
		printf("not ok 1 fuzz_genl: resolving the family: %m\n");
		return 1;
	}
	printf("# family id %u, audit group %u\n", family, audit_grp);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	t0 = fz_now();
	run(fz_secs * 2 / 3, 1);

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int e;

		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(3);
		fz_failures = 0;
		/* a socket of its own, opened without privileges */
		close(sk);
		if (open_sock())
			_exit(4);
		for (int k = 0; k < K_N; k++)
			memset(cnt[k].n, 0, sizeof(cnt[k].n));
		/* the audit group needs CAP_NET_ADMIN */
		e = audit_grp ? setsockopt(sk, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &audit_grp,
					   sizeof(audit_grp)) : -1;
		if (e == 0 || errno != EPERM)
			fz_fail("uid 65534 joined the audit group (or: %s, EPERM expected)",
				fz_errname(e ? errno : 0));
		rng.s = fz_seed ^ 0x3c3c3c3c3c3c3c3cull;
		datagrams = replies = 0;
		run(fz_secs / 3, 0);
		sh->failures = fz_failures;
		sh->datagrams = datagrams;
		sh->replies = replies;
		memcpy(sh->cnt, cnt, sizeof(cnt));
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fz_fail("the unprivileged child did not finish (status %#x)", status);
	} else {
		fz_failures += sh->failures;
		datagrams += sh->datagrams;
		replies += sh->replies;
		for (int k = 0; k < K_N; k++)
			for (int e = 0; e <= FZ_MAX_ERRNO; e++)
				cnt[k].n[e] += sh->cnt[k].n[e];
	}
	/* root may join it */
	if (audit_grp && setsockopt(sk, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &audit_grp,
				    sizeof(audit_grp)))
		fz_fail("root cannot join the audit group: %s", fz_errname(errno));
	close(sk);
	fz_print_counts("count", cnt, K_N);
	printf("# fuzz_genl: %lu datagrams (+ as many markers), %lu replies in %.1f s\n",
	       datagrams, replies, fz_now() - t0);
	if (fz_failures) {
		printf("not ok 1 fuzz_genl: %d failures (seed=%llu)\n", fz_failures,
		       (unsigned long long)fz_seed);
		return 1;
	}
	printf("ok 1 fuzz_genl\n");
	return 0;
}
