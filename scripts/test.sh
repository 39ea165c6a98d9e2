#!/usr/bin/env bash
# The whole test suite, as CI runs it: install, local stack up, lint (with module boundaries), typecheck,
# unit tests, integration tests against the real broker and Redis. Prints `N passed, N failed` at the end
# (Jest's test counts plus one check each for lint, typecheck and formatting) and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false KAFKAJS_NO_PARTITIONER_WARNING=1
results=.cache/test-results
mkdir -p "$results"
rm -f "$results"/*.json

step() { printf '\n=== %s\n' "$*"; }

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "npm ci"
  npm ci --no-audit --no-fund || exit 1
fi

started_stack=0
if ! bash scripts/stack.sh status >/dev/null 2>&1; then
  step "stack up"
  bash scripts/stack.sh up || { echo "0 passed, 1 failed"; exit 1; }
  started_stack=1
fi
stop_stack() { if ((started_stack)); then step "stack down"; bash scripts/stack.sh down; fi; }
trap stop_stack EXIT
bash scripts/stack.sh ensure-test-tools >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
set -a
# shellcheck disable=SC1091
source .stack/env
set +a

gate() { # name, command...: a check outside Jest that counts as one test
  local name=$1; shift
  step "$name"
  if "$@"; then echo "{\"name\":\"$name\",\"ok\":true}" >"$results/gate-$name.json"
  else echo "{\"name\":\"$name\",\"ok\":false}" >"$results/gate-$name.json"; fi
}

npx nx show projects >/dev/null # builds the project graph that the module-boundary lint rule reads
gate lint npx eslint --max-warnings=0 apps libs tools benchmarks examples
gate typecheck npx tsc -p tsconfig.json --noEmit
gate format npx prettier --check --log-level warn .

step "unit tests"
npx jest --ci --selectProjects unit --maxWorkers=2 --json --outputFile="$results/unit.json"
step "integration tests (real Kafka at $KAFKA_BROKERS, Redis at $REDIS_URL)"
npx jest --ci --selectProjects integration --runInBand --forceExit --json --outputFile="$results/integration.json"

node tools/test-summary.cjs "$results"
