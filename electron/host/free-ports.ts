// Finds ports where a node can live: a node binds UDP (gossip) and TCP (join, control) on the same number, so a port
// is free only if both binds succeed. Checked by binding and closing at once; the node itself may still lose a race.
import dgram from 'node:dgram';
import net from 'node:net';

const MAX_PORT = 65535;
/** The introducer's port by the course's convention; a launch moves up from it to the first free range. */
export const DEFAULT_BASE_PORT = 3000;

function tcpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

export async function portFree(host: string, port: number): Promise<boolean> {
  return (await tcpFree(host, port)) && (await udpFree(host, port));
}

/** The first `count` consecutive free ports at or after `from` (both protocols), or undefined past 65535. */
export async function findFreeRange(host: string, from: number, count: number): Promise<number | undefined> {
  let start = from;
  while (start + count - 1 <= MAX_PORT) {
    let ok = true;
    for (let port = start; port < start + count; port++) {
      if (!(await portFree(host, port))) {
        start = port + 1;
        ok = false;
        break;
      }
    }
    if (ok) return start;
  }
  return undefined;
}

/** The first free port at or after `from`, skipping `taken` (ports this host already gave out). */
export async function findFreePort(host: string, from: number, taken: ReadonlySet<number> = new Set()): Promise<number | undefined> {
  for (let port = from; port <= MAX_PORT; port++) {
    if (!taken.has(port) && (await portFree(host, port))) return port;
  }
  return undefined;
}
