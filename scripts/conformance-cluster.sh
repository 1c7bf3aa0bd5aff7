#!/usr/bin/env bash
# conformance-cluster.sh: run the meilisearch-go v0.37.0 integration suite
# against one peer of a 3-peer, 3-node miroir cluster on loopback and print
# passed/failed/skipped counts (scripts/conformance.sh does the same against
# one engine node; compare the two, see docs/compatibility-cluster.md).
#
#   scripts/conformance-cluster.sh                    # whole suite, `miroir dev`
#   RUN='TestIndex_Search$' scripts/conformance-cluster.sh   # a subset (go test -run)
#   SKIP='Chat|Network' scripts/conformance-cluster.sh       # go test -skip
#   TIMEOUT=30m KEEP=1 scripts/conformance-cluster.sh        # keep the logs and data dir
#   MODE=serve scripts/conformance-cluster.sh         # 3 `miroir serve` + 3 `miroir node`
#   NODE_OUT=/tmp/out-node scripts/conformance-cluster.sh   # also list the tests that pass
#                                                     # there (scripts/conformance.sh's OUT) and fail here
#
# MODE=dev (default) starts `miroir dev` (3 peers, 3 engine nodes, RF 2, one
# process) with master key "masterKey", the key the suite hard-codes.
# MODE=serve starts the same topology as separate processes, the peers with
# --master-key masterKey (the key the suite hard-codes), and registers the
# nodes through the admin API: it measures the proxy with auth on.
#
# Every server runs in its own process group; the EXIT trap kills the groups.
# Per-test results go to $OUT (default: a temp dir) as go test -json.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=v0.37.0
TIMEOUT=${TIMEOUT:-30m}
RUN=${RUN:-}
SKIP=${SKIP:-}
MODE=${MODE:-dev}
WORK=$(mktemp -d -t miroir-conformance-cluster.XXXXXX)
OUT=${OUT:-$WORK}
mkdir -p "$OUT"
PIDS=()
ADMIN_KEY=conformance-admin-key-0123456789

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do
		for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [[ -z "${KEEP:-}" ]]; then rm -rf "$WORK/data"; fi
}
trap cleanup EXIT

# spawn LOG CMD...: start CMD in its own process group (setsid), append its pid.
spawn() {
	local log=$1
	shift
	setsid "$@" >"$log" 2>&1 &
	PIDS+=("$!")
}

# freeport: a loopback TCP port nothing listens on (random in 20000-59999).
freeport() {
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
	echo "no free port" >&2
	return 1
}

# wait_ok URL [AUTH]: poll until URL answers 200 (60 s).
wait_ok() {
	for _ in $(seq 1 600); do
		if curl -fsS -o /dev/null ${2:+-H "Authorization: Bearer $2"} "$1" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "timeout waiting for $1" >&2
	return 1
}

alive() {
	local pid
	for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done
}

start_dev() {
	spawn "$OUT/cluster.log" "$WORK/miroir" dev --data-dir "$WORK/data" --admin-key "$ADMIN_KEY" \
		--master-key masterKey --log-level warn
	for _ in $(seq 1 1200); do
		grep -q '^SDK URL:' "$OUT/cluster.log" 2>/dev/null && break
		alive || { echo "miroir dev exited:"; cat "$OUT/cluster.log"; exit 1; }
		sleep 0.1
	done
	ADDR=$(sed -n 's|^SDK URL: *http://\([^ ]*\).*|\1|p' "$OUT/cluster.log")
	[[ -n "$ADDR" ]] || { echo "miroir dev did not print its SDK URL:"; cat "$OUT/cluster.log"; exit 1; }
}

start_serve() {
	local nodekey=conformance-node-key gossip1="" i h r g args
	for i in 1 2 3; do
		h=$(freeport)
		spawn "$OUT/node$i.log" "$WORK/miroir" node --http-addr "127.0.0.1:$h" \
			--data-dir "$WORK/data/node$i" --master-key "$nodekey" --log-level warn
		NODES+=("127.0.0.1:$h")
	done
	for i in 1 2 3; do
		h=$(freeport) r=$(freeport) g=$(freeport)
		args=(serve --id "peer$i" --data-dir "$WORK/data/peer$i" --http-addr "127.0.0.1:$h"
			--raft-addr "127.0.0.1:$r" --gossip-addr "127.0.0.1:$g" --bootstrap-expect 3
			--admin-key "$ADMIN_KEY" --cluster-key conformance-cluster-key
			--master-key masterKey --node-key "$nodekey" --log-level warn --log-format text)
		[[ -n "$gossip1" ]] && args+=(--join "$gossip1")
		[[ -z "$gossip1" ]] && gossip1="127.0.0.1:$g" ADDR="127.0.0.1:$h"
		spawn "$OUT/peer$i.log" "$WORK/miroir" "${args[@]}"
	done
	for i in 0 1 2; do wait_ok "http://${NODES[$i]}/health"; done
	wait_ok "http://$ADDR/_miroir/ready"
	for i in 0 1 2; do
		curl -fsS -o /dev/null -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' \
			-d "{\"id\":\"node$((i + 1))\",\"address\":\"http://${NODES[$i]}\",\"replicaGroup\":\"0\"}" \
			"http://$ADDR/_miroir/nodes"
	done
}

