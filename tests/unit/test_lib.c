// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_lib.c - libmpcsign's own error paths (no device needed; the device
 * paths are covered by the kselftests in the VM).
 */
#include <errno.h>
#include "test.h"
#include "libmpcsign.h"

int main(void)
{
	struct mpcsign *h = (struct mpcsign *)1;
	struct mpcsign_info info;

	test_report(mpcsign_open(&h, "/nonexistent/mpcsign") == -ENOENT && !h,
		    "lib: open of a missing device returns -ENOENT and NULL");
	test_report(mpcsign_open(NULL, NULL) == -EINVAL, "lib: open(NULL) is -EINVAL");
	test_report(mpcsign_get_info(NULL, &info) == -EINVAL, "lib: get_info(NULL) is -EINVAL");
	test_report(mpcsign_fd(NULL) == -EBADF, "lib: fd(NULL) is -EBADF");
	mpcsign_close(NULL);
	test_report(mpcsign_open(&h, "/dev/null") == 0 && mpcsign_get_info(h, &info) == -ENOTTY,
		    "lib: GET_INFO on a non-mpcsign device returns -ENOTTY");
	mpcsign_close(h);
	/* GET_INFO over netlink without the module: the family does not resolve */
	test_report(mpcsign_nl_get_info(&info) == -ENOENT,
		    "lib: netlink GET_INFO without the module is -ENOENT");
	return test_exit();
}
