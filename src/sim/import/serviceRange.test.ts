/**
 * Clusters not made by kubeadm (EKS and other managed clusters) have no ClusterConfiguration: the
 * Service range comes from a networking.k8s.io/v1 ServiceCIDR when the dump has one, else from the
 * ClusterIPs the Services were given, instead of rejecting addresses outside 10.96.0.0/12.
 */
import { describe, expect, it } from 'vitest';
import { loadManifests } from './index';

const nodes = `
apiVersion: v1
kind: Node
metadata: { name: ip-192-168-12-34.ec2.internal }
status:
  addresses: [{ type: InternalIP, address: 192.168.12.34 }]
  conditions: [{ type: Ready, status: "True" }]
`;
const service = (name: string, ip: string) => `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec:
  clusterIP: ${ip}
  ports: [{ port: 80, protocol: TCP }]
`;
const serviceCidr = (name: string, cidrs: string) => `---
apiVersion: networking.k8s.io/v1
kind: ServiceCIDR
metadata: { name: ${name} }
spec:
  cidrs: [${cidrs}]
`;
const load = (text: string) => loadManifests([{ name: 'eks.yaml', text }]);

describe('the Service range of a cluster without a ClusterConfiguration', () => {
  it('comes from the ServiceCIDR named kubernetes, its IPv4 member', () => {
    const r = load(
      nodes + serviceCidr('kubernetes', '172.20.0.0/16, "fd00:10:96::/108"') + service('web', '172.20.14.7'),
    );
    expect(r.ok ? r.warnings : r.errors).toEqual([]);
    if (!r.ok) return;
    expect(r.cluster.settings.serviceSubnet).toBe('172.20.0.0/16');
    expect(r.cluster.services.find((s) => s.name === 'kubernetes')!.clusterIP).toBe('172.20.0.1');
    expect(r.cluster.services.find((s) => s.name === 'kube-dns')!.clusterIP).toBe('172.20.0.10');
  });

  it("is inferred from ClusterIPs outside kubeadm's range, at least a /16, and said to be assumed", () => {
    const r = load(nodes + service('kubernetes', '10.100.0.1') + service('web', '10.100.201.9'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cluster.settings.serviceSubnet).toBe('10.100.0.0/16');
    expect(r.warnings.map((w) => w.message).join('\n')).toContain('the ClusterIPs put it in 10.100.0.0/16');
    expect(r.cluster.services.find((s) => s.name === 'kube-dns')!.clusterIP).toBe('10.100.0.10');
  });

  it('widens to hold ClusterIPs across /16s, and keeps kubeadm’s default when they fit it', () => {
    const wide = load(nodes + service('a', '172.20.0.1') + service('b', '172.21.3.4'));
    expect(wide.ok && wide.cluster.settings.serviceSubnet).toBe('172.20.0.0/15');
    const kubeadm = load(nodes + service('a', '10.96.0.1') + service('b', '10.100.3.4'));
    expect(kubeadm.ok && kubeadm.cluster.settings.serviceSubnet).toBe('10.96.0.0/12');
    expect(kubeadm.ok && kubeadm.warnings).toEqual([]);
  });

  it('lets a ClusterConfiguration win over a ServiceCIDR that disagrees, with a warning there', () => {
    const kubeadm = `---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
networking: { serviceSubnet: 10.96.0.0/16 }
`;
    const r = load(nodes + kubeadm + serviceCidr('kubernetes', '172.20.0.0/16'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cluster.settings.serviceSubnet).toBe('10.96.0.0/16');
    expect(r.warnings.map((w) => w.message).join('\n')).toContain('says the Service range is 172.20.0.0/16');
  });

  it('still rejects a ClusterIP outside a range the input states', () => {
    const r = load(nodes + serviceCidr('kubernetes', '172.20.0.0/16') + service('web', '10.100.0.5'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.message).join('\n')).toContain('is not in the service CIDR 172.20.0.0/16');
  });
});
