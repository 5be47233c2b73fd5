#!/usr/bin/env bash
# bench/run dashboard — the published dashboard against a stack of its own (with traffic), driven by
# headless Chromium: cold loads of the Overview, then X0_BENCH_PAGES (50) live pages for
# X0_BENCH_SECONDS (120) s.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PAGES="${X0_BENCH_PAGES:-50}"
SECONDS_LIVE="${X0_BENCH_SECONDS:-120}"

bench_stack
export X0_DASHBOARD_PORT=58097 X0_TRAFFIC_RPS=20 X0_SCRAPE_INTERVAL=5s

"$ROOT/scripts/install-deps" bench >&2
"$ROOT/scripts/stack" up >&2
# shellcheck disable=SC1091
source "$X0_STACK_DIR/stack.env"
BENCH=$(bench_dll)

# One operator for the browser to sign in as.
start_dashboard "$X0_DASHBOARD_PORT" operator Store__Sqlite__Path="$X0_STACK_DIR/metrics.db" \
  Sources__Scrape__Targets__0__Name=api Sources__Scrape__Targets__0__Url="$X0_API_URL/metrics" \
  Sources__Prometheus__Url="$X0_PROMETHEUS_URL" Sources__Postgres__Connection="$X0_PG_CONNECTION" \
  Sources__Redis__Endpoint="$X0_REDIS_CONNECTION"
sleep 35 # two polls of every source, so the Overview has figures and a chart

dotnet "$BENCH" dashboard "http://127.0.0.1:$X0_DASHBOARD_PORT" "$PAGES" "$SECONDS_LIVE"
