# Kafka part of scripts/stack.sh: jar resolution with Maven, KRaft storage format, broker start/stop/status.
# shellcheck shell=bash

KAFKA_POM="$STACK_REPO/deploy/kafka/pom.xml"
KAFKA_MAIN_CLASS="kafka.Kafka"

kafka_pid() { live_pid "$KAFKA_PID_FILE" "$KAFKA_MAIN_CLASS"; }

# A broker of this STACK_DIR whose pid file was lost (deleted folder, crashed script): matched on the exact
# path of its own server.properties, so brokers of other stacks and other users are never touched.
kafka_orphan_pids() { pgrep -f -- "$KAFKA_MAIN_CLASS $KAFKA_PROPS" 2>/dev/null || true; }

kafka_jars_present() {
  compgen -G "$KAFKA_LIBS_DIR/kafka_2.13-*.jar" >/dev/null && compgen -G "$KAFKA_LIBS_DIR/kafka-clients-*.jar" >/dev/null &&
    compgen -G "$KAFKA_LIBS_DIR/reload4j-*.jar" >/dev/null && [[ -f "$KAFKA_LIBS_DIR/.pom.sha" ]] &&
    [[ "$(cat "$KAFKA_LIBS_DIR/.pom.sha")" == "$(sha1sum "$KAFKA_POM" | cut -d' ' -f1)" ]]
}

# Offline first: a warm ~/.m2 needs no network at all; only a cold cache goes to Maven Central.
kafka_resolve_jars() {
  if kafka_jars_present; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn is not installed (needed once to fetch the Kafka jars): apt-get install -y maven"
  command -v java >/dev/null 2>&1 || die "java is not installed (Java 17+): apt-get install -y openjdk-17-jre-headless"
  local tmp="$KAFKA_CACHE_DIR/libs.tmp.$$" started=$SECONDS
  rm -rf "$tmp" && mkdir -p "$tmp"
  local goal=(-q -B -f "$KAFKA_POM" dependency:copy-dependencies "-DoutputDirectory=$tmp")
  log "resolving Kafka jars into $KAFKA_LIBS_DIR (Maven, offline first)"
  if ! mvn -o "${goal[@]}" >"$KAFKA_CACHE_DIR/mvn.log" 2>&1; then
    log "not all jars in ~/.m2 yet; downloading from Maven Central (once)"
    if ! mvn "${goal[@]}" >"$KAFKA_CACHE_DIR/mvn.log" 2>&1; then
      rm -rf "$tmp"
      print_log_tail "$KAFKA_CACHE_DIR/mvn.log"
      die "Maven could not resolve the Kafka jars (log: $KAFKA_CACHE_DIR/mvn.log)"
    fi
  fi
  sha1sum "$KAFKA_POM" | cut -d' ' -f1 >"$tmp/.pom.sha"
  rm -rf "$KAFKA_LIBS_DIR" && mv "$tmp" "$KAFKA_LIBS_DIR"
  log "Kafka jars ready: $(find "$KAFKA_LIBS_DIR" -name '*.jar' | wc -l) jars in $((SECONDS - started))s"
}

kafka_render_config() {
  mkdir -p "$KAFKA_HOME_DIR" "$KAFKA_LOGS_DIR" "$KAFKA_DATA_DIR"
  sed -e "s|\${KAFKA_PORT}|$KAFKA_PORT|g" \
    -e "s|\${KAFKA_CONTROLLER_PORT}|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|\${KAFKA_LOG_DIRS}|$KAFKA_DATA_DIR|g" \
    "$STACK_REPO/deploy/kafka/server.properties.template" >"$KAFKA_PROPS"
}

kafka_java() {
  java -cp "$KAFKA_LIBS_DIR/*" \
    "-Dlog4j.configuration=file:$STACK_REPO/deploy/kafka/log4j.properties" \
    "-Dkafka.logs.dir=$KAFKA_LOGS_DIR" "$@"
}

