// The Serf piece of the panel, compact and separate from hearsay's launch form: launch N local Serf agents (the host
// needs a `serf` binary), or attach to running agents by RPC address — with the RPC port convention that finds the
// rest from one agent's members, an RPC auth key when the agents use one, and where they send their metrics (statsd)
// for their bandwidth.
import { el } from './dom.ts';
import type { Feedback } from './feedback.ts';
import { parseSerfAttach, parseSerfLaunch } from '../model/serf-form.ts';
import type { SerfField } from '../model/serf-form.ts';
import type { HostRequest } from '../../electron/host/api.ts';

export function serfPanel(root: HTMLElement, request: (r: HostRequest) => Promise<unknown>, feedback: Feedback): void {
  const input = (testid: string, value: string, attrs: Record<string, string> = {}) => el('input', { testid, value, ...attrs });
  const nodes = input('serf-nodes', '5', { type: 'number', min: '1', inputmode: 'numeric' });
  const launch = el('button', { testid: 'serf-launch' }, 'Launch Serf agents');
  const rpc = input('serf-rpc', '', { placeholder: '127.0.0.1:7373, …', title: 'RPC addresses (serf agent -rpc-addr)' });
  const offset = input('serf-offset', '', { placeholder: 'e.g. 1', inputmode: 'numeric', title: 'RPC port = gossip port + this; finds the other agents' });
  const key = input('serf-key', '', { type: 'password', autocomplete: 'off', title: 'rpc_auth of the agents, if any' });
  const telemetry = input('serf-telemetry', '', { placeholder: '127.0.0.1:8125, …',
    title: 'optional: each agent\'s statsd_addr on this host, in the RPC addresses\' order; the app listens there for their bandwidth' });
  const attach = el('button', { testid: 'serf-attach' }, 'Attach Serf');
  const row = (label: string, control: HTMLElement, ...rest: HTMLElement[]) =>
    el('label', { class: 'row' }, el('span', {}, label), control, ...rest);
  const rows: Record<SerfField, HTMLElement> = {
    'serf-nodes': row('agents', nodes, launch), 'serf-rpc': row('RPC', rpc), 'serf-offset': row('RPC port +', offset),
    'serf-key': row('auth key', key), 'serf-telemetry': row('telemetry', telemetry),
  };
  for (const r of Object.values(rows)) r.addEventListener('input', () => feedback.clear(r));
  launch.addEventListener('click', (e) => {
    e.preventDefault();
    const r = parseSerfLaunch(nodes.value);
    if (!r.ok) return feedback.error(r.error, rows[r.field]);
    feedback.run(launch, () => request({ type: 'launch', options: r.value }));
  });
  attach.addEventListener('click', () => {
    const r = parseSerfAttach(rpc.value, offset.value, key.value, telemetry.value);
    if (!r.ok) return feedback.error(r.error, rows[r.field]);
    feedback.run(attach, () => request({ type: 'attach-serf', options: r.value }));
  });
  root.append(el('details', { class: 'serf', testid: 'serf-panel' },
    el('summary', {}, 'Serf'), ...Object.values(rows), attach));
}
