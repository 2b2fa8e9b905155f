// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_ctl.c - mpcsign status|peers|keys|sessions [--json] [--socket PATH]:
 * ask the local mpcsignd over its control socket (one CTL_REQ frame, one
 * CTL_REPLY with JSON).  Without --json the reply is printed flattened, one
 * "path=value" line per value ("daemon.connections=0", "keys.0.t=2").
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "cli.h"
#include "tls.h"

#define CTL_DEFAULT_SOCKET	"/run/mpcsign/control.sock"
#define CTL_TIMEOUT_MS		5000
#define FLAT_MAX_DEPTH		16

struct flat {
	const char *p, *end;
	char path[512];
	int bad;
};

static void flat_ws(struct flat *f)
{
	while (f->p < f->end && isspace((unsigned char)*f->p))
		f->p++;
}

static void flat_value(struct flat *f, size_t plen, int depth);

/* a string token printed raw (escapes kept as they are but \" and \\ undone) */
static void flat_string(struct flat *f, FILE *out)
{
	f->p++;	/* " */
	while (f->p < f->end && *f->p != '"') {
		if (*f->p == '\\' && f->p + 1 < f->end) {
			f->p++;
			if (*f->p != '"' && *f->p != '\\' && *f->p != '/')
				fputc('\\', out);
		}
		fputc(*f->p++, out);
	}
	if (f->p >= f->end)
		f->bad = 1;
	else
		f->p++;
}

static void flat_key(struct flat *f, size_t plen, size_t *newlen)
{
	size_t len = plen;

	if (len && len < sizeof(f->path) - 1)
		f->path[len++] = '.';
	f->p++;
	while (f->p < f->end && *f->p != '"') {
		if (*f->p == '\\')
			f->p++;
		if (f->p < f->end && len < sizeof(f->path) - 1)
			f->path[len++] = *f->p;
		f->p++;
	}
	if (f->p >= f->end)
		f->bad = 1;
	else
		f->p++;
	f->path[len] = 0;
	*newlen = len;
}

static void flat_value(struct flat *f, size_t plen, int depth)
{
	size_t len, i = 0;
	const char *start;

	flat_ws(f);
	if (f->p >= f->end || depth > FLAT_MAX_DEPTH) {
		f->bad = 1;
		return;
	}
	f->path[plen] = 0;
	if (*f->p == '{' || *f->p == '[') {
		char close = *f->p == '{' ? '}' : ']';
		int obj = *f->p == '{';

		f->p++;
		flat_ws(f);
		if (f->p < f->end && *f->p == close) {
			f->p++;
			printf("%s=%s\n", f->path, obj ? "{}" : "[]");
			return;
		}
		while (!f->bad) {
			flat_ws(f);
			if (obj) {
				if (f->p >= f->end || *f->p != '"') {
					f->bad = 1;
					return;
				}
				flat_key(f, plen, &len);
				flat_ws(f);
				if (f->p >= f->end || *f->p != ':') {
					f->bad = 1;
					return;
				}
				f->p++;
			} else {
				len = plen;
				len += (size_t)snprintf(f->path + plen, sizeof(f->path) - plen, "%s%zu",
							plen ? "." : "", i++);
				if (len >= sizeof(f->path))
					len = sizeof(f->path) - 1;
			}
			flat_value(f, len, depth + 1);
			f->path[plen] = 0;
			flat_ws(f);
			if (f->p < f->end && *f->p == ',') {
				f->p++;
				continue;
			}
			if (f->p < f->end && *f->p == close) {
				f->p++;
				return;
			}
			f->bad = 1;
		}
		return;
	}
	printf("%s=", f->path);
	if (*f->p == '"') {
		flat_string(f, stdout);
	} else {
		start = f->p;
		while (f->p < f->end && !strchr(",}] \t\r\n", *f->p))
			f->p++;
		fwrite(start, 1, (size_t)(f->p - start), stdout);
	}
	printf("\n");
}

int cmd_ctl(const char *what, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = getenv("MPCSIGN_CONTROL_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint8_t session[MPCSIGN_SESSION_ID_LEN] = { 0 }, *body = NULL;
	struct mpcsign_frame_hdr hdr;
	struct mpcsign_link link;
	struct flat f;
	int opt, json = 0, fd, ret, rc = CLI_OK;

	cli_cmd = what;
	optind = 1;
	if (!sock || !sock[0])
		sock = CTL_DEFAULT_SOCKET;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': json = 1; break;
		case 'S': sock = optarg; break;
		default:
			cli_err("usage: mpcsign %s [--json] [--socket PATH]", what);
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		cli_err("usage: mpcsign %s [--json] [--socket PATH]", what);
		return CLI_USAGE;
	}
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		cli_err("socket path too long");
		return CLI_USAGE;
	}
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = errno;
		cli_err("cannot reach mpcsignd at %s: %s%s", sock, strerror(ret),
			ret == ENOENT || ret == ECONNREFUSED ? " (is mpcsignd running?)" :
			ret == EACCES ? " (root and the daemon's user may ask)" : "");
		if (fd >= 0)
			close(fd);
		return CLI_LOCAL;
	}
	ret = mpcsign_fd_link_init(&link, fd, MPCSIGN_FRAME_MAX_BODY);
	if (!ret)
		ret = mpcsign_link_send(&link, MPCSIGN_MSG_CTL_REQ, session, (const uint8_t *)what,
					strlen(what), CTL_TIMEOUT_MS);
	if (!ret)
		ret = mpcsign_link_recv(&link, &hdr, &body, CTL_TIMEOUT_MS);
	close(fd);
	if (ret) {
		cli_err("mpcsignd at %s: %s%s", sock, strerror(-ret),
			ret == -ECONNRESET ? " (it refused us: root and the daemon's user may ask)" : "");
		return CLI_LOCAL;
	}
	if (hdr.type != MPCSIGN_MSG_CTL_REPLY) {
		cli_err("mpcsignd answered %s, not CTL_REPLY", mpcsign_msg_type_name(hdr.type));
		free(body);
		return CLI_FAIL;
	}
	if (hdr.body_len >= 9 && !memcmp(body, "{\"error\":", 9))
		rc = CLI_FAIL;
	if (json) {
		fwrite(body, 1, hdr.body_len, stdout);
		printf("\n");
	} else {
		memset(&f, 0, sizeof(f));
		f.p = (const char *)body;
		f.end = f.p + hdr.body_len;
		flat_ws(&f);
		if (f.p < f.end && *f.p == '[') {	/* a list: "keys.0.t=2" */
			snprintf(f.path, sizeof(f.path), "%s", what);
			flat_value(&f, strlen(f.path), 0);
		} else {
			flat_value(&f, 0, 0);
		}
		if (f.bad) {
			cli_err("could not read the daemon's reply (use --json)");
			rc = CLI_FAIL;
		}
	}
	free(body);
	return rc;
}
