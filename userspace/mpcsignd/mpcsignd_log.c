// SPDX-License-Identifier: GPL-2.0
/*
 * mpcsignd_log.c - log lines to stderr, with a journald priority prefix under
 * systemd.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mpcsignd_log.h"
#include "util.h"

int mpcsignd_log_level = LOG_INFO;
static int log_journal;

void mpcsignd_log_init(int debug)
{
	log_journal = getenv("JOURNAL_STREAM") != NULL;
	mpcsignd_log_level = debug ? LOG_DEBUG : LOG_INFO;
}

static const char *prio_name(int prio)
{
	switch (prio) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

void mpcsignd_log(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t i;

	if (prio > mpcsignd_log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one event, one line: whatever a peer put in a string stays on it */
	for (i = 0; line[i]; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] == 0x7f)
			line[i] = '?';
	if (log_journal)
		fprintf(stderr, "<%d>%s\n", prio, line);
	else
		fprintf(stderr, "mpcsignd: %s: %s\n", prio_name(prio), line);
}

char *mpcsignd_hex(char *out, const unsigned char *p, unsigned long len)
{
	return mpcsign_hex(out, p, len);
}
