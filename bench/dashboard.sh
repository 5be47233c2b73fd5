#!/usr/bin/env bash
# bench/run dashboard — the published dashboard against a stack of its own (with traffic), driven by
# headless Chromium: cold loads of the Overview, then X0_BENCH_PAGES (50) live pages for
# X0_BENCH_SECONDS (120) s.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAGES="${X0_BENCH_PAGES:-50}"
SECONDS_LIVE="${X0_BENCH_SECONDS:-120}"

export X0_STACK_DIR; X0_STACK_DIR="$(mktemp -d /tmp/x0tta6bl4-bench.XXXXXX)"
export X0_PG_PORT=55452 X0_REDIS_PORT=56399 X0_PROMETHEUS_PORT=59109 X0_API_PORT=58099 X0_DASHBOARD_PORT=58097 X0_TRAFFIC_RPS=20 X0_SCRAPE_INTERVAL=5s
dashboard_pid=""
cleanup() {
  [ -n "$dashboard_pid" ] && kill "$dashboard_pid" 2>/dev/null || true
  "$ROOT/scripts/stack" down >/dev/null 2>&1 || true
  rm -rf "$X0_STACK_DIR"
}
trap cleanup EXIT

"$ROOT/scripts/install-deps" test >&2
"$ROOT/scripts/stack" up >&2
# shellcheck disable=SC1091
source "$X0_STACK_DIR/stack.env"
dotnet publish "$ROOT/src/Dashboard/X0tta6bl4.Ops.Dashboard.csproj" -c Release -o "$X0_STACK_DIR/dashboard" --nologo -v q >&2
dotnet build "$ROOT/bench/Benchmarks/X0tta6bl4.Ops.Benchmarks.csproj" -c Release --nologo -v q -clp:NoSummary >&2

# One operator for the browser to sign in as.
hash=$(echo "bench-password" | dotnet "$X0_STACK_DIR/dashboard/X0tta6bl4.Ops.Dashboard.dll" hash-password 2>/dev/null | tail -1)
(cd "$X0_STACK_DIR/dashboard" && \
  Auth__Users__0__Name=bench Auth__Users__0__PasswordHash="$hash" Auth__Users__0__Role=operator \
  ASPNETCORE_URLS="http://127.0.0.1:$X0_DASHBOARD_PORT" Store__Sqlite__Path="$X0_STACK_DIR/metrics.db" \
  Sources__Scrape__Targets__0__Name=api Sources__Scrape__Targets__0__Url="$X0_API_URL/metrics" \
  Sources__Prometheus__Url="$X0_PROMETHEUS_URL" Sources__Postgres__Connection="$X0_PG_CONNECTION" \
  Sources__Redis__Endpoint="$X0_REDIS_CONNECTION" \
  exec dotnet X0tta6bl4.Ops.Dashboard.dll) >"$X0_STACK_DIR/dashboard.log" 2>&1 &
dashboard_pid=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$X0_DASHBOARD_PORT/health" >/dev/null 2>&1 && break; sleep 0.3; done
sleep 35 # two polls of every source, so the Overview has figures and a chart

dotnet "$ROOT/bench/Benchmarks/bin/Release/net10.0/X0tta6bl4.Ops.Benchmarks.dll" dashboard "http://127.0.0.1:$X0_DASHBOARD_PORT" "$PAGES" "$SECONDS_LIVE"
