// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * port.c - the few definitions behind port.h.  Userspace only: in the
 * kernel mpc_declassify() is an empty inline and this file is empty.
 */
#include "port.h"

#ifndef __KERNEL__
void (*mpc_declassify_hook)(const void *p, size_t n);
#endif
