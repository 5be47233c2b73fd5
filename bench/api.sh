#!/usr/bin/env bash
# bench/run api — wrk against the Api with PostgreSQL and Redis, beside a trivial Kestrel endpoint
# (the ceiling) in the same run. Starts a stack of its own on ports apart from the developer's.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DURATION="${X0_BENCH_SECONDS:-15}"
CONNECTIONS="${X0_BENCH_CONNECTIONS:-32}"

bench_stack
export X0_TRAFFIC_RPS=0
CEILING_PORT=58098

"$ROOT/scripts/install-deps" bench >&2
"$ROOT/scripts/stack" up >&2
BENCH=$(bench_dll)
dotnet "$BENCH" kestrel "$CEILING_PORT" &
pids+=($!)
wait_url "http://127.0.0.1:$CEILING_PORT/" 10

API="http://127.0.0.1:$X0_API_PORT"
mesh=$(curl -fsS -XPOST "$API/api/v1/meshes" -H 'content-type: application/json' -d '{"name":"bench","region":"local"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
node=""
for i in $(seq 20); do
  node=$(curl -fsS -XPOST "$API/api/v1/meshes/$mesh/nodes" -H 'content-type: application/json' -d "{\"name\":\"n$i\",\"address\":\"10.0.0.$i\"}" | sed -E 's/.*"id":"([^"]+)".*/\1/')
done

# wrk prints "Requests/sec: N" and, with --latency, "50% 1.23ms" … "99% 4.56ms" (us, ms or s).
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v } else { sub(/s$/,"",v); print v*1000 } }'; }
run() { # name url
  local out; out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$2")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
  p99=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  echo "$1_req_per_s: $rps"
  echo "$1_p50_ms: $p50"
  echo "$1_p99_ms: $p99"
  [ -n "$errors" ] && echo "$1_errors: $(tr '\n' ' ' <<<"$errors")"
  eval "$1_rps=$rps"
}

# Warm the caches and the JIT.
curl -fsS "$API/api/v1/meshes/$mesh/topology" >/dev/null; curl -fsS "$API/api/v1/nodes/$node/health" >/dev/null
run ceiling "http://127.0.0.1:$CEILING_PORT/"
run cached_get "$API/api/v1/nodes/$node/health"
run cached_topology_get "$API/api/v1/meshes/$mesh/topology"
run postgres_get "$API/api/v1/nodes/$node"
awk -v a="$cached_get_rps" -v c="$ceiling_rps" 'BEGIN { printf "cached_get_vs_ceiling_ratio: %.3f\n", a/c }'
awk -v a="$postgres_get_rps" -v c="$ceiling_rps" 'BEGIN { printf "postgres_get_vs_ceiling_ratio: %.3f\n", a/c }'
echo "connections: $CONNECTIONS"
echo "seconds_per_run: $DURATION"
