/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpcsignd_log.h - the daemon's log: one line per event on stderr.
 *
 * Under systemd (JOURNAL_STREAM set) each line starts with the kernel-style
 * priority prefix "<3>" that journald turns into the entry's priority;
 * otherwise with "mpcsignd: error: " and the like.  Thread safe (one
 * fprintf per line, stderr is locked by stdio).
 */
#ifndef MPCSIGND_LOG_H
#define MPCSIGND_LOG_H

#include <syslog.h>

extern int mpcsignd_log_level;	/* lines above it are dropped (LOG_INFO) */
void mpcsignd_log_init(int debug);
void mpcsignd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)	mpcsignd_log(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	mpcsignd_log(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	mpcsignd_log(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	mpcsignd_log(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	mpcsignd_log(LOG_DEBUG, __VA_ARGS__)

/* hex of p[0..len) into out (2*len+1 bytes); returns out. */
char *mpcsignd_hex(char *out, const unsigned char *p, unsigned long len);

#endif
