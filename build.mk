# build.mk: builds one variant of everything. The top-level Makefile calls it as
#   make -f build.mk PLATFORM=posix|windows [SANITIZE=1] [FUZZ=1] OUT=build/<variant>
# Sources are found by folder, so a new module or test needs no edit here:
#   lib/<concern>/*.c  portable core (base, config, userdata, aws, agent)
#   lib/platform/$(PLATFORM)/*.c   the platform seams (posix: libcurl, OpenSSL, inih; windows: Win32)
#   bootstrap/*.c      libbootstrap.a (all but main.c, so unit tests drive the actions
#                      and the flag parser) + bootstrap/main.c = ecs-bootstrap
#   ami-metadata/*.c   ecs-ami-metadata
#   tests/unit/test_*.c        unit tests on both platforms
#   tests/unit/posix/test_*.c  unit tests that need POSIX-only peers (inih differential)
#   tests/fake-agent/*.c       the fake ECS agent       tests/fuzz/fuzz_*.c  libFuzzer targets
#   tests/tools/*.c            small clients the integration scripts drive
include config.mk

PLATFORM ?= posix
OUT      ?= build/$(PLATFORM)

CFLAGS_BASE := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -g -O2 \
               -Ilib/include -MMD -MP -DECSB_VERSION='"$(ECSB_VERSION)"'

ifeq ($(PLATFORM),windows)
  CC        := $(MINGW_CC)
  EXE       := .exe
  CFLAGS    := $(CFLAGS_BASE) -D_WIN32_WINNT=0x0A00 -DUNICODE -D_UNICODE -D__USE_MINGW_ANSI_STDIO=1
  LDLIBS    := -static -lwinhttp -lbcrypt -liphlpapi -lole32 -loleaut32 -ladvapi32 -lws2_32 -lz
  TEST_SRC  := $(wildcard tests/unit/test_*.c)
else
  EXE       :=
  CFLAGS    := $(CFLAGS_BASE) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(shell pkg-config --cflags libcurl inih)
  LDLIBS    := $(shell pkg-config --libs libcurl inih) -lcrypto -lz -pthread
  TEST_SRC  := $(wildcard tests/unit/test_*.c) $(wildcard tests/unit/posix/test_*.c)
endif

ifeq ($(SANITIZE),1)
  CC      := $(FUZZ_CC)
  CFLAGS  += -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FUZZ),1)
  CC      := $(FUZZ_CC)
  CFLAGS  += -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -DECSB_FUZZING
  LDFLAGS += -fsanitize=fuzzer,address,undefined
endif

LIB_SRC   := $(wildcard lib/*/*.c) $(wildcard lib/platform/$(PLATFORM)/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(OUT)/obj/%.o)
LIB       := $(OUT)/libecsb.a

BOOT_SRC  := $(wildcard bootstrap/*.c)
BOOT_LIB  := $(if $(BOOT_SRC),$(OUT)/libbootstrap.a)
BOOT_OBJ  := $(patsubst %.c,$(OUT)/obj/%.o,$(filter-out bootstrap/main.c,$(BOOT_SRC)))
AMI_SRC   := $(wildcard ami-metadata/*.c)
AGENT_SRC := $(wildcard tests/fake-agent/*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
TOOL_SRC  := $(wildcard tests/tools/*.c)

PROGRAMS  := $(if $(BOOT_SRC),$(OUT)/ecs-bootstrap$(EXE)) \
             $(if $(AMI_SRC),$(OUT)/ecs-ami-metadata$(EXE)) \
             $(if $(AGENT_SRC),$(OUT)/fake-ecs-agent$(EXE))
TOOLS     := $(patsubst %.c,$(OUT)/tools/%$(EXE),$(notdir $(TOOL_SRC)))
TESTS     := $(patsubst %.c,$(OUT)/tests/%$(EXE),$(notdir $(TEST_SRC)))
FUZZERS   := $(patsubst %.c,$(OUT)/fuzz/%,$(notdir $(FUZZ_SRC)))

.PHONY: all programs tests fuzzers tools
ifeq ($(FUZZ),1)
all: $(FUZZERS)
else
all: programs tests tools
endif
tools: $(TOOLS)
programs: $(PROGRAMS)
tests: $(TESTS)
fuzzers: $(FUZZERS)

# V=1 shows the full commands.
Q := $(if $(V),,@)

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $(OUT) $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# Unit tests drive bootstrap's actions and flag parser through its private headers.
$(OUT)/obj/tests/unit/%.o: CFLAGS += -Ibootstrap

# A version or toolchain change in config.mk rebuilds every object. (An explicit
# list: a pattern rule without a recipe would cancel the compile rule, not add to it.)
ALL_OBJ := $(patsubst %.c,$(OUT)/obj/%.o,$(LIB_SRC) $(BOOT_SRC) $(AMI_SRC) $(AGENT_SRC) $(FUZZ_SRC) $(TOOL_SRC) \
             $(TEST_SRC))
$(ALL_OBJ): config.mk

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(BOOT_LIB): $(BOOT_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# The one link rule: every program, test, tool and fuzzer is its objects plus the
# libraries (libbootstrap.a first: it uses libecsb.a). A library only adds the
# members a program needs.
define LINK
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
endef
LINK_LIBS := $(BOOT_LIB) $(LIB)

$(OUT)/ecs-bootstrap$(EXE): $(OUT)/obj/bootstrap/main.o $(LINK_LIBS)
	$(LINK)
$(OUT)/ecs-ami-metadata$(EXE): $(AMI_SRC:%.c=$(OUT)/obj/%.o) $(LINK_LIBS)
	$(LINK)
$(OUT)/fake-ecs-agent$(EXE): $(AGENT_SRC:%.c=$(OUT)/obj/%.o) $(LINK_LIBS)
	$(LINK)
# Each unit test is one executable linked against the libraries.
$(OUT)/tests/%$(EXE): $(OUT)/obj/tests/unit/%.o $(LINK_LIBS)
	$(LINK)
$(OUT)/tests/%$(EXE): $(OUT)/obj/tests/unit/posix/%.o $(LINK_LIBS)
	$(LINK)
# Small test clients driven by the integration scripts (tests/tools/*.c), both platforms.
$(OUT)/tools/%$(EXE): $(OUT)/obj/tests/tools/%.o $(LINK_LIBS)
	$(LINK)
$(OUT)/fuzz/%: $(OUT)/obj/tests/fuzz/%.o $(LINK_LIBS)
	$(LINK)

# Make AR match the compiler family for the cross build.
ifeq ($(PLATFORM),windows)
AR := x86_64-w64-mingw32-ar
endif

.SECONDARY:
-include $(shell find $(OUT)/obj -name '*.d' 2>/dev/null)
