/**
 * `npm run simulate -- [flags]`: streams a ground-truth market through real Kafka into the running services and
 * prints, per round and in total, the true incremental profit of the live policy beside no offers, offers to all,
 * random and the oracle at the same count, and the campaign report's estimate. Progress goes to stderr; the last
 * stdout line is one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafka, loadKafkaEnv } from '@offerstream/kafka';
import {
  ROUND_HEADER,
  SIMULATION_SERVICES,
  barCheck,
  loadMarket,
  roundLine,
  runSimulation,
  authHeader,
  simulationAuth,
  simulationServiceEnv,
  simulationPlotHtml,
  simulationWaits,
  totalLine,
} from '@offerstream/simulator';
import { freePort, isolatedEnv, randomId, ServiceProcess, type IsolatedEnv } from '@offerstream/testing';

const ROOT = join(__dirname, '..');
const HELP = `usage: npm run simulate -- [--config FILE] [--rounds 6] [--requests 3000] [--seed 1] [--out FILE.jsonl]
                            [--decision-url URL --stream-group G --decision-group G]
  --config FILE        market JSON (libs/simulator/src/market.config.ts schema); default: the team's market
  --plot FILE.html     a page of charts of the run: each round's true profit beside random and the oracle, and the
                       campaign report's estimate with its 95% interval beside the truth to date
  --out FILE           per-decision log for npm run evaluate -- ope --decisions FILE: each decision record
                       with reward (realized profit), features (observed), segment (true type), simulation
  --decision-url URL   use running services (topics from KAFKA_TOPIC_PREFIX) instead of starting them;
                       --stream-group/--decision-group name their consumer groups (defaults: the services' defaults),
                       --api-key (or OFFERSTREAM_API_KEY) the key for their campaign routes
  --learning-wait-ms MS
                       the rest of a simulated day: before the next round, wait up to MS until the decision service
                       has settled the round's decisions and finished a refit on them (GET /models); default
                       180000, 0 turns it off (rounds then go on whatever the model, as in a shop whose refits
                       lag a day behind its traffic)
  --min-new N          with --decision-url: the service's PROFIT_MIN_NEW (default 500, the service's default)
  --pause-ms MS        fixed real time between rounds on top of that wait; default 0
  --logs DIR           write each started service's output (info level) to DIR/<service>.log`;

const say = (m: string): void => void process.stderr.write(`simulate: ${m}\n`);

/**
 * Loads $STACK_DIR/env (written by the stack script; default .stack) under any variable the caller did not set,
 * starting the stack if down.
 */
