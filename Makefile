# MetaChat — the two commands are `make dev` and `make test`.
# Each installs what a fresh machine lacks (npm packages, Debian packages, the
# Go-built servers) before doing its job.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.metachat-installed
IMAGE ?= ghcr.io/metachat/metachat:$(shell node -p 'require("./package.json").version')
IMAGE_ARCHIVE ?= .build/metachat-image.oci.tar

.PHONY: help deps servers model build image dev test check test-unit test-int bench clean-cache

help:
	@echo "make dev        bring up the platform locally (Ctrl-C stops it)"
	@echo "make test       type-check, lint, format check, unit and integration tests"
	@echo "make bench      benchmarks with baselines, side by side"
	@echo "make model      train the mood model (seeded) into models/mood/artifacts and print its evaluation"
	@echo "make build      compile services and operator to dist/ (what an image ships)"
	@echo "make image      build the Dockerfile without a daemon (buildah) into $(IMAGE_ARCHIVE)"
	@echo "make servers    build the Go-built test servers into the cache (idempotent)"

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(NPM_STAMP)
	@e2e/testenv/install-system-deps.sh

servers: deps
	@e2e/testenv/build-servers.sh all >/dev/null

# exec: the platform's own process is make's child, so a signal sent to it
# (or Ctrl-C, or SIGTERM to make, which make passes on) stops everything.
dev: servers
	@exec node --import tsx e2e/testenv/dev.ts

check: deps
	npm run --silent typecheck
	npm run --silent lint
	npm run --silent format:check

test-unit: deps
	npm run --silent test:unit

test-int: servers
	npm run --silent test:int

test: check test-unit test-int

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
