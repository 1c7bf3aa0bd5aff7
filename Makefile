# miroir: a highly available, sharded cluster in front of Meilisearch nodes.
GO        ?= go
BIN       := bin
PKGS      := ./...
GOFLAGS_T ?= -race -count=1 -timeout 20m

.PHONY: build run test unit fuzz lint bench conformance chaos clean

build:
	$(GO) build -o $(BIN)/miroir ./cmd/miroir
	$(GO) build -o $(BIN)/miroirctl ./cmd/miroirctl

## run: a local cluster (3 peers + 3 engine nodes) on loopback, data under ./data/dev
run: build
	$(BIN)/miroir dev --data-dir ./data/dev

## test: everything CI guards: lint, race-enabled tests, short fuzz runs
test: lint unit fuzz

unit:
	$(GO) test $(GOFLAGS_T) $(PKGS)

# Each fuzz target runs briefly; the corpus that found bugs lives in testdata/fuzz.
FUZZTIME ?= 10s
fuzz:
	@set -e; for spec in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r grep -H -o '^func Fuzz[A-Za-z0-9_]*' | sed 's/:func /:/'); do \
		file=$${spec%%:*}; name=$${spec##*:}; dir=$$(dirname $$file); \
		echo "fuzz $$dir $$name"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$dir; \
	done

lint:
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 -timeout 30m $(PKGS)

clean:
	rm -rf $(BIN) data/dev
