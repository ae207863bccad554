import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './run';

const examples = fileURLToPath(new URL('../sim/gateway/fixtures/examples.yaml', import.meta.url));

async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await run(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('k8s-netviz route', () => {
  it('explains a weighted split: the candidates, the shares, the pick and what the backend sees', async () => {
    const r = await cli(['route', '-f', examples, 'https://www.example.com/shop?x=1', '--header', 'X-Trace: 7']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('gateway:  default/web, listener https (HTTPS 443, *.example.com)');
    expect(r.stdout).toContain('matched:  HTTPRoute default/web rule 1 match 0 (hostname www.example.com)');
    expect(r.stdout).toContain('- default/web rule 0 match 0: header x-canary is missing');
    expect(r.stdout).toMatch(/default\/web:80 {2}weight 90 {2}90% {2}2 ready endpoints/);
    expect(r.stdout).toMatch(/default\/web-canary:80 {2}weight 10 {2}10% {2}1 ready endpoint/);
    expect(r.stdout).toContain('  GET /shop?x=1\n  Host: www.example.com\n  X-Trace: 7\n  x-forwarded-proto: https');
    expect(r.stdout).toMatch(/outcome: {2}200: rule 1 of HTTPRoute default\/web matches/);
  });

  it('takes --method and repeatable --header into matching, and -o json gives the decision as data', async () => {
    const r = await cli([
      'route',
      '-f',
      examples,
      'https://www.example.com/',
      '--method',
      'POST',
      '--header',
      'x-canary: always',
      '--header',
      'Accept: */*',
      '-o',
      'json',
    ]);
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout) as {
      status: number;
      matched: { route: string; rule: number };
      picked: string;
      request: { method: string; headers: string[][] };
    };
    expect(d).toMatchObject({ status: 200, matched: { route: 'default/web', rule: 0 }, picked: 'default/web-canary' });
    expect(d.request).toMatchObject({
      method: 'POST',
      headers: [
        ['x-canary', 'always'],
        ['Accept', '*/*'],
      ],
    });
  });

  it('prints a redirect with its Location, and a 404 naming the routes that are not accepted', async () => {
    const redirect = await cli(['route', '-f', examples, 'http://www.example.com/a?b=c']);
    expect(redirect.stdout).toContain('location: https://www.example.com/a?b=c');
    expect(redirect.stdout).toContain('outcome:  301: rule 0 of HTTPRoute default/to-https redirects');
    const none = await cli(['route', '-f', examples, 'http://nothing.example.net/']);
    expect(none.stdout).toContain(
      'outcome:  404: no HTTPRoute attached to listener http serves the host nothing.example.net',
    );
  });

  it.each([
    [['route', '-f', examples], /route needs a URL/],
    [['route', '-f', examples, 'ftp://x/'], /URL: "ftp:\/\/x\/" is not an http:\/\/ or https:\/\/ URL/],
    [
      ['route', '-f', examples, 'http://www.example.com/', '--method', 'GE T'],
      /--method: "GE T" is not an HTTP method/,
    ],
    [
      ['route', '-f', examples, 'http://www.example.com/', '--header', 'NoColon'],
      /--header: "NoColon" is not a header line/,
    ],
    [['route', '-f', examples, 'http://www.example.com/', '--header', 'Bad Name: x'], /is not a header name/],
    [
      ['route', '-f', examples, 'http://www.example.com/', '--gateway', 'nope'],
      /--gateway: no Gateway default\/nope; there are default\/web/,
    ],
    [['route', '-f', examples, 'http://www.example.com:81/'], /no Gateway has an HTTP listener on port 81/],
    [['route', '-f', examples, 'http://www.example.com/', '--from', 'x'], /route takes no --from/],
    [['route', 'http://www.example.com/'], /the cluster has no Gateway/],
  ])('rejects %j', async (args, message) => {
    const r = await cli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('escapes what comes from the request before printing it', async () => {
    const r = await cli([
      'route',
      '-f',
      examples,
      'https://www.example.com/',
      '--header',
      'X-Evil: a\u001b]0;pwn\u0007',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain('\u001b');
  });
});
