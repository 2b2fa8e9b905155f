// SPDX-License-Identifier: GPL-2.0
/*
 * mpcsignd_json.c - JSON text for the control socket.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "mpcsignd_json.h"

void mpcsignd_json_raw(struct mpcsign_buf *b, const char *s)
{
	mpcsign_buf_put(b, s, strlen(s));
}

void mpcsignd_json_printf(struct mpcsign_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		if (!b->err)
			b->err = -EMSGSIZE;
		return;
	}
	mpcsign_buf_put(b, tmp, (size_t)n);
}

void mpcsignd_json_str(struct mpcsign_buf *b, const char *s)
{
	char esc[8];

	mpcsign_buf_u8(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			mpcsign_buf_put(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			mpcsign_buf_put(b, esc, 6);
		} else {
			mpcsign_buf_u8(b, c);
		}
	}
	mpcsign_buf_u8(b, '"');
}

void mpcsignd_json_hex(struct mpcsign_buf *b, const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	mpcsign_buf_u8(b, '"');
	for (i = 0; i < len; i++) {
		mpcsign_buf_u8(b, (uint8_t)digits[p[i] >> 4]);
		mpcsign_buf_u8(b, (uint8_t)digits[p[i] & 15]);
	}
	mpcsign_buf_u8(b, '"');
}