# KRaft storage is formatted once per data folder; the cluster id is kept beside it so a re-format after
# a partial failure reuses it.
kafka_format_storage() {
  if [[ -f "$KAFKA_DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  local id_file="$KAFKA_HOME_DIR/cluster.id" cluster_id
  cluster_id="$(cat "$id_file" 2>/dev/null || true)"
  # A Kafka Uuid is 16 random bytes in URL-safe base64 without padding; like Kafka's own Uuid.randomUuid we
  # never take one starting with '-', which the tool's argument parser would read as an option.
  while [[ ! "$cluster_id" =~ ^[A-Za-z0-9_][A-Za-z0-9_-]{21}$ ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  echo "$cluster_id" >"$id_file"
  log "formatting KRaft storage in $KAFKA_DATA_DIR (cluster id $cluster_id)"
  if ! kafka_java kafka.tools.StorageTool format --ignore-formatted -t "$cluster_id" -c "$KAFKA_PROPS" \
    >"$KAFKA_LOGS_DIR/format.log" 2>&1; then
    print_log_tail "$KAFKA_LOGS_DIR/format.log"
    die "formatting KRaft storage failed"
  fi
}

kafka_check_ports_free() {
  local port owner
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open 127.0.0.1 "$port"; then
      owner="$(port_owner "$port")"
      die "port $port on 127.0.0.1 is already in use${owner:+ by $owner}, and not by this stack's broker. Stop that program or choose other ports (KAFKA_PORT=... KAFKA_CONTROLLER_PORT=...)."
    fi
  done
}

kafka_wait_ready() {
  local pid="$1" deadline=$((SECONDS + STACK_UP_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$KAFKA_PID_FILE"
      print_log_tail "$KAFKA_LOGS_DIR/stdout.log" "$KAFKA_LOGS_DIR/server.log"
      die "Kafka broker (pid $pid) exited during start-up; logs in $KAFKA_LOGS_DIR"
    fi
    if port_open 127.0.0.1 "$KAFKA_PORT" && kafka_answers; then
      return 0
    fi
    sleep 0.5
  done
  print_log_tail "$KAFKA_LOGS_DIR/stdout.log" "$KAFKA_LOGS_DIR/server.log"
  die "Kafka broker (pid $pid) did not answer on 127.0.0.1:$KAFKA_PORT within ${STACK_UP_TIMEOUT}s (STACK_UP_TIMEOUT); it is left running for inspection, stop it with: bash scripts/stack.sh down"
}

# A metadata request that lists this broker, i.e. the broker has registered with its controller.
kafka_answers() {
  if command -v kcat >/dev/null 2>&1; then
    kcat -b "127.0.0.1:$KAFKA_PORT" -L -m 3 2>/dev/null | grep -q 'broker 1 at'
  else
    (cd "$STACK_REPO" && KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" node tools/run-ts.cjs tools/create-topics.ts --probe >/dev/null 2>&1)
  fi
}

# Port of the running broker of this stack, from the config it was started with.
kafka_running_port() { sed -n 's|^advertised.listeners=PLAINTEXT://127.0.0.1:\([0-9]*\)$|\1|p' "$KAFKA_PROPS" 2>/dev/null; }

# Checks that need no download and no start, run before anything else so that `up` fails before half-starting.
kafka_preflight() {
  local pid running
  if pid="$(kafka_pid)"; then
    running="$(kafka_running_port)"
    [[ "$running" == "$KAFKA_PORT" ]] ||
      die "this stack's broker (pid $pid) runs on 127.0.0.1:${running:-?}, not KAFKA_PORT=$KAFKA_PORT; run 'bash scripts/stack.sh down' first"
    return 0
  fi
  [[ -n "$(kafka_orphan_pids)" ]] || kafka_check_ports_free
}

kafka_up() {
  local pid orphans
  kafka_preflight
  if pid="$(kafka_pid)"; then
    if port_open 127.0.0.1 "$KAFKA_PORT"; then
      log "Kafka already running (pid $pid, 127.0.0.1:$KAFKA_PORT)"
    else
      log "Kafka (pid $pid) is starting; waiting for it"
    fi
    kafka_wait_ready "$pid"
    return 0
  fi
  if [[ -e "$KAFKA_PID_FILE" ]]; then
    warn "stale Kafka pid file ($(tr -dc '0-9' <"$KAFKA_PID_FILE")); the broker is not running. Last log lines follow."
    print_log_tail "$KAFKA_LOGS_DIR/server.log"
    rm -f "$KAFKA_PID_FILE"
  fi
  orphans="$(kafka_orphan_pids)"
  if [[ -n "$orphans" ]]; then
    warn "found a broker of this stack without pid file (pid $orphans); stopping it first"
    for pid in $orphans; do stop_pid "$pid" "Kafka broker"; done
  fi
  kafka_check_ports_free
  kafka_resolve_jars
  kafka_render_config
  kafka_format_storage
  log "starting Kafka broker on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT), logs in $KAFKA_LOGS_DIR"
  # setsid: the broker must outlive the shell (and process group) that started it.
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of JVM flags
  setsid java $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    "-Dlog4j.configuration=file:$STACK_REPO/deploy/kafka/log4j.properties" \
    "-Dkafka.logs.dir=$KAFKA_LOGS_DIR" \
    -cp "$KAFKA_LIBS_DIR/*" "$KAFKA_MAIN_CLASS" "$KAFKA_PROPS" \
    >"$KAFKA_LOGS_DIR/stdout.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$KAFKA_PID_FILE"
  kafka_wait_ready "$pid"
  log "Kafka ready (pid $pid, 127.0.0.1:$KAFKA_PORT)"
}

kafka_down() {
  local pid orphans
  if pid="$(kafka_pid)"; then
    log "stopping Kafka broker (pid $pid)"
    stop_pid "$pid" "Kafka broker"
  elif [[ -e "$KAFKA_PID_FILE" ]]; then
    log "Kafka was not running (stale pid file removed)"
  else
    log "Kafka was not running"
  fi
  rm -f "$KAFKA_PID_FILE"
  orphans="$(kafka_orphan_pids)"
  for pid in $orphans; do
    warn "stopping a broker of this stack that had no pid file (pid $pid)"
    stop_pid "$pid" "Kafka broker"
  done
}

kafka_topic_count() {
  command -v kcat >/dev/null 2>&1 || {
    echo "? (kcat missing: bash scripts/stack.sh ensure-kcat)"
    return 0
  }
  # Internal topics (__consumer_offsets, ...) are not counted; tests add prefixed topics beside the contract's.
  local names
  names="$(kcat -b "127.0.0.1:$KAFKA_PORT" -L -m 3 2>/dev/null | sed -n 's/^  topic "\([^"]*\)".*/\1/p' | grep -v '^__' || true)"
  printf '%s (%s offerstream.*)' "$(grep -c . <<<"$names" || true)" "$(grep -c '^offerstream\.' <<<"$names" || true)"
}

# Prints one line; returns non-zero when the broker is not serving.
kafka_status() {
  local pid running
  if pid="$(kafka_pid)"; then
    # Report the broker as it was started, even when today's KAFKA_PORT says otherwise.
    running="$(kafka_running_port)"
    local KAFKA_PORT="${running:-$KAFKA_PORT}"
    if port_open 127.0.0.1 "$KAFKA_PORT"; then
      printf 'kafka  UP    pid %s  127.0.0.1:%s (controller %s)  topics %s  data %s\n' \
        "$pid" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$(kafka_topic_count)" "$KAFKA_DATA_DIR"
      return 0
    fi
    printf 'kafka  DOWN  pid %s alive but 127.0.0.1:%s not listening (starting or hung; see %s)\n' \
      "$pid" "$KAFKA_PORT" "$KAFKA_LOGS_DIR/server.log"
    return 1
  fi
  if [[ -e "$KAFKA_PID_FILE" ]]; then
    printf 'kafka  DOWN  stale pid file %s (broker died; see %s)\n' "$KAFKA_PID_FILE" "$KAFKA_LOGS_DIR/server.log"
  elif port_open 127.0.0.1 "$KAFKA_PORT"; then
    printf 'kafka  DOWN  not started by this stack; 127.0.0.1:%s is used by %s\n' "$KAFKA_PORT" "$(port_owner "$KAFKA_PORT")"
  else
    printf 'kafka  DOWN  not running (bash scripts/stack.sh up)\n'
  fi
  return 1
}
