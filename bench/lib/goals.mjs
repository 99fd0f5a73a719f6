// The goals of the performance issue, each read from a run's figures and marked met / missed.

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/**
 * Rows of `| figure | bare proxy | gateway | goal | verdict |`. `run` holds what was
 * measured; a lane that did not run shows n/a and no verdict.
 */
export function goalRows(run) {
  const rows = [];
  const add = (figure, bare, gateway, goal, pass) =>
    rows.push({ figure, bare, gateway, goal, verdict: pass === null ? '—' : pass ? 'met' : '**missed**' });
  const known = (...values) => values.every(Number.isFinite);

  const basic = run.basic['non-stream'];
  if (basic) {
    const ratio = basic.gateway.rps / basic.bare.rps;
    add(
      `non-stream req/s, c=${run.connections}`,
      fmt(basic.bare.rps),
      `${fmt(basic.gateway.rps)} (${fmt(ratio, 2)}×)`,
      '≥ 0.5× of the bare proxy',
      known(ratio) ? ratio >= 0.5 : null,
    );
    add(
      'added p50 / p99 one at a time (ms)',
      '–',
      `${fmt(basic.addedP50, 2)} / ${fmt(basic.addedP99, 2)}`,
      '≤ 0.35 / 2',
      known(basic.addedP50, basic.addedP99) ? basic.addedP50 <= 0.35 && basic.addedP99 <= 2 : null,
    );
  }
  const stream = run.basic.stream;
  if (stream)
    add(
      'stream first byte added (ms)',
      '–',
      fmt(stream.addedTtfb, 2),
      '≤ 0.5',
      known(stream.addedTtfb) ? stream.addedTtfb <= 0.5 : null,
    );

  const capacity = run.capacity;
  if (capacity) {
    const levels = Object.keys(capacity.gateway);
    const rpsGoals = { 32: 1450, 128: 5000, 512: 6000 };
    add(
      `20 ms upstream, req/s at c=${levels.join(' / ')}`,
      levels.map((c) => fmt(capacity.bare[c].rps)).join(' / '),
      levels.map((c) => fmt(capacity.gateway[c].rps)).join(' / '),
      `≥ ${levels.map((c) => rpsGoals[c] ?? '?').join(' / ')}`,
      levels.every((c) => capacity.gateway[c].rps >= (rpsGoals[c] ?? Infinity)),
    );
    const p99Goals = { 128: 100, 512: 250 };
    const p99Levels = levels.filter((c) => p99Goals[c]);
    add(
      `20 ms upstream, p99 at c=${p99Levels.join(' / ')} (ms)`,
      p99Levels.map((c) => fmt(capacity.bare[c].p99)).join(' / '),
      p99Levels.map((c) => fmt(capacity.gateway[c].p99)).join(' / '),
      `≤ ${p99Levels.map((c) => p99Goals[c]).join(' / ')}`,
      p99Levels.every((c) => capacity.gateway[c].p99 <= p99Goals[c]),
    );
  }
  const storm = run.storm;
  if (storm)
    add(
      `${storm.streams} concurrent streams: first byte p50, worst gap between chunks (ms)`,
      `${fmt(storm.bare.firstByteP50)}, ${fmt(storm.bare.worstGap)}`,
      `${fmt(storm.gateway.firstByteP50)}, ${fmt(storm.gateway.worstGap)}`,
      '≤ 400, ≤ 150',
      storm.gateway.firstByteP50 <= 400 && storm.gateway.worstGap <= 150,
    );

  const memory = run.memory;
  add(
    'gateway process RSS idle / under load (MiB)',
    `${fmt(memory.bareIdle)} / ${fmt(memory.bareLoad)}`,
    `${fmt(memory.gatewayIdle)} / ${fmt(memory.gatewayLoad)}`,
    '≤ 150 / 250',
    known(memory.gatewayIdle, memory.gatewayLoad) ? memory.gatewayIdle <= 150 && memory.gatewayLoad <= 250 : null,
  );
  if (run.embedded) {
    add(
      'embedded database RSS idle / under load / peak at first start (MiB)',
      '–',
      `${fmt(memory.databaseIdle)} / ${fmt(memory.databaseLoad)} / ${fmt(memory.databaseFirstStart)}`,
      '—',
      null,
    );
    add(
      'peak memory while starting on a fresh data directory, all processes (MiB)',
      '–',
      fmt(memory.firstStartTotal),
      '≤ 300 MB',
      known(memory.firstStartTotal) ? memory.firstStartTotal * 1.048576 <= 300 : null,
    );
  }
  return rows;
}

export function goalsMarkdown(run) {
  const lines = ['| goal | bare proxy | gateway | aim | verdict |', '|---|---:|---:|---|---|'];
  for (const row of goalRows(run))
    lines.push(`| ${row.figure} | ${row.bare} | ${row.gateway} | ${row.goal} | ${row.verdict} |`);
  return lines.join('\n');
}
