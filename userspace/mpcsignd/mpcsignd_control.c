// SPDX-License-Identifier: GPL-2.0
/*
 * mpcsignd_control.c - the local control socket (mpcsign status|peers|keys).
 *
 * A unix stream socket at control_socket (default /run/mpcsign/control.sock),
 * mode 0660.  Who may ask is decided by the peer's credentials (SO_PEERCRED):
 * root and the daemon's own uid; anyone else is logged and disconnected
 * before anything is read (the group of the socket gets to connect, not to
 * ask).  One plain frame each way (no TLS: the socket never leaves the
 * machine): CTL_REQ with the command, CTL_REPLY with JSON.  Served by the main
 * thread with short timeouts, one request per connection, so a stuck client
 * costs at most CTL_TIMEOUT_MS.  The replies hold public data only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "mpcsignd.h"
#include "mpcsignd_json.h"
#include "mpcsignd_log.h"
#include "tls.h"

#define CTL_TIMEOUT_MS	2000
#define CTL_MAX_BODY	4096

int mpcsignd_control_open(struct mpcsignd *d)
{
	const char *path = d->cfg.control_socket;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, e;

	d->ctl_fd = -1;
	if (!path[0])
		return 0;	/* control socket off */
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err("control socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	/* a stale socket from a previous run (never anything else) */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_err("control socket %s exists and is not a socket", path);
			return -EEXIST;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0660) < 0 ||
	    listen(fd, 16) < 0) {
		e = errno;
		log_err("control socket %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	d->ctl_fd = fd;
	log_info("control socket on %s", path);
	return 0;
}

void mpcsignd_control_close(struct mpcsignd *d)
{
	if (d->ctl_fd < 0)
		return;
	close(d->ctl_fd);
	d->ctl_fd = -1;
	unlink(d->cfg.control_socket);
}

static void ctl_serve(struct mpcsignd *d, int fd)
{
	struct mpcsign_link link;
	struct mpcsign_frame_hdr hdr;
	struct mpcsign_buf out;
	uint8_t *body = NULL;
	char cmd[MPCSIGN_CTL_MAX_CMD + 1];
	size_t i;
	int ret;

	if (mpcsign_fd_link_init(&link, fd, CTL_MAX_BODY))
		return;
	ret = mpcsign_link_recv(&link, &hdr, &body, CTL_TIMEOUT_MS);
	if (ret) {
		log_debug("control: no request: %s", strerror(-ret));
		return;
	}
	mpcsign_buf_init(&out);
	out.max = MPCSIGN_FRAME_MAX_BODY;
	if (hdr.type != MPCSIGN_MSG_CTL_REQ || hdr.body_len < 1 ||
	    hdr.body_len > MPCSIGN_CTL_MAX_CMD) {
		mpcsignd_json_raw(&out, "{\"error\":\"expected a CTL_REQ with a command\"}");
		goto reply;
	}
	for (i = 0; i < hdr.body_len; i++) {
		if (body[i] < 0x21 || body[i] > 0x7e) {
			mpcsignd_json_raw(&out, "{\"error\":\"command is not printable\"}");
			goto reply;
		}
		cmd[i] = (char)body[i];
	}
	cmd[i] = 0;
	log_debug("control: %s", cmd);
	mpcsignd_ctl_reply(d, cmd, &out);
reply:
	if (out.err) {
		mpcsign_buf_free(&out);
		mpcsign_buf_init(&out);
		mpcsignd_json_raw(&out, "{\"error\":\"reply too large\"}");
	}
	ret = mpcsign_link_send(&link, MPCSIGN_MSG_CTL_REPLY, hdr.session, out.p, out.len,
				CTL_TIMEOUT_MS);
	if (ret)
		log_debug("control: reply not sent: %s", strerror(-ret));
	mpcsign_buf_free(&out);
	free(body);
}

void mpcsignd_control_accept(struct mpcsignd *d)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	fd = accept4(d->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("control socket accept: %s", strerror(errno));
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		log_warn("control socket: SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return;
	}
	if (cred.uid != 0 && cred.uid != getuid()) {
		log_warn("control socket: uid %u (pid %d) refused: only root and uid %u may ask",
			 (unsigned)cred.uid, (int)cred.pid, (unsigned)getuid());
		close(fd);
		return;
	}
	ctl_serve(d, fd);
	close(fd);
}
