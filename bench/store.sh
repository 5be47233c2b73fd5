#!/usr/bin/env bash
# bench/run store — two data sets of 50 series × 7 days of 15-s samples (realistic shapes, and uniform random
# doubles as the worst case; bench/Benchmarks/StoreBenchData.cs says how they are made): ingest through the store
# vs raw binary COPY, bytes per sample (PostgreSQL, SQLite, and Prometheus's TSDB filled by promtool's OpenMetrics
# backfill and compacted by Prometheus itself, counting only the blocks), and range-query latency through our
# query API vs Prometheus's, over HTTP, on the realistic samples.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROUNDS="${X0_BENCH_ROUNDS:-100}"

bench_stack
export X0_TRAFFIC_RPS=0
PROM_BENCH_PORT=$((59119 + BENCH_PORT_OFFSET))
OURS_PORT=$((58096 + BENCH_PORT_OFFSET))

"$ROOT/scripts/stack" up >&2
BENCH=$(bench_dll)

# Starts Prometheus on a backfilled TSDB folder and waits until its own compaction has merged the 2-h blocks
# promtool writes (its compactor first runs a minute after start, then every minute): the block count has not
# changed for 30 s. Leaves it running (its PID last in pids); prints nothing.
prometheus_compacted() { # dir port
  local dir=$1 port=$2
  printf 'global:\n  scrape_interval: 1h\n' >"$X0_STACK_DIR/bench-prom.yml"
  prometheus --config.file="$X0_STACK_DIR/bench-prom.yml" --storage.tsdb.path="$dir" \
    --storage.tsdb.retention.time=60d --web.listen-address="127.0.0.1:$port" >"$dir.log" 2>&1 &
  pids+=($!)
  wait_url "http://127.0.0.1:$port/-/ready" 60
  local blocks last=-1 stable=0 waited=0
  while [ "$waited" -lt 600 ]; do
    sleep 5; waited=$((waited + 5))
    # Folders come and go while Prometheus compacts: a vanished one is not an error.
    blocks=$(find "$dir" -mindepth 2 -maxdepth 2 -name meta.json 2>/dev/null | wc -l || true)
    if [ "$blocks" = "$last" ]; then stable=$((stable + 5)); else stable=0; last=$blocks; fi
    [ "$waited" -ge 70 ] && [ "$stable" -ge 30 ] && break
  done
  echo "bench: $dir compacted into $last blocks after ${waited} s" >&2
}

# Bytes of the TSDB's blocks only (each folder holding a meta.json), not its WAL or head chunks.
block_bytes() { # dir
  find "$1" -mindepth 2 -maxdepth 2 -name meta.json -printf '%h\n' 2>/dev/null | xargs du -sbc | tail -1 | cut -f1
}

for set in realistic random; do
  db="bench_$set"
  PG="Host=127.0.0.1;Port=$X0_PG_PORT;Username=postgres;Database=$db"
  psql -h 127.0.0.1 -p "$X0_PG_PORT" -U postgres -qc "CREATE DATABASE $db" >&2
  dotnet "$BENCH" store-load "$set" "$PG" "$X0_STACK_DIR/$set.db" "$X0_STACK_DIR/$set.om" 2>"$X0_STACK_DIR/$set-load.err" | tee "$X0_STACK_DIR/$set-load.out"
  [ "$set" = realistic ] && end_ms=$(sed -n 's/^end_ms=//p' "$X0_STACK_DIR/$set-load.err")

  # Prometheus's TSDB holding the same samples: promtool's backfill, then Prometheus's compaction.
  mkdir -p "$X0_STACK_DIR/prom-$set"
  promtool tsdb create-blocks-from openmetrics "$X0_STACK_DIR/$set.om" "$X0_STACK_DIR/prom-$set" >/dev/null
  prometheus_compacted "$X0_STACK_DIR/prom-$set" "$PROM_BENCH_PORT"
  prefix=""; [ "$set" = realistic ] || prefix="${set}_"
  samples=$(sed -n "s/^${prefix}samples: //p" "$X0_STACK_DIR/$set-load.out")
  prom_bytes=$(block_bytes "$X0_STACK_DIR/prom-$set")
  # Our stores' bytes per sample against Prometheus's, as ratios.
  awk -v b="$prom_bytes" -v n="$samples" -v p="$prefix" -F': ' '
    BEGIN { printf "%sprometheus_tsdb_bytes_per_sample: %.2f\n", p, b / n }
    $1 == p "postgres_bytes_per_sample_raw_tier" { printf "%spostgres_raw_tier_vs_prometheus_bytes_ratio: %.2f\n", p, $2 / (b / n) }
    $1 == p "postgres_bytes_per_sample_with_rollups" { printf "%spostgres_with_rollups_vs_prometheus_bytes_ratio: %.2f\n", p, $2 / (b / n) }
    $1 == p "sqlite_bytes_per_sample_raw_tier" { printf "%ssqlite_raw_tier_vs_prometheus_bytes_ratio: %.2f\n", p, $2 / (b / n) }
    $1 == p "sqlite_bytes_per_sample_with_rollups" { printf "%ssqlite_with_rollups_vs_prometheus_bytes_ratio: %.2f\n", p, $2 / (b / n) }' "$X0_STACK_DIR/$set-load.out"
  # The realistic set's Prometheus stays up for the queries; the worst case's goes.
  if [ "$set" != realistic ]; then kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; PROM_BENCH_PORT=$((PROM_BENCH_PORT + 1)); fi
  [ "$set" = realistic ] && PROM_QUERY_PORT=$PROM_BENCH_PORT && PROM_BENCH_PORT=$((PROM_BENCH_PORT + 1))
done

# Our query API: the published dashboard reading the realistic samples from the PostgreSQL store.
start_dashboard "$OURS_PORT" viewer Store__Provider=Postgres \
  Store__Postgres__Connection="Host=127.0.0.1;Port=$X0_PG_PORT;Username=postgres;Database=bench_realistic" Collector__Enabled=false

dotnet "$BENCH" store-query "http://127.0.0.1:$OURS_PORT" "http://127.0.0.1:$PROM_QUERY_PORT" "$end_ms" "$ROUNDS"
