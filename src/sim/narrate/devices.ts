/**
 * The devices a hop acts on (`Hop.devices`, docs/trace-format.md), and the device names a sentence
 * mentions. The path writer fills `devices` from the hop's own data (where it happens, the route's
 * output device, the tunnel), never from its sentence, so that a test can hold the two against each
 * other: a sentence may only name a device of its hop or of the hops beside it.
 */
import type { ElementId } from '../model/ids';
import { parseElementId } from '../model/ids';
import type { Cluster } from '../model/types';
import { lookup } from '../model/lookup';

/**
 * A hop's devices when its writer names none: the element it happens at, when that is a device
 * (a node's device, a pod's eth0 or lo, the host end of a pod's veth); else none.
 */
export function devicesAt(at: ElementId): ElementId[] {
  return at.startsWith('dev/') || at.startsWith('veth/') ? [at] : [];
}

/**
 * Device names as sentences write them: the node's and pod's interfaces and what each CNI creates
 * (veth/cali/lxc host ends of pods' veths, with their hash suffixes).
 */
const DEVICE_NAME =
  /(?<![\w.-])(eth0|lo|cni0|flannel\.1|vxlan\.calico|tunl0|cilium_host|cilium_vxlan|cilium_geneve|cilium_net|kube-ipvs0|veth[0-9a-f]{8}|cali[0-9a-f]{11}|lxc[0-9a-f]{12})(?![\w-])/g;

/** The device names a sentence mentions, in order, each once. */
export function devicesNamed(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(DEVICE_NAME)) {
    const name = m[1] as string;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * The name a device id has on its machine: `dev/node-a/flannel.1` is flannel.1, a pod's
 * `dev/pod/ns/web/eth0` is eth0, the host end `veth/node-a/ns/web` is the pod's veth name (veth...,
 * cali..., lxc...). Null for an id that is not a device.
 */
export function deviceName(cluster: Cluster, id: ElementId): string | null {
  const parsed = parseElementId(id);
  if (parsed === null) return null;
  switch (parsed.kind) {
    case 'device':
    case 'pod-device':
      return parsed.device;
    case 'veth':
      return lookup(cluster).podByKey.get(`${parsed.namespace}/${parsed.pod}`)?.veth ?? null;
    default:
      return null;
  }
}
