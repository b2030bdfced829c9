/**
 * test/netns.ts: hosts as network namespaces on one bridge, called by name; nothing reachable from (or
 * routed into) the root namespace; process trees killed; remove() and removeLeftovers() leave nothing.
 * Skipped, with the reason, where namespaces cannot be made (not root, no iproute2, a container that
 * forbids them).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { canCreateNamespaces, createHosts, removeLeftovers, type NetnsHosts } from './netns.js';

const REASON = canCreateNamespaces();
const PREFIX = 'fbt';

/** Answers with who called, as the server saw it. */
const SERVER = `const s = require('node:http').createServer((req, res) => res.end('hello from b to ' + req.socket.remoteAddress));
s.listen(0, process.argv[1], () => console.log('listening ' + s.address().port));`;
/** Resolves the URL's host name as the process sees it, fetches the URL, prints both. */
const CLIENT = `const url = new URL(process.argv[1]);
Promise.all([require('node:dns').promises.lookup(url.hostname), require('node:dns').promises.lookup('localhost')])
  .then(async ([host, localhost]) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
    console.log(JSON.stringify({ address: host.address, localhost: localhost.address, status: res.status, body: await res.text() }));
  })
  .catch((e) => { console.error(e); process.exit(1); });`;
/** Starts a grandchild, prints its pid, stays up. */
const TREE = `const c = require('node:child_process').spawn('sleep', ['60'], { stdio: 'ignore' });
console.log('grandchild ' + c.pid); setInterval(() => {}, 1000);`;

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', timeout: 5_000 });
const netnsList = (): string[] => ip('netns', 'list').split('\n').map((l) => l.split(' ')[0]).filter(Boolean);

/** The first stdout line matching `re`; rejects if the process exits first or after `ms`. */
function lineFrom(child: ChildProcess, re: RegExp, ms = 5_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => done(new Error(`no line matching ${re} within ${ms} ms; stdout: ${out} stderr: ${err}`)), ms);
    const onData = (chunk: Buffer): void => {
      out += chunk;
      const m = out.match(re);
      if (m) done(undefined, m);
    };
    const onErr = (chunk: Buffer): void => void (err += chunk);
    const onExit = (code: number | null, signal: string | null): void => done(new Error(`exited (${code ?? signal}) before printing ${re}; stdout: ${out} stderr: ${err}`));
    function done(error?: Error, m?: RegExpMatchArray): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(m!);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

