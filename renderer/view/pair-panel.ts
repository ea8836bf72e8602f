// The side-by-side piece of the panel, compact and separate: launch two clusters of one size — two hearsay
// configurations or hearsay and Serf — and apply one fault to the k-th node of both at the same moment, or cut the
// same launch positions off on both (Heal, on either graph, heals both). The cluster controls above (drop rate,
// suspicion, stop) act on both sides of a pair.
import { el } from './dom.ts';
import type { Feedback } from './feedback.ts';
import { PAIR_ACTIONS, PAIR_KINDS, parsePairCut, parsePairIndex, parsePairLaunch } from '../model/pair-form.ts';
import type { PairField } from '../model/pair-form.ts';
import type { HostRequest } from '../../electron/host/api.ts';

export function pairPanel(root: HTMLElement, request: (r: HostRequest) => Promise<unknown>, feedback: Feedback): void {
  const kind = (testid: string, value: string) => {
    const select = el('select', { testid }, ...PAIR_KINDS.map((k) => el('option', { value: k.value }, k.label)));
    select.value = value;
    return select;
  };
  const nodes = el('input', { testid: 'pair-nodes', value: '5', type: 'number', min: '2', inputmode: 'numeric' });
  const left = kind('pair-left', 'gossip+nosuspect');
  const right = kind('pair-right', 'ping+suspect');
  const launch = el('button', { testid: 'pair-launch' }, 'Launch side by side');
  const index = el('input', { testid: 'pair-index', value: '1', type: 'number', min: '1', inputmode: 'numeric' });
  const action = el('select', { testid: 'pair-action' }, ...PAIR_ACTIONS.map((a) => el('option', { value: a }, a)));
  const apply = el('button', { testid: 'pair-apply' }, 'to both');
  const cutRange = el('input', { testid: 'pair-cut-range', value: '1-2', title: 'launch positions k–m, cut off from the rest of each side' });
  const cut = el('button', { testid: 'pair-cut' }, 'cut both');
  const row = (label: string, ...controls: HTMLElement[]) => el('label', { class: 'row' }, el('span', {}, label), ...controls);
  const rows: Record<PairField, HTMLElement> = {
    'pair-nodes': row('nodes each', nodes), 'pair-index': row('node #', index), 'pair-cut': row('partition #', cutRange, cut),
  };
  const faultRow = row('fault', action, apply);
  for (const r of Object.values(rows)) r.addEventListener('input', () => feedback.clear(r));
  let launched = 0;
  launch.addEventListener('click', () => {
    const r = parsePairLaunch(nodes.value, [left.value, right.value]);
    if (!r.ok) return feedback.error(r.error, rows[r.field]);
    launched = r.value[0].nodes;
    feedback.run(launch, () => request({ type: 'launch-pair', options: r.value }));
  });
  apply.addEventListener('click', (e) => {
    e.preventDefault();
    const r = parsePairIndex(index.value, launched || Number(nodes.value));
    if (!r.ok) return feedback.error(r.error, rows[r.field]);
    const what = action.value as (typeof PAIR_ACTIONS)[number];
    feedback.run(faultRow, () => request({ type: 'pair-action', action: what, index: r.value }),
      () => `${what} of node ${r.value + 1} on both sides at once`);
  });
  cut.addEventListener('click', (e) => {
    e.preventDefault();
    const r = parsePairCut(cutRange.value, launched || Number(nodes.value));
    if (!r.ok) return feedback.error(r.error, rows[r.field]);
    const { from, to } = r.value;
    feedback.run(rows['pair-cut'], () => request({ type: 'pair-partition', from, to }),
      () => `nodes ${from + 1}–${to + 1} cut off on both sides at once (Heal heals both)`);
  });
  root.append(el('details', { class: 'pair', testid: 'pair-panel' },
    el('summary', {}, 'Side by side'), rows['pair-nodes'], row('left', left), row('right', right), launch, rows['pair-index'], faultRow,
    rows['pair-cut']));
}
