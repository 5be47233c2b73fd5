#!/usr/bin/env bash
# bench/run remote-write — samples/s taken in through remote write (snappy + protobuf decode, regrouping into scrapes, the held-scrape
# log, the scrape derivation, the write buffer and its spool, the PostgreSQL store) vs the direct scrape's path for the same
# series (text parse, the same derivation, buffer, spool and store), in the same run, each into a database of its own
# on the bench stack's PostgreSQL. bench/Benchmarks/RemoteWriteBenchmark.cs says what is measured and how.
# X0_BENCH_TARGETS (50) targets of 2,000 series, X0_BENCH_ROUNDS (6) timed scrapes of each.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TARGETS="${X0_BENCH_TARGETS:-50}"
ROUNDS="${X0_BENCH_ROUNDS:-6}"

bench_stack
export X0_TRAFFIC_RPS=0
"$ROOT/scripts/stack" up >&2
BENCH=$(bench_dll)
for db in bench_rw_push bench_rw_scrape; do
  psql -h 127.0.0.1 -p "$X0_PG_PORT" -U postgres -qc "CREATE DATABASE $db" >&2
done
PG="Host=127.0.0.1;Port=$X0_PG_PORT;Username=postgres;Database="
dotnet "$BENCH" remote-write "${PG}bench_rw_push" "${PG}bench_rw_scrape" "$X0_STACK_DIR/rw-spool" "$TARGETS" "$ROUNDS"

# The same pushes over HTTP to the published dashboard (receiver, collector and store in one process, a database of its own).
psql -h 127.0.0.1 -p "$X0_PG_PORT" -U postgres -qc "CREATE DATABASE bench_rw_http" >&2
OURS_PORT=$((58095 + BENCH_PORT_OFFSET))
start_dashboard "$OURS_PORT" viewer Store__Provider=Postgres Store__Postgres__Connection="${PG}bench_rw_http" \
  RemoteWrite__Enabled=true Sources__Scrape__Enabled=false Sources__Prometheus__Url= Sources__Postgres__Connection= Sources__Redis__Endpoint=
dotnet "$BENCH" remote-write-http "http://127.0.0.1:$OURS_PORT/" "$TARGETS" "$ROUNDS"
