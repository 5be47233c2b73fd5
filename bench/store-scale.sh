#!/usr/bin/env bash
# bench/run store-scale — how the PostgreSQL store's cost grows with series (issue 17): the realistic set of
# bench/run store at X0_BENCH_SERIES (50,500,5000) series, each for X0_BENCH_DAYS (1) days of 15-s samples (the same
# days for every size; 5,000 series × 7 days, 200 million samples, is too long and too large for this machine),
# in a database of its own: ingest samples/s, bytes per sample with the tiers, and the p95 of 1 h at 15 s and 24 h
# at 1 min over a fixed 50 of the series; with each figure's growth factor per 10× series.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_stack
export X0_TRAFFIC_RPS=0
"$ROOT/scripts/stack" up >&2
BENCH=$(bench_dll)
dotnet "$BENCH" store-scale "Host=127.0.0.1;Port=$X0_PG_PORT;Username=postgres;Database=postgres" \
  "${X0_BENCH_SERIES:-50,500,5000}" "${X0_BENCH_DAYS:-1}" "${X0_BENCH_ROUNDS:-100}"
