/**
 * Seeded randomness. Everything random in the simulation (ephemeral ports, kube-proxy's endpoint
 * choice, generated pod-name suffixes) draws from here, so that one input and one seed always give
 * the same result, byte for byte.
 */
export interface Rng {
  /** a float in [0, 1) */
  next(): number;
  /** an integer in [min, max] */
  int(min: number, max: number): number;
}

/** mulberry32: small, fast and good enough for simulation choices (not for cryptography). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

/** FNV-1a over a string: a stable 32-bit hash for derived names, MACs and flow hashes. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The alphabet of Kubernetes' `rand.String` (apimachinery util/rand): no vowels, no 0, 1 or 3. */
const K8S_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A Kubernetes-style random suffix (`web-7d4b9c8f6d-x2k9p`), derived from a hash so it is stable. */
export function k8sSuffix(key: string, length: number): string {
  let out = '';
  let hash = fnv1a(key);
  for (let i = 0; i < length; i++) {
    out += K8S_ALPHABET[hash % K8S_ALPHABET.length];
    hash = fnv1a(String(i), hash);
  }
  return out;
}

/** A locally administered unicast MAC derived from a key, stable across runs. */
export function macFor(key: string): string {
  const h1 = fnv1a(key);
  const h2 = fnv1a(key, h1);
  const bytes = [0x0a, h1 & 255, (h1 >>> 8) & 255, (h1 >>> 16) & 255, h2 & 255, (h2 >>> 8) & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
