// Plexus gateway benchmark: the same load, direct to a mock upstream, through a bare Node
// proxy and through the gateway, non-streamed and streamed. See bench/README.md.
//
//   npm run bench            (or: node bench/run.mjs, with the repo's Node 24 first on PATH)
//
// Environment (all optional):
//   BENCH_DURATION=10        seconds of measured load per target and scenario
//   BENCH_WARMUP=2           seconds of unmeasured load before each measurement
//   BENCH_CONNECTIONS=32     concurrent keep-alive connections of the load generator
//   BENCH_TTFB_SAMPLES=200   sequential requests per target for TTFB and unloaded latency
//   BENCH_DB=embedded        embedded (the gateway's own database server in a fresh DATA_DIR)
//                            or postgres (a fresh database on BENCH_PG_URL's server)
//   BENCH_LANES=all          all, or basic (no capacity lane, no stream storm)
//   BENCH_SCENARIOS=non-stream,stream   which scenarios of the basic lane
//   BENCH_CAPACITY_DURATION=5  measured seconds per level of the capacity lane
//   BENCH_STORM_STREAMS=512  streams opened at once by the storm
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test   where to create that database
//   BENCH_CPU_PROF=1         also profile the gateway's CPU under load (slows it: the
//                            throughput of such a run is not the gateway's)
//   BENCH_PIN=0              don't pin processes to CPUs
//   BENCH_GATEWAY_NODE_ARGS  node flags for the gateway after those of `npm start`
//   BENCH_RESULTS_DIR        where latest.md / latest.json go (default bench/results)
//   BENCH_USAGE_COMPARE=1    also load a second gateway started with USAGE_RECORDING=false, to
//                            tell what recording usage costs
//   PLEXUS_GATEWAY_MAIN      the gateway build to run (default: dist/.../main.js)
import autocannon from 'autocannon';
import { createRequire } from 'node:module';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { capacityLoad, percentile, streamStorm } from './lib/capacity.mjs';
import { goalsMarkdown } from './lib/goals.mjs';
import { databaseKiB, gatewayKiB, memorySampler } from './lib/memory.mjs';
import { profileMarkdown, summarizeProfile } from './lib/profile-summary.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = join(BENCH_DIR, '..');
const GATEWAY_MAIN =
  process.env.PLEXUS_GATEWAY_MAIN || join(REPO, 'dist', 'apps', 'gateway', 'apps', 'gateway', 'src', 'main.js');
const RESULTS_DIR = process.env.BENCH_RESULTS_DIR || join(BENCH_DIR, 'results');
/** The V8 flags `npm start` runs the gateway with (package.json), so the bench measures the gateway as started. */
const START_NODE_FLAGS = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'))
  .scripts.start.split(/\s+/)
  .filter((word) => word.startsWith('--'));

const ADMIN_KEY = `bench-admin-${randomBytes(8).toString('hex')}`;
const API_KEY = 'sk-bench-key';
const PATH = '/v1/chat/completions';
const BODIES = {
  'non-stream': JSON.stringify({
    model: 'bench',
    messages: [{ role: 'user', content: 'hi' }],
  }),
  stream: JSON.stringify({
    model: 'bench',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  }),
};
const SCENARIOS = (process.env.BENCH_SCENARIOS || 'non-stream,stream').split(',').filter(Boolean);
const SLOW_BODIES = Object.fromEntries(
  Object.entries(BODIES).map(([scenario, body]) => [scenario, body.replace('"bench"', '"bench-slow"')]),
);
/** The capacity lane's upstream latency and concurrency levels, from the performance issue. */
const SLOW_UPSTREAM_MS = 20;
const CAPACITY_LEVELS = [32, 128, 512];
/** The same gateway with USAGE_RECORDING=false: no usage rows (metrics still counted). */
const UNRECORDED = 'gateway, usage off';
const COMPARE_USAGE = process.env.BENCH_USAGE_COMPARE === '1';
const TARGETS = ['direct', 'bare proxy', 'gateway', ...(COMPARE_USAGE ? [UNRECORDED] : [])];
const isGatewayTarget = (target) => target === 'gateway' || target === UNRECORDED;

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) fail(`${name} must be a positive number, got '${raw}'`);
  return value;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

