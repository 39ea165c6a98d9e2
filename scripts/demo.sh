#!/usr/bin/env bash
# The main job: local Kafka + Redis, every service, a replayed real clickstream, offers coming out.
#   npm run start:demo                 runs until Ctrl-C (services stop; the stack stays up: npm run stack:down)
#   DEMO_SECONDS=120 npm run start:demo   stops by itself after watching offers that long
# Logs: .stack/logs/<service>.log. Dashboards and APIs are printed once everything is up.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false KAFKAJS_NO_PARTITIONER_WARNING=1
LOGS=.stack/logs
PIDS=.stack/pids

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund || exit 1
fi
say "starting the local stack (Kafka KRaft + Redis)"
bash scripts/stack.sh up || exit 1
set -a
# shellcheck disable=SC1091
source .stack/env
set +a
mkdir -p "$LOGS" "$PIDS"
# Demo pacing: a replay lasts seconds, not hours, so carts are "abandoned" after 20 s, the GNN retrains as soon as
# a few thousand interactions arrived, and the decision service asks the GNN worker for candidates.
export CART_IDLE_MS=${CART_IDLE_MS:-20000}
export GNN_TRAIN_MIN_NEW=${GNN_TRAIN_MIN_NEW:-3000} GNN_TRAIN_INTERVAL_MS=${GNN_TRAIN_INTERVAL_MS:-30000}
export GNN_CANDIDATES_URL=${GNN_CANDIDATES_URL:-http://127.0.0.1:3003}
# Each run gets its own topics and Redis keys, so budgets, models and offers start from zero every time and a
# shop's real topics on the same broker are never touched. DEMO_RUN=name reuses a previous run's state.
run_id=${DEMO_RUN:-demo$(date +%s)}
export KAFKA_TOPIC_PREFIX="$run_id." REDIS_KEY_PREFIX="$run_id:"
say "demo run $run_id: topics ${KAFKA_TOPIC_PREFIX}*, Redis keys ${REDIS_KEY_PREFIX}*"
node tools/run-ts.cjs tools/create-topics.ts >/dev/null || exit 1

# API keys are on, as in production: one demo key with every role, generated per run and passed to the services
# only as its SHA-256 (API_KEYS=name:roles:sha256). DEMO_API_KEY=... reuses a key of your choice.
DEMO_API_KEY=${DEMO_API_KEY:-$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('base64url'))")}
demo_key_hash=$(printf %s "$DEMO_API_KEY" | node -e "let s='';process.stdin.on('data',(d)=>s+=d).on('end',()=>process.stdout.write(require('crypto').createHash('sha256').update(s).digest('hex')))")
# The decision service calls the GNN worker with a key of its own, holding the reader role only (service to service:
# never the operator's key); it is not printed.
demo_service_key=$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('base64url'))")
demo_service_hash=$(printf %s "$demo_service_key" | node -e "let s='';process.stdin.on('data',(d)=>s+=d).on('end',()=>process.stdout.write(require('crypto').createHash('sha256').update(s).digest('hex')))")
export AUTH_MODE=keys API_KEYS="demo:admin+decider+reader+metrics:$demo_key_hash,decision-service:reader:$demo_service_hash"
unset API_KEYS_FILE
say "API key of this demo (admin, decider, reader, metrics): $DEMO_API_KEY"
# User ids are stored under keyed pseudonyms, as in production; DEMO_RUN=... reuses state only with the same key.
export USER_ID_HMAC_KEY=${USER_ID_HMAC_KEY:-$(node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))")}

declare -A PORTS=([stream-processor]=3001 [nlp-worker]=3002 [gnn-worker]=3003 [decision-service]=3000)
SERVICES=()
for s in stream-processor nlp-worker gnn-worker decision-service; do
  [[ -f "apps/$s/src/main.ts" ]] && SERVICES+=("$s")
done

stop_services() {
  for s in "${SERVICES[@]}"; do
    if [[ -f "$PIDS/$s.pid" ]]; then
      kill -TERM "$(cat "$PIDS/$s.pid")" 2>/dev/null || true
    fi
  done
  for s in "${SERVICES[@]}"; do
    if [[ -f "$PIDS/$s.pid" ]]; then
      pid=$(cat "$PIDS/$s.pid")
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$PIDS/$s.pid"
    fi
  done
  say "services stopped (the stack is still up: npm run stack:down)"
}
trap stop_services EXIT
trap 'exit 130' INT TERM

for s in "${SERVICES[@]}"; do
  if [[ -f "$PIDS/$s.pid" ]] && kill -0 "$(cat "$PIDS/$s.pid")" 2>/dev/null; then
    kill -TERM "$(cat "$PIDS/$s.pid")" 2>/dev/null; sleep 2
  fi
  say "starting $s on :${PORTS[$s]} (log: $LOGS/$s.log)"
  # The decision service asks the GNN worker for candidates with its own service key (reader role only).
  if [[ $s == decision-service ]]; then svc_auth=(GNN_CANDIDATES_API_KEY="$demo_service_key"); else svc_auth=(); fi
  env "${svc_auth[@]}" PORT=${PORTS[$s]} nohup node tools/run-ts.cjs "apps/$s/src/main.ts" >"$LOGS/$s.log" 2>&1 &
  echo $! >"$PIDS/$s.pid"
done
for s in "${SERVICES[@]}"; do
  printf 'waiting for %s ' "$s"
  for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:${PORTS[$s]}/health/ready" >/dev/null; then break; fi
    if ! kill -0 "$(cat "$PIDS/$s.pid")" 2>/dev/null; then
      echo; echo "$s exited; last log lines:"; tail -20 "$LOGS/$s.log"; exit 1
    fi
    printf '.'; sleep 1
  done
  echo " ready"
done

say "replaying the clickstream (real DIGINETICA sample when ../shared is present)"
node tools/run-ts.cjs tools/demo/replay-clickstream.ts ${DEMO_REPLAY_ARGS:-} || exit 1

say "offers coming out of ${KAFKA_TOPIC_PREFIX}offerstream.offers.v1"
node tools/run-ts.cjs tools/demo/watch-offers.ts --seconds "${DEMO_SECONDS:-60}"

cat <<TXT

Everything is running. Every API needs the demo key (health and the console page are open):
  API key            $DEMO_API_KEY   (export KEY=$DEMO_API_KEY for the commands below)
  decision service   http://127.0.0.1:3000/console   (paste the key into the page: campaigns, charts, offers, users, models)
                     curl -s -XPOST localhost:3000/decisions -H "authorization: Bearer \$KEY" -H 'content-type: application/json' -d '{"userId":"dg-1","placement":"home","requestId":"dg-1-home-1"}'
  feature store      curl -s -H "authorization: Bearer \$KEY" localhost:3001/users/dg-1/profile
  metrics            curl -s -H "authorization: Bearer \$KEY" localhost:3001/metrics | grep offerstream_
  offers topic       kcat -b 127.0.0.1:9092 -C -t ${KAFKA_TOPIC_PREFIX}offerstream.offers.v1 -o beginning -e
TXT
if [[ -z "${DEMO_SECONDS:-}" ]]; then
  say "press Ctrl-C to stop the services"
  while true; do sleep 3600; done
fi
