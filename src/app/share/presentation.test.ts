import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESENTATION, parseOptionsPatch, parsePresentation, presentationQuery } from './presentation';

describe('presentation options', () => {
  it('reads every option', () => {
    const { presentation, invalid } = parsePresentation(
      '?embed=1&present=1&theme=dark&controls=minimal&view=split&autoplay=1&speed=0.5&keyboard=off&parentOrigin=https://blog.example.org:8443',
    );
    expect(invalid).toEqual([]);
    expect(presentation).toEqual({
      embed: true,
      present: true,
      theme: 'dark',
      controls: 'minimal',
      view: 'split',
      autoplay: true,
      speed: 0.5,
      keyboard: false,
      parentOrigin: 'https://blog.example.org:8443',
    });
    expect(parsePresentation('').presentation).toEqual(DEFAULT_PRESENTATION);
  });

  const bad: Record<string, string[]> = {
    embed: ['2', 'yes', 'true', ''],
    present: ['2', 'yes', ''],
    theme: ['blue', 'DARK', ''],
    controls: ['all', 'some'],
    view: ['diagram', '3d'],
    autoplay: ['on', '-1'],
    speed: ['0', '0.1', '5', '4.01', 'NaN', 'Infinity', '1e0', '-1', ' '],
    keyboard: ['1', 'false', 'no'],
    parentOrigin: [
      '*',
      'null',
      'https://a.example/path',
      'javascript:alert(1)',
      'https://a.example/',
      'https://*.example',
      'ftp://a.example',
      'https://a.example https://b.example',
    ],
  };
  for (const [key, values] of Object.entries(bad)) {
    it(`falls back to the default for an invalid ${key}`, () => {
      for (const v of values) {
        const { presentation, invalid } = parsePresentation(`?${key}=${encodeURIComponent(v)}`);
        expect(presentation, `${key}=${v}`).toEqual(DEFAULT_PRESENTATION);
        expect(invalid.length, `${key}=${v}`).toBe(1);
      }
    });
  }

  it('keeps the valid options when others are invalid', () => {
    const { presentation, invalid } = parsePresentation('?embed=1&theme=neon&speed=2');
    expect(presentation).toEqual({ ...DEFAULT_PRESENTATION, embed: true, speed: 2 });
    expect(invalid).toEqual(['theme=neon']);
  });

  it('validates setOptions patches the same way and never widens who may command', () => {
    expect(parseOptionsPatch({ theme: 'dark', speed: 2, keyboard: false, autoplay: true })).toEqual({
      patch: { theme: 'dark', speed: 2, keyboard: false, autoplay: true },
      invalid: [],
    });
    expect(parseOptionsPatch({ parentOrigin: 'https://evil.example', embed: false, theme: 'x', speed: 99 })).toEqual({
      patch: {},
      invalid: ['parentOrigin', 'embed', 'theme', 'speed'],
    });
    expect(parseOptionsPatch(null).invalid).toEqual(['options']);
  });

  it('writes a query back that reads the same', () => {
    const p = {
      ...DEFAULT_PRESENTATION,
      embed: true,
      theme: 'dark' as const,
      keyboard: false,
      parentOrigin: 'http://localhost:3000',
    };
    expect(parsePresentation(presentationQuery(p)).presentation).toEqual(p);
    expect(presentationQuery(DEFAULT_PRESENTATION)).toBe('');
  });
});
