# MetaChat — the two commands are `make dev` and `make test`.
# Each installs what a fresh machine lacks (npm packages, Debian packages, the
# Go-built servers) before doing its job.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.metachat-installed
IMAGE ?= ghcr.io/metachat/metachat:$(shell node -p 'require("./package.json").version')
IMAGE_ARCHIVE ?= .build/metachat-image.oci.tar
# The web app is its own npm package (web/), so its dependencies never meet the root's.
WEB_NPM_STAMP := web/node_modules/.metachat-installed
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json services/sdk/index.ts
WEB_BUILD := web/dist/index.html

.PHONY: help deps servers model build image web dev test check test-unit test-web test-int fuzz bench clean-cache

help:
	@echo "make dev        bring up the platform locally (Ctrl-C stops it)"
	@echo "make test       type-check, lint, format check, unit and integration tests"
	@echo "make fuzz       the fuzz suite at length (METACHAT_FUZZ_RUNS cases per operation, default 10000)"
	@echo "make bench      benchmarks with baselines, side by side"
	@echo "make model      train the mood model (seeded) into models/mood/artifacts and print its evaluation"
	@echo "make build      compile services and operator to dist/ (what an image ships)"
	@echo "make image      build the Dockerfile without a daemon (buildah) into $(IMAGE_ARCHIVE)"
	@echo "make web        build the web app into web/dist (the gateway serves it at /)"
	@echo "make servers    build the Go-built test servers into the cache (idempotent)"

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_NPM_STAMP): web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(NPM_STAMP) $(WEB_NPM_STAMP)
	@e2e/testenv/install-system-deps.sh

servers: deps
	@e2e/testenv/build-servers.sh all >/dev/null

$(WEB_BUILD): $(WEB_NPM_STAMP) $(WEB_SOURCES)
	npm run --silent --prefix web build

web: deps $(WEB_BUILD)

# exec: the platform's own process is make's child, so a signal sent to it
# (or Ctrl-C, or SIGTERM to make, which make passes on) stops everything.
dev: servers web
	@exec node --import tsx e2e/testenv/dev.ts

check: deps
	npm run --silent typecheck
	npm run --silent lint
	npm run --silent format:check

test-unit: deps
	npm run --silent test:unit

test-web: deps
	npm test --silent --prefix web

# The browser journey (e2e/web) drives the built app.
test-int: servers web
	npm run --silent test:int

test: check test-unit test-web test-int

# The fuzz suite of `make test`, with many cases per operation and per frame type.
fuzz: servers
	METACHAT_TEST_SERVERS=nats,mongo,redis METACHAT_FUZZ_RUNS=$${METACHAT_FUZZ_RUNS:-10000} npx mocha --config .mocharc.int.json e2e/fuzz/api.fuzz.int.test.ts

model: deps
	npm run --silent model

build: deps
	npm run --silent build

image: deps
	@e2e/image/build-image.sh $(IMAGE_ARCHIVE) $(IMAGE)

bench: servers build
	npx tsx bench/actors.bench.ts
	npx tsx bench/chat.bench.ts
	npx tsx bench/social.bench.ts
	npx tsx bench/operator.bench.ts
	npx tsx bench/mood.bench.ts
	node --max-old-space-size=4096 --import tsx bench/matching.bench.ts

clean-cache:
	rm -rf "$${METACHAT_CACHE_DIR:-$$HOME/.cache/metachat}"
