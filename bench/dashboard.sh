#!/usr/bin/env bash
# bench/run dashboard — the published dashboard against a stack of its own (with traffic), driven by
# headless Chromium: cold loads of the Overview, then X0_BENCH_PAGES (8) live pages for
# X0_BENCH_SECONDS (120) s: the server's CPU per page refresh (the slope from a quarter of the pages to all of
# them), and its memory. Few pages: 50 live
# Chromium tabs redrawing every 5 s saturate 2 cores and measure the browser, not the server. Twice: first the
# embedded shape (SQLite store, collector inside), then the production shape (a standalone collector and a dashboard
# with Collector:Enabled=false on one PostgreSQL store); the second run's figures are prefixed "postgres_topology_".
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PAGES="${X0_BENCH_PAGES:-8}"
SECONDS_LIVE="${X0_BENCH_SECONDS:-120}"

bench_stack
export X0_DASHBOARD_PORT=58097 X0_TRAFFIC_RPS=20 X0_SCRAPE_INTERVAL=5s

"$ROOT/scripts/install-deps" bench >&2
"$ROOT/scripts/stack" up >&2
# shellcheck disable=SC1091
source "$X0_STACK_DIR/stack.env"
BENCH=$(bench_dll)
SOURCES=(Sources__Scrape__Targets__0__Name=api Sources__Scrape__Targets__0__Url="$X0_API_URL/metrics"
  Sources__Prometheus__Url="$X0_PROMETHEUS_URL" Sources__Postgres__Connection="$X0_PG_CONNECTION"
  Sources__Redis__Endpoint="$X0_REDIS_CONNECTION")

# 1. Embedded: one operator for the browser to sign in as.
start_dashboard "$X0_DASHBOARD_PORT" operator Store__Sqlite__Path="$X0_STACK_DIR/metrics.db" "${SOURCES[@]}"
sleep 35 # two polls of every source, so the Overview has figures and a chart
dotnet "$BENCH" dashboard "http://127.0.0.1:$X0_DASHBOARD_PORT" "$PAGES" "$SECONDS_LIVE"
stop_started

# 2. Production shape: the store in a database of its own on the stack's PostgreSQL.
psql "host=127.0.0.1 port=$X0_PG_PORT user=postgres dbname=postgres" -qc "CREATE DATABASE x0_bench_store" >/dev/null
STORE="${X0_PG_CONNECTION/Database=x0tta6bl4/Database=x0_bench_store}"
start_collector Store__Provider=Postgres Store__Postgres__Connection="$STORE" "${SOURCES[@]}"
start_dashboard "$X0_DASHBOARD_PORT" operator Store__Provider=Postgres Store__Postgres__Connection="$STORE" Collector__Enabled=false
sleep 35
dotnet "$BENCH" dashboard "http://127.0.0.1:$X0_DASHBOARD_PORT" "$PAGES" "$SECONDS_LIVE" | sed 's/^/postgres_topology_/'
