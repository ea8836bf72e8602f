// The cluster panel: launch (with a protocol, a timing preset and the timings it runs with), attach, add a node,
// cluster-wide drop rate and protocol switch, stop. Inputs are checked by model/launch-form.ts with the protocol's own rules; a mistake
// or a refused request shows in the one feedback line, beside the field or button it is about.
import { el } from './dom.ts';
import type { Feedback } from './feedback.ts';
import { chosenMode, CONFIGURATIONS, effectiveConfig, effectiveTimings, parseAttachAddress, parseDropPercent, parseLaunchForm } from '../model/launch-form.ts';
import type { Field, LaunchFields } from '../model/launch-form.ts';
import { MAX_LOCAL_GROUP, SETTINGS } from '../../node-runtime/protocol/config.ts';
import { FAMILY_TIMINGS, perTiming, PRESET_NAMES, PRESETS, TIMING_FLAGS, TIMING_KEYS } from '../../node-runtime/protocol/presets.ts';
import { modeName, parseModeName } from '../../node-runtime/protocol/mode.ts';
import type { ClusterMode, HostRequest, ModeInfo, ProtocolInForce } from '../../electron/host/api.ts';

const labelOf = (mode: ModeInfo): string => CONFIGURATIONS.find((c) => c.value === modeName(mode))?.label ?? modeName(mode);



export interface ClusterPanel {
  /** Where messages about the cluster as a whole (not about a control) are shown. */
  readonly clusterAnchor: HTMLElement;
  /** The protocol in force as the cluster's nodes report it (null: no cluster, or none reported yet), and how the
   *  cluster runs (Serf cannot switch; each side of a pair keeps its own). */
  showProtocol(protocol: ProtocolInForce | null, cluster: ClusterMode | null): void;
  /** Adds a node as the button does (the `j` key). */
  addNode(): void;
}

