// A short run of the benchmark in `npm test`: it fails only on a gross regression (the
// gateway below a quarter of the bare proxy's throughput, or over 250 MB resident while
// idle), never on the noise of a shared machine. The full run is `npm run bench`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const RUN = join(dirname(fileURLToPath(import.meta.url)), '..', 'run.mjs');

function runBench(resultsDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN], {
      env: {
        ...process.env,
        BENCH_LANES: 'basic',
        BENCH_SCENARIOS: 'non-stream',
        BENCH_DURATION: '3',
        BENCH_WARMUP: '1',
        BENCH_TTFB_SAMPLES: '30',
        BENCH_RESULTS_DIR: resultsDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (output += data));
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`bench exited ${code}:\n${output}`)),
    );
  });
}

/** Load on a shared machine can halve one short run's ratio; a real regression fails every run. */
const ATTEMPTS = 3;

test(
  'the gateway keeps a quarter of the bare proxy’s throughput and idles under 250 MB',
  { timeout: 600_000 },
  async () => {
    const resultsDir = mkdtempSync(join(tmpdir(), 'plexus-bench-smoke-'));
    const misses = [];
    try {
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        await runBench(resultsDir);
        const run = JSON.parse(readFileSync(join(resultsDir, 'latest.json'), 'utf8'));
        const { bare, gateway } = run.basic['non-stream'];
        const ratio = gateway.rps / bare.rps;
        const idleMB = run.memory.gatewayIdle * 1.048576;
        if (ratio >= 0.25 && idleMB <= 250) return;
        misses.push(
          `run ${attempt}: gateway ${gateway.rps.toFixed(0)} req/s vs bare proxy ${bare.rps.toFixed(0)} (${ratio.toFixed(2)}×), idle RSS ${idleMB.toFixed(0)} MB`,
        );
      }
      assert.fail(`below 0.25× of the bare proxy or over 250 MB idle in every run:\n${misses.join('\n')}`);
    } finally {
      rmSync(resultsDir, { recursive: true, force: true });
    }
  },
);
