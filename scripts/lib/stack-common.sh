# Shared helpers of scripts/stack.sh: settings, logging, pid files and port probes. Sourced, never run.
# shellcheck shell=bash

STACK_REPO="${STACK_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
STACK_DIR="${STACK_DIR:-$STACK_REPO/.stack}"
KAFKA_CACHE_DIR="${KAFKA_CACHE_DIR:-$STACK_REPO/.cache/kafka}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
STACK_UP_TIMEOUT="${STACK_UP_TIMEOUT:-120}"
# Relative folders are taken from where the command runs, once, before anything derives paths from them.
[[ "$STACK_DIR" = /* ]] || STACK_DIR="$PWD/$STACK_DIR"
[[ "$KAFKA_CACHE_DIR" = /* ]] || KAFKA_CACHE_DIR="$PWD/$KAFKA_CACHE_DIR"
STACK_STOP_TIMEOUT="${STACK_STOP_TIMEOUT:-30}"

KAFKA_HOME_DIR="$STACK_DIR/kafka"
KAFKA_PID_FILE="$KAFKA_HOME_DIR/kafka.pid"
KAFKA_LOGS_DIR="$KAFKA_HOME_DIR/logs"
KAFKA_DATA_DIR="$KAFKA_HOME_DIR/data"
KAFKA_PROPS="$KAFKA_HOME_DIR/server.properties"
KAFKA_LIBS_DIR="$KAFKA_CACHE_DIR/libs"
REDIS_HOME_DIR="$STACK_DIR/redis"
REDIS_PID_FILE="$REDIS_HOME_DIR/redis.pid"
REDIS_LOG_FILE="$REDIS_HOME_DIR/redis.log"
STACK_ENV_FILE="$STACK_DIR/env"

log() { printf '[stack] %s\n' "$*" >&2; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[stack] ERROR: %s\n' "$*" >&2
  exit 1
}

require_port() {
  local name="$1" value="$2"
  if [[ ! "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
    die "$name must be a TCP port, got '$value'"
  fi
}

validate_settings() {
  require_port KAFKA_PORT "$KAFKA_PORT"
  require_port KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
  require_port REDIS_PORT "$REDIS_PORT"
  [[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT are both $KAFKA_PORT"
}

# True when something accepts TCP connections on host:port (bash's /dev/tcp, so no netcat needed).
port_open() {
  local host="$1" port="$2"
  timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

# "pid/command" of whatever listens on a loopback port, for error messages; empty when unknown.
port_owner() {
  local port="$1"
  command -v ss >/dev/null 2>&1 || return 0
  # ss prints users:(("java",pid=123,fd=45)); keep "pid 123 (java)".
  ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -n 1 |
    sed -E 's/users:\(\("([^"]*)",pid=([0-9]+)/pid \2 (\1)/'
}

# Reads a pid file; prints the pid only when that process is alive AND its command line contains $2, so a
# recycled pid of an unrelated program is never taken (or killed) for ours.
live_pid() {
  local file="$1" marker="$2" pid
  [[ -s "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  printf '%s\n' "$pid"
}

# SIGTERM, wait up to $3 seconds, then SIGKILL; returns once the process is gone.
stop_pid() {
  local pid="$1" name="$2" wait_s="${3:-$STACK_STOP_TIMEOUT}" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < wait_s * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || {
      log "$name (pid $pid) stopped"
      return 0
    }
    sleep 0.1
  done
  warn "$name (pid $pid) ignored SIGTERM for ${wait_s}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  die "$name (pid $pid) survived SIGKILL"
}

print_log_tail() {
  local file
  for file in "$@"; do
    [[ -s "$file" ]] || continue
    printf '[stack] ---- last lines of %s ----\n' "$file" >&2
    tail -n 40 "$file" >&2
  done
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# apt-get install for a missing tool; no prompt (CI has no stdin), one `apt-get update` per run.
APT_UPDATED=0
apt_install() {
  is_root || die "'$*' is missing and installing it needs root: sudo apt-get install -y $*"
  command -v apt-get >/dev/null 2>&1 || die "'$*' is missing and there is no apt-get to install it"
  if ((APT_UPDATED == 0)); then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2 || die "apt-get update failed"
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null >&2 ||
    die "apt-get install $* failed"
}

ensure_kcat() {
  if command -v kcat >/dev/null 2>&1; then
    log "kcat present: $(command -v kcat)"
    return 0
  fi
  apt_install kcat
  command -v kcat >/dev/null 2>&1 || die "kcat still missing after apt-get install"
  log "kcat installed: $(command -v kcat)"
}

# The test suite starts a throwaway Redis Cluster of its own (the Cluster code path is tested, not assumed), so it
# needs the redis-server and redis-cli binaries even when the stack reuses a Redis that already answers.
ensure_redis_binaries() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    log "redis-server present: $(command -v redis-server)"
    return 0
  fi
  apt_install redis-server redis-tools
  command -v redis-server >/dev/null 2>&1 || die "redis-server still missing after apt-get install"
}

# The alert rules in deploy/prometheus are checked and unit-tested with promtool (`promtool check rules`,
# `promtool test rules`); Debian ships it in the prometheus package. The server is installed but not started as a
# daemon: apps/decision-service/src/prometheus-alerts.int-spec.ts runs its own, on a random port, for a few seconds.
ensure_promtool() {
  if command -v promtool >/dev/null 2>&1; then
    log "promtool present: $(command -v promtool)"
    return 0
  fi
  apt_install prometheus
  command -v promtool >/dev/null 2>&1 || die "promtool still missing after apt-get install prometheus"
}

# The console's browser test drives Debian's chromium through playwright-core (no browser download from a CDN).
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    log "chromium present: /usr/bin/chromium"
    return 0
  fi
  apt_install chromium
  [[ -x /usr/bin/chromium ]] || die "chromium still missing after apt-get install chromium"
}

write_env_file() {
  mkdir -p "$STACK_DIR"
  cat >"$STACK_ENV_FILE.tmp" <<ENV
# Written by scripts/stack.sh up; source it to reach the local stack.
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
REDIS_URL=redis://$REDIS_HOST:$REDIS_PORT
ENV
  mv "$STACK_ENV_FILE.tmp" "$STACK_ENV_FILE"
}
