// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * util.c - small helpers shared by the library, daemon and CLI (see util.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "util.h"

void mpcsign_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

secp256k1_context *mpcsign_secp_ctx(void)
{
	static secp256k1_context *ctx;

	if (!ctx) {
		secp256k1_context *c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);

		if (!c)
			return NULL;
		if (!__sync_bool_compare_and_swap(&ctx, NULL, c))
			secp256k1_context_destroy(c);
	}
	return ctx;
}

int mpcsign_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *mpcsign_hex(char *out, const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = 0;
	return out;
}

int mpcsign_unhex(uint8_t *out, size_t len, const char *s, size_t slen)
{
	size_t i;

	if (slen != 2 * len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int hi = mpcsign_hexval((unsigned char)s[2 * i]);
		int lo = mpcsign_hexval((unsigned char)s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Constant-time value of a hex digit, or -1 (no branch on the digit). */
static int hexval_ct(unsigned char c)
{
	int d = c - '0', l = (c | 0x20) - 'a';
	/* masks: all ones when in range */
	int md = ((d >= 0) & (d <= 9)) * -1, ml = ((l >= 0) & (l <= 5)) * -1;

	return (d & md) | ((l + 10) & ml) | (~(md | ml) & -1);
}

int mpcsign_unhex_ct(uint8_t *out, size_t len, const char *s)
{
	int bad = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		int hi = hexval_ct((unsigned char)s[2 * i]);
		int lo = hexval_ct((unsigned char)s[2 * i + 1]);

		bad |= hi | lo;
		out[i] = (uint8_t)(((unsigned)hi << 4) | ((unsigned)lo & 15));
	}
	return (bad >> 8) ? -EINVAL : 0;
}

int mpcsign_parse_u32(uint32_t *out, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > 0xffffffffUL)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

char *mpcsign_ini_read_line(char *str, int num, const char *text, size_t *pos,
			    unsigned int *line, size_t max_line,
			    void (*too_long)(void *arg, size_t limit),
			    int (*check)(void *arg, const char *p, size_t len), void *arg)
{
	const char *p = text + *pos, *nl;
	size_t len, content, limit;

	if (!*p || num < 4)
		return NULL;
	nl = strchr(p, '\n');
	len = nl ? (size_t)(nl - p) + 1 : strlen(p);
	content = nl ? len - 1 : len;
	(*line)++;
	/* room for the line, "\r\n" and the NUL in inih's buffer */
	limit = (size_t)num - 3;
	if (limit > max_line)
		limit = max_line;
	if (content > limit) {
		too_long(arg, limit);
		return NULL;
	}
	if (check(arg, p, content))
		return NULL;
	memcpy(str, p, len);
	str[len] = 0;
	*pos += len;
	return str;
}

int mpcsign_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			      char *err, size_t errlen)
{
	char dir[4400], tmp[4400];
	const char *base = strrchr(path, '/'), *sep;
	const uint8_t *p = data;
	size_t dlen;
	int fd, dfd, e;

	if (base) {
		dlen = (size_t)(base - path);
		base++;
	} else {
		dlen = 0;
		base = path;
	}
	sep = dlen || path[0] == '/' ? "/" : "";
	if (dlen >= sizeof(dir) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%.*s%s.%s.%ld", (int)dlen, path, sep, base,
			     (long)getpid()) >= sizeof(tmp))
		return -ENAMETOOLONG;
	if (dlen)
		snprintf(dir, sizeof(dir), "%.*s", (int)dlen, path);
	else
		snprintf(dir, sizeof(dir), "%s", path[0] == '/' ? "/" : ".");
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		e = errno;
		mpcsign_set_err(err, errlen, "cannot create %s: %s", tmp, strerror(e));
		return -e;
	}
	e = 0;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!e && fsync(fd) < 0)
		e = errno ? errno : EIO;
	if (e) {
		close(fd);
		unlink(tmp);
		mpcsign_set_err(err, errlen, "cannot write %s: %s", tmp, strerror(e));
		return -e;
	}
	errno = 0;
	if (close(fd) || rename(tmp, path) < 0) {
		e = errno ? errno : EIO;
		unlink(tmp);
		mpcsign_set_err(err, errlen, "cannot store %s: %s", path, strerror(e));
		return -e;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int mpcsign_read_key_file(char hex[64], const char *path, char *err, size_t errlen)
{
	char buf[80];
	struct stat st;
	ssize_t n = 0;
	size_t len = 0;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		if (errno == ELOOP)
			mpcsign_set_err(err, errlen, "key file %s: is a symbolic link (refused)",
					path);
		else
			mpcsign_set_err(err, errlen, "key file %s: %s", path, strerror(errno));
		return r;
	}
	if (fstat(fd, &st)) {
		r = -errno;
		mpcsign_set_err(err, errlen, "key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		mpcsign_set_err(err, errlen, "key file %s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		r = -EPERM;
		mpcsign_set_err(err, errlen,
				"key file %s: mode %04o lets group or others at it (chmod 600 it)",
				path, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (n < 0) {
		r = -errno;
		mpcsign_set_err(err, errlen, "key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (!(len == 64 || (len == 65 && buf[64] == '\n'))) {
		r = -EINVAL;
		mpcsign_set_err(err, errlen,
				"key file %s: expected 64 hex digits (a 32-byte secret key)", path);
		goto out;
	}
	memcpy(hex, buf, 64);
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return r;
}
