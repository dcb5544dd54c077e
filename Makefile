# Kisum: the two commands a newcomer needs are `make run` and `make test`.
# The logic lives in deploy/local/ and deploy/scripts/; these targets only call it.

# Build configuration of the local run: debug or release (`make up CONFIG=release`).
CONFIG ?= debug
export KISUM_BUILD_CONFIG := $(CONFIG)

# Build configuration of the executables in the container image (`make image IMAGE_CONFIG=debug`).
IMAGE_CONFIG ?= release
export KISUM_IMAGE_CONFIG := $(IMAGE_CONFIG)

# Extra arguments for `swift test` (e.g. `make test TEST_ARGS="--filter DeployTests"`).
TEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run up down status image up-containers down-containers mail smoke fuzz sweep drill bench bench-finance bench-base test build migrate deps clean-data

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-11s %s\n", $$1, $$2 }'

run: ## run the whole platform in the foreground (database, five services, gateway on :8080); Ctrl-C stops all
	@deploy/local/platform.sh run

up: ## the same in the background; returns once every service is ready
	@deploy/local/platform.sh up

down: ## stop everything `make up` started
	@deploy/local/platform.sh down

status: ## what is running locally
	@deploy/local/platform.sh status

mail: ## the local e-mail outbox with its activation/invitation links (TO=address filters)
	@deploy/local/platform.sh mail $(TO)

smoke: ## check a running platform through the gateway (health, contracts, /internal/ blocked)
	@deploy/local/smoke.sh

fuzz: ## schemathesis against every running service's contract (seed and counts: deploy/local/fuzz.sh)
	@deploy/local/fuzz.sh

sweep: ## cross-tenant sweep on a running platform: company B tries company A's ids everywhere (deploy/local/sweep.py)
	@deploy/local/sweep.sh

drill: ## kill a running service as a crash would and check it is restarted and reported (SVC=venue)
	@deploy/local/restart-drill.sh $(SVC)

bench: ## release build, then wrk/pgbench on the request path; writes bench/results.md and the README table
	@deploy/local/bench.sh

bench-finance: ## deposit → Finance linked latency and Finance list throughput on a running platform (figures: Finance NOTES)
	@deploy/local/bench-finance.sh

bench-base: ## artist search over 100,000 seeded artists on a running platform (figures: Base NOTES)
	@deploy/local/bench-base.sh

test: ## install what is missing, build, and run every test
	@deploy/scripts/test.sh $(TEST_ARGS)

build: ## build the five executables (CONFIG=debug|release)
	@deploy/scripts/install-deps.sh
	@deploy/scripts/build.sh

migrate: ## create the local databases if missing and apply every service's migrations
	@deploy/local/platform.sh migrate

deps: ## install the Debian packages the build, tests and local run need (only those missing)
	@deploy/scripts/install-deps.sh

image: ## container images without a registry (podman; base debootstrapped from the Debian mirror): kisum:local …
	@deploy/scripts/install-deps.sh --containers
	@deploy/containers/image.sh

up-containers: ## the platform as containers (podman-compose, deploy/compose.yaml); only the gateway published, on KISUM_CONTAINERS_PORT (8080)
	@deploy/scripts/install-deps.sh --containers
	@deploy/containers/compose.sh up

down-containers: ## stop and remove the containers of up-containers (the database volume stays)
	@deploy/containers/compose.sh down

clean-data: ## stop everything and delete .data/ (local database, logs, generated secrets)
	@deploy/local/platform.sh down
	rm -rf .data
