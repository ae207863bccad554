/**
 * The `k8s-netviz` command line (issue 3), testable without a process: `trace` loads manifests (or
 * the built-in cluster), runs the simulation's `trace()` and prints the trace as a table or JSON.
 *
 * Exit status: 0 when the trace ran, whatever its verdict; 2 on bad arguments or bad input (the
 * error on stderr); 1 on an unexpected failure. Warnings go to stderr only, never into stdout.
 */
import { buildCluster } from '../sim/model/build';
import type { Cluster } from '../sim/model/types';
import { defaultClusterSpec } from '../sim/scenarios/defaultCluster';
import { loadManifests } from '../sim/import/index';
import type { ImportProblem } from '../sim/import/types';
import { trace } from '../sim/resolve/trace';
import { TraceRequestError } from '../sim/resolve/request';
import { lookup } from '../sim/model/lookup';
import { addIngressController } from '../sim/resolve/ingress';
import { USAGE, UsageError, parseCommandLine } from './args';
import type { TraceArgs } from './args';
import { formatTrace } from './format';
import { readSources } from './input';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `file:line:col: Kind ns/name: field: message`, leaving out what the problem does not know. */
export function formatProblem(p: ImportProblem): string {
  let where = p.source;
  if (p.line !== undefined) where += `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}`;
  const parts = [where];
  if (p.object) parts.push(p.object);
  if (p.field) parts.push(p.field);
  parts.push(p.message);
  return parts.join(': ');
}

async function loadCluster(files: readonly string[], io: Io): Promise<Cluster | null> {
  if (files.length === 0) return buildCluster(defaultClusterSpec);
  const sources = await readSources(files);
  const result = loadManifests(sources);
  for (const w of result.warnings) io.err(`warning: ${formatProblem(w)}\n`);
  if (!result.ok) {
    for (const e of result.errors) io.err(`${formatProblem(e)}\n`);
    return null;
  }
  const ignored = Object.entries(result.ignored);
  if (ignored.length > 0)
    io.err(`warning: not simulated, skipped: ${ignored.map(([k, n]) => `${k} (${n})`).join(', ')}\n`);
  // Ingresses only route anything through a controller: without one, add ingress-nginx as its
  // bare-metal manifest installs it (a NodePort Service), and say so.
  const withController = addIngressController(result.spec, 'bare-metal');
  if (withController.note === null) return result.cluster;
  io.err(`warning: ${withController.note}\n`);
  return buildCluster(withController.spec);
}

function checkPicks(cluster: Cluster, args: TraceArgs, io: Io): boolean {
  const lk = lookup(cluster);
  for (const p of args.pick) {
    if (p.startsWith('node/')) {
      if (!lk.nodeByName.has(p.slice(5))) {
        io.err(`k8s-netviz: --pick ${p}: no node ${p.slice(5)} in this cluster\n`);
        return false;
      }
    } else if (!lk.podByKey.has(p)) {
      io.err(`k8s-netviz: --pick ${p}: no pod ${p} in this cluster\n`);
      return false;
    }
  }
  return true;
}

/** Runs the command line; returns the exit status. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`k8s-netviz: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (args.command === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    const cluster = await loadCluster(args.files, io);
    if (cluster === null) return 2;
    if (!checkPicks(cluster, args, io)) return 2;
    const url = /^https?:\/\//i.test(args.to);
    const input = {
      from: args.from,
      to: args.to,
      protocol: args.protocol,
      ...(args.port !== undefined ? { port: args.port } : {}),
      ...(args.host !== undefined && url ? { host: args.host } : {}),
    };
    const result = trace(cluster, input, { seed: args.seed, pick: args.pick });
    if (args.host !== undefined && !url)
      io.err(`warning: --host ${args.host} applies to URL destinations only; ignored\n`);
    // The simulation says which picks pinned nothing (not a candidate, a DNS server or an LB node).
    for (const w of result.warnings ?? []) io.err(`warning: ${w}\n`);
    io.out(args.json ? `${JSON.stringify(result, null, 2)}\n` : formatTrace(result));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof TraceRequestError) {
      io.err(`k8s-netviz: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && error.name === 'ClusterBuildError') {
      io.err(`k8s-netviz: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
