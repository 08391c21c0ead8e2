# Versions and toolchain choices, pinned in one place (amazon-ecs-ami style).
# Debian packages the build and the tests need; `make deps` installs the missing ones.
DEB_PACKAGES := build-essential pkg-config libcurl4-openssl-dev libssl-dev libinih-dev zlib1g-dev \
                gcc-mingw-w64-x86-64 libz-mingw-w64-dev wine wine64 clang-14 libclang-rt-14-dev \
                valgrind jq hyperfine cppcheck shellcheck packer zip unzip wixl msitools \
                docker.io docker-registry tmux

# Toolchains.
CC            ?= cc
MINGW_CC      := x86_64-w64-mingw32-gcc
FUZZ_CC       := clang-14
WINE          := wine

# Product version (printed by `ecs-bootstrap --version`).
ECSB_VERSION  := 0.1.0

# Seconds each fuzz target runs in `make fuzz` (CI keeps it short).
FUZZ_SECONDS  ?= 20
