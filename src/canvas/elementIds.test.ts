/**
 * Element ids are built and parsed in src/sim/model/ids.ts only: the drawing asks its builders
 * (`kernelId`, `deviceId`...) and `parseElementId`, so that an id's shape changes in one place.
 * This test reads the drawing's sources and fails on an id spelled out by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const PREFIXES = 'node|kernel|dev|pod|veth|container|svc|netpol|nodeport|wire|lb|ext|gw|httproute|ingress';
/** `kernel/${node}`, 'dev/' + node: an id built by hand */
const BUILT = new RegExp(`\`(${PREFIXES})/\\$\\{|'(${PREFIXES})/' \\+`);
/** /^dev\/.../: an id parsed by hand */
const PARSED = new RegExp(`/\\^(${PREFIXES})\\\\/`);

function sources(dir: string): { file: string; text: string }[] {
  const root = new URL(`../${dir}/`, import.meta.url);
  return readdirSync(root)
    .filter((f) => /\.tsx?$/.test(f) && !f.includes('.test.'))
    .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(new URL(f, root), 'utf8') }));
}

describe('element ids come from model/ids.ts', () => {
  it.each(['canvas', 'animation'])('src/%s builds and parses none by hand', (dir) => {
    const found: string[] = [];
    for (const { file, text } of sources(dir))
      text.split('\n').forEach((line, i) => {
        if (BUILT.test(line) || PARSED.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    expect(found).toEqual([]);
  });

  it('the check sees a hand-built id', () => {
    expect(BUILT.test('positions.get(`dev/${node}/eth0`)')).toBe(true);
    expect(PARSED.test('const lo = /^dev\\/([^/]+)\\/lo$/.exec(id);')).toBe(true);
    expect(BUILT.test('positions.get(deviceId(node, "eth0"))')).toBe(false);
  });
});
