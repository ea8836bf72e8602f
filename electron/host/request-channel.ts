// The request half of both shells' wire: a validated HostRequest in, one reply envelope out. A failed request
// answers `{ ok: false, error }` with one line (never a stack), whether it came over WebSocket or IPC.
import { UserError } from '../../node-runtime/user-error.ts';
import { parseHostRequest } from './host-request-schema.ts';
import type { HostApi } from './api.ts';

export type Reply = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: string };

export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 500);
}

export class RequestChannel {
  /** Requests that failed validation: counted and answered, never dispatched. */
  malformed = 0;

  constructor(private readonly api: HostApi, private readonly log: (line: string) => void = () => {}) {}

  async answer(raw: unknown): Promise<Reply> {
    const request = parseHostRequest(raw);
    if (!request) {
      this.malformed++;
      return { ok: false, error: 'malformed request' };
    }
    try {
      return { ok: true, result: await this.api.request(request) };
    } catch (err) {
      // A user's mistake is expected; anything else is a bug worth a line in the shell's log.
      if (!(err instanceof UserError)) this.log(`request ${request.type} failed: ${err instanceof Error ? err.stack : String(err)}`);
      return { ok: false, error: oneLine(err) };
    }
  }
}
