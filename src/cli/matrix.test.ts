/**
 * `k8s-netviz matrix`, run in-process on the NetworkPolicy fixtures of the resolver's tests: the
 * grid, -o wide / csv / json, the selections, --exit-code and bad arguments.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from './args';
import { run } from './run';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'sim', 'resolve', 'fixtures');
const files = (cni: string): string[] =>
  ['kubeadm.yaml', 'nodes.yaml', `cni/${cni}.yaml`, 'edge/apps.yaml', 'edge/policies.yaml'].flatMap((f) => [
    '-f',
    join(fixtures, f),
  ]);

async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await run(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

interface JsonCell {
  from: string;
  to: string;
  port: number;
  protocol: string;
  verdict: string;
  policies: string[];
}

describe('k8s-netviz matrix', () => {
  it('-o json: one cell per source, destination and port, with the deciding policies', async () => {
    const r = await cli([
      'matrix',
      ...files('calico-ipip'),
      '--from-namespace',
      'shop',
      '--to-namespace',
      'shop',
      '--port',
      '8080',
      '-o',
      'json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { cells: JsonCell[]; sources: string[]; destinations: string[] };
    expect(out.cells).toHaveLength(out.sources.length * out.destinations.length);
    expect(out.sources).toContain('shop/client');
    const toWeb = out.cells.find((c) => c.from === 'shop/client' && c.to === 'shop/web')!;
    expect(toWeb).toMatchObject({ port: 8080, protocol: 'tcp' });
    // every verdict word is one of the five
    for (const c of out.cells)
      expect(['allowed', 'denied-egress', 'denied-ingress', 'not-enforced', 'refused']).toContain(c.verdict);
    // shop has a default-deny: some cell is denied and names shop's policies
    const denied = out.cells.filter((c) => c.verdict.startsWith('denied'));
    expect(denied.length).toBeGreaterThan(0);
    for (const c of denied) expect(c.policies.every((p) => p.startsWith('shop/'))).toBe(true);
  });

  it('the same cells on flannel are not-enforced where a policy selects the pods', async () => {
    const enforced = JSON.parse(
      (
        await cli([
          'matrix',
          ...files('calico-ipip'),
          '--from-namespace',
          'shop',
          '--to-namespace',
          'shop',
          '--port',
          '8080',
          '--json',
        ])
      ).stdout,
    ) as { cells: JsonCell[] };
    const flannel = JSON.parse(
      (
        await cli([
          'matrix',
          ...files('flannel-vxlan'),
          '--from-namespace',
          'shop',
          '--to-namespace',
          'shop',
          '--port',
          '8080',
          '--json',
        ])
      ).stdout,
    ) as { cells: JsonCell[] };
    expect(flannel.cells.map((c) => `${c.from} ${c.to}`)).toEqual(enforced.cells.map((c) => `${c.from} ${c.to}`));
    flannel.cells.forEach((c, i) => {
      const e = enforced.cells[i]!;
      // denied where enforced: delivered anyway, or refused when nothing listens there
      if (e.verdict.startsWith('denied'))
        expect(['not-enforced', 'refused'], `${c.from} -> ${c.to}`).toContain(c.verdict);
      else if (e.verdict === 'allowed') expect(['allowed', 'not-enforced']).toContain(c.verdict);
      else expect(c.verdict).toBe(e.verdict);
    });
    expect(flannel.cells.some((c) => c.verdict === 'not-enforced')).toBe(true);
    expect(flannel.cells.some((c) => c.verdict.startsWith('denied'))).toBe(false);
  });

  it('prints a grid per port, with a key to the columns and the counts', async () => {
    const r = await cli([
      'matrix',
      ...files('calico-ipip'),
      '--from-namespace',
      'shop',
      '--to-namespace',
      'shop',
      '--port',
      '8080',
    ]);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('TCP port 8080');
    expect(lines[1]).toMatch(/^from \\ to +1 +2/);
    const row = lines.find((l) => l.startsWith('shop/client '))!;
    expect(
      row
        .trim()
        .split(/\s+/)
        .slice(1)
        .every((x) => /^[.EINR]$/.test(x)),
    ).toBe(true);
    expect(r.stdout).toMatch(/^to: 1 shop\//m);
    expect(r.stdout).toMatch(
      /^\d+ cells: \d+ allowed, \d+ denied-egress, \d+ denied-ingress, 0 not-enforced, \d+ refused$/m,
    );
  });

  it('-o wide and -o csv list one cell per line; CSV fields are quoted when needed', async () => {
    const args = [
      'matrix',
      ...files('calico-ipip'),
      '--from-namespace',
      'shop',
      '--to-namespace',
      'shop',
      '--port',
      '8080',
    ];
    const json = JSON.parse((await cli([...args, '--json'])).stdout) as { cells: JsonCell[] };
    const wide = (await cli([...args, '-o', 'wide'])).stdout.trimEnd().split('\n');
    expect(wide[0]).toMatch(/^FROM +TO +PORT +VERDICT +POLICIES$/);
    expect(wide).toHaveLength(json.cells.length + 1);
    const csv = (await cli([...args, '-o', 'csv'])).stdout;
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toBe('from,to,port,protocol,verdict,policies');
    expect(rows).toHaveLength(json.cells.length + 1);
    const c = json.cells[0]!;
    expect(rows[1]).toBe([c.from, c.to, c.port, c.protocol, c.verdict, c.policies.join(' ')].join(','));
  });

  it('without --port probes every declared containerPort of each destination', async () => {
    const r = await cli([
      'matrix',
      ...files('calico-ipip'),
      '--from-namespace',
      'ops',
      '--to-namespace',
      'shop',
      '--json',
    ]);
    const out = JSON.parse(r.stdout) as { cells: JsonCell[] };
    const api = out.cells.filter((c) => c.to === 'shop/api').map((c) => `${c.port}/${c.protocol}`);
    expect(new Set(api).size).toBeGreaterThan(1);
  });

  it('selects by label and --exit-code follows the worst cell: 4 denied, 3 refused, 0 otherwise', async () => {
    const base = ['matrix', ...files('calico-ipip'), '--exit-code'];
    const denied = await cli([
      ...base,
      '--from-namespace',
      'dev',
      '--to-namespace',
      'shop',
      '--port',
      '8080',
      '--json',
    ]);
    const cells = (JSON.parse(denied.stdout) as { cells: JsonCell[] }).cells;
    expect(cells.some((c) => c.verdict.startsWith('denied'))).toBe(true);
    expect(denied.status).toBe(4);
    const refused = await cli([
      'matrix',
      ...files('flannel-vxlan'),
      '--exit-code',
      '--from-namespace',
      'dev',
      '--to-namespace',
      'shop',
      '--port',
      '1',
      '--json',
    ]);
    expect((JSON.parse(refused.stdout) as { cells: JsonCell[] }).cells.every((c) => c.verdict === 'refused')).toBe(
      true,
    );
    expect(refused.status).toBe(3);
    const none = await cli(['matrix', ...files('flannel-vxlan'), '--exit-code', '--from-selector', 'nope=x']);
    expect(none.stdout).toBe('No source pod matches the selection.\n');
    expect(none.status).toBe(0);
    const withoutFlag = await cli([
      'matrix',
      ...files('calico-ipip'),
      '--from-namespace',
      'dev',
      '--to-namespace',
      'shop',
      '--port',
      '8080',
    ]);
    expect(withoutFlag.status).toBe(0);
  });

  it('rejects bad arguments with exit 2', async () => {
    expect(() => parseCommandLine(['matrix', '--protocol', 'icmp', '--port', '1'])).toThrow(UsageError);
    expect(() => parseCommandLine(['matrix', '--protocol', 'udp'])).toThrow(/needs --port/);
    expect(() => parseCommandLine(['matrix', '--from', 'pod/x'])).toThrow(/matrix takes no --from/);
    expect(() => parseCommandLine(['matrix', '-o', 'yaml'])).toThrow(/not json, csv or wide/);
    expect(() => parseCommandLine(['trace', '--from-namespace', 'x', '--from', 'a', '--to', 'b'])).toThrow(
      /trace takes no/,
    );
    const bad = await cli(['matrix', '--to-selector', 'a=b,=c']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/selector/);
  });

  it('escapes control characters in what it prints', async () => {
    // the rejected selector is quoted in the error: raw, its escape sequence would reach the terminal
    const r = await cli(['matrix', '--to-selector', 'a=\u001b]0;x']);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain('\u001b');
  });
  it('--via service: each cell through a Service ClusterIP, skipped cells listed with why', async () => {
    // the built-in cluster: the web pods behind Service web, app-1 declaring 8080 without a Service
    const base = ['--port', '8080'];
    const json = await cli(['matrix', ...base, '--via', 'service', '-o', 'json']);
    expect(json.stderr).toBe('');
    const out = JSON.parse(json.stdout) as {
      via: string;
      cells: (JsonCell & { service?: { name: string; clusterIP: string; port: number } })[];
      skipped: { from: string; to: string; reason: string }[];
    };
    expect(out.via).toBe('service');
    expect(out.cells.length).toBeGreaterThan(0);
    for (const c of out.cells) expect(c.service?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(new Set(out.cells.map((c) => c.service?.name))).toEqual(new Set(['default/web']));
    // a pod without a Service on 8080 is skipped from every source, with the reason
    const skips = out.skipped.filter((x) => x.to === 'default/app-1');
    expect(skips).toHaveLength(out.cells.length / 3);
    expect(skips[0]?.reason).toMatch(/No Service sends TCP 8080 to default\/app-1/);
    const table = await cli(['matrix', ...base, '--via', 'service']);
    expect(table.stdout).toMatch(/cells through Services/);
    expect(table.stdout).toMatch(/skipped \(no Service carries them\)/);
    const csv = await cli(['matrix', ...base, '--via', 'service', '-o', 'csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe('from,to,port,protocol,verdict,policies,service');
    const pod = JSON.parse((await cli(['matrix', ...base, '--via', 'pod', '-o', 'json'])).stdout) as typeof out;
    expect([pod.via, pod.skipped]).toEqual(['pod', []]);
    const bad = await cli(['matrix', ...base, '--via', 'vip']);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('--via: "vip" is not pod or service')]);
  });
});
