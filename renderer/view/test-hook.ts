// The page's one test hook, window.__hearsay (read-only; e2e/*.spec.ts, e2e/hearsay-page.ts, scripts/bench-render.ts
// and the first-screen check read it). Live and replay each add their part; it appears once the live view exists.
//
// Live (renderer/main.ts):
//   state()       { nodes: { address, id, majority, tally: { alive, suspect, failed, left }, cut }[], counts, backlog,
//                   rejected, shell, connection } — what the graph shows (majority = status most running observers
//                   give the node's current id; 'down' when none lists it and it does not run)
//                   sync: { seq, snapshots, resyncs } (the view contract: last delta taken in, snapshots received,
//                   gaps that asked for one), protocol (the mode in force, as the nodes report it), slots
//                   ({ address, id, state }: the host's slots as the view has them)
//   frameStats()  { frames, frameP50, frameP95, frameMax, vsyncMs, missedVsync: { frames, skipped }, eventToScreenP50,
//                   eventToScreenP95, eventToScreenMax, eventSamples, phasesP95, phasesMean } over the last frames of
//                   the one frame loop, whichever mode is on screen (ms; requestAnimationFrame deltas; event ts → after
//                   the render of the frame that applied it; missedVsync: frames more than 1.5 vsyncs after the last,
//                   and the vsyncs that passed with no new frame)
//   lists()       [{ observer, members: [{ member, status }] }] for every slot whose current id runs: the membership
//                   lists the view holds (the matrix's rows), to compare with what the nodes answer to list_mem
//   dropConnection()  browser shell: drops the WebSocket as a network failure would (it reconnects)
//   resetFrameStats()
//   select(address)  selects a node as a click would
//   packets()     { onScreen, droppedOnScreen, seen, seenDropped, unsampled } — packets the graph draws
// Replay (view/replay-view.ts, once Replay is first shown):
//   replay        { loaded(), info(), time(), position(), seek(t), step(d), nextFailure(), state(), statusOf(observer,
//                   member), select(address) } (see e2e/replay.spec.ts); state().nodes[].cut as live

/** Adds `part`'s fields to window.__hearsay (a frozen object, replaced whole so a reader never sees half of a part). */
export function exposeTestHook(part: Readonly<Record<string, unknown>>): void {
  const w = window as unknown as { __hearsay?: object };
  w.__hearsay = Object.freeze({ ...w.__hearsay, ...part });
}
