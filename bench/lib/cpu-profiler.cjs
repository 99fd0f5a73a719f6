// Preloaded into the gateway (`node --require bench/lib/cpu-profiler.cjs ...`) when the
// benchmark runs with BENCH_CPU_PROF=1, and driven over the IPC channel the benchmark
// opens to it: { cpuProfile: 'start' } starts the V8 CPU profiler, { cpuProfile: 'stop',
// file } stops it, writes the profile to `file` and answers { cpuProfile: 'written', file },
// so only the measured load phases are profiled.
//
// Neither `node --cpu-prof` nor a signal would do: the gateway ends by re-raising SIGTERM,
// and a process killed by a signal writes no profile; Nest's shutdown hooks take SIGUSR2
// (and most other signals) as a reason to stop.
'use strict';

if (process.send && process.channel) {
  const { Session } = require('node:inspector');
  const { writeFileSync, renameSync } = require('node:fs');
  const interval = Number(process.env.BENCH_CPU_PROF_INTERVAL_US ?? 250);
  const session = new Session();
  session.connect();
  // The channel must not keep the gateway alive, nor its shutdown waiting.
  process.channel.unref();
  process.on('message', (message) => {
    if (message?.cpuProfile === 'start') {
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval }, () => session.post('Profiler.start')),
      );
    } else if (message?.cpuProfile === 'stop') {
      session.post('Profiler.stop', (error, result) => {
        if (error) {
          process.send({ cpuProfile: 'failed', error: error.message });
          return;
        }
        writeFileSync(`${message.file}.tmp`, JSON.stringify(result.profile));
        renameSync(`${message.file}.tmp`, message.file);
        process.send({ cpuProfile: 'written', file: message.file });
      });
    }
  });
}