const CONFIG = {
  duration: positive('BENCH_DURATION', 10),
  warmup: positive('BENCH_WARMUP', 2),
  connections: Math.round(positive('BENCH_CONNECTIONS', 32)),
  samples: Math.round(positive('BENCH_TTFB_SAMPLES', 200)),
  db: process.env.BENCH_DB || 'embedded',
  lanes: process.env.BENCH_LANES || 'all',
  capacityDuration: positive('BENCH_CAPACITY_DURATION', 5),
  stormStreams: Math.round(positive('BENCH_STORM_STREAMS', 512)),
  pgUrl: process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test',
  cpuProf: process.env.BENCH_CPU_PROF === '1',
  pin: process.env.BENCH_PIN !== '0',
  gatewayNodeArgs: [...START_NODE_FLAGS, ...(process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)],
};
if (!['postgres', 'embedded'].includes(CONFIG.db)) fail(`BENCH_DB must be embedded or postgres, got '${CONFIG.db}'`);
if (!['all', 'basic'].includes(CONFIG.lanes)) fail(`BENCH_LANES must be all or basic, got '${CONFIG.lanes}'`);
if (SCENARIOS.some((scenario) => !BODIES[scenario])) fail(`BENCH_SCENARIOS: non-stream and/or stream`);
if (!isLoopback(new URL(CONFIG.pgUrl).hostname))
  fail(`BENCH_PG_URL must point at a loopback address, got ${CONFIG.pgUrl}`);
if (Number(process.versions.node.split('.')[0]) !== 24) {
  fail(
    `needs Node 24, this is ${process.version}: run it as \`npm run bench\`, or put node_modules/.bin first on PATH`,
  );
}
if (!existsSync(GATEWAY_MAIN)) fail(`${GATEWAY_MAIN} is missing: build it with \`npx nest build gateway\``);

function isLoopback(host) {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/.test(host);
}

function log(message) {
  process.stderr.write(`bench: ${message}\n`);
}

// ---------------------------------------------------------------------------------------
// CPU layout: on a machine with two or more CPUs the process under test (bare proxy or
// gateway, never both loaded at once) gets CPU 1 to itself, while the load generator
// (this process) and the mock upstream share CPU 0.

const CPU_COUNT = availableParallelism();
const TASKSET = (() => {
  if (!CONFIG.pin || CPU_COUNT < 2) return null;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return 'taskset';
  } catch {
    return null;
  }
})();
const SUT_CPU = '1';
const LOAD_CPU = '0';

function pinSelf() {
  if (!TASKSET) return;
  try {
    execFileSync(TASKSET, ['-a', '-p', '-c', LOAD_CPU, String(process.pid)], {
      stdio: 'ignore',
    });
  } catch (error) {
    log(`could not pin the load generator: ${error.message}`);
  }
}

// ---------------------------------------------------------------------------------------
// Child processes, all stopped on the way out however it goes.

const children = new Set();

