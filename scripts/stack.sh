#!/usr/bin/env bash
# Local infrastructure of OfferStream without Docker: a real single-node KRaft Kafka broker (jars from Maven
# Central) and Redis (reused if one answers, else our own redis-server). See deploy/README.md.
#
#   bash scripts/stack.sh up            start (idempotent), create the contract's topics, write $STACK_DIR/env
#   bash scripts/stack.sh down [--purge] stop what this script started; --purge also deletes $STACK_DIR
#   bash scripts/stack.sh status        what runs where; non-zero exit when something is down
#   bash scripts/stack.sh ensure-kcat   install kcat (the Kafka CLI the tests use) when missing
#   bash scripts/stack.sh ensure-test-tools   kcat, redis-server/redis-cli (the suite starts its own Redis Cluster), promtool,
#                                             chromium (the console's browser test)
#
# Settings (env): KAFKA_PORT=9092 KAFKA_CONTROLLER_PORT=9093 REDIS_PORT=6379 REDIS_HOST=127.0.0.1
#   STACK_DIR=<repo>/.stack KAFKA_CACHE_DIR=<repo>/.cache/kafka KAFKA_HEAP_OPTS="-Xms256m -Xmx768m"
#   STACK_UP_TIMEOUT=120 (seconds to wait for the broker) STACK_SKIP_KCAT=1 (do not install kcat on up)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR
source "$here/lib/stack-common.sh"
# shellcheck source-path=SCRIPTDIR
source "$here/lib/stack-kafka.sh"
# shellcheck source-path=SCRIPTDIR
source "$here/lib/stack-redis.sh"

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

create_topics() {
  log "creating the contract's topics (tools/create-topics.ts)"
  (cd "$STACK_REPO" && KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" node tools/run-ts.cjs tools/create-topics.ts) ||
    die "topic creation failed (the broker is up; retry with: KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT node tools/run-ts.cjs tools/create-topics.ts)"
}

cmd_up() {
  local started=$SECONDS
  mkdir -p "$STACK_DIR" "$KAFKA_CACHE_DIR"
  if [[ "${STACK_SKIP_KCAT:-0}" != "1" ]] && ! command -v kcat >/dev/null 2>&1; then
    # The tests drive Kafka through kcat; a failed install only costs the faster readiness probe.
    (ensure_kcat) || warn "kcat unavailable; continuing (readiness probed with kafkajs instead)"
  fi
  kafka_preflight
  redis_up
  kafka_up
  create_topics
  write_env_file
  log "stack up in $((SECONDS - started))s; env for other scripts: $STACK_ENV_FILE"
  grep -v '^#' "$STACK_ENV_FILE" >&2
}

cmd_down() {
  local purge=0
  case "${1:-}" in
    "") ;;
    --purge) purge=1 ;;
    *) usage ;;
  esac
  kafka_down
  redis_down
  rm -f "$STACK_ENV_FILE"
  if ((purge)); then
    case "$STACK_DIR" in
      / | "$HOME" | "$STACK_REPO" | "") die "refusing to delete STACK_DIR=$STACK_DIR" ;;
    esac
    log "deleting $STACK_DIR"
    rm -rf "$STACK_DIR"
  fi
}

cmd_status() {
  local rc=0
  kafka_status || rc=1
  redis_status || rc=1
  if [[ -f "$STACK_ENV_FILE" ]]; then
    printf 'env    %s\n' "$STACK_ENV_FILE"
  fi
  return "$rc"
}

validate_settings
case "${1:-}" in
  up) cmd_up ;;
  down) shift && cmd_down "$@" ;;
  status) cmd_status ;;
  ensure-kcat) ensure_kcat ;;
  ensure-test-tools) ensure_kcat && ensure_redis_binaries && ensure_promtool && ensure_chromium ;;
  *) usage ;;
esac
