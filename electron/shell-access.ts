// Who may use the browser shell, as notebook servers decide it: a per-run token in the URL for every HTTP request and
// the WebSocket (remembered in a cookie after the first request, so the page's own assets and fetches carry it), and
// a Host allow-list (the bound address, localhost, 127.0.0.1, [::1], with the port), which defeats DNS rebinding: a
// page from attacker.example that rebinds its name to 127.0.0.1 sends `Host: attacker.example:PORT` (and no cookie).
import crypto from 'node:crypto';
import type http from 'node:http';

/** Set the token from outside (e2e, scripts) instead of a random one; it is still required. */
export const SHELL_TOKEN_ENV = 'HEARSAY_SHELL_TOKEN';

export type Refusal = { readonly status: 403; readonly reason: string };

export class ShellAccess {
  readonly token: string;
  private readonly hosts: Set<string>;
  readonly cookieName: string;

  constructor(bindHost: string, readonly port: number, token = process.env[SHELL_TOKEN_ENV] || crypto.randomBytes(24).toString('hex')) {
    this.token = token;
    const bound = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
    this.hosts = new Set([bound, 'localhost', '127.0.0.1', '[::1]'].map((h) => `${h.toLowerCase()}:${port}`));
    // Cookies are per host name, not per port: the port in the name keeps two shells apart.
    this.cookieName = `hearsay-token-${port}`;
  }

  /** Undefined when the request may go on; else why not. */
  check(req: http.IncomingMessage, url: URL): Refusal | undefined {
    if (!this.hostAllowed(req.headers.host)) return { status: 403, reason: 'unknown Host (only the address the shell is bound to)' };
    if (!this.matches(url.searchParams.get('token')) && !this.matches(this.cookieToken(req))) {
      return { status: 403, reason: 'missing or wrong token: open the URL the shell printed (it carries ?token=)' };
    }
    return undefined;
  }

  /** A browser's Origin must be one of the allowed hosts too (a page elsewhere must not drive the nodes). */
  originAllowed(origin: string | undefined): boolean {
    if (origin === undefined) return true; // not a browser: a local tool that holds the token
    try {
      const url = new URL(origin);
      return url.protocol === 'http:' && this.hostAllowed(url.host);
    } catch {
      return false;
    }
  }

  /** Set-Cookie for a request that brought the token in its URL, so the page's later requests carry it. */
  cookie(): string {
    return `${this.cookieName}=${this.token}; Path=/; HttpOnly; SameSite=Strict`;
  }

  private hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.hosts.has(host.toLowerCase());
  }

  private cookieToken(req: http.IncomingMessage): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === this.cookieName) return part.slice(eq + 1).trim();
    }
    return undefined;
  }

  private matches(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }
}
