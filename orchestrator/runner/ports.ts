/**
 * Ports for the services the runner starts.
 *
 * The kernel hands ports from its ephemeral range to outgoing connections too (every keep-alive socket
 * of every test), so a service port taken from that range can be grabbed by a client connection while
 * the service restarts, and the restart fails with EADDRINUSE. Service ports are therefore drawn at
 * random below the ephemeral range and checked by binding them; port 0 is the last resort.
 *
 * Binding a port and closing it again proves it free only at that moment: two runs on one machine (CI
 * shards, parallel test files) can both see a port free and both hand it to a service. The second
 * service then fails with EADDRINUSE while the first one answers its health check, and the run talks to
 * another run's service. A claim file per port, created exclusively in a directory every run shares,
 * makes the choice exclusive across processes; a claim whose process is gone is taken over.
 */
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PORT_FLOOR = 10000;
const handedOut = new Set<number>();
let claimDir: string | undefined;

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 2048) return low;
  } catch {
    /* not Linux: assume the IANA range */
  }
  return 49152;
}

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function claimsDirectory(): string | undefined {
  if (claimDir !== undefined) return claimDir || undefined;
  try {
    const dir = join(tmpdir(), 'filibuster-ports');
    mkdirSync(dir, { recursive: true });
    claimDir = dir;
    process.once('exit', releaseClaims);
  } catch {
    claimDir = ''; // no shared directory: fall back to the bind check alone
  }
  return claimDir || undefined;
}

/**
 * Claims `port` for this process; false when a live process holds it. The claim file is linked into
 * place with its content already written, so no reader ever sees a claim without its owner.
 */
function claim(port: number): boolean {
  const dir = claimsDirectory();
  if (!dir) return true;
  const file = join(dir, String(port));
  const draft = `${file}.${process.pid}.draft`;
  try {
    writeFileSync(draft, String(process.pid));
  } catch {
    return true; // the directory went away: the bind check alone decides
  }
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(draft, file);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return true;
        const holder = Number(readFileSafe(file));
        if (holder === process.pid || alive(holder)) return false;
        removeFile(file); // its process is gone
      }
    }
    return false;
  } finally {
    removeFile(draft);
  }
}

function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* gone already */
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function releaseClaims(): void {
  if (!claimDir) return;
  for (const port of handedOut) {
    const file = join(claimDir, String(port));
    if (readFileSafe(file) === String(process.pid)) removeFile(file);
  }
}

/** A free TCP port on 127.0.0.1, outside the ephemeral range, not handed out before by this or another run. */
export async function freePort(): Promise<number> {
  const high = ephemeralLow() - 1;
  const low = Math.min(PORT_FLOOR, high - 1000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(candidate)) continue;
    if (!claim(candidate)) continue;
    handedOut.add(candidate);
    const port = await tryListen(candidate);
    if (port !== undefined) return port;
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('no free TCP port on 127.0.0.1');
  return port;
}
