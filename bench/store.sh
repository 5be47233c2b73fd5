#!/usr/bin/env bash
# bench/run store — 50 series × 7 days of 15-s samples: ingest through the store vs raw binary COPY,
# bytes per sample (PostgreSQL, SQLite, Prometheus's TSDB filled by promtool's OpenMetrics backfill),
# and range-query latency through our query API vs Prometheus's, over HTTP, on the same samples.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${X0_BENCH_ROUNDS:-100}"

export X0_STACK_DIR; X0_STACK_DIR="$(mktemp -d /tmp/x0tta6bl4-bench.XXXXXX)"
export X0_PG_PORT=55452 X0_REDIS_PORT=56399 X0_PROMETHEUS_PORT=59109 X0_API_PORT=58099 X0_TRAFFIC_RPS=0
PROM_BENCH_PORT=59119
OURS_PORT=58096
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$ROOT/scripts/stack" down >/dev/null 2>&1 || true
  rm -rf "$X0_STACK_DIR"
}
trap cleanup EXIT

"$ROOT/scripts/stack" up >&2
PG="Host=127.0.0.1;Port=$X0_PG_PORT;Username=postgres;Database=bench"
psql -h 127.0.0.1 -p "$X0_PG_PORT" -U postgres -qc "CREATE DATABASE bench" >&2
dotnet build "$ROOT/bench/Benchmarks/X0tta6bl4.Ops.Benchmarks.csproj" -c Release --nologo -v q -clp:NoSummary >&2
BENCH="$ROOT/bench/Benchmarks/bin/Release/net10.0/X0tta6bl4.Ops.Benchmarks.dll"

dotnet "$BENCH" store-load "$PG" "$X0_STACK_DIR/bench.db" "$X0_STACK_DIR/bench.om" 2>"$X0_STACK_DIR/load.err" | tee "$X0_STACK_DIR/load.out"
end_ms=$(sed -n 's/^end_ms=//p' "$X0_STACK_DIR/load.err")

# Prometheus's TSDB holding the same samples, via promtool's backfill.
mkdir -p "$X0_STACK_DIR/promdata"
promtool tsdb create-blocks-from openmetrics "$X0_STACK_DIR/bench.om" "$X0_STACK_DIR/promdata" >&2
samples=$((50 * 7 * 86400 / 15))
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
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PROM_BENCH_PORT/-/ready" >/dev/null 2>&1 && break; sleep 0.3; done

# Our query API: the published dashboard reading the same samples from the PostgreSQL store.
dotnet publish "$ROOT/src/Dashboard/X0tta6bl4.Ops.Dashboard.csproj" -c Release -o "$X0_STACK_DIR/dashboard" --nologo -v q >&2
hash=$(echo "bench-password" | dotnet "$X0_STACK_DIR/dashboard/X0tta6bl4.Ops.Dashboard.dll" hash-password 2>/dev/null | tail -1)
(cd "$X0_STACK_DIR/dashboard" && Auth__Users__0__Name=bench Auth__Users__0__PasswordHash="$hash" Auth__Users__0__Role=viewer ASPNETCORE_URLS="http://127.0.0.1:$OURS_PORT" Store__Provider=Postgres Store__Postgres__Connection="$PG" \
  Collector__Enabled=false exec dotnet X0tta6bl4.Ops.Dashboard.dll) >"$X0_STACK_DIR/dashboard.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$OURS_PORT/health" >/dev/null 2>&1 && break; sleep 0.3; done

dotnet "$BENCH" store-query "http://127.0.0.1:$OURS_PORT" "http://127.0.0.1:$PROM_BENCH_PORT" "$end_ms" "$ROUNDS"