cd "$ROOT"
go mod download "github.com/meilisearch/meilisearch-go@$VERSION"
SUITE="$(go env GOMODCACHE)/github.com/meilisearch/meilisearch-go@$VERSION"
go build -o "$WORK/miroir" ./cmd/miroir

ADDR=
NODES=()
case "$MODE" in
dev) start_dev ;;
serve) start_serve ;;
*) echo "MODE must be dev or serve" >&2; exit 2 ;;
esac
wait_ok "http://$ADDR/health"
wait_ok "http://$ADDR/_miroir/ready"
echo "miroir $MODE cluster, suite against peer http://$ADDR (data $WORK/data, logs in $OUT)"

# A test that makes the suite's binary exit (the SDK's helpers call log.Fatal
# on an unexpected answer) hides every later test. Such a test is counted as
# failed ("crashed"), and the suite resumes with the tests that have not run.
: >"$OUT/results.json"
: >"$OUT/crashed.txt"
run_re=$RUN
for attempt in $(seq 1 20); do
	args=(-count=1 -timeout "$TIMEOUT" -json)
	[[ -n "$run_re" ]] && args+=(-run "$run_re")
	[[ -n "$SKIP" ]] && args+=(-skip "$SKIP")
	set +e
	(cd "$SUITE" && MEILISEARCH_URL="http://$ADDR" go test "${args[@]}" ./integration/) >"$OUT/results.$attempt.json"
	set -e
	cat "$OUT/results.$attempt.json" >>"$OUT/results.json"
	# Top-level tests that started but never passed, failed or skipped.
	crashed=$(jq -rs '[.[] | select(.Test!=null and (.Test|contains("/")|not))] | group_by(.Test)[]
		| select(any(.Action=="run") and (any(.Action=="pass" or .Action=="fail" or .Action=="skip")|not)) | .[0].Test' \
		"$OUT/results.$attempt.json")
	[[ -z "$crashed" ]] && break
	echo "$crashed" | tee -a "$OUT/crashed.txt" | sed 's/^/suite binary exited in /'
	jq -r 'select(.Action=="run" and (.Test|contains("/")|not)) | .Test' "$OUT/results.json" | sort -u >"$WORK/ran.txt"
	left=$(cd "$SUITE" && go test -list "${RUN:-.}" ./integration/ | grep '^Test' | sort | comm -23 - "$WORK/ran.txt" | paste -sd'|')
	[[ -z "$left" ]] && break
	run_re="^($left)\$"
done

# Top-level tests only (subtests carry a "/" in their name).
count() { jq -r "select(.Action==\"$1\" and .Test!=null and (.Test|contains(\"/\")|not)) | .Test" "$OUT/results.json" | sort -u; }
count pass >"$OUT/passed.txt"
{ count fail; cat "$OUT/crashed.txt"; } | sed '/^$/d' | sort -u >"$OUT/failed.txt"
count skip >"$OUT/skipped.txt"
P=$(wc -l <"$OUT/passed.txt"); F=$(wc -l <"$OUT/failed.txt"); S=$(wc -l <"$OUT/skipped.txt")
echo "failed tests (crashed ones marked *):"
while read -r t; do
	if grep -qx "$t" "$OUT/crashed.txt"; then echo "  $t *"; else echo "  $t"; fi
done <"$OUT/failed.txt"
echo "passed=$P failed=$F skipped=$S (of $((P + F + S)) run; details in $OUT)"

# The comparison issue 4 asks for: tests that pass on one node and fail here.
if [[ -n "${NODE_OUT:-}" && -f "$NODE_OUT/passed.txt" ]]; then
	diff=$(comm -12 "$NODE_OUT/passed.txt" "$OUT/failed.txt")
	echo "pass on the node ($NODE_OUT), fail through the cluster: $(printf '%s' "$diff" | grep -c . || true)"
	if [[ -n "$diff" ]]; then echo "$diff" | sed 's/^/  /'; fi
	extra=$(comm -12 "$NODE_OUT/failed.txt" "$OUT/passed.txt")
	if [[ -n "$extra" ]]; then
		echo "fail on the node, pass through the cluster:"
		echo "$extra" | sed 's/^/  /'
	fi
fi
