#!/usr/bin/env bash
# bench/run query-load — X0_BENCH_CLIENTS (32) concurrent clients of the dashboard's typical query_range (24 h at
# 1 min over 50 series) for X0_BENCH_SECONDS (60) s against our query API on the PostgreSQL store, then against
# Prometheus holding the same samples, each alone (bench/run store's realistic set: 7 days of 15-s data, backfilled with promtool): throughput,
# p99 and errors of each as ratios; and the Targets page's cold load in Chromium, idle and during our run.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SECONDS_LOAD="${X0_BENCH_SECONDS:-60}"
CLIENTS="${X0_BENCH_CLIENTS:-32}"

bench_stack
# Ports of this benchmark's own, apart from bench/run store's (which may run beside it).
# X0_BENCH_PORT_OFFSET moves them as it moves the others.
export X0_PG_PORT=$((55453 + BENCH_PORT_OFFSET)) X0_REDIS_PORT=$((56398 + BENCH_PORT_OFFSET)) X0_PROMETHEUS_PORT=$((59108 + BENCH_PORT_OFFSET)) X0_API_PORT=$((58098 + BENCH_PORT_OFFSET))
export X0_TRAFFIC_RPS=0
PROM_BENCH_PORT=$((59107 + BENCH_PORT_OFFSET))
OURS_PORT=$((58094 + BENCH_PORT_OFFSET))

"$ROOT/scripts/install-deps" bench >&2
"$ROOT/scripts/stack" up >&2
PG="Host=127.0.0.1;Port=$X0_PG_PORT;Username=postgres;Database=bench"
psql -h 127.0.0.1 -p "$X0_PG_PORT" -U postgres -qc "CREATE DATABASE bench" >&2
BENCH=$(bench_dll)

# The same samples as bench/run store (its ingest figures are not this benchmark's: kept in the log).
dotnet "$BENCH" store-load realistic "$PG" "$X0_STACK_DIR/bench.db" "$X0_STACK_DIR/bench.om" >"$X0_STACK_DIR/load.out" 2>"$X0_STACK_DIR/load.err"
end_ms=$(sed -n 's/^end_ms=//p' "$X0_STACK_DIR/load.err")
mkdir -p "$X0_STACK_DIR/promdata"
promtool tsdb create-blocks-from openmetrics "$X0_STACK_DIR/bench.om" "$X0_STACK_DIR/promdata" >&2
printf 'global:\n  scrape_interval: 1h\n' >"$X0_STACK_DIR/bench-prom.yml"
prometheus --config.file="$X0_STACK_DIR/bench-prom.yml" --storage.tsdb.path="$X0_STACK_DIR/promdata" \
  --storage.tsdb.retention.time=60d --web.listen-address="127.0.0.1:$PROM_BENCH_PORT" >"$X0_STACK_DIR/bench-prom.log" 2>&1 &
pids+=($!)
wait_url "http://127.0.0.1:$PROM_BENCH_PORT/-/ready" 30

start_dashboard "$OURS_PORT" viewer Store__Provider=Postgres Store__Postgres__Connection="$PG" Collector__Enabled=false
dotnet "$BENCH" query-load "http://127.0.0.1:$OURS_PORT" "http://127.0.0.1:$PROM_BENCH_PORT" "$end_ms" "$SECONDS_LOAD" "$CLIENTS"
