// The whole precedence table (h11's _state.py style): every (held status, heard status, incarnation order, mode)
// with what `decide` must answer, written out by hand rather than derived from the code under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from './precedence.ts';
import type { Decision } from './precedence.ts';
import type { MemberStatus } from './events.ts';
import type { ProtocolMode } from './mode.ts';

const MODES: readonly ProtocolMode[] = [
  { family: 'gossip', suspicion: false },
  { family: 'gossip', suspicion: true },
  { family: 'ping', suspicion: false },
  { family: 'ping', suspicion: true },
];

// held heard order | gossip+nosuspect | gossip+suspect | ping+nosuspect | ping+suspect
// keep · confirm · status/reason (take it at the heard incarnation) · refute (at the heard one + 1) · declared-failed
const OTHERS = `
alive   alive   <  keep            keep            keep            keep
alive   alive   =  keep            keep            keep            keep
alive   alive   >  alive/gossip    alive/gossip    alive/gossip    alive/gossip
alive   suspect <  keep            keep            keep            keep
alive   suspect =  keep            suspect/gossip  keep            suspect/gossip
alive   suspect >  alive/gossip    suspect/gossip  alive/gossip    suspect/gossip
alive   failed  <  keep            keep            keep            keep
alive   failed  =  keep            failed/gossip   failed/gossip   failed/gossip
alive   failed  >  keep            failed/gossip   failed/gossip   failed/gossip
alive   left    <  keep            keep            keep            keep
alive   left    =  left/gossip     left/gossip     left/gossip     left/gossip
alive   left    >  left/gossip     left/gossip     left/gossip     left/gossip
suspect alive   <  keep            keep            keep            keep
suspect alive   =  keep            keep            keep            keep
suspect alive   >  alive/refuted   alive/refuted   alive/refuted   alive/refuted
suspect suspect <  keep            keep            keep            keep
suspect suspect =  keep            confirm         keep            confirm
suspect suspect >  suspect/gossip  suspect/gossip  suspect/gossip  suspect/gossip
suspect failed  <  keep            keep            keep            keep
suspect failed  =  keep            failed/gossip   failed/gossip   failed/gossip
suspect failed  >  keep            failed/gossip   failed/gossip   failed/gossip
suspect left    <  keep            keep            keep            keep
suspect left    =  left/gossip     left/gossip     left/gossip     left/gossip
suspect left    >  left/gossip     left/gossip     left/gossip     left/gossip
`;

const SELF = `
alive   alive   <  keep            keep            keep            keep
alive   alive   =  keep            keep            keep            keep
alive   alive   >  keep            keep            keep            keep
alive   suspect <  keep            keep            keep            keep
alive   suspect =  keep            refute          keep            refute
alive   suspect >  keep            refute          keep            refute
alive   failed  <  keep            keep            keep            keep
alive   failed  =  declared-failed declared-failed declared-failed declared-failed
alive   failed  >  declared-failed declared-failed declared-failed declared-failed
alive   left    <  keep            keep            keep            keep
alive   left    =  declared-failed declared-failed declared-failed declared-failed
alive   left    >  declared-failed declared-failed declared-failed declared-failed
`;

const HELD = 5;
const INCARNATION: Record<string, number> = { '<': 4, '=': 5, '>': 6 };

function expected(word: string, heardIncarnation: number): Decision {
  if (word === 'refute') return { kind: 'refute', incarnation: heardIncarnation + 1 };
  if (word === 'keep' || word === 'confirm' || word === 'declared-failed') return { kind: word };
  const [status, reason] = word.split('/') as [MemberStatus, string];
  return { kind: 'set', status, incarnation: heardIncarnation, reason };
}

function checkTable(table: string, self: boolean): number {
  let rows = 0;
  for (const line of table.trim().split('\n')) {
    const [held, heard, order, ...answers] = line.trim().split(/\s+/);
    assert.equal(answers.length, MODES.length, line);
    MODES.forEach((mode, i) => {
      const incarnation = INCARNATION[order!]!;
      const got = decide({ status: held as MemberStatus, incarnation: HELD }, { status: heard as MemberStatus, incarnation }, mode, self);
      assert.deepEqual(got, expected(answers[i]!, incarnation), `${line.trim()} in ${mode.family}+${mode.suspicion}`);
      rows++;
    });
  }
  return rows;
}

test('a live member: every held × heard × incarnation order × mode', () => {
  assert.equal(checkTable(OTHERS, false), 2 * 4 * 3 * 4);
});

test('self: refuted when suspected with suspicion on, fail-stop when declared failed or left', () => {
  assert.equal(checkTable(SELF, true), 4 * 3 * 4);
});

test('a failed or left member is never revived, whatever is heard (fail-stop)', () => {
  for (const held of ['failed', 'left'] as const) {
    for (const heard of ['alive', 'suspect', 'failed', 'left'] as const) {
      for (const order of Object.values(INCARNATION)) {
        for (const mode of MODES) {
          assert.deepEqual(decide({ status: held, incarnation: HELD }, { status: heard, incarnation: order }, mode, false), { kind: 'keep' });
        }
      }
    }
  }
});
