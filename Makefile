# Fieldnotes — two commands set everything up on a fresh Debian 12 machine:
#   make run    install what is missing, build, seed demo data once, open the app
#   make test   install what is missing, then run every test
# Everything else here is a step of those two. Install steps check first
# (dpkg -s, command -v, file stamps) so a second run is quick.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

GOBIN := $(shell go env GOPATH)/bin
export PATH := $(GOBIN):$(PATH)
WAILS_VERSION := $(shell go list -m -f '{{.Version}}' github.com/wailsapp/wails/v2)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
XVFB := xvfb-run -a -s "-screen 0 1280x1024x24"

# Build (gtk/webkit; nsis's makensis for the Windows installer), the virtual display, the browser for e2e, window
# screenshots, and what other packages' tests need (IMAP server, keyring,
# PostgreSQL for the hub's second store: tests start their own clusters).
APT_PKGS := build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.0-dev \
	xvfb xauth chromium imagemagick xdotool \
	dovecot-imapd isync gnome-keyring dbus-x11 postgresql \
	lintian nsis

DATA ?= $(HOME)/.config/fieldnotes
APP := build/bin/fieldnotes
DEV_APP := build/bin/fieldnotes-dev
HUB := build/bin/fieldhub
# The release version (git describe, scripts/version.sh), compiled into both
# binaries: `fieldnotes version`, `fieldhub version`, the packages' names.
# Computed once by the top make and exported, so the steps it runs as
# sub-makes (make test, make package) all stamp the same version.
ifndef VERSION
VERSION := $(shell scripts/version.sh)
endif
export VERSION
# UPDATE_PUBLIC_KEY: the release key's public half (fieldhub release keygen
# prints it as public_key_base64), compiled in so the app accepts updates
# signed with it (app/update); empty: only /etc/fieldnotes/update-key.pub.
UPDATE_PUBLIC_KEY ?=
APP_LDFLAGS := -X fieldnotes/app/cli.Version=$(VERSION)$(if $(UPDATE_PUBLIC_KEY), -X fieldnotes/app/update.PublicKey=$(UPDATE_PUBLIC_KEY))
HUB_LDFLAGS := -X main.Version=$(VERSION)
DIST := build/dist

.PHONY: help run test deps apt wails-cli golangci-lint npm build dev-build hub-build frontend \
	bindings-fresh vet lint gotest unit check e2e native-smoke screenshot bench clean \
	package dist package-test windows

help:
	@echo "make run    install what is missing, build, start a local hub with demo data, open Fieldnotes (ROLE=product for the PM's view)"
	@echo "make test   install what is missing and run every test (Go -race, vitest, svelte-check, e2e, native smoke)"
	@echo "make package   .deb and .tar.gz of the app and the hub, the Windows .exe and installer, into build/dist/ (version from git)"
	@echo "make screenshot   PNGs of the main screens into build/screenshots/"

# ---------------------------------------------------------------- set-up

deps: apt wails-cli golangci-lint npm

apt:
	@if dpkg -s $(APT_PKGS) >/dev/null 2>&1; then echo "apt: all packages present"; else \
	  echo "apt: installing $(APT_PKGS)"; \
	  created=; if [ ! -e /usr/sbin/policy-rc.d ]; then \
	    printf '#!/bin/sh\n# keep services (dovecot) from starting during install\nexit 101\n' | $(SUDO) tee /usr/sbin/policy-rc.d >/dev/null; \
	    $(SUDO) chmod +x /usr/sbin/policy-rc.d; created=1; fi; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PKGS) >/dev/null; \
	  if [ -n "$$created" ]; then $(SUDO) rm -f /usr/sbin/policy-rc.d; fi; \
	fi

# The CLI must equal the wails module version: `wails build` rewrites the
# committed runtime files from its own copy (wails-recipe.md §1.2).
wails-cli:
	@if [ "$$(command -v wails >/dev/null && wails version 2>/dev/null | head -n1)" = "$(WAILS_VERSION)" ]; then \
	  echo "wails: $(WAILS_VERSION) present"; else \
	  echo "wails: installing $(WAILS_VERSION)"; \
	  go install "github.com/wailsapp/wails/v2/cmd/wails@$(WAILS_VERSION)"; fi

# golangci-lint at a pinned version, built from source through the Go proxy
# once (about 6 CPU-minutes; then cached in GOBIN), checked like the wails CLI.
GOLANGCI_LINT_VERSION := 2.15.0
golangci-lint:
	@if [ "$$(command -v golangci-lint >/dev/null && golangci-lint version --short 2>/dev/null)" = "$(GOLANGCI_LINT_VERSION)" ]; then \
	  echo "golangci-lint: $(GOLANGCI_LINT_VERSION) present"; else \
	  echo "golangci-lint: installing $(GOLANGCI_LINT_VERSION)"; \
	  go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$(GOLANGCI_LINT_VERSION)"; fi

npm: frontend/node_modules/.package-lock.json e2e/node_modules/.package-lock.json

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

e2e/node_modules/.package-lock.json: e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund --loglevel=error

# ---------------------------------------------------------------- build

# wails build: bindings, npm run build (frontend/dist), go build -tags desktop,production.
build: deps
	wails build -m -nocolour -o fieldnotes -ldflags "$(APP_LDFLAGS)"
	@find frontend/wailsjs -type f -exec chmod 0644 {} +
	@touch frontend/dist/.gitkeep

hub-build:
	go build -ldflags "$(HUB_LDFLAGS)" -o $(HUB) ./sync/cmd/fieldhub

