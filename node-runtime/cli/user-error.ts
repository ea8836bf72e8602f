// A mistake the user can fix (bad flag, busy port, unreachable peer, malformed file). The CLI prints its message as
// one line and exits non-zero; anything else is a bug and keeps its stack trace.
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}
