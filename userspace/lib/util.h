/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * util.h - small helpers shared by the library, daemon and CLI.
 *
 * Internal to mpcsign: compiled into libmpcsign but not declared in
 * libmpcsign.h, so not part of its public interface.  mpcsignd and the CLI
 * include this header (-Iuserspace/lib) and link the library.
 */
#ifndef MPCSIGN_UTIL_H
#define MPCSIGN_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <secp256k1.h>

/*
 * snprintf into err[errlen], quietly truncated.  Does nothing when err is NULL
 * or errlen is 0 (callers that want no message pass NULL, 0).
 */
void mpcsign_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The process's shared libsecp256k1 context for verification, parsing and
 * public tweaks: made once on first use (thread-safe, a lost race destroys
 * its copy), never randomized (verification takes no secrets) and never
 * destroyed.  NULL only if libsecp256k1 cannot allocate it.  Code that signs
 * must not use it: it makes its own context and randomizes it.
 */
secp256k1_context *mpcsign_secp_ctx(void);

/* Value of the hex digit c (either case), or -1. Branches on c: public data only. */
int mpcsign_hexval(int c);

/*
 * out[2 len + 1]: the lower-case hex of p[0..len), NUL-terminated.  Returns out.
 */
char *mpcsign_hex(char *out, const uint8_t *p, size_t len);

/*
 * Exactly 2 len hex digits (either case) from s[0..slen) into out[len]:
 * 0, or -EINVAL if slen != 2 len or a character is not a hex digit (out is
 * then partly written).  Public data only (exits early on a bad digit).
 */
int mpcsign_unhex(uint8_t *out, size_t len, const char *s, size_t slen);

/*
 * As mpcsign_unhex for secrets, s holding at least 2 len characters: every
 * digit is decoded without a branch or an early exit on its value.  0, or
 * -EINVAL if any of the 2 len characters is not a hex digit (out then holds
 * garbage; the caller wipes it).
 */
int mpcsign_unhex_ct(uint8_t *out, size_t len, const char *s);

/*
 * A whole decimal number from 0 to 2^32 - 1 (as strtoul reads it, but no
 * sign, nothing after it) into *out: 0, or -EINVAL (then *out is unchanged).
 */
int mpcsign_parse_u32(uint32_t *out, const char *s);

/*
 * The body of an inih line reader (ini_reader) over a NUL-terminated text:
 * copies the line that starts at text + *pos, with its '\n', into inih's
 * buffer str[num] and advances *pos past it.  Returns str, or NULL at the end
 * of the text, when num < 4, or when the line is refused.  *line counts the
 * lines taken (a refused one too).  A line whose content (without the '\n')
 * is longer than min(num - 3, max_line) - room for the line, "\r\n" and the
 * NUL in inih's buffer - is refused by calling too_long(arg, that limit);
 * otherwise check(arg, line, content length) is called first and a nonzero
 * return refuses the line.  Each caller keeps its own syntax and key handling.
 */
char *mpcsign_ini_read_line(char *str, int num, const char *text, size_t *pos,
			    unsigned int *line, size_t max_line,
			    void (*too_long)(void *arg, size_t limit),
			    int (*check)(void *arg, const char *p, size_t len), void *arg);

/*
 * Replaces path with data[0..len) atomically: writes a temporary file
 * "DIR/.BASE.PID" (created O_EXCL | O_NOFOLLOW with the given mode, any stale
 * one removed first), fsyncs it, renames it over path and fsyncs the
 * directory (best effort).  0, or -errno with the temporary removed and, when
 * err is not NULL, a message in err: "cannot create TMP: ...", "cannot write
 * TMP: ..." or "cannot store PATH: ...".  -ENAMETOOLONG if path is too long.
 */
int mpcsign_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			      char *err, size_t errlen);

/*
 * Reads a secret key file: a regular file (not a symbolic link) that neither
 * group nor others may access, holding exactly 64 characters and an optional
 * '\n'.  The 64 characters (a secret: not yet checked to be hex) go to
 * hex[0..64).  0, or -errno with a message "key file PATH: ..." in err.  The
 * caller decodes hex with mpcsign_unhex_ct and wipes it.
 */
int mpcsign_read_key_file(char hex[64], const char *path, char *err, size_t errlen);

#endif /* MPCSIGN_UTIL_H */
