#!/usr/bin/env bash
# bench/run store — 50 series × 7 days of 15-s samples: ingest through the store vs raw binary COPY,
# bytes per sample (PostgreSQL, SQLite, Prometheus's TSDB filled by promtool's OpenMetrics backfill),
# and range-query latency through our query API vs Prometheus's, over HTTP, on the same samples.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROUNDS="${X0_BENCH_ROUNDS:-100}"

bench_stack
export X0_TRAFFIC_RPS=0
PROM_BENCH_PORT=59119
OURS_PORT=58096

"$ROOT/scripts/stack" up >&2
PG="Host=127.0.0.1;Port=$X0_PG_PORT;Username=postgres;Database=bench"
psql -h 127.0.0.1 -p "$X0_PG_PORT" -U postgres -qc "CREATE DATABASE bench" >&2
BENCH=$(bench_dll)

dotnet "$BENCH" store-load "$PG" "$X0_STACK_DIR/bench.db" "$X0_STACK_DIR/bench.om" 2>"$X0_STACK_DIR/load.err" | tee "$X0_STACK_DIR/load.out"
end_ms=$(sed -n 's/^end_ms=//p' "$X0_STACK_DIR/load.err")

# Prometheus's TSDB holding the same samples, via promtool's backfill.
mkdir -p "$X0_STACK_DIR/promdata"
promtool tsdb create-blocks-from openmetrics "$X0_STACK_DIR/bench.om" "$X0_STACK_DIR/promdata" >&2
samples=$(sed -n 's/^samples: //p' "$X0_STACK_DIR/load.out")
prom_bytes=$(du -sb "$X0_STACK_DIR/promdata" | cut -f1)
awk -v b="$prom_bytes" -v n="$samples" 'BEGIN { printf "prometheus_tsdb_bytes_per_sample: %.2f\n", b/n }'
# Our stores' bytes per sample against Prometheus's, as ratios.
awk -v b="$prom_bytes" -v n="$samples" -F': ' '
  $1 == "postgres_bytes_per_sample_with_rollups" { printf "postgres_vs_prometheus_bytes_ratio: %.1f\n", $2 / (b / n) }
  $1 == "sqlite_bytes_per_sample_with_rollups" { printf "sqlite_vs_prometheus_bytes_ratio: %.1f\n", $2 / (b / n) }' "$X0_STACK_DIR/load.out"

printf 'global:\n  scrape_interval: 1h\n' >"$X0_STACK_DIR/bench-prom.yml"
prometheus --config.file="$X0_STACK_DIR/bench-prom.yml" --storage.tsdb.path="$X0_STACK_DIR/promdata" \
  --storage.tsdb.retention.time=60d --web.listen-address="127.0.0.1:$PROM_BENCH_PORT" >"$X0_STACK_DIR/bench-prom.log" 2>&1 &
pids+=($!)
wait_url "http://127.0.0.1:$PROM_BENCH_PORT/-/ready" 30

# Our query API: the published dashboard reading the same samples from the PostgreSQL store.
start_dashboard "$OURS_PORT" viewer Store__Provider=Postgres Store__Postgres__Connection="$PG" Collector__Enabled=false

dotnet "$BENCH" store-query "http://127.0.0.1:$OURS_PORT" "http://127.0.0.1:$PROM_BENCH_PORT" "$end_ms" "$ROUNDS"
