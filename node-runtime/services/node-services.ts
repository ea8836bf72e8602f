// What a node serves over its TCP listener, in one place above node/ and control/ (ARCHITECTURE.md §5): join for
// peers (and SWIM's push-pull), ctl and subscribe for operators and the app, grep for dgrep. The node itself exposes only its typed API;
// `startNode` is how the CLI, the app's host and tests start a node that answers on TCP.
import { MembershipNode } from '../node/membership-node.ts';
import type { MembershipNodeOptions } from '../node/membership-node.ts';
import type { TcpListener } from '../transport/tcp-listener.ts';
import { serveGrep } from '../grep/serve-grep.ts';
import { serveControl } from './ctl-service.ts';
import { serveJoin } from './join-service.ts';
import { servePushPull } from './push-pull-service.ts';

/** Starts a node (MembershipNode.start: binds, opens the log, joins) with every TCP service registered before the
 *  join, so that `ctl` answers while the node is still retrying an unreachable introducer. */
export function startNode(opts: MembershipNodeOptions): Promise<MembershipNode> {
  return MembershipNode.start(opts, (node, listener) => serveNode(node, listener, opts.logDir));
}

function serveNode(node: MembershipNode, listener: TcpListener, logDir: string | undefined): void {
  listener.handle('join', (hello, socket) => serveJoin(hello, socket, node, () => listener.countMalformed()), { public: true });
  listener.handle('push-pull', (hello, socket) => servePushPull(hello, socket, node, () => listener.countMalformed()), { public: true });
  serveControl(node, listener);
  // A node without a log directory has nothing to serve (and must never fall back to its working directory).
  if (logDir !== undefined) listener.handle('grep', (hello, socket) => serveGrep(hello, socket, { logDir, nodeId: () => node.id }));
}
