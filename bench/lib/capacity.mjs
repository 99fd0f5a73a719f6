// The capacity lane (a 20 ms upstream under 32/128/512 connections) and the stream storm
// (512 streams opened at once). Both run against the bare proxy and the gateway in turn.
import autocannon from 'autocannon';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** autocannon at `connections`, latencies kept at µs resolution. */
export async function capacityLoad({ url, path, headers, body, connections, duration }) {
  const latencies = [];
  const instance = autocannon({
    url: url + path,
    method: 'POST',
    headers,
    body,
    connections,
    duration,
    pipelining: 1,
    timeout: 30,
  });
  instance.on('response', (_client, statusCode, _bytes, ms) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
  });
  const result = await instance;
  return {
    rps: result['2xx'] / result.duration,
    p99: percentile(latencies, 99),
    failed: result.non2xx + result.errors + result.timeouts,
    answered: result['2xx'] + result.non2xx,
  };
}

/**
 * `count` streamed requests started at once, each on its own connection: time to each
 * one's first body byte, and the longest wait between two chunks of any stream.
 */
export async function streamStorm({ url, path, headers, body, count }) {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const payload = Buffer.from(body);
  const one = () =>
    new Promise((resolve) => {
      const started = performance.now();
      let firstByte = NaN;
      let last = NaN;
      let worstGap = 0;
      const request = httpRequest(
        url + path,
        { method: 'POST', agent, headers: { ...headers, 'content-length': payload.length } },
        (response) => {
          response.on('data', () => {
            const now = performance.now();
            if (Number.isNaN(firstByte)) firstByte = now - started;
            else worstGap = Math.max(worstGap, now - last);
            last = now;
          });
          response.on('end', () => resolve({ ok: response.statusCode === 200, firstByte, worstGap }));
          response.on('error', () => resolve({ ok: false, firstByte, worstGap }));
        },
      );
      request.setTimeout(60_000, () => request.destroy(new Error('timeout')));
      request.on('error', () => resolve({ ok: false, firstByte, worstGap }));
      request.end(payload);
    });
  try {
    const results = await Promise.all(Array.from({ length: count }, one));
    const ok = results.filter((r) => r.ok);
    return {
      firstByteP50: percentile(
        ok.map((r) => r.firstByte),
        50,
      ),
      worstGap: ok.reduce((worst, r) => Math.max(worst, r.worstGap), 0),
      failed: count - ok.length,
    };
  } finally {
    agent.destroy();
  }
}