function startChild(name, args, { env = {}, cpu, ipc = false, timeoutMs = 60_000, onSpawn } = {}) {
  const command = TASKSET && cpu !== undefined ? TASKSET : process.execPath;
  const argv = TASKSET && cpu !== undefined ? ['-c', cpu, process.execPath, ...args] : args;
  // taskset execs node, so the pid is node's own.
  const child = spawn(command, argv, {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (data) => {
    output = (output + data.toString()).slice(-64 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const handle = {
    name,
    child,
    pid: child.pid,
    url: '',
    output: () => output,
    stop: () => stopChild(handle),
  };
  children.add(handle);
  onSpawn?.(child.pid);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      handle.url = match[1].replace(/\/+$/, '');
      if (!isLoopback(new URL(handle.url).hostname))
        reject(new Error(`${name} listens on ${handle.url}, not loopback`));
      else resolve(handle);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}):\n${output}`));
    });
  });
}

function stopChild(handle) {
  const { child } = handle;
  children.delete(handle);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code, signal) => {
      clearTimeout(kill);
      resolve(code ?? signal);
    });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------
// The database the gateway records usage into: a fresh one, dropped at the end.

async function createDatabase() {
  if (CONFIG.db === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'plexus-bench-'));
    return {
      describe: `the embedded PostgreSQL server (a child process of the gateway) in a fresh DATA_DIR ${dir}`,
      embedded: true,
      env: { DATA_DIR: dir },
      countUsage: async () => {
        // The gateway's own code starts its server on the (now stopped) gateway's DATA_DIR.
        const persistence = createRequire(import.meta.url)(
          join(dirname(GATEWAY_MAIN), '..', '..', '..', 'libs', 'persistence', 'src', 'index.js'),
        );
        const endpoint = await persistence.DatabaseEndpoint.resolve({ dataDir: dir });
        const client = new pg.Client({ connectionString: endpoint.url });
        await client.connect();
        try {
          return Number((await client.query('select count(*)::int as n from request_usage')).rows[0].n);
        } finally {
          await client.end();
          await endpoint.embedded.stop();
        }
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `plexus_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: CONFIG.pgUrl });
  try {
    await admin.connect();
    await admin.query(`create database "${name}"`);
  } catch (error) {
    throw new Error(
      `cannot create a database on ${CONFIG.pgUrl} (${error.message}); BENCH_DB=embedded needs no server`,
    );
  } finally {
    await admin.end().catch(() => {});
  }
  const url = new URL(CONFIG.pgUrl);
  url.pathname = `/${name}`;
  return {
    describe: `external PostgreSQL on ${url.host}, fresh database ${name}`,
    embedded: false,
    env: { DATABASE_URL: url.toString() },
    countUsage: async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return Number((await client.query('select count(*)::int as n from request_usage')).rows[0].n);
      } finally {
        await client.end();
      }
    },
    drop: async () => {
      const client = new pg.Client({ connectionString: CONFIG.pgUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------
// The gateway and its configuration.

async function manage(gateway, path, body) {
  const response = await fetch(`${gateway.url}/v0/management${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-admin-key': ADMIN_KEY },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`);
}

async function configureGateway(gateway, mockUrl) {
  await manage(gateway, '/providers/mock', {
    api_base_url: `${mockUrl}/v1`,
    api_key: 'sk-mock',
  });
  await manage(gateway, '/aliases/bench', {
    target_groups: [
      {
        name: 'g',
        selector: 'in_order',
        targets: [{ provider: 'mock', model: 'mock-model' }],
      },
    ],
  });
  await manage(gateway, '/keys/bench', { secret: API_KEY });
}

/** The capacity lane's alias: the same mock with a 20 ms answer and 20 ms between frames. */
async function configureSlowAlias(gateway, slowMockUrl) {
  await manage(gateway, '/providers/slow', { api_base_url: `${slowMockUrl}/v1`, api_key: 'sk-mock' });
  await manage(gateway, '/aliases/bench-slow', {
    target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'slow', model: 'mock-model' }] }],
  });
}

// ---------------------------------------------------------------------------------------
// Measurements.

const REQUEST_HEADERS = {
  'content-type': 'application/json',
  authorization: `Bearer ${API_KEY}`,
};

