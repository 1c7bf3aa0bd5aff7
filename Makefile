# miroir: a highly available, sharded cluster in front of Meilisearch nodes.
GO        ?= go
BIN       := bin
PKGS      := ./...
RACE      ?= -race

.PHONY: build run test unit fuzz lint bench conformance chaos clean

build:
	$(GO) build -o $(BIN)/miroir ./cmd/miroir
	$(GO) build -o $(BIN)/miroirctl ./cmd/miroirctl

## run: a local cluster (3 peers + 3 engine nodes) on loopback, data under ./data/dev
run: build
	$(BIN)/miroir dev --data-dir ./data/dev

## test: everything CI guards: vet and gofmt, race-enabled tests, short fuzz runs
test: lint unit fuzz

# Two phases: compile every test binary with full parallelism, then run the
# packages one at a time. Raft, gossip and multi-process tests elect leaders
# on timers; running them beside each other on a 2-core machine only tests
# the scheduler.
# Multi-process tests (cmd/miroir, chaos) run the binary built here instead of
# building their own.
unit: build
	MIROIR_BIN=$(CURDIR)/$(BIN)/miroir $(GO) test $(RACE) -count=1 -run '^$$' $(PKGS) >/dev/null
	MIROIR_BIN=$(CURDIR)/$(BIN)/miroir $(GO) test $(RACE) -count=1 -p 1 -timeout 20m $(PKGS)

# Each fuzz target runs briefly; inputs that found bugs live in testdata/fuzz.
FUZZTIME ?= 5s
fuzz:
	@set -e; for spec in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort | xargs -r grep -H -o '^func Fuzz[A-Za-z0-9_]*' | sed 's/:func /:/'); do \
		file=$${spec%%:*}; name=$${spec##*:}; dir=$$(dirname $$file); \
		echo "fuzz $$dir $$name"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$dir; \
	done

lint:
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## conformance: the stock meilisearch-go v0.37.0 integration suite against one engine node
conformance:
	scripts/conformance.sh

## chaos: every fault scenario against real processes; rewrites docs/chaos.md
chaos:
	MIROIR_CHAOS=1 MIROIR_CHAOS_REPORT=docs/chaos.md $(GO) test -count=1 -timeout 30m -v -run 'TestScenarios|TestDeleteIndexSucceeds|TestRestartedPeer' ./chaos/scenario

## bench: miroir vs a single node on the Debian corpus; prints the figures and rewrites docs/benchmarks.md (~12 min)
bench:
	$(GO) run ./cmd/miroirbench all -md docs/benchmarks.md

clean:
	rm -rf $(BIN) data/dev