export function clusterPanel(root: HTMLElement, request: (r: HostRequest) => Promise<unknown>, feedback: Feedback): ClusterPanel {
  const input = (testid: string, value: string, attrs: Record<string, string> = {}) =>
    el('input', { testid, value, ...attrs });
  const nodes = input('launch-nodes', '8', { type: 'number', min: '1', max: String(MAX_LOCAL_GROUP.process), inputmode: 'numeric' });
  const mode = el('select', { testid: 'launch-mode', title: `processes: one OS process per node (up to ${MAX_LOCAL_GROUP.process}); embedded: every node inside the host process (up to ${MAX_LOCAL_GROUP.embedded})` },
    el('option', { value: 'process' }, 'processes'), el('option', { value: 'embedded' }, 'embedded'));
  const preset = el('select', { testid: 'launch-preset' },
    ...PRESET_NAMES.map((name) => el('option', { value: name, title: PRESETS[name].summary }, `${name} (${PRESETS[name].summary.split(':')[0]})`)));
  const protocol = el('select', { testid: 'launch-protocol' },
    ...CONFIGURATIONS.map((c) => el('option', { value: c.value, title: c.title }, c.label)));
  const drop = input('launch-drop', '0', { type: 'number', min: '0', max: '100', step: 'any' });
  const timings = perTiming((key) => input(`launch-${TIMING_FLAGS[key].flag}`, '', { inputmode: 'numeric', title: TIMING_FLAGS[key].help }));
  const effective = el('p', { testid: 'launch-effective', class: 'effective' });
  const launch = el('button', { testid: 'launch-button', class: 'primary' }, 'Launch cluster');
  const attachAddress = input('attach-address', '', { placeholder: '127.0.0.1:3000' });
  const attach = el('button', { testid: 'attach-button' }, 'Attach');
  const addNode = el('button', { testid: 'add-node', title: 'shortcut: j' }, 'Add node');
  const dropRate = input('drop-rate', '0', { type: 'number', min: '0', max: '100', step: 'any' });
  const dropApply = el('button', { testid: 'drop-apply' }, 'Set');
  const protocolSwitch = el('select', { testid: 'protocol-switch', disabled: '' },
    ...CONFIGURATIONS.map((c) => el('option', { value: c.value, title: c.title }, c.label)));
  const protocolState = el('span', { testid: 'protocol-state', class: 'hint' }, 'no cluster');
  const stop = el('button', { testid: 'stop-cluster', class: 'danger' }, 'Stop cluster');

  const row = (label: string, control: HTMLElement, ...rest: HTMLElement[]) =>
    el('label', { class: 'row' }, el('span', {}, label), control, ...rest);
  const rows = {
    nodes: row('nodes', nodes), mode: row('mode', mode), protocol: row('protocol', protocol), preset: row('timings', preset), drop: row('drop %', drop),
    address: row('address', attachAddress),
    ...perTiming((key) => row(SETTINGS[key].label, timings[key])),
  } satisfies Record<Field, HTMLElement>;
  for (const [field, r] of Object.entries(rows)) r.addEventListener('input', () => feedback.clear(rows[field as Field]));

  const fields = (): LaunchFields => ({
    nodes: nodes.value, mode: mode.value, preset: preset.value, protocol: protocol.value, drop: drop.value,
    timings: perTiming((key) => timings[key].value),
  });
  // What the launch would run with: the chosen family's timing fields (the other family's are kept, hidden: a
  // cluster can be switched to it), each empty one showing its preset's value, and one line summing up the result.
  const showEffective = (): void => {
    nodes.max = String(MAX_LOCAL_GROUP[mode.value as keyof typeof MAX_LOCAL_GROUP] ?? MAX_LOCAL_GROUP.process);
    const f = fields();
    const shown = FAMILY_TIMINGS[chosenMode(f).family];
    const base = effectiveConfig({ ...f, timings: perTiming(() => '') });
    for (const key of TIMING_KEYS) {
      timings[key].placeholder = base ? String(base[key]) : '';
      rows[key].hidden = !shown.includes(key);
    }
    const summary = effectiveTimings(f);
    effective.textContent = summary ? `runs with: ${summary}` : 'runs with: — (fix the timings above)';
  };
  for (const control of [nodes, mode, protocol, preset, ...Object.values(timings)]) control.addEventListener('input', showEffective);
  showEffective();

  launch.addEventListener('click', () => {
    const r = parseLaunchForm(fields());
    if (!r.ok) return feedback.error(r.error, rows[r.field]);
    dropRate.value = drop.value;
    feedback.run(launch, () => request({ type: 'launch', options: r.value }));
  });
  attach.addEventListener('click', () => {
    const r = parseAttachAddress(attachAddress.value);
    if (!r.ok) return feedback.error(r.error, rows.address);
    feedback.run(attach, () => request({ type: 'attach', address: r.value }));
  });
  addNode.addEventListener('click', () => feedback.run(addNode, () => request({ type: 'add-node' })));
  const dropRow = el('div', { class: 'row' }, el('span', {}, 'drop % (all)'), dropRate, dropApply);
  dropRate.addEventListener('input', () => feedback.clear(dropRow));
  dropApply.addEventListener('click', () => {
    const r = parseDropPercent(dropRate.value);
    if (!r.ok) return feedback.error(r.error, dropRow);
    feedback.run(dropRow, () => request({ type: 'set-drop', rate: r.value }),
      () => `drop rate ${+(r.value * 100).toFixed(2)} % set on every running node`);
  });
  // The state under the choice (class `protocol`): "left gossip | right ping + suspicion, spreading…" needs the width.
  const protocolRow = el('label', { class: 'row protocol' }, el('span', {}, 'protocol'), protocolSwitch, protocolState);
  /** The switch asked for (a CONFIGURATIONS value) and not yet reported by the nodes: shown as asked meanwhile, so
   *  the choice does not flick back while the switch spreads. */
  let switching: string | undefined;
  protocolSwitch.addEventListener('change', () => {
    const mode = parseModeName(protocolSwitch.value);
    if (!mode) return;
    switching = protocolSwitch.value;
    protocolState.textContent = `switching to ${protocolSwitch.selectedOptions[0]?.textContent ?? switching}…`;
    feedback.run(protocolRow, () => request({ type: 'set-protocol', protocol: mode.family, suspicion: mode.suspicion }).catch((e: unknown) => {
      switching = undefined;
      throw e;
    }));
  });
  stop.addEventListener('click', () => feedback.run(stop, () => request({ type: 'stop-cluster' })));

  const clusterAnchor = el('h2', {}, 'Cluster');
  root.append(
    el('h2', {}, 'Launch'),
    rows.nodes, rows.mode, rows.protocol, rows.preset, rows.drop,
    el('div', { class: 'timings' }, ...TIMING_KEYS.map((key) => rows[key]), effective),
    launch,
    el('h2', {}, 'Attach'),
    rows.address, attach,
    clusterAnchor,
    el('div', { class: 'buttons' }, addNode, stop),
    dropRow,
    protocolRow,
    feedback.element,
  );
  return {
    clusterAnchor,
    addNode: () => addNode.click(),
    showProtocol(protocol, cluster) {
      const serf = cluster === 'serf' || cluster === 'serf-attached';
      // Serf runs SWIM with Lifeguard's suspicion, always on; a pair's sides keep what they were launched with.
      const fixed = serf ? 'Serf runs its own protocol (SWIM + Lifeguard, suspicion always on): it cannot be switched'
        : protocol?.sides ? 'side by side, each cluster keeps the protocol it was launched with' : '';
      protocolSwitch.disabled = protocol === null || fixed !== '';
      protocolSwitch.title = fixed;
      if (protocol === null) {
        switching = undefined;
        protocolState.textContent = serf ? 'Serf: SWIM + Lifeguard (fixed)' : cluster === null ? 'no cluster' : 'waiting for the nodes…';
        return;
      }
      if (switching !== undefined && modeName(protocol) !== switching) return;
      switching = undefined;
      protocolSwitch.value = modeName(protocol);
      const shown = protocol.sides ? protocol.sides.map((s, i) => `${i === 0 ? 'left' : 'right'} ${labelOf(s)}`).join(' | ') : labelOf(protocol);
      protocolState.textContent = protocol.settled ? shown : `${shown}, spreading…`;
    },
  };
}
