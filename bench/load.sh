#!/usr/bin/env bash
# bench/run load — our load generator (src/Load) against the Api's cached GET, beside wrk in the same run:
#  (a) throughput with 32 connections, closed model, vs wrk -t2 -c32 (goal ≥ 0.7×);
#  (b) rate accuracy: constant arrival rate 1,000 req/s for 30 s (achieved/planned ≥ 0.995, dropped 0, lag p99);
#  (c) memory: 5 minutes at 2,000 req/s, working set sampled every 10 s, last minute vs first (≤ 1.1×).
# X0_BENCH_SECONDS (15) per throughput run, X0_BENCH_MEMORY_SECONDS (300) for (c).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DURATION="${X0_BENCH_SECONDS:-15}"
MEMORY_SECONDS="${X0_BENCH_MEMORY_SECONDS:-300}"
CONNECTIONS=32

bench_stack
# Ports of its own, apart from bench_stack's, so it can run while another benchmark holds those.
export X0_PG_PORT=55482 X0_REDIS_PORT=56429 X0_PROMETHEUS_PORT=59139 X0_API_PORT=58129
export X0_TRAFFIC_RPS=0
"$ROOT/scripts/install-deps" bench >&2
"$ROOT/scripts/stack" up >&2
dotnet build "$ROOT/src/Load/X0tta6bl4.Ops.Load.csproj" -c Release --nologo -v q -clp:NoSummary >&2
LOAD="$ROOT/src/Load/bin/Release/net10.0/X0tta6bl4.Ops.Load.dll"
API="http://127.0.0.1:$X0_API_PORT"
mesh=$(curl -fsS -XPOST "$API/api/v1/meshes" -H 'content-type: application/json' -d '{"name":"bench-load","region":"local"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
node=$(curl -fsS -XPOST "$API/api/v1/meshes/$mesh/nodes" -H 'content-type: application/json' -d '{"name":"n1","address":"127.0.0.1"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
TARGET="api/v1/nodes/$node/health"
curl -fsS "$API/$TARGET" >/dev/null

plan() { # name scenario-json → a plan file with the one cached GET
  cat >"$X0_STACK_DIR/$1.json" <<JSON
{ "name": "$1", "baseUrl": "$API", "connections": $CONNECTIONS, "maxRequests": 5000000, "maxDurationSeconds": 900,
  "requests": [ { "name": "cached-get", "path": "$TARGET" } ], "scenarios": [ $2 ] }
JSON
  echo "$X0_STACK_DIR/$1.json"
}
# The summary's lines: "requests    N (R/s), errors E (…), dropped D" and "gen. lag    p99 X ms, max Y ms".
field() { awk -v key="$1" -v n="$2" '$1 == key { v = $n; gsub(/[(),\/s]/, "", v); print v; exit }'; }

# (a) Throughput: wrk and ours take turns twice; the better run of each counts (a neighbour's burst hurts one turn).
closed=$(plan closed "{ \"name\": \"max\", \"executor\": \"ramping-vus\", \"startVus\": $CONNECTIONS, \"stages\": [ { \"durationSeconds\": $DURATION, \"target\": $CONNECTIONS } ] }")
dotnet "$LOAD" run "$closed" >/dev/null 2>&1 # warm-up: JIT, connections, caches
wrk_best=0; ours_best=0
for _ in 1 2; do
  wrk_rps=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "$API/$TARGET" | awk '/Requests\/sec/ {print $2}')
  ours_rps=$(dotnet "$LOAD" run "$closed" 2>/dev/null | field requests 3)
  wrk_best=$(awk -v a="$wrk_best" -v b="$wrk_rps" 'BEGIN { print (b > a ? b : a) }')
  ours_best=$(awk -v a="$ours_best" -v b="$ours_rps" 'BEGIN { print (b > a ? b : a) }')
done
echo "wrk_req_per_s: $wrk_best"
echo "load_req_per_s: $ours_best"
awk -v a="$ours_best" -v b="$wrk_best" 'BEGIN { printf "load_vs_wrk_throughput_ratio: %.3f\n", a/b }'

# (b) Rate accuracy.
rate=$(plan rate '{ "name": "rate", "executor": "constant-arrival-rate", "rate": 1000, "durationSeconds": 30, "maxInFlight": 200 }')
out=$(dotnet "$LOAD" run "$rate" 2>/dev/null)
total=$(field requests 2 <<<"$out")
echo "rate_planned_requests: 30000"
awk -v a="$total" 'BEGIN { printf "rate_achieved_vs_planned_ratio: %.4f\n", a/30000 }'
echo "rate_dropped: $(field requests 9 <<<"$out")"
echo "rate_generator_lag_p99_ms: $(awk '$1 == "gen." { print $4; exit }' <<<"$out")"

# (c) Memory: the generator's resident set every 10 s over the run; mean of the last minute over the first.
memory=$(plan memory "{ \"name\": \"soak\", \"executor\": \"constant-arrival-rate\", \"rate\": 2000, \"durationSeconds\": $MEMORY_SECONDS, \"maxInFlight\": 400 }")
dotnet "$LOAD" run "$memory" >"$X0_STACK_DIR/memory.out" 2>/dev/null &
soak=$!
pids+=("$soak")
samples=()
while kill -0 "$soak" 2>/dev/null; do
  sleep 10
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$soak/status" 2>/dev/null || true)
  [ -n "$rss" ] && samples+=("$rss")
done
wait "$soak" || true
n=${#samples[@]}
first=$(printf '%s\n' "${samples[@]:0:6}" | awk '{ s += $1 } END { printf "%.1f", s / NR / 1024 }')
last=$(printf '%s\n' "${samples[@]:$((n > 7 ? n - 7 : 0)):6}" | awk '{ s += $1 } END { printf "%.1f", s / NR / 1024 }')
echo "memory_samples: $n"
echo "memory_first_minute_mb: $first"
echo "memory_last_minute_mb: $last"
awk -v a="$last" -v b="$first" 'BEGIN { printf "memory_last_vs_first_ratio: %.3f\n", a/b }'
echo "memory_run_requests: $(field requests 2 <"$X0_STACK_DIR/memory.out"), dropped $(field requests 9 <"$X0_STACK_DIR/memory.out")"
echo "connections: $CONNECTIONS"
echo "seconds_per_throughput_run: $DURATION"
