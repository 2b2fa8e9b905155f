# SPDX-License-Identifier: GPL-2.0
#
# mpcsign top-level Makefile.
#
#   make            module (against Debian's VM kernel headers) + userspace + tests
#   make check      every test: userspace unit tests, constant-time test, VM kselftests
#                   on Debian's kernel and on the debug kernel (DEBUG_KERNEL=0: Debian's only)
#   make vm-tests-debug   the VM kselftests on the debug kernel (built once, cached)
#   make demo       three party VMs (module + mpcsignd each) and this host as coordinator:
#                   a 2-of-3 DKG and a signature over TCP + TLS (make demo-single: one VM)
#   make bench      core benchmarks against libsecp256k1
#
# KDIR=/path/to/kernel/build overrides the kernel tree (default: the headers of
# the Debian linux-image-amd64 kernel that the VM boots, see tests/scripts/kver.sh).
# O=dir puts the userspace objects and test logs in dir (default build); it is not
# handed on to kbuild, which would take it for its own output directory.

SHELL := /bin/bash
O ?= build
CC ?= gcc
CI ?=

MSG ?= hello from mpcsign
KVER ?= $(shell tests/scripts/kver.sh 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build

# Flags of our own userspace code.
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# The core is built the way the kernel builds it (-O2, no SSE, no strict aliasing),
# so userspace tests and benchmarks measure the code the module runs.
# Code generation as in the module (Debian 6.1's kbuild flags that change the code of
# plain C: zeroed locals, stack protector, no jump tables, wrapping overflow, byte
# alignment of jumps and loops).  Left out: -mcmodel=kernel and the retpoline /
# return thunks (-mindirect-branch, -mfunction-return=thunk-extern), which need
# the kernel's thunks; the kernel patches them to plain jumps and returns where the
# CPU does not need them.
CORE_CFLAGS := -O2 -g -fno-strict-aliasing -fno-common -mno-sse -mno-mmx -mno-sse2 -mno-avx \
	-mno-red-zone -fno-asynchronous-unwind-tables -fno-strict-overflow -fno-jump-tables \
	-ftrivial-auto-var-init=zero -fstack-protector-strong -falign-jumps=1 -falign-loops=1 \
	$(WARN) -Wno-missing-prototypes \
	'-Dnoinline=__attribute__((__noinline__))' '-Dalways_inline=__attribute__((__always_inline__))'
USER_CFLAGS := -O2 -g -fPIC $(WARN) -Iinclude/uapi -Ikmod -Iuserspace/lib -Itests/common
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

CORE_SRCS := $(sort $(wildcard kmod/core/*.c))
CORE_HDRS := $(wildcard kmod/core/*.h) $(wildcard include/uapi/linux/*.h)
# userspace-only parts of libmpcsign (the ioctl/netlink wrappers)
LIB_SRCS := $(sort $(wildcard userspace/lib/*.c))
COMMON_SRCS := $(sort $(wildcard tests/common/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
CT_SRCS := $(sort $(wildcard tests/ct/ct_*.c))
KSFT_SRCS := $(sort $(wildcard tests/kselftest/*_test.c))
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))

CORE_OBJS := $(patsubst kmod/core/%.c,$(O)/core/%.o,$(CORE_SRCS))
CORE_SAN_OBJS := $(patsubst kmod/core/%.c,$(O)/core-san/%.o,$(CORE_SRCS))
LIB_OBJS := $(patsubst userspace/lib/%.c,$(O)/lib/%.o,$(LIB_SRCS))
LIB_SAN_OBJS := $(patsubst userspace/lib/%.c,$(O)/lib-san/%.o,$(LIB_SRCS))
# the party daemon (userspace/mpcsignd/)
DAEMON_SRCS := $(sort $(wildcard userspace/mpcsignd/*.c))
COMMON_OBJS := $(patsubst tests/common/%.c,$(O)/common/%.o,$(COMMON_SRCS))
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS))
UNIT_SAN_BINS := $(patsubst tests/unit/%.c,$(O)/tests-san/%,$(UNIT_SRCS))
CT_BINS := $(patsubst tests/ct/%.c,$(O)/tests/%,$(CT_SRCS))
KSFT_BINS := $(patsubst tests/kselftest/%.c,$(O)/ksft/%,$(KSFT_SRCS))

NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
SECP_LIBS := -lsecp256k1
# TLS (OpenSSL 3), the config and policy parser (inih), sd_notify (libsystemd)
NET_CFLAGS := $(shell pkg-config --cflags openssl inih 2>/dev/null)
NET_LIBS := $(shell pkg-config --libs openssl inih 2>/dev/null)
SD_CFLAGS := $(shell pkg-config --cflags libsystemd 2>/dev/null)
SD_LIBS := $(shell pkg-config --libs libsystemd 2>/dev/null)
# everything libmpcsign links against
LIB_DEPS = $(NL_LIBS) $(SECP_LIBS) $(NET_LIBS)

KSFT_DIR := $(O)/ksft-harness

.SECONDARY:	# keep the sanitizer objects between builds

.PHONY: all deps module userspace tests check unit-tests ct-tests vm-tests demo bench clean fuzz-kernel install-module \
	module-w1 install debug-kernel module-debug canary-debug vm-tests-debug

all: deps-quiet
	@$(MAKE) --no-print-directory module userspace tests

# --- dependencies --------------------------------------------------------------
deps:
	tests/scripts/install-deps.sh
deps-quiet:
	@tests/scripts/install-deps.sh --if-missing

# --- the module ----------------------------------------------------------------
# Built in a copy of its sources under $(O)/kmod-$(KVER) (tests/scripts/module-tree.sh):
# nothing of kbuild's lands in the source tree, and builds for several kernels or
# several O= directories do not share objects.
MOD_DIR = $(abspath $(O))/kmod-$(KVER)
MODULE_KO = $(MOD_DIR)/mpcsign.ko
module: deps-quiet
	@test -d "$(KDIR)" || { echo "KDIR=$(KDIR) not found (run tests/scripts/install-deps.sh)"; exit 1; }
	@tests/scripts/module-tree.sh $(CURDIR) $(MOD_DIR)
	$(MAKE) -C $(KDIR) M=$(MOD_DIR) O= W=1 modules
module-w1: module

# --- the debug kernel (KASAN, kmemleak, lockdep, UBSAN, ...) and the module for it ---
# tests/scripts/debug-kernel.sh builds Debian's linux-source-6.1 with
# tests/vm/debug-kernel.config once into ${MPC_CACHE_DIR:-/var/cache/mpcsign}/debug-kernel/<key>/;
# the module is built against that tree into $(O)/kmod-debug/.  `make check` runs
# the kselftests on it too; DEBUG_KERNEL=0 leaves it out.
DEBUG_KERNEL ?= 1
DEBUG_KDIR = $(shell tests/scripts/debug-kernel.sh dir)
DEBUG_MOD_DIR = $(abspath $(O))/kmod-debug
DEBUG_KO = $(DEBUG_MOD_DIR)/mpcsign.ko
debug-kernel: deps-quiet
	@tests/scripts/debug-kernel.sh build >/dev/null
module-debug: debug-kernel
	@tests/scripts/module-tree.sh $(CURDIR) $(DEBUG_MOD_DIR)
	$(MAKE) -C $(DEBUG_KDIR) M=$(DEBUG_MOD_DIR) O= W=1 modules
	@r=$$(tests/scripts/debug-kernel.sh release); v=$$(modinfo -F vermagic $(DEBUG_KO)); \
	case "$$v" in "$$r "*) ;; *) echo "$(DEBUG_KO): vermagic '$$v' is not the debug kernel's $$r" >&2; exit 1 ;; esac
# tests/vm/canary: known bugs that the debug kernel's checks must report (tests/vm/debug-canary.sh)
CANARY_DIR = $(abspath $(O))/canary-debug
CANARY_KO = $(CANARY_DIR)/mpc_canary.ko
canary-debug: debug-kernel
	@mkdir -p $(CANARY_DIR) && cp -u tests/vm/canary/Kbuild tests/vm/canary/mpc_canary.c $(CANARY_DIR)/
	$(MAKE) -C $(DEBUG_KDIR) M=$(CANARY_DIR) O= W=1 modules
vm-tests-debug: deps-quiet module-debug canary-debug $(KSFT_BINS)
	tests/vm/run-vm.sh --mode test --kernel $$(tests/scripts/debug-kernel.sh image) --debug --out $(O) --ko $(DEBUG_KO)
	tests/vm/debug-canary.sh $(O) $(DEBUG_KO) $(CANARY_KO)

# --- userspace core (same code as the module) -----------------------------------
$(O)/core/%.o: kmod/core/%.c $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) -fPIC -Ikmod -c $< -o $@
$(O)/core-san/%.o: kmod/core/%.c $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $(WARN) -Wno-missing-prototypes -DMPC_VERIFY '-Dnoinline=__attribute__((__noinline__))' -Ikmod -c $< -o $@
$(O)/lib/%.o: userspace/lib/%.c $(CORE_HDRS) $(wildcard userspace/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(NL_CFLAGS) $(NET_CFLAGS) -c $< -o $@
$(O)/lib-san/%.o: userspace/lib/%.c $(CORE_HDRS) $(wildcard userspace/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $(WARN) -DMPC_VERIFY -Iinclude/uapi -Ikmod -Iuserspace/lib $(NL_CFLAGS) $(NET_CFLAGS) -c $< -o $@
$(O)/common/%.o: tests/common/%.c $(wildcard tests/common/*.h) $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes -c $< -o $@

# --- libmpcsign ------------------------------------------------------------------
LIBNAME := $(O)/libmpcsign
$(LIBNAME).a: $(CORE_OBJS) $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^
$(LIBNAME).so: $(CORE_OBJS) $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,libmpcsign.so.0 -o $@ $^ $(LIB_DEPS)
$(O)/mpcsign.pc: userspace/lib/mpcsign.pc.in
	@mkdir -p $(O)
	sed -e 's|@PREFIX@|$(or $(PREFIX),/usr/local)|' $< > $@

DAEMON_BIN := $(if $(DAEMON_SRCS),$(O)/mpcsignd)
userspace: deps-quiet $(LIBNAME).a $(LIBNAME).so $(O)/mpcsign.pc $(O)/mpcsign $(DAEMON_BIN)

$(O)/mpcsign: $(wildcard userspace/tools/*.c userspace/tools/*.h) $(LIBNAME).a
	$(CC) $(USER_CFLAGS) $(NL_CFLAGS) $(NET_CFLAGS) -o $@ $(wildcard userspace/tools/*.c) $(LIBNAME).a $(LIB_DEPS)
$(O)/mpcsignd: $(DAEMON_SRCS) $(wildcard userspace/mpcsignd/*.h) $(LIBNAME).a
	$(CC) $(USER_CFLAGS) $(NL_CFLAGS) $(NET_CFLAGS) $(SD_CFLAGS) -Iuserspace/mpcsignd -o $@ $(DAEMON_SRCS) \
		$(LIBNAME).a $(LIB_DEPS) $(SD_LIBS) -lpthread

# --- tests -----------------------------------------------------------------------
$(O)/tests/%: tests/unit/%.c $(CORE_OBJS) $(COMMON_OBJS) $(LIBNAME).a
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes -o $@ $< $(COMMON_OBJS) $(LIBNAME).a $(LIB_DEPS) -lpthread
$(O)/tests-san/%: tests/unit/%.c $(CORE_SAN_OBJS) $(COMMON_SRCS) $(LIB_SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $(WARN) -Wno-missing-prototypes -DMPC_VERIFY -Iinclude/uapi -Ikmod -Iuserspace/lib -Itests/common \
		$(NL_CFLAGS) $(NET_CFLAGS) -o $@ $< $(COMMON_SRCS) $(LIB_SAN_OBJS) $(CORE_SAN_OBJS) $(LIB_DEPS) -lpthread
$(O)/tests/ct_%: tests/ct/ct_%.c $(CORE_OBJS) $(COMMON_OBJS) $(LIBNAME).a
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes -o $@ $< $(COMMON_OBJS) $(LIBNAME).a $(LIB_DEPS)

$(KSFT_DIR)/.stamp:
	tests/scripts/extract-ksft.sh $(KSFT_DIR)
	@touch $@
# (the harness macros end in a bare for(), hence -Wno-misleading-indentation)
$(O)/ksft/%: tests/kselftest/%.c $(KSFT_DIR)/.stamp $(LIBNAME).a include/uapi/linux/mpcsign.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-misleading-indentation \
		-Iinclude/uapi -Ikmod -Iuserspace/lib \
		-I$(KSFT_DIR) $(NL_CFLAGS) $(NET_CFLAGS) -o $@ $< $(LIBNAME).a $(LIB_DEPS) -lpthread

# benchmarks that run in the VM (tests/vm/*_bench.c), built like the kselftests
$(O)/vm/%: tests/vm/%.c $(LIBNAME).a include/uapi/linux/mpcsign.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -Werror -Iinclude/uapi -Ikmod -Iuserspace/lib $(NL_CFLAGS) \
		-o $@ $< $(LIBNAME).a $(LIB_DEPS)
VM_BENCH_BINS := $(patsubst tests/vm/%.c,$(O)/vm/%,$(wildcard tests/vm/*_bench.c))
# helpers of the network test in the VM (tests/vm/net-test.sh)
VM_NET_BINS := $(patsubst tests/vm/%.c,$(O)/vm/%,$(wildcard tests/vm/net_*.c))

$(O)/bench: $(BENCH_SRCS) $(CORE_OBJS) $(COMMON_OBJS) $(LIBNAME).a
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes -o $@ $(BENCH_SRCS) $(COMMON_OBJS) $(LIBNAME).a $(LIB_DEPS)

# fuzz targets: tests/fuzz/fuzz_*.c define LLVMFuzzerTestOneInput(); with gcc
# they link with tests/fuzz/driver.c (random and corpus inputs, ASan + UBSan);
# the library's parsers (frames, messages, policy, config) with libmpcsign's objects
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(FUZZ_SRCS))
$(O)/fuzz/%: tests/fuzz/%.c tests/fuzz/driver.c $(CORE_SAN_OBJS) $(LIB_SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $(WARN) -Wno-missing-prototypes -DMPC_VERIFY -Iinclude/uapi -Ikmod -Iuserspace/lib -Itests/common \
		$(NET_CFLAGS) -o $@ $< tests/fuzz/driver.c $(CORE_SAN_OBJS) $(LIB_SAN_OBJS) $(LIB_DEPS) -lpthread

tests: $(UNIT_BINS) $(UNIT_SAN_BINS) $(CT_BINS) $(KSFT_BINS) $(FUZZ_BINS) $(VM_NET_BINS)

unit-tests: deps-quiet $(UNIT_BINS) $(UNIT_SAN_BINS) $(CT_BINS) $(FUZZ_BINS)
	tests/run-tests.sh unit $(O)

vm-tests: deps-quiet module $(KSFT_BINS) $(VM_NET_BINS)
	tests/vm/run-vm.sh --mode test --kver $(KVER) --out $(O) --ko $(MODULE_KO)

# the long fuzz run in the VM: make fuzz-kernel DURATION=3600 [SEED=n] boots
# MPCMODE=fuzz (only fuzz_ioctl, fuzz_genl and race; they share DURATION
# seconds) and prints their counts at the end; the VM timeout follows DURATION
DURATION ?= 600
FUZZ_KSFT_BINS := $(O)/ksft/fuzz_ioctl_test $(O)/ksft/fuzz_genl_test $(O)/ksft/race_test
$(FUZZ_KSFT_BINS): tests/kselftest/fuzz_util.h
fuzz-kernel: deps-quiet module $(FUZZ_KSFT_BINS)
	MPC_VM_TIMEOUT=$${MPC_VM_TIMEOUT:-$$(( $(DURATION) + 600 ))} \
	tests/vm/run-vm.sh --mode fuzz --kver $(KVER) --out $(O) --ko $(MODULE_KO) \
		--append "MPC_FUZZ_SECS=$$(( $(DURATION) / 3 ))$(if $(SEED), MPC_FUZZ_SEED=$(SEED))"

check: deps-quiet
	@$(MAKE) --no-print-directory module userspace tests $(if $(filter 1,$(DEBUG_KERNEL)),module-debug canary-debug)
	tests/run-tests.sh all $(O) $(KVER) $(MODULE_KO) $(if $(filter 1,$(DEBUG_KERNEL)),$(DEBUG_KO) $(CANARY_KO))

# three party VMs (module + mpcsignd each) and this host as the coordinator (tests/vm/demo3.sh)
demo: deps-quiet
	@$(MAKE) --no-print-directory module userspace
	tests/vm/demo3.sh --kver $(KVER) --out $(O) --ko $(MODULE_KO) --msg "$(MSG)"
# the one-VM demo: three host keys in one module, this process relays
demo-single: deps-quiet
	@$(MAKE) --no-print-directory module userspace
	tests/vm/run-vm.sh --mode demo --kver $(KVER) --out $(O) --ko $(MODULE_KO) --msg "$(MSG)"

bench: deps-quiet
	@$(MAKE) --no-print-directory $(O)/bench module $(VM_BENCH_BINS)
	$(O)/bench
	tests/vm/run-vm.sh --mode bench --kver $(KVER) --out $(O) --ko $(MODULE_KO)

# install libmpcsign (shared, static, headers, pkg-config), the CLI, and the party
# daemon with what runs it: systemd unit, sysusers.d entry, udev rule, man pages,
# example config and policy (into SYSCONFDIR/mpcsign only if absent).  Works
# without root into DESTDIR; the unit's ExecStart names SBINDIR.  After a real
# install: systemd-sysusers; udevadm control --reload; udevadm trigger
# --subsystem-match=misc (mpcsignd(8), EXAMPLES).
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/mpcsign
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
SYSUSERSDIR ?= $(or $(shell pkg-config --variable=sysusersdir systemd 2>/dev/null),/usr/lib/sysusers.d)
UDEVRULESDIR ?= $(or $(shell pkg-config --variable=udevdir udev 2>/dev/null),/lib/udev)/rules.d
MAN_PAGES := $(sort $(wildcard userspace/tools/*.1 userspace/mpcsignd/*.8 userspace/*/*.5 Documentation/*.5))
install: userspace
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/linux \
		$(DESTDIR)$(PREFIX)/bin
	install -m 644 $(LIBNAME).a $(DESTDIR)$(PREFIX)/lib/libmpcsign.a
	install -m 755 $(LIBNAME).so $(DESTDIR)$(PREFIX)/lib/libmpcsign.so.0
	ln -sf libmpcsign.so.0 $(DESTDIR)$(PREFIX)/lib/libmpcsign.so
	sed -e 's|@PREFIX@|$(PREFIX)|' userspace/lib/mpcsign.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/mpcsign.pc
	install -m 644 userspace/lib/libmpcsign.h $(DESTDIR)$(PREFIX)/include/libmpcsign.h
	install -m 644 include/uapi/linux/mpcsign.h $(DESTDIR)$(PREFIX)/include/linux/mpcsign.h
	install -m 755 $(O)/mpcsign $(DESTDIR)$(PREFIX)/bin/mpcsign
	@for m in $(MAN_PAGES); do s=$${m##*.}; \
		echo "install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/"; \
		install -d $(DESTDIR)$(MANDIR)/man$$s && install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done
ifneq ($(DAEMON_BIN),)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 $(DAEMON_BIN) $(DESTDIR)$(SBINDIR)/mpcsignd
	sed -e 's|/usr/sbin/mpcsignd|$(SBINDIR)/mpcsignd|g' \
		-e 's|/etc/mpcsign/|$(SYSCONFDIR)/mpcsign/|g' userspace/mpcsignd/mpcsignd.service \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/mpcsignd.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/mpcsignd.service
	install -m 644 userspace/mpcsignd/mpcsign.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/mpcsign.conf
	install -m 644 userspace/mpcsignd/60-mpcsign.rules $(DESTDIR)$(UDEVRULESDIR)/60-mpcsign.rules
	install -m 644 userspace/mpcsignd/mpcsignd.conf.example userspace/mpcsignd/policy.conf.example \
		$(DESTDIR)$(DOCDIR)/
	# public data only (keys, paths): readable by the daemon's user
	install -d -m 755 $(DESTDIR)$(SYSCONFDIR)/mpcsign
	test -e $(DESTDIR)$(SYSCONFDIR)/mpcsign/mpcsignd.conf || \
		install -m 644 userspace/mpcsignd/mpcsignd.conf.example $(DESTDIR)$(SYSCONFDIR)/mpcsign/mpcsignd.conf
	test -e $(DESTDIR)$(SYSCONFDIR)/mpcsign/policy.conf || \
		install -m 644 userspace/mpcsignd/policy.conf.example $(DESTDIR)$(SYSCONFDIR)/mpcsign/policy.conf
endif

# the module for this machine's kernel (KVER=$$(uname -r) on a party machine, whose
# headers package must be installed): into /lib/modules/KVER/updates, depmod, and a
# modules-load.d entry so it loads at boot.  Then: modprobe mpcsign.
install-module: module
	$(MAKE) -C $(KDIR) M=$(MOD_DIR) O= INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates \
		DEPMOD=/bin/true modules_install
	test -n "$(DESTDIR)" || depmod -a $(KVER)
	install -d $(DESTDIR)/etc/modules-load.d
	echo mpcsign > $(DESTDIR)/etc/modules-load.d/mpcsign.conf

clean:
	rm -rf $(O)
