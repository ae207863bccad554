/**
 * Issue #18: a hop's sentence must not contradict its hop. Every device a sentence names is one the
 * hop acts on, or one of the hops beside it (a sentence may say where the packet came from or goes
 * next), over every built-in scenario under every CNI variant and Service proxy.
 */
import { describe, expect, it } from 'vitest';
import { scenarioTraces } from '../regression/cases';
import type { Cluster } from '../model/types';
import type { Hop } from '../trace/types';
import { deviceName, devicesAt, devicesNamed } from './devices';
import type { ElementId } from '../model/ids';

/** Sentences naming a device no hop near them acts on, as `case step: device in "sentence"`. */
function contradictions(id: string, cluster: Cluster, timeline: readonly Hop[], offset: number): string[] {
  const out: string[] = [];
  timeline.forEach((hop, i) => {
    const near = new Set<string>();
    for (const h of [timeline[i - 1], hop, timeline[i + 1]])
      for (const d of h?.devices ?? []) {
        const name = deviceName(cluster, d);
        if (name !== null) near.add(name);
      }
    for (const name of devicesNamed(hop.text))
      if (!near.has(name)) out.push(`${id} step ${offset + i}: ${name} in "${hop.text}"`);
  });
  return out;
}

describe('the devices a hop acts on', () => {
  it('finds device names in sentences, not inside other words', () => {
    expect(devicesNamed('The packet leaves node-a through eth0 to flannel.1 and vethab12cd34.')).toEqual([
      'eth0',
      'flannel.1',
      'vethab12cd34',
    ]);
    expect(devicesNamed('veth pair, the lo device, eth0s, cni0-ish, my.eth0')).toEqual(['lo']);
    expect(devicesAt('dev/node-a/cni0' as ElementId)).toEqual(['dev/node-a/cni0']);
    expect(devicesAt('node/node-a' as ElementId)).toEqual([]);
  });

  const runs = scenarioTraces();

  it('covers every scenario under every variant', () => {
    expect(runs.length).toBeGreaterThan(400);
  });

  it('names in every sentence only devices of its hop or the hops beside it', () => {
    const found: string[] = [];
    for (const { id, cluster, trace } of runs) {
      // One timeline as playback numbers it: the DNS lookup, the request, the reply.
      const dns = trace.dns?.hops ?? [];
      found.push(...contradictions(id, cluster, dns, 0));
      found.push(...contradictions(id, cluster, trace.hops, dns.length));
      found.push(...contradictions(id, cluster, trace.reply?.hops ?? [], dns.length + trace.hops.length));
    }
    expect(found.slice(0, 40).join('\n') + (found.length > 40 ? `\n... ${found.length} in all` : '')).toBe('');
  });
});
