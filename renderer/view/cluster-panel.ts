// The cluster panel: launch, attach, add a node, cluster-wide drop rate and suspicion, stop. Inputs are checked by
// model/launch-form.ts; a mistake shows one line under the form and nothing is sent.
import { el } from './dom.ts';
import { parseAttachAddress, parseDropPercent, parseLaunchForm } from '../model/launch-form.ts';
import type { HostRequest } from '../../electron/host/api.ts';

export function clusterPanel(root: HTMLElement, send: (request: HostRequest) => void): void {
  const input = (testid: string, value: string, attrs: Record<string, string> = {}) =>
    el('input', { testid, value, ...attrs });
  const nodes = input('launch-nodes', '8', { type: 'number', min: '1', max: '2000', inputmode: 'numeric' });
  const mode = el('select', { testid: 'launch-mode' }, el('option', { value: 'process' }, 'process per node'), el('option', { value: 'embedded' }, 'embedded (in host)'));
  const suspicion = input('launch-suspicion', '', { type: 'checkbox' });
  const drop = input('launch-drop', '0', { type: 'number', min: '0', max: '100', step: 'any' });
  const gossip = input('launch-gossip-ms', '', { placeholder: 'default', inputmode: 'numeric' });
  const fail = input('launch-fail-ms', '', { placeholder: 'default', inputmode: 'numeric' });
  const suspect = input('launch-suspect-ms', '', { placeholder: 'default', inputmode: 'numeric' });
  const launch = el('button', { testid: 'launch-button', class: 'primary' }, 'Launch cluster');
  const attachAddress = input('attach-address', '', { placeholder: '127.0.0.1:3000' });
  const attach = el('button', { testid: 'attach-button' }, 'Attach');
  const addNode = el('button', { testid: 'add-node', title: 'shortcut: j' }, 'Add node');
  const dropRate = input('drop-rate', '0', { type: 'number', min: '0', max: '100', step: 'any' });
  const dropApply = el('button', { testid: 'drop-apply' }, 'Set');
  const suspicionToggle = input('suspicion-toggle', '', { type: 'checkbox' });
  const stop = el('button', { testid: 'stop-cluster', class: 'danger' }, 'Stop cluster');
  const error = el('p', { testid: 'form-error', class: 'form-error', role: 'alert' });

  const fail1 = (message: string) => { error.textContent = message; };
  const ok = (request: HostRequest) => { error.textContent = ''; send(request); };

  launch.addEventListener('click', () => {
    const r = parseLaunchForm({
      nodes: nodes.value, mode: mode.value, suspicion: suspicion.checked, drop: drop.value,
      gossipMs: gossip.value, failMs: fail.value, suspectMs: suspect.value,
    });
    if (!r.ok) return fail1(r.error);
    suspicionToggle.checked = r.value.suspicion;
    dropRate.value = drop.value;
    ok({ type: 'launch', options: r.value });
  });
  attach.addEventListener('click', () => {
    const r = parseAttachAddress(attachAddress.value);
    if (r.ok) ok({ type: 'attach', address: r.value });
    else fail1(r.error);
  });
  addNode.addEventListener('click', () => ok({ type: 'add-node' }));
  dropApply.addEventListener('click', () => {
    const r = parseDropPercent(dropRate.value);
    if (r.ok) ok({ type: 'set-drop', rate: r.value });
    else fail1(r.error);
  });
  suspicionToggle.addEventListener('change', () => ok({ type: 'set-suspicion', enabled: suspicionToggle.checked }));
  stop.addEventListener('click', () => ok({ type: 'stop-cluster' }));

  const row = (label: string, control: HTMLElement) => el('label', { class: 'row' }, el('span', {}, label), control);
  root.append(
    el('h2', {}, 'Launch'),
    row('nodes', nodes), row('mode', mode), row('suspicion', suspicion), row('drop %', drop),
    el('div', { class: 'timings' }, row('gossip ms', gossip), row('fail ms', fail), row('suspect ms', suspect)),
    launch,
    el('h2', {}, 'Attach'),
    row('address', attachAddress), attach,
    el('h2', {}, 'Cluster'),
    addNode,
    el('div', { class: 'row' }, el('span', {}, 'drop % (all)'), dropRate, dropApply),
    row('suspicion on', suspicionToggle),
    stop,
    error,
  );
}
