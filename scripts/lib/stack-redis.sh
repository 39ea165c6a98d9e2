# Redis part of scripts/stack.sh: reuse a Redis that already answers, otherwise run our own redis-server.
# shellcheck shell=bash

REDIS_MARKER="redis-server"
# Append-only file, fsync once a second: a crash or kill -9 loses at most the last second of writes (budget ledger,
# trigger-once markers, offset watermarks). Same as docker-compose.yml; tools/deploy/redis-persistence.int-spec.ts
# starts a redis-server with exactly these flags, kills it hard and checks the data came back.
REDIS_PERSISTENCE_FLAGS=(--appendonly yes --appendfsync everysec --save '')

redis_pid() { live_pid "$REDIS_PID_FILE" "$REDIS_MARKER"; }
REDIS_PORT_FILE="$REDIS_HOME_DIR/redis.port"
# Port our redis-server was started on: down and status follow the process, not today's REDIS_PORT.
redis_owned_port() { tr -dc '0-9' <"$REDIS_PORT_FILE" 2>/dev/null || true; }

# PING over bash's /dev/tcp, so that neither redis-cli nor node is needed to tell a Redis from another server.
redis_pings() {
  local host="$1" port="$2"
  # shellcheck disable=SC2016 # the inner script expands its own positional arguments
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "PING\r\n" >&3
    IFS= read -r -t 2 reply <&3 || exit 1
    [[ "$reply" == "+PONG"* || "$reply" == "-NOAUTH"* ]]
  ' "$host" "$port" 2>/dev/null
}

# An external Redis keeps its own settings; say so when it would lose the ledger on a restart.
redis_warn_without_aof() {
  command -v redis-cli >/dev/null 2>&1 || return 0
  local aof
  aof="$(timeout 3 redis-cli -h "$1" -p "$2" config get appendonly 2>/dev/null | tail -n 1)" || return 0
  [[ "$aof" == "no" ]] &&
    warn "the Redis at $1:$2 runs without AOF: a restart loses budgets and markers (see deploy/README.md, Durability)"
  return 0
}

redis_up() {
  local pid owned
  if pid="$(redis_pid)"; then
    owned="$(redis_owned_port)"
    [[ -z "$owned" || "$owned" == "$REDIS_PORT" ]] ||
      die "this stack's redis-server (pid $pid) runs on 127.0.0.1:$owned, not REDIS_PORT=$REDIS_PORT; run 'bash scripts/stack.sh down' first"
    if redis_pings 127.0.0.1 "$REDIS_PORT"; then
      log "Redis already running (ours, pid $pid, 127.0.0.1:$REDIS_PORT)"
      return 0
    fi
    warn "our redis-server (pid $pid) does not answer PING; restarting it"
    stop_pid "$pid" "redis-server" 10
    rm -f "$REDIS_PID_FILE"
  elif [[ -e "$REDIS_PID_FILE" ]]; then
    warn "stale Redis pid file removed (redis-server $(tr -dc '0-9' <"$REDIS_PID_FILE") is gone)"
    rm -f "$REDIS_PID_FILE"
  fi
  if redis_pings "$REDIS_HOST" "$REDIS_PORT"; then
    log "using the Redis that already answers at $REDIS_HOST:$REDIS_PORT (external: not started, never stopped by this script)"
    redis_warn_without_aof "$REDIS_HOST" "$REDIS_PORT"
    return 0
  fi
  if [[ "$REDIS_HOST" != "127.0.0.1" ]]; then
    die "no Redis answers PING at $REDIS_HOST:$REDIS_PORT, and this script only starts its own on 127.0.0.1 (unset REDIS_HOST)"
  fi
  if port_open 127.0.0.1 "$REDIS_PORT"; then
    local owner
    owner="$(port_owner "$REDIS_PORT")"
    die "port $REDIS_PORT on 127.0.0.1 is in use${owner:+ by $owner} by something that is not Redis; choose another REDIS_PORT"
  fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  # The Debian package may start its own service on 6379; that one is external and left alone.
  mkdir -p "$REDIS_HOME_DIR/data"
  echo "$REDIS_PORT" >"$REDIS_PORT_FILE"
  log "starting redis-server on 127.0.0.1:$REDIS_PORT (AOF, fsync every second), log $REDIS_LOG_FILE"
  if ! redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --dir "$REDIS_HOME_DIR/data" --pidfile "$REDIS_PID_FILE" --logfile "$REDIS_LOG_FILE" \
    "${REDIS_PERSISTENCE_FLAGS[@]}" --maxmemory 512mb --maxmemory-policy noeviction >&2; then
    print_log_tail "$REDIS_LOG_FILE"
    die "redis-server failed to start"
  fi
  local i
  for ((i = 0; i < 100; i++)); do
    if redis_pings 127.0.0.1 "$REDIS_PORT" && pid="$(redis_pid)"; then
      log "Redis ready (ours, pid $pid, 127.0.0.1:$REDIS_PORT)"
      return 0
    fi
    sleep 0.1
  done
  print_log_tail "$REDIS_LOG_FILE"
  die "redis-server did not answer PING on 127.0.0.1:$REDIS_PORT within 10s"
}

redis_down() {
  local pid
  if pid="$(redis_pid)"; then
    log "stopping our redis-server (pid $pid)"
    stop_pid "$pid" "redis-server" 10
  elif [[ -e "$REDIS_PID_FILE" ]]; then
    log "our redis-server was not running (stale pid file removed)"
  elif redis_pings "$REDIS_HOST" "$REDIS_PORT"; then
    log "Redis at $REDIS_HOST:$REDIS_PORT is external; left running"
  fi
  rm -f "$REDIS_PID_FILE" "$REDIS_PORT_FILE"
}

redis_status() {
  local pid port
  if pid="$(redis_pid)"; then
    port="$(redis_owned_port)"
    port="${port:-$REDIS_PORT}"
    if redis_pings 127.0.0.1 "$port"; then
      printf 'redis  UP    pid %s  127.0.0.1:%s  owned (started by stack.sh)\n' "$pid" "$port"
      return 0
    fi
    printf 'redis  DOWN  pid %s alive but no PING answer on 127.0.0.1:%s\n' "$pid" "$port"
    return 1
  fi
  if redis_pings "$REDIS_HOST" "$REDIS_PORT"; then
    local owner
    owner="$(port_owner "$REDIS_PORT")"
    printf 'redis  UP    %s  %s:%s  external (not started by stack.sh)\n' "${owner:-pid ?}" "$REDIS_HOST" "$REDIS_PORT"
    return 0
  fi
  printf 'redis  DOWN  nothing answers PING at %s:%s\n' "$REDIS_HOST" "$REDIS_PORT"
  return 1
}
