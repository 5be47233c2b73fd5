#!/usr/bin/env bash
# bench/run report — the 30-day baseline report over 7 days of 15-s data shaped like the stack's series, built by
# a dashboard over that SQLite store (no collector), against the same store read through the query API in the same run.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROUNDS="${X0_BENCH_ROUNDS:-5}"
PORT=5098

export X0_STACK_DIR; X0_STACK_DIR="$(mktemp -d /tmp/x0tta6bl4-bench.XXXXXX)"
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$X0_STACK_DIR"' EXIT
"$ROOT/scripts/install-deps" bench >&2
BENCH=$(bench_dll)
dotnet "$BENCH" report-data "$X0_STACK_DIR/metrics.db"
start_dashboard "$PORT" viewer Store__Sqlite__Path="$X0_STACK_DIR/metrics.db" Collector__Enabled=false
dotnet "$BENCH" report "http://127.0.0.1:$PORT/" "$ROUNDS"
