#!/usr/bin/env bash
# bench/run alerts — detection to delivery against what users run today, and the cost of re-sending 1,000 alerts.
# The same fault (Redis stopped) is caught by our source-down rule and by a Prometheus rule `redis_up == 0` on Debian's
# redis_exporter, with the same poll/scrape interval (5 s), evaluation interval (5 s) and `for` (30 s); both go
# through one Alertmanager (Debian's) to one webhook (the benchmark's). Time from the stop to each firing payload,
# median of X0_BENCH_ROUNDS (5) faults; then the dashboard's CPU with 1,000 firing alerts re-sent every 10 s against
# its CPU with none. bench/Benchmarks/AlertsBenchmark.cs says what is measured and how.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROUNDS="${X0_BENCH_ROUNDS:-5}"
"$ROOT/scripts/install-deps" bench >&2

export X0_STACK_DIR; X0_STACK_DIR="$(mktemp -d /tmp/x0tta6bl4-bench-alerts.XXXXXX)"
OFF="${X0_BENCH_PORT_OFFSET:-0}"
REDIS_PORT=$((56420 + OFF)) EXPORTER_PORT=$((59121 + OFF)) PROM_PORT=$((59122 + OFF)) AM_PORT=$((59123 + OFF))
WEBHOOK_PORT=$((59124 + OFF)) DASH_PORT=$((58096 + OFF))
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$X0_STACK_DIR/redis.pid" ] && kill "$(cat "$X0_STACK_DIR/redis.pid")" 2>/dev/null || true
  rm -rf "$X0_STACK_DIR"
}
trap cleanup EXIT

mkdir -p "$X0_STACK_DIR/redis" "$X0_STACK_DIR/prometheus" "$X0_STACK_DIR/alertmanager"
REDIS_START="redis-server --port $REDIS_PORT --bind 127.0.0.1 --dir $X0_STACK_DIR/redis --daemonize yes --pidfile $X0_STACK_DIR/redis.pid --save '' --appendonly no"
eval "$REDIS_START"

prometheus-redis-exporter --redis.addr="redis://127.0.0.1:$REDIS_PORT" --web.listen-address="127.0.0.1:$EXPORTER_PORT" >"$X0_STACK_DIR/exporter.log" 2>&1 &
pids+=($!)

cat >"$X0_STACK_DIR/alertmanager.yml" <<YML
route:
  receiver: bench
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: bench
    webhook_configs:
      - url: http://127.0.0.1:$WEBHOOK_PORT/
        send_resolved: true
YML
prometheus-alertmanager --config.file="$X0_STACK_DIR/alertmanager.yml" --storage.path="$X0_STACK_DIR/alertmanager" \
  --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= >"$X0_STACK_DIR/alertmanager.log" 2>&1 &
pids+=($!)

cat >"$X0_STACK_DIR/rules.yml" <<YML
groups:
  - name: bench
    interval: 5s
    rules:
      - alert: RedisDown
        expr: redis_up == 0
        for: 30s
        labels: {severity: critical}
YML
cat >"$X0_STACK_DIR/prometheus.yml" <<YML
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: [$X0_STACK_DIR/rules.yml]
alerting:
  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:$AM_PORT']}]}]
scrape_configs:
  - job_name: redis
    static_configs: [{targets: ['127.0.0.1:$EXPORTER_PORT']}]
YML
prometheus --config.file="$X0_STACK_DIR/prometheus.yml" --storage.tsdb.path="$X0_STACK_DIR/prometheus" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$X0_STACK_DIR/prometheus.log" 2>&1 &
pids+=($!)
wait_url "http://127.0.0.1:$PROM_PORT/-/ready" 60
wait_url "http://127.0.0.1:$AM_PORT/-/ready" 60

BENCH=$(bench_dll)
STORE="$X0_STACK_DIR/metrics.db"
start_dashboard "$DASH_PORT" viewer Store__Sqlite__Path="$STORE" \
  Sources__Scrape__Enabled=false Sources__Prometheus__Url= Sources__Postgres__Connection= \
  Sources__Redis__Endpoint="127.0.0.1:$REDIS_PORT" Sources__Redis__IntervalSeconds=5 Sources__Redis__TimeoutSeconds=2 \
  Alerts__IntervalSeconds=5 Alerts__Rules__source-down__ForSeconds=30 Alerts__ResendSeconds=10 \
  Alerts__Alertmanagers__0__Url="http://127.0.0.1:$AM_PORT"
DASH_PID="${pids[-1]}"
X0_BENCH_REDIS_START="$REDIS_START" dotnet "$BENCH" alerts "$WEBHOOK_PORT" "$REDIS_PORT" "http://127.0.0.1:$PROM_PORT" "http://127.0.0.1:$AM_PORT" \
  "$STORE" "$DASH_PID" "$ROUNDS"
