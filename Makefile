# ecs-bootstrap toolkit: the user's entry points. Versions live in config.mk; the
# per-variant build rules live in build.mk (one invocation builds one variant).
include config.mk

BUILD := $(MAKE) --no-print-directory -f build.mk

.PHONY: all windows asan fuzzers test test-windows test-asan test-valgrind test-integration \
        test-e2e test-windows-e2e test-ami msi test-msi fuzz lint check deps demo demo-windows bench clean help

all:                             ## POSIX build: ecs-bootstrap, tools, unit tests
	+@$(BUILD) PLATFORM=posix OUT=build/posix
windows:                         ## mingw-w64 cross build: ecs-bootstrap.exe and the unit tests
	+@$(BUILD) PLATFORM=windows OUT=build/windows
asan:                            ## POSIX build with ASan+UBSan
	+@$(BUILD) PLATFORM=posix SANITIZE=1 OUT=build/asan
fuzzers:                         ## libFuzzer targets (clang)
	+@$(BUILD) PLATFORM=posix FUZZ=1 OUT=build/fuzz

test: all                        ## unit tests, native
	@tests/run-unit.sh build/posix native
test-windows: windows            ## the same unit tests under Wine
	@tests/run-unit.sh build/windows wine
test-asan: asan                  ## unit tests under ASan+UBSan
	@tests/run-unit.sh build/asan asan
test-valgrind: all               ## unit tests under valgrind memcheck
	@tests/run-unit.sh build/posix valgrind
test-integration: all windows            ## integration tests against moto, the fake IMDS and botocore
	@tests/integration/run.sh build/posix
test-e2e: all                    ## the boot-flow end-to-end suite alone
	@tests/e2e/run.sh build/posix
test-ami: all windows            ## the AMI build offline: packer validate, pins, provisioners, bundle
	@tests/ami/run.sh build/posix
test-windows-e2e: windows        ## the Windows build end to end under Wine (SCM, WinHTTP, BCrypt; 2022 Core, 2019 Full)
	@tests/windows-e2e/run.sh build/windows
MSI := build/windows/ecs-bootstrap.msi
msi: windows                     ## the Windows installer (wixl): build/windows/ecs-bootstrap.msi
	@wixl -a x64 -D Version=$(ECSB_VERSION) -D ExePath=build/windows/ecs-bootstrap.exe -D SourceDir=. \
	  -o $(MSI) msi/ecs-bootstrap.wxs && echo "  MSI     $(MSI)"
test-msi: msi                    ## the MSI's tables, install, boot trigger and uninstall under Wine
	@tests/msi/run.sh $(MSI)
fuzz: fuzzers                    ## run every fuzz target for FUZZ_SECONDS
	@tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

# cppcheck at warning level over every C file; two whole-program (ctu) reports are false
# positives: credentials.c checks id before ecsb_xstrdup, and psreader only stores err.
CPPCHECK_FLAGS := --quiet --std=c11 --enable=warning,portability,performance --inline-suppr \
                  --error-exitcode=1 -Ilib/include \
                  --suppress=ctunullpointer:lib/base/buf.c --suppress=ctuuninitvar:lib/userdata/psreader.c
SHELL_SCRIPTS   = $(shell git ls-files '*.sh')
lint:                            ## cppcheck and shellcheck, quiet when clean
	@cppcheck $(CPPCHECK_FLAGS) lib bootstrap ami-metadata tests/unit tests/fake-agent tests/tools tests/fuzz
	@shellcheck -x -S warning $(SHELL_SCRIPTS)
	@echo "lint: 2 passed, 0 failed"

check:                           ## everything CI runs, with one summary line at the end
	@tests/check.sh

deps:                            ## install missing Debian packages (idempotent, quiet when all present)
	@scripts/deps.sh $(DEB_PACKAGES)

demo: all                        ## the boot story on local services (moto + fake IMDS)
	@scripts/demo.sh build/posix

demo-windows:                    ## the same story with the Windows build under Wine (make demo when Wine is missing)
	@if command -v wine >/dev/null; then $(MAKE) --no-print-directory windows && DEMO=1 tests/windows-e2e/run.sh build/windows; \
	 else echo "wine is not installed: the POSIX demo instead"; $(MAKE) --no-print-directory demo; fi

bench: all                       ## benchmarks (bench/)
	@bench/run.sh build/posix

clean:
	rm -rf build

# The AMI build: make ami, ami-all, ami-validate, ami-pin, ami-publish, bundle.
include ami/ami.mk

help:
	@grep -hE '^[a-z-]+:.*## ' Makefile ami/ami.mk | sed 's/:.*## /\t/'
