// Reads a V8 .cpuprofile and says where the time went: self time by function and by
// package. Also runnable on its own: node bench/lib/profile-summary.mjs <file.cpuprofile>
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const REPO = new URL('../../', import.meta.url).pathname;

/** Where a frame's code lives, shortened: a package, node's own lib, or the gateway's build. */
export function location(url) {
  if (!url) return '';
  let path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  if (path.startsWith(REPO)) path = path.slice(REPO.length);
  return path;
}

export function packageOf(callFrame) {
  const { functionName, url } = callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (core)';
  const path = location(url);
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (match) return match[1];
  const plexus = plexusModule(path);
  return plexus ?? path;
}

/** `plexus libs/persistence` for a frame in the gateway's build, else null. */
function plexusModule(path) {
  if (!path.startsWith('dist/apps/gateway/')) return null;
  const inner = path.slice('dist/apps/gateway/'.length);
  const match = /^(libs\/protocols\/[^/]+|libs\/[^/]+|apps\/[^/]+)\//.exec(inner);
  return `plexus ${match ? match[1] : inner}`;
}

const frameKey = (callFrame) =>
  (callFrame.functionName || '(anonymous)') +
  (callFrame.url ? ` ${location(callFrame.url)}:${callFrame.lineNumber + 1}` : '');

/**
 * Self time, in ms and as a share of the profile, by function and by package; and the
 * inclusive time of the gateway's own functions (their synchronous callees included).
 */
export function summarizeProfile(profile, { top = 20 } = {}) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfByNode = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    selfByNode.set(profile.samples[i], (selfByNode.get(profile.samples[i]) ?? 0) + delta);
    total += delta;
  }
  const byFunction = new Map();
  const byPackage = new Map();
  const inclusive = new Map();
  for (const [id, micros] of selfByNode) {
    const { callFrame } = nodes.get(id);
    const key = frameKey(callFrame);
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const pkg = packageOf(callFrame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    // Each gateway function on this stack, once however deep it recurses.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at).callFrame;
      if (!plexusModule(location(frame.url))) continue;
      const name = frameKey(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({
        name,
        ms: micros / 1000,
        share: total ? micros / total : 0,
      }));
  return {
    totalMs: total / 1000,
    functions: rank(byFunction),
    packages: rank(byPackage),
    plexusInclusive: rank(inclusive),
  };
}

export function profileMarkdown(title, summary) {
  const pct = (share) => `${(share * 100).toFixed(1)}%`;
  const lines = [
    `### ${title}`,
    '',
    `${summary.totalMs.toFixed(0)} ms sampled. \`(idle)\` is time the gateway waited for I/O; \`post node:inspector\`, where`,
    'it shows, is the profiler stopping, not the gateway.',
    '',
  ];
  lines.push('| self % | self ms | function |', '|---:|---:|---|');
  for (const row of summary.functions) lines.push(`| ${pct(row.share)} | ${row.ms.toFixed(1)} | \`${row.name}\` |`);
  lines.push('', '| self % | self ms | package |', '|---:|---:|---|');
  for (const row of summary.packages) lines.push(`| ${pct(row.share)} | ${row.ms.toFixed(1)} | ${row.name} |`);
  lines.push('', '| total % | total ms | gateway function, with what it calls synchronously |', '|---:|---:|---|');
  for (const row of summary.plexusInclusive)
    lines.push(`| ${pct(row.share)} | ${row.ms.toFixed(1)} | \`${row.name}\` |`);
  return lines.join('\n') + '\n';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/lib/profile-summary.mjs <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), {
    top: Number(process.argv[3] ?? 25),
  });
  process.stdout.write(profileMarkdown(file, summary));
}