/** One request, timed to its first body byte and to its end. */
function timedRequest(agent, url, body) {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const started = performance.now();
    let firstByte;
    let text = '';
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...REQUEST_HEADERS, 'content-length': payload.length },
      },
      (response) => {
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          firstByte ??= performance.now();
          text += chunk;
        });
        response.on('end', () => {
          const ended = performance.now();
          if (response.statusCode !== 200) reject(new Error(`${url}: ${response.statusCode} ${text.slice(0, 500)}`));
          else
            resolve({
              ttfb: (firstByte ?? ended) - started,
              total: ended - started,
              text,
            });
        });
        response.on('error', reject);
      },
    );
    request.setTimeout(10_000, () => request.destroy(new Error(`${url}: no answer in 10 s`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** Checks that a target answers both scenarios as OpenAI would, before any load. */
async function sanityCheck(name, url) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const json = await timedRequest(agent, url + PATH, BODIES['non-stream']);
    const content = JSON.parse(json.text)?.choices?.[0]?.message?.content;
    if (content !== 'Hello from the mock')
      throw new Error(`${name}: unexpected non-stream answer: ${json.text.slice(0, 500)}`);
    const sse = await timedRequest(agent, url + PATH, BODIES.stream);
    const deltas = [...sse.text.matchAll(/^data: (\{.*\})$/gm)]
      .map((match) => JSON.parse(match[1]).choices?.[0]?.delta?.content ?? '')
      .join('');
    if (deltas !== 'Hello from the mock' || !sse.text.includes('data: [DONE]')) {
      throw new Error(`${name}: unexpected stream answer: ${sse.text.slice(0, 1000)}`);
    }
  } finally {
    agent.destroy();
  }
}

/** Sequential requests on one keep-alive connection: TTFB and latency without load. */
async function sequentialSampler(url, body, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ttfb = [];
  const total = [];
  try {
    for (let i = 0; i < count; i++) {
      const timing = await timedRequest(agent, url + PATH, body);
      ttfb.push(timing.ttfb);
      total.push(timing.total);
    }
  } finally {
    agent.destroy();
  }
  return {
    ttfbP50: percentile(ttfb, 50),
    totalP50: percentile(total, 50),
    totalP99: percentile(total, 99),
    count,
  };
}

/** autocannon, with latencies kept at full resolution (its own histogram rounds to whole ms). */
async function load(url, body, duration) {
  const latencies = [];
  const instance = autocannon({
    url: url + PATH,
    method: 'POST',
    headers: REQUEST_HEADERS,
    body,
    connections: CONFIG.connections,
    duration,
    pipelining: 1,
    timeout: 10,
  });
  instance.on('response', (_client, statusCode, _bytes, ms) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
  });
  const result = await instance;
  return {
    rps: result['2xx'] / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok: result['2xx'],
    answered: result['2xx'] + result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Peak resident set size of a process, sampled every 200 ms, in MiB. */
function rssSampler(pid) {
  let peakKiB = 0;
  const read = () => {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peakKiB = Math.max(peakKiB, Number(match[1]));
    } catch {
      try {
        peakKiB = Math.max(
          peakKiB,
          Number(
            execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
              .toString()
              .trim(),
          ) || 0,
        );
      } catch {
        // gone
      }
    }
  };
  read();
  const timer = setInterval(read, 200);
  return {
    stop() {
      clearInterval(timer);
      read();
      return peakKiB / 1024;
    },
  };
}

/** Asks the gateway's preloaded profiler (bench/lib/cpu-profiler.cjs) to stop and write its profile. */
function stopProfile(gateway, file) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no CPU profile from the gateway in 30 s`)), 30_000);
    const onMessage = (message) => {
      if (message?.cpuProfile !== 'written' && message?.cpuProfile !== 'failed') return;
      clearTimeout(timer);
      gateway.child.off('message', onMessage);
      if (message.cpuProfile === 'written') resolve(message.file);
      else reject(new Error(`CPU profile failed: ${message.error}`));
    };
    gateway.child.on('message', onMessage);
    gateway.child.send({ cpuProfile: 'stop', file });
  });
}

// ---------------------------------------------------------------------------------------
// The capacity lane and the stream storm: a slow mock, a bare proxy in front of it, and
// the gateway's `bench-slow` alias on it.

async function capacityAndStorm({ gateway }) {
  const slow = await startChild(
    'slow mock upstream',
    [
      join(BENCH_DIR, 'mock-upstream.mjs'),
      '--delay-ms',
      String(SLOW_UPSTREAM_MS),
      '--chunk-delay-ms',
      String(SLOW_UPSTREAM_MS),
    ],
    { cpu: LOAD_CPU },
  );
  const slowProxy = await startChild('slow bare proxy', [join(BENCH_DIR, 'bare-proxy.mjs'), '--target', slow.url], {
    cpu: SUT_CPU,
  });
  await configureSlowAlias(gateway, slow.url);
  const targets = { bare: slowProxy.url, gateway: gateway.url };
  const capacity = { bare: {}, gateway: {} };
  let answered = 0;
  for (const connections of CAPACITY_LEVELS) {
    for (const [name, url] of Object.entries(targets)) {
      const common = { url, path: PATH, headers: REQUEST_HEADERS, body: SLOW_BODIES['non-stream'], connections };
      const warm = await capacityLoad({ ...common, duration: 1 });
      const measured = await capacityLoad({ ...common, duration: CONFIG.capacityDuration });
      capacity[name][connections] = measured;
      if (name === 'gateway') answered += warm.answered + measured.answered;
      log(
        `capacity c=${connections} / ${name}: ${fmt(measured.rps, 0)} req/s, p99 ${fmt(measured.p99, 1)} ms` +
          (measured.failed ? `, ${measured.failed} failed` : ''),
      );
      await sleep(500);
    }
  }
  const storm = { streams: CONFIG.stormStreams };
  for (const [name, url] of Object.entries(targets)) {
    storm[name] = await streamStorm({
      url,
      path: PATH,
      headers: REQUEST_HEADERS,
      body: SLOW_BODIES.stream,
      count: CONFIG.stormStreams,
    });
    if (name === 'gateway') answered += CONFIG.stormStreams;
    log(
      `storm / ${name}: first byte p50 ${fmt(storm[name].firstByteP50, 0)} ms, worst gap ${fmt(storm[name].worstGap, 0)} ms` +
        (storm[name].failed ? `, ${storm[name].failed} failed` : ''),
    );
    await sleep(1000);
  }
  await slowProxy.stop();
  await slow.stop();
  return { capacity, storm, answered };
}

/** What the goals table reads from the basic lane. */
function basicFigures(results) {
  const figures = {};
  for (const scenario of SCENARIOS) {
    const r = results[scenario];
    figures[scenario] = {
      bare: { rps: r['bare proxy'].load.rps },
      gateway: { rps: r.gateway.load.rps },
      addedP50: r.gateway.seq.totalP50 - r.direct.seq.totalP50,
      addedP99: r.gateway.seq.totalP99 - r.direct.seq.totalP99,
      addedTtfb: r.gateway.seq.ttfbP50 - r.direct.seq.ttfbP50,
    };
  }
  return figures;
}

// ---------------------------------------------------------------------------------------
// The report.

const fmt = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const signed = (value, digits = 2) =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)}` : 'n/a';

function report(results, meta) {
  const lines = [];
  lines.push('# Plexus gateway benchmark', '');
  for (const line of meta) lines.push(`- ${line}`);
  lines.push('');
  lines.push('| scenario | target | req/s | p50 ms | p99 ms | TTFB p50 ms | 1-at-a-time p50 ms |');
  lines.push('|---|---|---:|---:|---:|---:|---:|');
  for (const scenario of SCENARIOS) {
    for (const target of TARGETS) {
      const r = results[scenario][target];
      lines.push(
        `| ${scenario} | ${target} | ${fmt(r.load.rps, 0)} | ${fmt(r.load.p50)} | ${fmt(r.load.p99)} | ${fmt(r.seq.ttfbP50, 3)} | ${fmt(r.seq.totalP50, 3)} |`,
      );
    }
  }

  if (SCENARIOS.length < 2) return lines.join('\n') + '\n';
  const derived = {};
  for (const scenario of SCENARIOS) {
    const r = results[scenario];
    derived[scenario] = {
      ratio: r.gateway.load.rps / r['bare proxy'].load.rps,
      addedIdle: r.gateway.seq.totalP50 - r.direct.seq.totalP50,
      addedLoaded: r.gateway.load.p50 - r.direct.load.p50,
      addedTtfb: r.gateway.seq.ttfbP50 - r.direct.seq.ttfbP50,
      proxyAddedIdle: r['bare proxy'].seq.totalP50 - r.direct.seq.totalP50,
      proxyAddedTtfb: r['bare proxy'].seq.ttfbP50 - r.direct.seq.ttfbP50,
    };
  }
  const verdict = (pass) => (pass ? 'met' : '**missed**');
  const rows = [
    [
      'gateway / bare proxy throughput',
      (d) => `${fmt(d.ratio)}×`,
      '≥ 0.5×',
      SCENARIOS.every((s) => derived[s].ratio >= 0.5),
    ],
    [
      'added median latency vs direct, 1 at a time (ms)',
      (d) => signed(d.addedIdle, 3),
      '< 0.35',
      SCENARIOS.every((s) => derived[s].addedIdle < 0.35),
    ],
    ['added median latency vs direct, under load (ms)', (d) => signed(d.addedLoaded), '—', null],
    ['added TTFB p50 vs direct (ms)', (d) => signed(d.addedTtfb, 3), '< 0.5 (stream)', derived.stream.addedTtfb < 0.5],
    [
      'bare proxy: added median latency / TTFB vs direct (ms)',
      (d) => `${signed(d.proxyAddedIdle, 3)} / ${signed(d.proxyAddedTtfb, 3)}`,
      '—',
      null,
    ],
  ];
  if (COMPARE_USAGE) {
    const percent = (on, off) => `${signed((on / off - 1) * 100, 1)} %`;
    rows.push(
      [
        'usage recording: gateway req/s on / off (change)',
        (d) =>
          `${fmt(d.recorded.load.rps, 0)} / ${fmt(d.unrecorded.load.rps, 0)} (${percent(d.recorded.load.rps, d.unrecorded.load.rps)})`,
        '—',
        null,
      ],
      [
        'usage recording: added median latency under load (ms)',
        (d) => signed(d.recorded.load.p50 - d.unrecorded.load.p50),
        '—',
        null,
      ],
      [
        'usage recording: added median latency, 1 at a time (ms)',
        (d) => signed(d.recorded.seq.totalP50 - d.unrecorded.seq.totalP50, 3),
        '—',
        null,
      ],
    );
    for (const scenario of SCENARIOS) {
      derived[scenario].recorded = results[scenario].gateway;
      derived[scenario].unrecorded = results[scenario][UNRECORDED];
    }
  }
  lines.push('', '| derived | non-stream | stream | target | verdict |', '|---|---:|---:|---|---|');
  for (const [label, show, target, pass] of rows) {
    lines.push(
      `| ${label} | ${show(derived['non-stream'])} | ${show(derived.stream)} | ${target} | ${pass === null ? '—' : verdict(pass)} |`,
    );
  }

  const problems = [];
  for (const scenario of SCENARIOS) {
    for (const target of TARGETS) {
      const { load: l } = results[scenario][target];
      if (l.non2xx || l.errors || l.timeouts) {
        problems.push(`${scenario} / ${target}: ${l.non2xx} non-2xx, ${l.errors} errors, ${l.timeouts} timeouts`);
      }
    }
  }
  if (problems.length > 0) lines.push('', '**Failed requests under load:**', '', ...problems.map((p) => `- ${p}`));
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------

const loadAverage = () => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
};

async function main() {
  pinSelf();
  const loadBefore = loadAverage();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const database = await createDatabase();
  cleanups.push(() => database.drop());

  const profileDir = CONFIG.cpuProf ? join(RESULTS_DIR, 'profiles') : null;
  if (profileDir) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }

  const mock = await startChild('mock upstream', [join(BENCH_DIR, 'mock-upstream.mjs')], { cpu: LOAD_CPU });
  const proxy = await startChild('bare proxy', [join(BENCH_DIR, 'bare-proxy.mjs'), '--target', mock.url], {
    cpu: SUT_CPU,
  });
  const gatewayArgs = [
    ...CONFIG.gatewayNodeArgs,
    ...(profileDir ? ['--require', join(BENCH_DIR, 'lib', 'cpu-profiler.cjs')] : []),
    GATEWAY_MAIN,
  ];
  let firstStart = null;
  const gateway = await startChild('gateway', gatewayArgs, {
    cpu: SUT_CPU,
    onSpawn: (pid) => (firstStart = memorySampler(pid, 50)),
    env: {
      ADMIN_KEY,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...database.env,
    },
    ipc: Boolean(profileDir),
  });
  log(`mock ${mock.url}, bare proxy ${proxy.url}, gateway ${gateway.url} (pid ${gateway.pid})`);
  const firstStartPeak = firstStart.stop();
  await configureGateway(gateway, mock.url);
  await sleep(1000);
  const memory = {
    firstStartTotal: firstStartPeak.total,
    databaseFirstStart: firstStartPeak.database,
    gatewayIdle: gatewayKiB(gateway.pid) / 1024,
    databaseIdle: database.embedded ? databaseKiB(gateway.pid) / 1024 : NaN,
    bareIdle: gatewayKiB(proxy.pid) / 1024,
  };
  const gatewayLoad = memorySampler(gateway.pid);
  const bareLoad = rssSampler(proxy.pid);
  // Started once the first has migrated the database; configured through its own API,
  // since configuration is cached per process.
  const unrecorded = COMPARE_USAGE
    ? await startChild(UNRECORDED, gatewayArgs, {
        cpu: SUT_CPU,
        env: {
          ADMIN_KEY,
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'error',
          USAGE_RECORDING: 'false',
          ...database.env,
        },
        ipc: Boolean(profileDir),
      })
    : null;
  if (unrecorded) await configureGateway(unrecorded, mock.url);
  const gateways = { gateway, [UNRECORDED]: unrecorded };

  const urls = {
    direct: mock.url,
    'bare proxy': proxy.url,
    gateway: gateway.url,
    ...(unrecorded && { [UNRECORDED]: unrecorded.url }),
  };
  for (const target of TARGETS) await sanityCheck(target, urls[target]);

  const results = {};
  let gatewayAnswered = 2;
  for (const scenario of SCENARIOS) {
    results[scenario] = {};
    for (const target of TARGETS) {
      const url = urls[target];
      const body = BODIES[scenario];
      log(`${scenario} / ${target}: warm-up ${CONFIG.warmup} s`);
      const warm = await load(url, body, CONFIG.warmup);
      await sleep(300);
      const seq = await sequentialSampler(url, body, CONFIG.samples);
      await sleep(200);
      log(`${scenario} / ${target}: ${CONFIG.duration} s at ${CONFIG.connections} connections`);
      const isGateway = target === 'gateway';
      const loadedGateway = isGatewayTarget(target) ? gateways[target] : null;
      const rss = loadedGateway && target !== 'gateway' ? rssSampler(loadedGateway.pid) : null;
      if (isGateway && profileDir) gateway.child.send({ cpuProfile: 'start' });
      const measured = await load(url, body, CONFIG.duration);
      if (isGateway && profileDir) await stopProfile(gateway, join(profileDir, `gateway-${scenario}.cpuprofile`));
      results[scenario][target] = {
        load: measured,
        seq,
        rssPeak: rss ? rss.stop() : NaN,
      };
      if (isGateway) gatewayAnswered += warm.answered + seq.count + measured.answered;
      log(
        `${scenario} / ${target}: ${fmt(measured.rps, 0)} req/s, p50 ${fmt(measured.p50)} ms, p99 ${fmt(measured.p99)} ms, ` +
          `TTFB p50 ${fmt(seq.ttfbP50, 3)} ms` +
          (rss ? `, peak RSS ${fmt(results[scenario][target].rssPeak, 1)} MiB` : ''),
      );
    }
  }

  const lanes = CONFIG.lanes === 'all' ? await capacityAndStorm({ gateway }) : {};
  const gatewayPeaks = gatewayLoad.stop();
  Object.assign(memory, {
    gatewayLoad: gatewayPeaks.gateway,
    databaseLoad: database.embedded ? gatewayPeaks.database : NaN,
    bareLoad: bareLoad.stop(),
  });
  gatewayAnswered += lanes.answered ?? 0;

  // Let the usage recorder's batches land, then stop the gateway (it flushes on the way out).
  await sleep(1000);
  const exitCode = await gateway.stop();
  if (unrecorded) await unrecorded.stop();
  await proxy.stop();
  await mock.stop();
  let usageRows = 'n/a';
  try {
    usageRows = String(await database.countUsage());
  } catch (error) {
    log(`could not count usage rows: ${error.message}`);
  }

  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO,
    })
      .toString()
      .trim();
    if (
      execFileSync('git', ['status', '--porcelain', '--', 'apps', 'libs'], {
        cwd: REPO,
      })
        .toString()
        .trim()
    )
      commit += ' (apps/libs modified)';
  } catch {
    // not a git checkout
  }
  const pinning = TASKSET
    ? `bare proxy and gateway pinned to CPU ${SUT_CPU} (\`taskset -c ${SUT_CPU}\`, one core, only one of them loaded at a time); mock upstream and load generator on CPU ${LOAD_CPU}; the database server unpinned`
    : 'not pinned (taskset unavailable, fewer than 2 CPUs, or BENCH_PIN=0): every process shares every CPU';
  const meta = [
    `${new Date().toISOString()}, commit ${commit}, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${CPU_COUNT}; load average ${loadBefore} before, ${loadAverage()} after (this run's own load included)`,
    pinning,
    `load: autocannon, ${CONFIG.connections} keep-alive connections, ${CONFIG.duration} s measured after ${CONFIG.warmup} s warm-up per target; p50/p99 are full-response latencies under that load`,
    `TTFB and 1-at-a-time: ${CONFIG.samples} sequential requests per target on one keep-alive connection, no other load; time to the first body byte and to the end`,
    `database: ${database.describe}; usage rows recorded: ${usageRows} for ${gatewayAnswered} answered gateway requests (plus any cut off at the end of a run); gateway stopped with ${exitCode} after SIGTERM`,
    ...(COMPARE_USAGE
      ? [
          `"${UNRECORDED}": a second gateway process (same build, database and configuration) with USAGE_RECORDING=false, loaded right after the recording one`,
        ]
      : []),
    `memory: the gateway's VmRSS, and the embedded database's processes summed as PSS; idle 1 s after configuration, under load the peak sampled every 200 ms over every lane, first start the peak sampled every 50 ms from spawn to listening`,
    ...(lanes.capacity
      ? [
          `capacity lane: a second mock answering after ${SLOW_UPSTREAM_MS} ms with ${SLOW_UPSTREAM_MS} ms between frames, non-stream, ${CONFIG.capacityDuration} s per level after 1 s warm-up; storm: ${CONFIG.stormStreams} streamed requests started at once on their own connections`,
        ]
      : []),
    ...(CONFIG.gatewayNodeArgs.length > 0 ? [`gateway node flags: \`${CONFIG.gatewayNodeArgs.join(' ')}\``] : []),
    ...(profileDir
      ? ['**CPU profiler attached to the gateway: its throughput and latency here are lower than without it**']
      : []),
  ];
  const run = {
    connections: CONFIG.connections,
    embedded: database.embedded,
    basic: basicFigures(results),
    capacity: lanes.capacity,
    storm: lanes.storm,
    memory,
  };
  const markdown = `${report(results, meta)}\n## Against the goals\n\n${goalsMarkdown(run)}\n`;
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), JSON.stringify(run, null, 2));
  process.stdout.write(markdown);

  if (profileDir) {
    let text = '# Gateway CPU profiles under load\n\n';
    for (const scenario of SCENARIOS) {
      const file = join(profileDir, `gateway-${scenario}.cpuprofile`);
      text += profileMarkdown(
        `${scenario} (${file.slice(REPO.length + 1)})`,
        summarizeProfile(JSON.parse(readFileSync(file, 'utf8'))),
      );
      text += '\n';
    }
    writeFileSync(join(RESULTS_DIR, 'profile.md'), text);
    process.stdout.write('\n' + text);
  }
  log(`wrote ${join(RESULTS_DIR, 'latest.md')}${profileDir ? ` and ${join(RESULTS_DIR, 'profile.md')}` : ''}`);
}

// ---------------------------------------------------------------------------------------
// Cleanup, on success, failure, Ctrl-C, or a run that outlives its budget.

const cleanups = [];
let cleaning = null;

function cleanup() {
  cleaning ??= (async () => {
    await Promise.allSettled([...children].map((handle) => handle.stop()));
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        log(`cleanup: ${error.message}`);
      }
    }
  })();
  return cleaning;
}

const budgetSeconds =
  2 * SCENARIOS.length * TARGETS.length * (CONFIG.duration + CONFIG.warmup + 1 + CONFIG.samples * 0.02) +
  (CONFIG.lanes === 'all' ? 2 * CAPACITY_LEVELS.length * 2 * (CONFIG.capacityDuration + 2) + 240 : 0) +
  180;
const watchdog = setTimeout(() => {
  log(`the run outlived its ${Math.round(budgetSeconds)} s budget: stopping`);
  void cleanup().finally(() => process.exit(1));
}, budgetSeconds * 1000);
watchdog.unref();

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  await main();
  await cleanup();
  clearTimeout(watchdog);
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  for (const handle of children) log(`${handle.name} output:\n${handle.output().slice(-4000)}`);
  await cleanup();
  process.exit(1);
}
