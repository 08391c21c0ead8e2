# ami/ami.mk: the AMI build's make targets (included by the top-level Makefile).
#   make ami VARIANT=2022-core REGION=eu-west-1   one AMI, one Packer build on one EC2 builder
#   make ami-all [REGION=...] [AMI_JOBS=7]         every variant, each its own Packer build, in parallel
#   make ami-validate                              `packer validate` of every variant, offline
#   make ami-pin                                   write the SHA-256 of each pinned download
#   make ami-publish AMI_SSM_ROOT=/my/prefix       SSM metadata from build/ami/<variant>.json
#   make bundle                                    zip of binaries, MSI (if built), scripts, INI, SHA256SUMS
# Versions: ami/versions.pkrvars.hcl; user overrides: ami/overrides.pkrvars.hcl (git-ignored;
# AMI_OVERRIDES=FILE names another).

AMI_VARIANTS  := 2016-full 2019-full 2019-core 2022-full 2022-core 2025-full 2025-core
PACKER        ?= packer
REGION        ?= $(or $(AWS_REGION),$(AWS_DEFAULT_REGION))
AMI_JOBS      ?= 7
AMI_SSM_ROOT  ?= /ecs-bootstrap/ami-windows-latest
AMI_OUT       := build/ami
# The MSI path is defined once, beside `make msi` in the Makefile.
AMI_MSI       := $(MSI)
AMI_METADATA  ?= build/posix/ecs-ami-metadata
AMI_OVERRIDES ?= ami/overrides.pkrvars.hcl
AMI_VARFILES   = -var-file=ami/versions.pkrvars.hcl $(if $(wildcard $(AMI_OVERRIDES)),-var-file=$(AMI_OVERRIDES))
AMI_PACKER_ARGS = $(AMI_VARFILES) -var manifest_dir=$(AMI_OUT) -var msi_path=$(AMI_MSI) \
                 $(if $(REGION),-var region=$(REGION))
# 1 when the installed Packer is 1.7 or newer (it needs required_plugins and `packer init`).
PACKER_NEW     = $(shell $(PACKER) version 2>/dev/null | sed -nE 's/^Packer v([0-9]+)\.([0-9]+).*/\1 \2/p' | \
                   awk '{ print ($$1 > 1 || $$2 >= 7) ? 1 : 0 }')

.PHONY: ami ami-all ami-prepare ami-plugins ami-validate ami-pin ami-publish bundle

ami-plugins:                     ## required_plugins for Packer >= 1.7, none for Debian's 1.6.6
	@if [ "$(PACKER_NEW)" = 1 ]; then cp ami/plugins.pkr.hcl.in ami/plugins.pkr.hcl && $(PACKER) init ami/; \
	 else rm -f ami/plugins.pkr.hcl; fi

ami-prepare: ami-plugins         # what every build needs once: pins, the MSI
	@ami/pins.sh check $(ECSB_VERSION) ami/versions.pkrvars.hcl $(AMI_OVERRIDES)
	@[ -n "$(REGION)" ] || { echo "ami: set REGION=... (or AWS_REGION)" >&2; exit 2; }
	+@$(MAKE) --no-print-directory msi
	@mkdir -p $(AMI_OUT)

ami: ami-prepare                 ## one AMI: make ami VARIANT=2022-core REGION=eu-west-1
	@[ -n "$(VARIANT)" ] || { echo "ami: set VARIANT= one of $(AMI_VARIANTS)" >&2; exit 2; }
	$(PACKER) build -var variant=$(VARIANT) $(AMI_PACKER_ARGS) ami/

# Each variant is its own Packer process driving its own EC2 builder: the work scales out
# on AWS; this machine only waits. Logs: build/ami/<variant>.log.
ami-all: ami-prepare             ## every variant in parallel (AMI_JOBS at once)
	+@$(MAKE) --no-print-directory -j$(AMI_JOBS) $(addprefix ami-build-,$(AMI_VARIANTS))
ami-build-%:
	@echo "ami: $* building (log: $(AMI_OUT)/$*.log)"
	@if $(PACKER) build -color=false -var variant=$* $(AMI_PACKER_ARGS) ami/ >$(AMI_OUT)/$*.log 2>&1; \
	 then echo "ami: $* done ($(AMI_OUT)/$*.json)"; \
	 else echo "ami: $* FAILED, last lines of $(AMI_OUT)/$*.log:"; tail -n 20 $(AMI_OUT)/$*.log; exit 1; fi

# Offline: no AWS call (dummy keys, IMDS off), every variant with the pinned versions.
ami-validate: ami-plugins        ## packer validate every variant, offline
	@pass=0; fail=0; for v in $(AMI_VARIANTS); do \
	  if out=$$(AWS_ACCESS_KEY_ID=validate-only AWS_SECRET_ACCESS_KEY=validate-only AWS_EC2_METADATA_DISABLED=true \
	            $(PACKER) validate -var variant=$$v $(AMI_VARFILES) ami/ 2>&1); \
	  then pass=$$((pass + 1)); echo "ok   ami-validate $$v"; \
	  else fail=$$((fail + 1)); echo "FAIL ami-validate $$v"; echo "$$out"; fi; \
	done; echo "ami-validate: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

ami-pin:                         ## download each pinned artifact once and write its SHA-256
	@ami/pins.sh pin ami/versions.pkrvars.hcl

# generate prints the value each manifest yields (kept beside it); publish writes it and
# each field as a sub-parameter under AMI_SSM_ROOT in every region the AMI was copied to.
ami-publish: all                 ## publish build/ami/<VARIANT or every>.json to SSM under AMI_SSM_ROOT
	@set -e; for m in $(if $(VARIANT),$(AMI_OUT)/$(VARIANT).json,$(wildcard $(AMI_OUT)/*.json)); do \
	  [ -f "$$m" ] || { echo "ami-publish: no manifest $$m; run make ami first" >&2; exit 2; }; \
	  $(AMI_METADATA) generate --manifest "$$m" >"$${m%.json}.value"; \
	  echo "ami-publish: $$m -> $$(cat "$${m%.json}.value")"; \
	  $(AMI_METADATA) publish --root $(AMI_SSM_ROOT) --manifest "$$m" $(AMI_PUBLISH_FLAGS); \
	done

bundle: windows                  ## build/ecs-bootstrap-<version>-windows-amd64.zip with SHA256SUMS
	@scripts/bundle.sh build/windows $(AMI_MSI) build/ecs-bootstrap-$(ECSB_VERSION)-windows-amd64.zip