function ensureStack(): void {
  const envFile = join(process.env['STACK_DIR'] ?? join(ROOT, '.stack'), 'env');
  const up = (): boolean => {
    try {
      execFileSync('bash', [join(ROOT, 'scripts', 'stack.sh'), 'status'], { cwd: ROOT, stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!up() || !existsSync(envFile)) {
    say('local stack is down: starting it (scripts/stack.sh up)');
    execFileSync('bash', [join(ROOT, 'scripts', 'stack.sh'), 'up'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)=["']?(.*?)["']?$/.exec(line.trim());
    if (m && process.env[m[1]!] === undefined) process.env[m[1]!] = m[2];
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      rounds: { type: 'string', default: '6' },
      requests: { type: 'string', default: '3000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      plot: { type: 'string' },
      'decision-url': { type: 'string' },
      'stream-group': { type: 'string', default: 'offerstream.stream-processor' },
      'decision-group': { type: 'string', default: 'offerstream.decision-service' },
      'api-key': { type: 'string' },
      logs: { type: 'string' },
      'pause-ms': { type: 'string', default: '0' },
      'learning-wait-ms': { type: 'string', default: '180000' },
      'min-new': { type: 'string', default: '500' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const market = loadMarket(values.config);
  const rounds = Number(values.rounds);
  const requests = Number(values.requests);
  const seed = Number(values.seed);
  if (![rounds, requests, seed].every((n) => Number.isInteger(n) && n > 0))
    throw new Error('--rounds, --requests and --seed take positive integers');
  const waits = ['pause-ms', 'learning-wait-ms', 'min-new'] as const;
  for (const name of waits) {
    const n = Number(values[name]);
    if (!(Number.isInteger(n) && n >= 0))
      throw new Error(`--${name} takes a non-negative integer, not ${values[name]}`);
  }
  ensureStack();

  const services: ServiceProcess[] = [];
  let ctx: IsolatedEnv | undefined;
  const out = values.out ? createWriteStream(values.out) : undefined;
  try {
    let decisionUrl = values['decision-url'];
    let topicPrefix = process.env['KAFKA_TOPIC_PREFIX'] ?? '';
    let streamGroup = values['stream-group'];
    let decisionGroup = values['decision-group'];
    let metricsUrl = decisionUrl ? `${decisionUrl}/metrics` : undefined;
    let apiKey = values['api-key'] ?? process.env['OFFERSTREAM_API_KEY'];
    let minNew = Number(values['min-new']);
    if (!decisionUrl) {
      ctx = await isolatedEnv({ LOG_LEVEL: values.logs ? 'info' : 'warn' });
      topicPrefix = ctx.topicPrefix;
      const base = randomId('sim');
      const ports = {
        'stream-processor': await freePort(),
        'gnn-worker': await freePort(),
        'decision-service': await freePort(),
      };
      const auth = simulationAuth();
      const env = simulationServiceEnv(base, `http://127.0.0.1:${ports['gnn-worker']}`, auth.apiKey);
      apiKey = auth.apiKey;
      for (const s of SIMULATION_SERVICES) {
        say(`starting ${s} on :${ports[s]}`);
        services.push(await ServiceProcess.startReady(s, { ...ctx.env, ...auth.env, ...env[s] }, ports[s], 120_000));
      }
      streamGroup = env['stream-processor']['CONSUMER_GROUP']!;
      decisionGroup = env['decision-service']['CONSUMER_GROUP']!;
      decisionUrl = `http://127.0.0.1:${ports['decision-service']}`;
      minNew = Number(env['decision-service']['PROFIT_MIN_NEW']);
      metricsUrl = `${decisionUrl}/metrics`;
    }
    const kafka = createKafka(loadKafkaEnv({ ...process.env, KAFKA_CLIENT_ID: 'offerstream-simulator' }));
    const waits = simulationWaits(streamGroup, decisionGroup);
    process.stdout.write(
      `market ${market.name}, ${rounds} rounds x ${requests} requests, seed ${seed}\n${ROUND_HEADER}\n`,
    );
    const started = Date.now();
    const result = await runSimulation({
      market,
      rounds,
      requests,
      seed,
      decisionUrl,
      apiKey,
      pauseBetweenRoundsMs: Number(values['pause-ms']),
      ...(Number(values['learning-wait-ms']) > 0
        ? { waitForLearning: { minNew, timeoutMs: Number(values['learning-wait-ms']) } }
        : {}),
      kafka,
      topicPrefix,
      waitBeforeRequests: waits.beforeRequests,
      waitBeforeReport: waits.beforeReport,
      progress: say,
      onRound: (r) => process.stdout.write(`${roundLine(r)}\n`),
      onDecision: (e) => {
        // One decision record per line with reward and features, as `npm run evaluate -- ope --decisions` reads it.
        if (!e.decision) return;
        // The policy's own feature vector (as served) when the record has one; the simulator's observation otherwise.
        const { decision, reward, features, userType, ...simulation } = e;
        out?.write(
          `${JSON.stringify({ ...decision, reward, features: decision.features ?? features, observed: features, segment: userType, simulation })}\n`,
        );
      },
    });
    process.stdout.write(`${totalLine(result)}\n`);
    if (values.plot) {
      writeFileSync(values.plot, simulationPlotHtml(result, { market: market.name, seed }));
      say(`charts of the run in ${values.plot}`);
    }
    const gnnMetrics = metricsUrl
      ? (await (await fetch(metricsUrl, { headers: authHeader(apiKey) })).text())
          .split('\n')
          .filter((l) => /gnn/i.test(l) && !l.startsWith('#'))
      : [];
    process.stdout.write(
      `${JSON.stringify({
        market: market.name,
        rounds,
        requests,
        seed,
        seconds: Math.round((Date.now() - started) / 1000),
        total: result.total,
        perRound: result.rounds.map((r) => ({
          round: r.round,
          ...r.scores,
          executed: r.executed,
          holdouts: r.holdouts,
          purchases: r.purchases,
          attributedToDate: r.attributedToDate,
          missing: r.missingDecisions,
          reportToDate: r.report,
          truthToDate: r.truthToDate,
          ...(r.learning ? { learning: r.learning } : {}),
        })),
        report: result.report,
        truth: result.total.live,
        bar: barCheck(result),
        gnnMetrics,
      })}\n`,
    );
  } finally {
    out?.end();
    // Started in SIMULATION_SERVICES order; stopped in reverse.
    const named = services.map((s, i) => [SIMULATION_SERVICES[i] ?? `service-${i}`, s] as const);
    for (const s of [...services].reverse()) await s.stop('SIGTERM');
    if (values.logs) {
      mkdirSync(values.logs, { recursive: true });
      for (const [name, s] of named) writeFileSync(join(values.logs, `${name}.log`), `${s.output.join('\n')}\n`);
      say(`service logs in ${values.logs}`);
    }
    await ctx?.close();
  }
}

main().catch((e: unknown) => {
  say(`failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
