#!/usr/bin/env bash
# conformance.sh: run the meilisearch-go v0.37.0 integration suite against one
# engine node on loopback and print passed/failed/skipped counts.
#
#   scripts/conformance.sh                 # whole suite
#   RUN='TestIndex_Search$' scripts/conformance.sh   # a subset (go test -run)
#   SKIP='Chat|Network' scripts/conformance.sh       # go test -skip
#   TIMEOUT=30m KEEP=1 scripts/conformance.sh        # keep the log and data dir
#
# The node is the engine's test binary (engine/internal/testnode), started
# with master key "masterKey" (hard-coded in the suite) on a free port. The
# per-test results go to $OUT (default: a temp dir), as go test -json.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=v0.37.0
TIMEOUT=${TIMEOUT:-30m}
RUN=${RUN:-}
SKIP=${SKIP:-}
WORK=$(mktemp -d -t miroir-conformance.XXXXXX)
OUT=${OUT:-$WORK}
mkdir -p "$OUT"
NODE_PID=

cleanup() {
	if [[ -n "$NODE_PID" ]]; then
		kill "$NODE_PID" 2>/dev/null || true
		wait "$NODE_PID" 2>/dev/null || true
	fi
	if [[ -z "${KEEP:-}" ]]; then
		# Results stay in $OUT; the node binary and data go.
		if [[ "$OUT" == "$WORK" ]]; then rm -rf "$WORK/data" "$WORK/node" "$WORK/node.out"; else rm -rf "$WORK"; fi
	fi
}
trap cleanup EXIT

cd "$ROOT"
go mod download "github.com/meilisearch/meilisearch-go@$VERSION"
SUITE="$(go env GOMODCACHE)/github.com/meilisearch/meilisearch-go@$VERSION"
go build -o "$WORK/node" ./engine/internal/testnode

# Start the node on a free port and wait for its "listening on" line.
"$WORK/node" -http-addr 127.0.0.1:0 -data-dir "$WORK/data" -master-key masterKey \
	>"$WORK/node.out" 2>"$OUT/node.log" &
NODE_PID=$!
for _ in $(seq 1 100); do
	if grep -q '^listening on ' "$WORK/node.out" 2>/dev/null; then break; fi
	if ! kill -0 "$NODE_PID" 2>/dev/null; then echo "node exited:"; cat "$OUT/node.log"; exit 1; fi
	sleep 0.1
done
ADDR=$(sed -n 's/^listening on //p' "$WORK/node.out")
[[ -n "$ADDR" ]] || { echo "node did not start"; exit 1; }
echo "engine node on http://$ADDR (data $WORK/data, log $OUT/node.log)"

args=(-count=1 -timeout "$TIMEOUT" -json)
[[ -n "$RUN" ]] && args+=(-run "$RUN")
[[ -n "$SKIP" ]] && args+=(-skip "$SKIP")
set +e
(cd "$SUITE" && MEILISEARCH_URL="http://$ADDR" go test "${args[@]}" ./integration/) >"$OUT/results.json"
set -e

# Top-level tests only (subtests carry a "/" in their name).
count() { jq -r "select(.Action==\"$1\" and .Test!=null and (.Test|contains(\"/\")|not)) | .Test" "$OUT/results.json" | sort -u; }
count pass >"$OUT/passed.txt"
count fail >"$OUT/failed.txt"
count skip >"$OUT/skipped.txt"
P=$(wc -l <"$OUT/passed.txt"); F=$(wc -l <"$OUT/failed.txt"); S=$(wc -l <"$OUT/skipped.txt")
echo "failed tests:"; sed 's/^/  /' "$OUT/failed.txt"
echo "passed=$P failed=$F skipped=$S (of $((P + F + S)) run; details in $OUT)"
