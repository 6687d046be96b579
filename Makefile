# Kedai: see README.md. `make run` to try it, `make test` for everything CI runs, `make bench` for
# the performance figures.

GO        ?= go
TAGS      := migrated_fynedo
GOFLAGS   := -trimpath -tags $(TAGS)
BIN       := ./kedai
DEMO_DB   ?= $(CURDIR)/.cache/demo.db
DEMO_N    ?= 5000

# Debian packages: building the window (cgo + OpenGL + X11/Wayland headers, ALSA for sound), and the real tools
# the tests use (Xvfb and xdotool for the window, ImageMagick for screenshots, CUPS with a PDF
# queue, poppler and zbar to read back documents and barcodes).
BUILD_DEBS := gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev libasound2-dev
TEST_DEBS  := xvfb xauth libgl1-mesa-dri xdotool imagemagick x11-utils fonts-dejavu-core \
              cups printer-driver-cups-pdf poppler-utils zbar-tools gnome-keyring dbus dbus-x11

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build run test test-go test-window test-keychain bench deps deps-test package clean

all: build

# Installs only what is missing, so a ready machine pays nothing.
deps:
	@missing=$$(for p in $(BUILD_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

deps-test: deps
	@missing=$$(for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(GO) build $(GOFLAGS) -o $(BIN) ./cmd/kedai

# First start creates a demo workspace to explore; later starts reopen it as you left it.
run: build
	@mkdir -p $(dir $(DEMO_DB))
	@[ -s $(DEMO_DB) ] || $(BIN) demo --db $(DEMO_DB) --orders $(DEMO_N)
	LANG=$${LANG:-en_US.UTF-8} $(BIN) --db $(DEMO_DB)

# Everything CI runs: vet, every package's tests with the race detector, and the real window
# under Xvfb.
test: deps-test test-go test-keychain test-window

test-go:
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -race -tags $(TAGS) -count=1 ./...

# The OS keychain for real: gnome-keyring's Secret Service in a private D-Bus session and home.
test-keychain:
	@gocache=$$($(GO) env GOCACHE); gomod=$$($(GO) env GOMODCACHE); home=$$(mktemp -d); \
	HOME=$$home GOCACHE=$$gocache GOMODCACHE=$$gomod dbus-run-session -- bash -c \
	'mkdir -p $$HOME/.local/share/keyrings && eval $$(printf kedai-test | gnome-keyring-daemon --daemonize --unlock --components=secrets) && \
	 $(GO) test -tags keychain -count=1 -run Keychain ./sync/vault'; rc=$$?; rm -rf $$home; exit $$rc

test-window: build
	$(GO) test -tags $(TAGS),xvfb -count=1 -v -run Window ./cmd/kedai

# Performance figures against their targets, each beside its floor measured in the same run.
bench: deps-test build
	$(GO) run $(GOFLAGS) ./cmd/kedai-bench --kedai $(BIN)

# A release package for this OS in dist/ (see README.md for Windows and macOS). The packager reads
# FyneApp.toml from the main package's folder, so the top-level one is placed there while it runs.
package: deps
	@mkdir -p dist
	cp FyneApp.toml cmd/kedai/FyneApp.toml
	cd cmd/kedai && $(GO) tool fyne package --release --tags $(TAGS) --icon ../../assets/icon.png; \
		rc=$$?; rm -f FyneApp.toml; [ $$rc = 0 ] || exit $$rc; mv -f Kedai.tar.xz Kedai.exe Kedai.app ../../dist/ 2>/dev/null; true
	@ls -la dist

clean:
	rm -f $(BIN)
	rm -rf .cache
