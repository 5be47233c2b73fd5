# Sourced by the bench scripts: a stack of their own (ports apart from the developer's and the tests'),
# one clean-up for everything they started, the benchmark program, and the published dashboard.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pids=()

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "${X0_STACK_DIR:-}" ] && { "$ROOT/scripts/stack" down >/dev/null 2>&1 || true; rm -rf "$X0_STACK_DIR"; }
}

# Exports the stack's folder and ports (a caller adds X0_TRAFFIC_RPS, X0_SCRAPE_INTERVAL … before `scripts/stack up`).
bench_stack() {
  export X0_STACK_DIR; X0_STACK_DIR="$(mktemp -d /tmp/x0tta6bl4-bench.XXXXXX)"
  # X0_BENCH_PORT_OFFSET moves every bench port, so two benchmarks can run side by side.
  BENCH_PORT_OFFSET="${X0_BENCH_PORT_OFFSET:-0}"
  export X0_PG_PORT=$((55452 + BENCH_PORT_OFFSET)) X0_REDIS_PORT=$((56399 + BENCH_PORT_OFFSET)) X0_PROMETHEUS_PORT=$((59109 + BENCH_PORT_OFFSET)) X0_API_PORT=$((58099 + BENCH_PORT_OFFSET)) \
    X0_PG_STANDBY_PORT=$((55456 + BENCH_PORT_OFFSET)) X0_NODE_EXPORTER_PORT=$((59113 + BENCH_PORT_OFFSET)) \
    X0_ALERTMANAGER_PORT=$((59114 + BENCH_PORT_OFFSET))
  # No streaming standby: replaying the benchmarks' bulk loads would compete with what they measure.
  export X0_PG_STANDBY=0
  trap bench_cleanup EXIT
}

# Builds the benchmark program once and prints the path of its dll.
bench_dll() {
  dotnet build "$ROOT/bench/Benchmarks/X0tta6bl4.Ops.Benchmarks.csproj" -c Release --nologo -v q -clp:NoSummary >&2
  echo "$ROOT/bench/Benchmarks/bin/Release/net10.0/X0tta6bl4.Ops.Benchmarks.dll"
}

# Waits until URL answers, up to SECONDS; says so and fails when it does not.
wait_url() { # url seconds
  for _ in $(seq $(($2 * 5))); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "bench: $1 did not answer in $2 s (logs in $X0_STACK_DIR)" >&2
  return 1
}

# Publishes the dashboard (once) and starts it on PORT with one user, "bench" / "bench-password", of ROLE,
# and the configuration given as KEY=VALUE arguments; waits for /health.
start_dashboard() { # port role [KEY=VALUE …]
  local port=$1 role=$2; shift 2
  [ -f "$X0_STACK_DIR/dashboard/X0tta6bl4.Ops.Dashboard.dll" ] ||
    dotnet publish "$ROOT/src/Dashboard/X0tta6bl4.Ops.Dashboard.csproj" -c Release -o "$X0_STACK_DIR/dashboard" --nologo -v q >&2
  local hash; hash=$(echo "bench-password" | dotnet "$X0_STACK_DIR/dashboard/X0tta6bl4.Ops.Dashboard.dll" hash-password 2>/dev/null | tail -1)
  (cd "$X0_STACK_DIR/dashboard" && exec env Auth__Users__0__Name=bench Auth__Users__0__PasswordHash="$hash" Auth__Users__0__Role="$role" \
    ASPNETCORE_URLS="http://127.0.0.1:$port" "$@" dotnet X0tta6bl4.Ops.Dashboard.dll) >"$X0_STACK_DIR/dashboard.log" 2>&1 &
  pids+=($!)
  wait_url "http://127.0.0.1:$port/health" 60
}

# Stops what start_dashboard and start_collector started (the stack stays up).
stop_started() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; done
  pids=()
}

# Publishes the standalone collector (once) and starts it with the configuration given as KEY=VALUE arguments.
start_collector() { # [KEY=VALUE …]
  [ -f "$X0_STACK_DIR/collector/X0tta6bl4.Ops.Collector.dll" ] ||
    dotnet publish "$ROOT/src/Collector/X0tta6bl4.Ops.Collector.csproj" -c Release -o "$X0_STACK_DIR/collector" --nologo -v q >&2
  (cd "$X0_STACK_DIR/collector" && exec env "$@" dotnet X0tta6bl4.Ops.Collector.dll) >"$X0_STACK_DIR/collector.log" 2>&1 &
  pids+=($!)
}
