/** The package's version, written into the bundle by scripts/build-cli.mjs (esbuild `define`). */
declare const __NETVIZ_VERSION__: string | undefined;

export const VERSION: string = typeof __NETVIZ_VERSION__ === 'string' ? __NETVIZ_VERSION__ : '0.0.0-dev';
