#!/bin/sh
# Print the version of the Debian kernel the VM boots (linux-image-amd64), for
# which the module is built.  The machine's running kernel (uname -r) is not
# used: it has no headers and cannot load modules here.
# Picks the newest version that has both /boot/vmlinuz-V and headers.
for v in $(ls -1 /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -rV); do
	if [ -d "/lib/modules/$v/build" ] || [ -d "/usr/src/linux-headers-$v" ]; then
		echo "$v"
		exit 0
	fi
done
exit 1
