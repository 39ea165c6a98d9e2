// Preloaded into a service under benchmark (NODE_OPTIONS=--require): each SIGUSR2 starts, then stops, a V8 CPU
// profile written to BENCH_CPU_PROFILE, so a bench can profile one phase of a separate process (`--cpu-prof` is not
// allowed in NODE_OPTIONS and would cover the boot too).
'use strict';
const { renameSync, writeFileSync } = require('node:fs');
const { Session } = require('node:inspector');

const file = process.env.BENCH_CPU_PROFILE;
if (file) {
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  let running = false;
  process.on('SIGUSR2', () => {
    const next = running
      ? post('Profiler.stop').then(({ profile }) => {
          // Renamed into place: the bench waits for the file and must not read half of it.
          writeFileSync(`${file}.tmp`, JSON.stringify(profile));
          renameSync(`${file}.tmp`, file);
        })
      : post('Profiler.enable')
          .then(() => post('Profiler.setSamplingInterval', { interval: 250 }))
          .then(() => post('Profiler.start'));
    running = !running;
    next.catch((e) => process.stderr.write(`cpu profile: ${e instanceof Error ? e.message : String(e)}\n`));
  });
}
