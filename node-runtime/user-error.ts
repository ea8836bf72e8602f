// A mistake the user can fix (bad flag, busy port, unreachable peer, malformed file). The CLI prints its message as
// one line and exits non-zero; anything else is a bug and keeps its stack trace. Callers that react to a kind of
// mistake (retry on a busy port…) test `code`, never the message, which is for people and may be reworded.
// It sits at the bottom of node-runtime because every layer above (cli, control, node, the app's host) raises it.

export type UserErrorCode =
  /** A bad flag, argument, command or setting. */
  | 'usage'
  /** The port (TCP or UDP) is already bound by someone else. */
  | 'busy'
  /** A peer (node, introducer) could not be reached or did not answer in time. */
  | 'unreachable'
  /** A peer answered but refused, or answered with something malformed. */
  | 'refused'
  /** A file or folder is missing, unreadable, unwritable or malformed. */
  | 'file'
  /** The action does not fit the current state (a stopped node, no cluster yet…). */
  | 'state';

export class UserError extends Error {
  constructor(readonly code: UserErrorCode, message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}