dev-build: npm
	go build -tags dev -o $(DEV_APP) .

frontend: npm
	cd frontend && npm run build

# ---------------------------------------------------------------- bench

# make bench (not part of make test): whole processes against their floors
# in the same run — first sync from a real fieldhub, mail sync from a real
# Dovecot vs mbsync, durable save vs one fsynced commit, store scale —
# one table, also written to build/bench.md (docs/benchmarks.md).
# BENCH_FLAGS="-records 100000,1000000" adds the 1M notebook.
BENCH_APP := build/bin/fieldnotes-bench
bench: apt hub-build
	go build -o $(BENCH_APP) .
	go build -o build/bin/bench ./scripts/bench
	build/bin/bench -app $(BENCH_APP) -hub $(HUB) $(BENCH_FLAGS)

# ---------------------------------------------------------------- run

# A local hub with the demo data, and the notebook pointed at it (ROLE=product
# opens the product manager's notebook instead of the field rep's).
run:
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No display here. Use:  xvfb-run make run   (or run it from a desktop session)"; exit 1; fi
	@$(MAKE) build hub-build
	scripts/run-with-hub.sh $(APP) $(HUB) "$(DATA)"

# ---------------------------------------------------------------- test

# Every suite runs even when an earlier one fails, so one run shows all
# failures; the target fails at the end if any did.
TEST_STEPS := bindings-fresh vet lint gotest unit check dev-build e2e native-smoke package-test

test: build
	@start=$$(date +%s); failed=; \
	for step in $(TEST_STEPS); do \
	  echo "=== $$step ($$(date +%T))"; \
	  $(MAKE) $$step || failed="$$failed $$step"; \
	done; \
	echo "make test: $$(( $$(date +%s) - start ))s after the build"; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo "make test: all passed"

# The committed bindings should match the Go code (file modes ignored). The
# build regenerates them anyway, so a stale copy only warns: several people
# add bound methods, and the app that is tested is built from fresh ones.
bindings-fresh:
	@if git -c core.fileMode=false diff --quiet -- frontend/wailsjs; then echo "bindings: committed copy is fresh"; else \
	  echo "bindings: the committed frontend/wailsjs differs from the Go code; run 'wails generate module' and commit:"; \
	  git -c core.fileMode=false diff --stat -- frontend/wailsjs; exit 1; fi

vet:
	go vet ./...

# errcheck, staticcheck, depguard (arch_test.go's import rules) and revive
# (exported comments), configured in .golangci.yml.
lint: golangci-lint
	golangci-lint run ./...

gotest:
	FIELDNOTES_REQUIRE_PG=1 FIELDNOTES_REQUIRE_DOVECOT=1 go test -race -count=1 ./...

unit: npm
	cd frontend && npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json
	@node scripts/summary.mjs vitest frontend/test-results/vitest.json

check: npm
	cd frontend && npm run check

e2e: npm
	@test -x $(DEV_APP) || $(MAKE) dev-build
	cd e2e && rm -rf test-results && mkdir -p test-results
	cd e2e && $(XVFB) npx playwright test; status=$$?; \
	  node ../scripts/summary.mjs e2e test-results/results.json; \
	  if [ -f test-results/metrics.ndjson ]; then cat test-results/metrics.ndjson; fi; exit $$status

# The second part: a second launch with an invite link hands it to the
# running window (Wails' single-instance lock is a D-Bus name on Linux).
native-smoke:
	$(XVFB) scripts/native-smoke.sh $(APP)
	dbus-run-session -- $(XVFB) scripts/handoff-smoke.sh $(APP) 2> >(grep -v '^dbus-daemon' >&2)

# ---------------------------------------------------------------- package

# The .debs and tarballs of the app and the hub (build/package/doc.go). The
# hub is stripped and linked against glibc like any Debian binary (lintian
# refuses a static one). File times are the commit's, so one commit gives
# the same packages.
package: build
	@$(MAKE) dist

# dist packages the app already built (make test has just built it).
dist:
	@test -x $(APP) || $(MAKE) build
	go build -trimpath -ldflags "-s -w $(HUB_LDFLAGS)" -o $(HUB) ./sync/cmd/fieldhub
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) go run ./build/package --version $(VERSION) \
	  --app $(APP) --hub $(HUB) --out $(DIST)
	@$(MAKE) windows
	@ls -l $(DIST)

# The Windows app and its NSIS installer, cross-compiled here: Wails' Windows
# backend (WebView2) is pure Go, so no cgo and no Windows SDK. They cannot
# run here; package-test checks they are PE files. The frontend is the one
# `make build` built (-s), the bindings too (-skipbindings).
WIN_DIST := $(DIST)/fieldnotes_$(VERSION)_windows_amd64
windows: npm
	@test -f frontend/dist/index.html || $(MAKE) frontend
	wails build -platform windows/amd64 -nsis -m -s -skipbindings -nocolour -o fieldnotes.exe -ldflags "$(APP_LDFLAGS)"
	@mkdir -p $(DIST)
	cp build/bin/fieldnotes.exe $(WIN_DIST).exe
	cp build/bin/fieldnotes-amd64-installer.exe $(WIN_DIST)_setup.exe

# Installs the packages into a scratch root and checks them (scripts/package-test.sh).
package-test: dist
	$(XVFB) scripts/package-test.sh $(DIST) $(VERSION)

screenshot: build
	$(XVFB) scripts/screenshot.sh $(APP) build/screenshots

clean:
	rm -rf build/bin $(DIST) frontend/test-results e2e/test-results