/** A process that exists and is no zombie. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `check` every 20 ms until it holds or `ms` ran out. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The promise's value, or a rejection after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** How a TCP connect from this process (the root namespace) ends, within `ms`. */
function connectOutcome(host: string, port: number, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => finish('timeout'), ms);
    function finish(outcome: string): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    }
    socket.once('connect', () => finish('connected'));
    socket.once('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}

describe('hosts as network namespaces', { skip: REASON && `skipped: cannot create network namespaces here: ${REASON}`, timeout: 20_000 }, () => {
  let net: NetnsHosts | undefined;
  let server: ChildProcess | undefined;
  let port = 0;
  const extras: string[] = [];
  const strays: ChildProcess[] = [];

  before(async () => {
    net = createHosts({ prefix: PREFIX, hosts: ['a', 'b'], aliases: { b: ['b.internal'] } });
    server = net.spawnIn('b', process.execPath, ['-e', SERVER, net.host('b').address], { stdio: ['ignore', 'pipe', 'pipe'] });
    port = Number((await lineFrom(server, /listening (\d+)/))[1]);
  });

  after(() => {
    for (const child of strays) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    try {
      net?.remove();
    } finally {
      const existing = netnsList();
      for (const ns of extras) {
        try {
          if (existing.includes(ns)) ip('netns', 'delete', ns);
        } catch (error) {
          if (netnsList().includes(ns)) throw error;
        }
        rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
      }
      try {
        rmdirSync('/etc/netns');
      } catch {
        // not empty, or gone
      }
    }
  });

  test('a client on a fetches http://b:<port>/ by name; the root namespace has no way to b', async (t) => {
    const { a, b } = net!.hosts;
    assert.match(net!.subnet, /^10\.213\.\d+\.0\/24$/);
    assert.ok(a.namespace.length <= 15 && net!.hub.length <= 15, `${a.namespace}, ${net!.hub}: longer than an interface name`);

    const seen = JSON.parse(net!.exec('a', [process.execPath, '-e', CLIENT, `http://b:${port}/`]));
    assert.deepEqual(seen, { address: b.address, localhost: '127.0.0.1', status: 200, body: `hello from b to ${a.address}` });

    // The root namespace: no interface of the topology, no address in its subnet, no route into it.
    const subnet24 = net!.subnet.replace(/0\/24$/, '');
    assert.doesNotMatch(ip('-o', 'link', 'show'), new RegExp(net!.tag), 'an interface of the topology in the root namespace');
    assert.ok(!ip('-o', 'address', 'show').includes(` ${subnet24}`), 'an address of the subnet in the root namespace');
    assert.ok(!ip('route', 'show', 'table', 'all').includes(subnet24), 'a route for the subnet in the root namespace');
    let rootRoute: string;
    try {
      rootRoute = ip('route', 'get', b.address).trim();
    } catch (error) {
      rootRoute = `unreachable (${String((error as { stderr?: string }).stderr ?? error).trim()})`;
    }
    assert.doesNotMatch(rootRoute, /^(local|broadcast)\b/, rootRoute);
    assert.ok(!rootRoute.includes(`src ${subnet24}`), rootRoute);
    // The hosts: one connected route, no default route, so nothing they send can leave the bridge.
    assert.equal(net!.exec('a', ['ip', 'route', 'show']).trim(), `${net!.subnet} dev eth0 proto kernel scope link src ${a.address}`);
    // (A failed command's error names it, how it ended, and its stderr.)
    assert.throws(() => net!.exec('a', ['ip', 'route', 'get', '198.51.100.1']), new RegExp(`^Error: ip netns exec ${a.namespace} ip route get 198\\.51\\.100\\.1 failed \\(exit code \\d+\\): .*Network is unreachable`));
    assert.throws(() => net!.host('c'), /no host "c"/);

    // A connect from this process to b's address: made only where the root namespace has no route for it
    // (the kernel refuses at once, sending nothing); where the route is the machine's default route the
    // SYN would leave the machine for its gateway, to an address outside the namespaces, so it is not sent.
    if (rootRoute.startsWith('unreachable')) {
      const started = Date.now();
      const outcome = await connectOutcome(b.address, port, 2_000);
      assert.match(outcome, /^(ENETUNREACH|EHOSTUNREACH)$/);
      assert.ok(Date.now() - started < 1_000, `the refusal took ${Date.now() - started} ms`);
    } else {
      assert.doesNotMatch(rootRoute, new RegExp(net!.tag), rootRoute);
      t.diagnostic(`no connect from the root namespace: its route to ${b.address} is "${rootRoute.split('\n')[0]}", out of the machine; only the route was checked`);
    }
  });

  test('an alias (b.internal) resolves inside a, and only there', () => {
    const { a, b } = net!.hosts;
    const seen = JSON.parse(net!.exec('a', [process.execPath, '-e', CLIENT, `http://b.internal:${port}/`]));
    assert.deepEqual(seen, { address: b.address, localhost: '127.0.0.1', status: 200, body: `hello from b to ${a.address}` });
    assert.equal(net!.exec('a', ['cat', '/etc/hosts']), `127.0.0.1 localhost\n${a.address} a\n${b.address} b b.internal\n`);
    assert.doesNotMatch(readFileSync('/etc/hosts', 'utf8'), /\bb\.internal\b/);
  });

  test('killTree ends a process started with spawnIn and its descendants', async () => {
    const child = net!.spawnIn('a', process.execPath, ['-e', TREE], { stdio: ['ignore', 'pipe', 'pipe'] });
    const grandchild = Number((await lineFrom(child, /grandchild (\d+)/))[1]);
    assert.ok(running(grandchild));
    const exited = new Promise((r) => child.once('exit', r));
    net!.killTree(child);
    await within(exited, 3_000, 'the child exited');
    await until(() => !running(grandchild), 3_000, `grandchild ${grandchild} ended`);
    assert.equal(ip('netns', 'pids', net!.host('a').namespace).trim(), '');
  });

  test('remove() kills every process and leaves no namespace, veth, bridge or /etc/netns folder', async () => {
    const tree = net!.spawnIn('a', process.execPath, ['-e', TREE], { stdio: ['ignore', 'pipe', 'pipe'] });
    const grandchild = Number((await lineFrom(tree, /grandchild (\d+)/))[1]);
    const names = [...Object.values(net!.hosts).map((h) => h.namespace), net!.hub];
    const serverExited = new Promise((r) => server!.once('exit', r));
    assert.deepEqual(names.filter((ns) => !netnsList().includes(ns)), []);
    assert.equal(ip('-n', net!.hub, '-o', 'link', 'show', 'master', 'br0').trim().split('\n').length, 2, 'a veth per host on the bridge');

    const started = Date.now();
    net!.remove();
    const took = Date.now() - started;
    await within(serverExited, 3_000, 'the server on b exited');
    await until(() => !running(grandchild), 3_000, `grandchild ${grandchild} ended`);
    assert.deepEqual(netnsList().filter((ns) => ns.startsWith(net!.tag)), []);
    for (const ns of names) assert.ok(!existsSync(`/etc/netns/${ns}`), `/etc/netns/${ns} left`);
    assert.doesNotMatch(ip('-o', 'link', 'show'), new RegExp(net!.tag));
    assert.doesNotThrow(() => net!.remove(), 'a second remove() is a no-op');
    assert.throws(() => net!.spawnIn('a', 'true'), /after remove/);
    assert.ok(took < 5_000, `remove() took ${took} ms`);
  });

  test('removeLeftovers(prefix) removes what a killed run left, and keeps a live run\'s namespaces', async () => {
    // A run killed with SIGKILL after createHosts, with a process still running on one of its hosts.
    const script = `import { createHosts } from ${JSON.stringify(new URL('./netns.js', import.meta.url).href)};
const net = createHosts({ prefix: '${PREFIX}', hosts: ['x', 'y'] });
const orphan = net.spawnIn('x', 'sleep', ['60'], { stdio: 'ignore' });
console.log(JSON.stringify({ namespaces: [net.hub, ...Object.values(net.hosts).map((h) => h.namespace)], orphan: orphan.pid }));
setInterval(() => {}, 1000);`;
    const killed = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    strays.push(killed);
    const left = JSON.parse((await lineFrom(killed, /^\{.*\}$/m))[0]) as { namespaces: string[]; orphan: number };
    extras.push(...left.namespaces);
    const gone = new Promise((r) => killed.once('exit', r));
    killed.kill('SIGKILL');
    await gone;
    assert.ok(running(left.orphan), 'the killed run left its process behind');

    // A fake pid no process has: a namespace and a lone /etc/netns folder of such a run. Pid 1 is alive:
    // a concurrent run's namespace, to keep. And a name the pattern does not match. (Suffixed with this
    // pid so that runs of this file at the same time do not share them.)
    let fake = 4_194_303;
    while (fake > 1 && existsSync(`/proc/${fake}`)) fake--;
    const fakeNs = `${PREFIX}${fake}a-${process.pid}`;
    const fakeFolder = `${PREFIX}${fake}b-${process.pid}`;
    const liveNs = `${PREFIX}1a-${process.pid}`;
    const otherNs = `${PREFIX}-other${process.pid}`;
    extras.push(fakeNs, fakeFolder, liveNs, otherNs);
    for (const ns of [fakeNs, liveNs, otherNs]) ip('netns', 'add', ns);
    mkdirSync(`/etc/netns/${fakeFolder}`, { recursive: true });
    writeFileSync(`/etc/netns/${fakeFolder}/hosts`, '127.0.0.1 localhost\n');

    const removed = removeLeftovers(PREFIX);
    // A run of this file at the same time may remove some of these first (its createHosts and
    // removeLeftovers do the same), so what is asserted is that they are gone, and that the call removed
    // nothing of a live process.
    const now = netnsList();
    for (const ns of [...left.namespaces, fakeNs]) assert.ok(!now.includes(ns), `${ns} left`);
    for (const ns of [...left.namespaces, fakeFolder]) assert.ok(!existsSync(`/etc/netns/${ns}`), `/etc/netns/${ns} left`);
    assert.ok(now.includes(liveNs) && now.includes(otherNs), 'a live run\'s namespace or an unrelated one was removed');
    await until(() => !running(left.orphan), 3_000, `the killed run's process ${left.orphan} ended`);
    for (const ns of removed) {
      const m = new RegExp(`^(?:${PREFIX}(\\d+)[a-z]-(?:hub|\\d+)|netnsprobe(\\d+))$`).exec(ns);
      assert.ok(m, `removed ${ns}, which is no leftover's name`);
      assert.ok(!existsSync(`/proc/${m[1] ?? m[2]}`), `removed ${ns}, of a live process`);
    }
    const firstHub = removed.findIndex((ns) => ns.endsWith('-hub'));
    assert.ok(firstHub === -1 || removed.slice(firstHub).every((ns) => ns.endsWith('-hub')), `hubs last: ${removed.join(' ')}`);
    assert.throws(() => removeLeftovers('fbt1'), /1 to 3 lower-case letters/);
  });

  test('a run that exits without calling remove() leaves nothing (the exit hook)', async () => {
    const script = `import { createHosts } from ${JSON.stringify(new URL('./netns.js', import.meta.url).href)};
const net = createHosts({ prefix: '${PREFIX}', hosts: ['x'] });
const orphan = net.spawnIn('x', 'sleep', ['60'], { stdio: 'ignore' });
orphan.unref();
console.log(JSON.stringify([orphan.pid, net.hub, net.host('x').namespace]));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    strays.push(child);
    const [orphan, ...names] = JSON.parse((await lineFrom(child, /^\[.*\]$/m))[0]) as [number, ...string[]];
    extras.push(...names);
    const code = await within(new Promise((r) => child.once('exit', r)), 5_000, 'the run exited');
    assert.equal(code, 0);
    const now = netnsList();
    for (const ns of names) assert.ok(!now.includes(ns) && !existsSync(`/etc/netns/${ns}`), `${ns} left`);
    await until(() => !running(orphan), 3_000, `its process ${orphan} ended`);
  });
});
