/**
 * The `k8s-netviz` command line, testable without a process: `trace` loads manifests (or the
 * built-in cluster), runs the simulation's `trace()` and prints the trace as a table, JSON or
 * YAML; `matrix` prints who can reach whom (matrix.ts); `route` what a Gateway does with one
 * HTTP request (route.ts); `open` serves the app on these manifests
 * (open.ts).
 *
 * Exit status: 0 when the command ran (for trace, whatever its verdict, unless --exit-code); 2 on
 * bad arguments or bad input (the error on stderr); 1 on an unexpected failure. Warnings go to
 * stderr only, never into stdout. Everything printed is escaped (escape.ts): names come from
 * manifests.
 */
import { buildCluster } from '../sim/model/build';
import type { ClusterSpec } from '../sim/model/build';
import { CNI_PRESETS, switchCni } from '../sim/registry';
import type { CniPreset } from '../sim/registry';
import type { Cluster, ClusterSettings } from '../sim/model/types';
import { defaultClusterSpec } from '../sim/scenarios/defaultCluster';
import { trace } from '../sim/resolve/trace';
import { TraceRequestError } from '../sim/resolve/request';
import { lookup } from '../sim/model/lookup';
import { addIngressController } from '../sim/resolve/ingress';
import { addEnvoyGateway } from '../sim/model/envoyGateway';
import { addCiliumGateway } from '../sim/model/ciliumGateway';
import { stringify } from 'yaml';
import type { Verdict } from '../sim/trace/types';
import { USAGE, UsageError, parseCommandLine } from './args';
import type { Output, TraceArgs } from './args';
import { escapeEncoded, escapeText } from './escape';
import { formatTrace } from './format';
import { importSources, readManifestFiles } from './manifests';
import type { Io } from './manifests';
import { openApp } from './open';
import { runMatrix } from './matrix';
import { runRoute } from './route';
import { VERSION } from './version';

/** --exit-code: the exit status of each verdict (2 stays "bad input", 1 "unexpected failure"). */
export const VERDICT_EXIT: Record<Verdict, number> = { delivered: 0, refused: 3, dropped: 4, unresolved: 5 };

/** The spec with another CNI (--cni), as the app's CNI switch would set it. */
function withCni(spec: ClusterSpec, built: Cluster, cni: string): ClusterSpec {
  const preset = CNI_PRESETS.find((p) => p.id === cni) as CniPreset;
  return { ...spec, settings: { ...spec.settings, ...switchCni(built.settings, preset) } };
}

async function loadCluster(
  files: readonly string[],
  io: Io,
  cni?: string,
  over: Partial<ClusterSettings> = {},
): Promise<Cluster | null> {
  // settings given on the command line (--vpc-subnet-prefix) over those of the input
  const apply = (spec: ClusterSpec): ClusterSpec =>
    Object.keys(over).length === 0 ? spec : { ...spec, settings: { ...spec.settings, ...over } };
  if (files.length === 0) {
    const base = buildCluster(defaultClusterSpec);
    if (cni === undefined && Object.keys(over).length === 0) return base;
    return buildCluster(apply(cni === undefined ? defaultClusterSpec : withCni(defaultClusterSpec, base, cni)));
  }
  const result = importSources(await readManifestFiles(files, io), io);
  if (result === null) return null;
  // Ingresses only route anything through a controller: without one, add ingress-nginx as its
  // bare-metal manifest installs it (a NodePort Service), and say so.
  const withIngress = addIngressController(result.spec, 'bare-metal');
  if (withIngress.note !== null) io.err(`warning: ${withIngress.note}\n`);
  // Gateways of Envoy Gateway's class likewise get the Envoy Deployment and Service it creates.
  const withEnvoy = addEnvoyGateway(withIngress.spec);
  if (withEnvoy.note !== null) io.err(`warning: ${withEnvoy.note}\n`);
  // Gateways of Cilium's class get the Service its operator creates (the nodes run the Envoy).
  const withController = addCiliumGateway(withEnvoy.spec);
  if (withController.note !== null) io.err(`warning: ${withController.note}\n`);
  const added = withIngress.note !== null || withEnvoy.note !== null || withController.note !== null;
  if (!added && cni === undefined && Object.keys(over).length === 0) return result.cluster;
  const spec = cni === undefined ? withController.spec : withCni(withController.spec, result.cluster, cni);
  return buildCluster(apply(spec));
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

/** The trace in the form -o asked for. */
function render(result: ReturnType<typeof trace>, output: Output): string {
  if (output === 'json') return escapeEncoded(`${JSON.stringify(result, null, 2)}\n`);
  // double-quoted strings, so that escapeEncoded's \uHHHH escapes read back as the same text
  if (output === 'yaml')
    return escapeEncoded(
      stringify(result, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 }),
    );
  return escapeText(formatTrace(result, { wide: output === 'wide' }), true);
}

/** Runs the command line; returns the exit status. */
export async function run(argv: readonly string[], rawIo: Io): Promise<number> {
  // stderr carries names from manifests (problems, warnings): escaped like the table
  const io: Io = { ...rawIo, err: (text) => rawIo.err(escapeText(text, true)) };
  let args;
  try {
    args = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`k8s-netviz: ${error.message}\nSee 'k8s-netviz --help' for the options.\n`);
      return 2;
    }
    throw error;
  }
  if (args.command === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (args.command === 'version') {
    io.out(`k8s-netviz ${VERSION}\n`);
    return 0;
  }
  try {
    if (args.command === 'open') return await openApp(args, io, io.open ?? {});
    const over =
      args.command !== 'route' && args.vpcSubnetPrefix !== undefined ? { vpcSubnetPrefix: args.vpcSubnetPrefix } : {};
    const cluster = await loadCluster(args.files, io, args.command === 'route' ? undefined : args.cni, over);
    if (cluster === null) return 2;
    if (args.command === 'matrix') return runMatrix(cluster, args, io);
    if (args.command === 'route') return runRoute(cluster, args, io);
    if (!checkPicks(cluster, args, io)) return 2;
    const url = /^https?:\/\//i.test(args.to);
    const input = {
      from: args.from,
      to: args.to,
      protocol: args.protocol,
      ...(args.port !== undefined ? { port: args.port } : {}),
      ...(args.host !== undefined && url ? { host: args.host } : {}),
      ...(args.method !== undefined ? { method: args.method } : {}),
      ...(args.headers.length > 0 ? { headers: args.headers } : {}),
    };
    const result = trace(cluster, input, { seed: args.seed, pick: args.pick });
    if (args.host !== undefined && !url)
      io.err(`warning: --host ${args.host} applies to URL destinations only; ignored\n`);
    // The simulation says which picks pinned nothing (not a candidate, a DNS server or an LB node).
    for (const w of result.warningDetails ?? []) io.err(`warning: ${w.message}\n`);
    io.out(render(result, args.output));
    return args.exitCode ? VERDICT_EXIT[result.verdict] : 0;
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
