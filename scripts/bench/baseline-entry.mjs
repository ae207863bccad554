// The bare-Cytoscape baseline of the browser bench: the same generated cluster drawn with every
// container (nodes holding pods holding containers) by Cytoscape alone, with preset grid
// positions, no React, no panels, no level of detail. Bundled by scripts/bench-browser.mjs.
import cytoscape from 'cytoscape';
import { generateCluster } from '../../src/sim/generate/generateCluster';
import { loadManifests } from '../../src/sim/import/index';

const params = new URLSearchParams(location.search);
const [nodes, perNode] = (params.get('generate') ?? '3x4').split('x').map(Number);
// JSON, as the app's ?generate loads it
const result = loadManifests([
  { name: 'bench', text: generateCluster(nodes, perNode, Math.ceil((nodes * perNode) / 5), 1, 'json') },
]);
if (!result.ok) throw new Error('generated cluster did not load');
const cluster = result.cluster;

const elements = [];
const cols = Math.ceil(Math.sqrt(cluster.nodes.length));
cluster.nodes.forEach((node, n) => {
  elements.push({ data: { id: `node/${node.name}`, label: node.name } });
  const pods = cluster.pods.filter((p) => p.node === node.name);
  const podCols = Math.max(1, Math.ceil(Math.sqrt(pods.length)));
  const ox = (n % cols) * (podCols * 260 + 200);
  const oy = Math.floor(n / cols) * (Math.ceil(pods.length / podCols) * 120 + 200);
  pods.forEach((pod, i) => {
    const pid = `pod/${pod.namespace}/${pod.name}`;
    elements.push({ data: { id: pid, parent: `node/${node.name}`, label: `${pod.name} ${pod.ip}` } });
    pod.containers.forEach((c, j) => {
      elements.push({
        data: { id: `${pid}/${c.name}`, parent: pid, label: c.name },
        position: { x: ox + (i % podCols) * 260 + j * 100, y: oy + Math.floor(i / podCols) * 120 },
      });
    });
  });
});

const t0 = performance.now();
const cy = cytoscape({
  container: document.getElementById('cy'),
  elements,
  layout: { name: 'preset' },
  style: [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-size': 10,
        shape: 'round-rectangle',
        'background-color': '#e0f2fe',
        'border-width': 1,
      },
    },
    { selector: ':parent', style: { 'background-color': '#f8fafc', 'text-valign': 'top' } },
  ],
});
window.__baseline = { cy, built: performance.now() - t0, pods: cluster.pods.length };
window.__baselineRendered = new Promise((resolve) => cy.one('render', () => resolve(performance.now())));

// The same overlay as the app's, without the app: `n` packets drawn as dots on a canvas above
// Cytoscape, each moving between two random elements, redrawn every frame and on pan/zoom.
window.__baselinePackets = (n) => {
  const overlay = document.createElement('canvas');
  const host = document.getElementById('cy');
  overlay.width = host.clientWidth;
  overlay.height = host.clientHeight;
  Object.assign(overlay.style, { position: 'absolute', left: '0', top: '0', pointerEvents: 'none' });
  document.body.appendChild(overlay);
  const ctx = overlay.getContext('2d');
  const leaves = cy
    .nodes()
    .filter((x) => !x.isParent())
    .map((x) => x.position());
  const paths = Array.from({ length: n }, (_, i) => [
    leaves[(i * 7) % leaves.length],
    leaves[(i * 13 + 5) % leaves.length],
  ]);
  const start = performance.now();
  const draw = () => {
    const t = ((performance.now() - start) % 4000) / 4000;
    const zoom = cy.zoom();
    const pan = cy.pan();
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    ctx.fillStyle = '#ea580c';
    for (const [a, b] of paths) {
      ctx.beginPath();
      ctx.arc((a.x + (b.x - a.x) * t) * zoom + pan.x, (a.y + (b.y - a.y) * t) * zoom + pan.y, 6, 0, Math.PI * 2);
      ctx.fill();
    }
    requestAnimationFrame(draw);
  };
  requestAnimationFrame(draw);
};
