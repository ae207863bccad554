/**
 * IPv4 helpers on 32-bit unsigned integers. Kept tiny and allocation-free because the trace hot path
 * (tens of thousands of traces a second) calls them.
 */

/** Parses a dotted quad. Returns null for anything else (no exceptions on user input). */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value >>> 0;
}

export function formatIPv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export interface Cidr {
  /** network address as an unsigned 32-bit integer */
  readonly base: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`; the host bits are cleared as the kernel does for a route. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === null || !/^\d{1,2}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > 32) return null;
  return { base: (ip & maskOf(prefix)) >>> 0, prefix };
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return (ip & maskOf(cidr.prefix)) >>> 0 === cidr.base;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.base)}/${cidr.prefix}`;
}

/** The n-th address of a range (0 is the network address). */
export function nthAddress(cidr: Cidr, n: number): number {
  return (cidr.base + n) >>> 0;
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** Splits an address `ip:port` or `ip` into its parts. */
export function splitAddr(addr: string): { ip: string; port: number | null } {
  const colon = addr.lastIndexOf(':');
  if (colon < 0) return { ip: addr, port: null };
  return { ip: addr.slice(0, colon), port: Number(addr.slice(colon + 1)) };
}

export function joinAddr(ip: string, port: number | null | undefined): string {
  return port === null || port === undefined ? ip : `${ip}:${port}`;
}
