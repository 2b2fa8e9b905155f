// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_keygen.c - mpcsign keygen --identity FILE: a new coordinator (or
 * approver) key file, mode 0600, never overwritten.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "tls.h"

int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	uint8_t pk[33];
	int opt, json = 0, ret;

	cli_cmd = "keygen";
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i': path = optarg; break;
		case 'j': json = 1; break;
		default: return CLI_USAGE;
		}
	}
	if (!path || optind != argc) {
		cli_err("usage: mpcsign keygen --identity FILE [--json]");
		return CLI_USAGE;
	}
	ret = mpcsign_identity_generate_file(path, pk);
	if (ret) {
		cli_err("%s: %s%s", path, strerror(-ret),
			ret == -EEXIST ? " (an existing identity is never overwritten)" : "");
		return CLI_LOCAL;
	}
	if (json) {
		printf("{\"identity\":");
		cli_json_str(stdout, path);
		printf(",\"pubkey\":");
		cli_json_hex(stdout, pk, 33);
		printf(",\"xonly\":");
		cli_json_hex(stdout, pk + 1, 32);
		printf("}\n");
	} else {
		printf("pubkey=");
		cli_hex_print(stdout, pk, 33);
		printf("\nxonly=");
		cli_hex_print(stdout, pk + 1, 32);
		printf("\n");
	}
	return CLI_OK;
}
