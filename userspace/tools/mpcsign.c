// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * mpcsign - command-line tool for the mpcsign key store.
 *
 *   mpcsign info [--device PATH]   GET_INFO over the ioctl and over netlink
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "libmpcsign.h"

static void print_info(const char *via, const struct mpcsign_info *i)
{
	printf("%s: abi_version=%u module_version=%s max_keys=%u max_nonces=%u "
	       "max_signers=%u max_msg_len=%u max_participants=%u\n",
	       via, i->abi_version, i->module_version, i->max_keys, i->max_nonces,
	       i->max_signers, i->max_msg_len, i->max_participants);
}

static int cmd_info(const char *dev)
{
	struct mpcsign_info info;
	struct mpcsign *h;
	int ret, rc = 0;

	ret = mpcsign_open(&h, dev);
	if (ret) {
		fprintf(stderr, "mpcsign: open %s: %s\n", dev ? dev : MPCSIGN_DEFAULT_PATH,
			strerror(-ret));
		rc = 1;
	} else {
		ret = mpcsign_get_info(h, &info);
		mpcsign_close(h);
		if (ret) {
			fprintf(stderr, "mpcsign: GET_INFO ioctl: %s\n", strerror(-ret));
			rc = 1;
		} else {
			print_info("ioctl", &info);
		}
	}
	ret = mpcsign_nl_get_info(&info);
	if (ret) {
		fprintf(stderr, "mpcsign: GET_INFO netlink: %s\n", strerror(-ret));
		rc = 1;
	} else {
		print_info("netlink", &info);
	}
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mpcsign info [--device PATH]\n");
}

int main(int argc, char **argv)
{
	const char *dev = NULL;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (argc == 4 && !strcmp(argv[2], "--device"))
		dev = argv[3];
	else if (argc != 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "info"))
		return cmd_info(dev);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
