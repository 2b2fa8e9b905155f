/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpcsignd_json.h - just enough JSON output for the control socket's replies,
 * appended to a struct mpcsign_buf (wire.h; errors sticky in buf->err).
 */
#ifndef MPCSIGND_JSON_H
#define MPCSIGND_JSON_H

#include <stddef.h>
#include <stdint.h>
#include "wire.h"

void mpcsignd_json_raw(struct mpcsign_buf *b, const char *s);
void mpcsignd_json_printf(struct mpcsign_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* a JSON string literal: quotes, escapes, control characters as \u00XX */
void mpcsignd_json_str(struct mpcsign_buf *b, const char *s);
/* a JSON string of lowercase hex */
void mpcsignd_json_hex(struct mpcsign_buf *b, const uint8_t *p, size_t len);

#endif
