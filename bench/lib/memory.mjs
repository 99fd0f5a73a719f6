// Resident memory of the gateway process and, separately, of its embedded database server
// (the postgres processes started by the gateway). Linux /proc only; elsewhere NaN.
import { readdirSync, readFileSync } from 'node:fs';

function readKiB(file, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Every process's parent, read once per sample. */
function parents() {
  const map = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (ppid) map.set(Number(entry), Number(ppid));
    } catch {
      // ended while we looked
    }
  }
  return map;
}

function isPostgres(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0].endsWith('postgres');
  } catch {
    return false;
  }
}

/**
 * The database server's memory: the postmaster under the gateway and every process under
 * it. Summed as PSS (each shared page divided among the processes mapping it), so the
 * shared buffer cache mapped by every backend counts once, as the pod's memory cgroup does.
 */
export function databaseKiB(gatewayPid) {
  const tree = parents();
  const members = new Set();
  for (const [pid, ppid] of tree) if (ppid === gatewayPid && isPostgres(pid)) members.add(pid);
  if (members.size === 0) return 0;
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of tree)
      if (!members.has(pid) && members.has(ppid)) {
        members.add(pid);
        grew = true;
      }
  }
  let total = 0;
  for (const pid of members) total += readKiB(`/proc/${pid}/smaps_rollup`, 'Pss');
  return total;
}

export function gatewayKiB(pid) {
  return readKiB(`/proc/${pid}/status`, 'VmRSS');
}

/** Peaks of the gateway's RSS, the database's, and their sum, sampled every `intervalMs`. */
export function memorySampler(gatewayPid, intervalMs = 200) {
  const peak = { gateway: 0, database: 0, total: 0 };
  const read = () => {
    const gateway = gatewayKiB(gatewayPid);
    const database = databaseKiB(gatewayPid);
    peak.gateway = Math.max(peak.gateway, gateway);
    peak.database = Math.max(peak.database, database);
    peak.total = Math.max(peak.total, gateway + database);
  };
  read();
  const timer = setInterval(read, intervalMs);
  return {
    /** Peaks so far in MiB. */
    stop() {
      clearInterval(timer);
      read();
      return { gateway: peak.gateway / 1024, database: peak.database / 1024, total: peak.total / 1024 };
    },
  };
}
