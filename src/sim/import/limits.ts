/**
 * Input limits of the manifest importer, in one place. Every input is untrusted: these
 * bound the work a paste, a file or a link can cause, and each one produces its
 * own error. They are sized for the largest input we mean to accept, the generated 100-node,
 * 5,000-pod cluster and a `kubectl get -A -o json` dump of a cluster that size, with room to spare.
 */

/** Total size of all sources of one import, in UTF-8 bytes. A 5,000-pod kubectl JSON dump is ~25 MB. */
export const MAX_INPUT_BYTES = 48 * 1024 * 1024;

/**
 * Kubernetes objects in one import, counting each item of a `List`. A 5,000-pod cluster dumped with
 * its ReplicaSets, Services and EndpointSlices is ~12,000; the generated benchmark input is ~2,100.
 */
export const MAX_OBJECTS = 50_000;

/**
 * Nesting of maps and lists. Real objects stay below 20 (a Pod with managedFields is the deepest);
 * the bound keeps hostile input from exhausting the parser's stack.
 */
export const MAX_DEPTH = 64;

/**
 * YAML alias expansion, as the `yaml` package counts it (`maxAliasCount`: each alias weighted by the
 * number of aliases inside what it refers to). It stops "billion laughs" alias bombs; real manifests
 * use few anchors, if any.
 */
export const MAX_YAML_ALIASES = 1_000;

/** Problems reported per severity; more are summarised in one last message. */
export const MAX_REPORTED_PROBLEMS = 100;

export interface ImportLimits {
  readonly maxInputBytes: number;
  readonly maxObjects: number;
  readonly maxDepth: number;
  readonly maxYamlAliases: number;
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxInputBytes: MAX_INPUT_BYTES,
  maxObjects: MAX_OBJECTS,
  maxDepth: MAX_DEPTH,
  maxYamlAliases: MAX_YAML_ALIASES,
};
