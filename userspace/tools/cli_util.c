// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cli_util.c - argument parsing and output helpers of the mpcsign CLI.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "config.h"
#include "util.h"
#include "wire.h"

const char *cli_cmd = "";

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mpcsign%s%s: ", cli_cmd[0] ? " " : "", cli_cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_hex_print(FILE *f, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

char *cli_hex(char *out, const uint8_t *p, size_t len)
{
	return mpcsign_hex(out, p, len);
}

int cli_unhex(uint8_t *out, size_t len, const char *s)
{
	return mpcsign_unhex(out, len, s, strlen(s));
}

int cli_unhex_alloc(uint8_t **out, size_t *len, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > max)
		return -EINVAL;
	*out = malloc(n / 2 ? n / 2 : 1);
	if (!*out)
		return -ENOMEM;
	if (cli_unhex(*out, n / 2, s)) {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	*len = n / 2;
	return 0;
}

int cli_parse_pk(uint8_t pk[33], const char *s)
{
	if (cli_unhex(pk, 33, s) || (pk[0] != 2 && pk[0] != 3))
		return -EINVAL;
	return 0;
}

int cli_split_address(const char *addr, char *host, size_t hostlen, char *port, size_t portlen)
{
	char h[256], p[16];

	/* the same rules as mpcsignd.conf's listen = (config.h) */
	if (mpcsign_config_split_hostport(addr, h, p) || strlen(h) >= hostlen ||
	    strlen(p) >= portlen)
		return -EINVAL;
	strcpy(host, h);
	strcpy(port, p);
	return 0;
}

int cli_parse_party(const char *arg, uint8_t pk[33], char *host, size_t hostlen, char *port,
		    size_t portlen)
{
	const char *at = strchr(arg, '@');
	char pkhex[67];

	if (!at || at - arg != 66)
		return -EINVAL;
	memcpy(pkhex, arg, 66);
	pkhex[66] = 0;
	if (cli_parse_pk(pk, pkhex))
		return -EINVAL;
	return cli_split_address(at + 1, host, hostlen, port, portlen);
}

int cli_load_message(uint8_t **msg, size_t *len, const char *hex, const char *file)
{
	struct stat st;
	ssize_t got;
	int fd, e;

	*msg = NULL;
	*len = 0;
	if (!!hex == !!file) {
		cli_err("give exactly one of --message HEX and --file F");
		return CLI_USAGE;
	}
	if (hex) {
		if (cli_unhex_alloc(msg, len, hex, MPCSIGN_WIRE_MAX_MSG)) {
			cli_err("--message: not an even number of hex digits of at most %u bytes",
				MPCSIGN_WIRE_MAX_MSG);
			return CLI_USAGE;
		}
		return 0;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		e = errno;
		cli_err("%s: %s", file, strerror(e));
		if (fd >= 0)
			close(fd);
		return CLI_LOCAL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MPCSIGN_WIRE_MAX_MSG) {
		cli_err("%s: not a regular file of at most %u bytes", file, MPCSIGN_WIRE_MAX_MSG);
		close(fd);
		return CLI_LOCAL;
	}
	*msg = malloc((size_t)st.st_size + 1);
	if (!*msg) {
		close(fd);
		return CLI_FAIL;
	}
	got = read(fd, *msg, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		cli_err("%s: short read", file);
		free(*msg);
		*msg = NULL;
		return CLI_LOCAL;
	}
	*len = (size_t)got;
	return 0;
}

int cli_parse_tweak(uint8_t (*tweaks)[32], size_t *num, uint64_t *xonly, const char *arg)
{
	char hex[65];
	const char *colon = strchr(arg, ':');
	size_t hl = colon ? (size_t)(colon - arg) : strlen(arg);

	if (*num >= MPCSIGN_WIRE_MAX_TWEAKS || hl != 64)
		return -EINVAL;
	if (colon && strcmp(colon + 1, "xonly"))
		return -EINVAL;
	memcpy(hex, arg, 64);
	hex[64] = 0;
	if (cli_unhex(tweaks[*num], 32, hex))
		return -EINVAL;
	if (colon)
		*xonly |= 1ull << *num;
	(*num)++;
	return 0;
}

int cli_state_dir(char *out, size_t len, const char *opt)
{
	const char *env = getenv("MPCSIGN_STATE_DIR"), *home = getenv("HOME");
	int n;

	if (opt && opt[0])
		n = snprintf(out, len, "%s", opt);
	else if (env && env[0])
		n = snprintf(out, len, "%s", env);
	else if (home && home[0])
		n = snprintf(out, len, "%s/.local/share/mpcsign", home);
	else {
		cli_err("no state directory: give --state-dir, or set MPCSIGN_STATE_DIR or HOME");
		return -ENOENT;
	}
	if (n < 0 || (size_t)n >= len) {
		cli_err("state directory path too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

void cli_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void cli_json_hex(FILE *f, const uint8_t *p, size_t len)
{
	fputc('"', f);
	cli_hex_print(f, p, len);
	fputc('"', f);
}
