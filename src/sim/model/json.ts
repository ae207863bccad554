/** Defensive readers for Kubernetes objects kept as plain JSON (never trusted to have a shape). */
export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The string entries of a map (labels, annotations), ignoring anything else. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, value] of Object.entries(v)) if (typeof value === 'string') out[k] = value;
  return out;
}
