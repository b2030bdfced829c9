/**
 * Separate hosts on one Linux machine, for tests that run services on different hosts and call them by
 * host name: one network namespace per host, all wired to a Linux bridge in a hub namespace of their own.
 *
 * Everything lives inside the namespaces made here: the bridge, both ends of every veth pair (created from
 * inside the hub, so no interface ever appears in the root namespace), every address. The root namespace
 * gets no address, no route and no NAT, and the host namespaces have no default route, so traffic between
 * the hosts cannot leave them and nothing outside can reach in.
 *
 * Names: the namespaces of one topology share a tag, `<prefix><pid><letter>` (letter a, b, … for the
 * topologies one process creates), and are `<tag>-hub` and `<tag>-<i>` for the i-th host. A prefix is 1–3
 * lower-case letters so every name fits the 15 characters of an interface name for any pid (the hub end of
 * host i's veth pair has the host namespace's name). Addresses: 10.213.X.0/24, X from the pid and the
 * letter; host i is 10.213.X.(i+1). Each topology has its own bridge, so even equal subnets of two runs
 * never meet.
 *
 * Name resolution: `/etc/netns/<ns>/hosts` maps every host name and alias to its address (plus
 * `127.0.0.1 localhost`); `ip netns exec` bind-mounts it over /etc/hosts for the processes it starts.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NetnsSpec {
  /** 1–3 lower-case letters; every namespace name starts with it, then the pid. */
  prefix: string;
  /** Host names (letters, digits, '-' and '.'), at most 250. */
  hosts: string[];
  /** More names for a host, e.g. `{ bar: ['bar.internal'] }`, in every host's hosts file. */
  aliases?: Record<string, string[]>;
}

export interface NetnsHost {
  name: string;
  /** The network namespace the host is; `ip netns exec <namespace> …` runs a process on it. */
  namespace: string;
  /** Its IPv4 address, on its `eth0`; it exists only inside `namespace`. */
  address: string;
  aliases: string[];
}

export interface ExecOptions {
  /** Kill the command (SIGKILL) after this long; 10 s unless given. */
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export interface NetnsHosts {
  /** `<prefix><pid><letter>`: every namespace of this topology is `<tag>-…`. */
  readonly tag: string;
  /** `10.213.X.0/24`. */
  readonly subnet: string;
  /** The namespace holding the bridge `br0`. */
  readonly hub: string;
  /** Every host by name. */
  readonly hosts: Readonly<Record<string, NetnsHost>>;
  /** The host by name; throws for a name not in the topology. */
  host(name: string): NetnsHost;
  /** Runs argv inside the host's namespace and returns its stdout; throws (command and stderr) unless it exits 0. */
  exec(host: string, argv: string[], options?: ExecOptions): string;
  /** Starts a process inside the host's namespace, detached in its own process group; `remove()` kills it. */
  spawnIn(host: string, command: string, args?: string[], options?: Omit<SpawnOptions, 'detached'>): ChildProcess;
  /** Sends a signal to the process group of a process `spawnIn` started (the process and its descendants). */
  killTree(child: ChildProcess, signal?: NodeJS.Signals): void;
  /** Kills every process in the namespaces, deletes the veths, the bridge, the namespaces and their /etc/netns folders. Idempotent. */
  remove(): void;
}

const MAX_NAME = 15; // IFNAMSIZ - 1
const MAX_HOSTS = 250;
const BRIDGE = 'br0';
const NETNS_ETC = '/etc/netns';
/** canCreateNamespaces()'s throwaway namespace is `<PROBE><pid>`. */
const PROBE = 'netnsprobe';

/** Tags of the topologies this process created and has not removed: `removeLeftovers` keeps them. */
const live = new Map<string, NetnsHosts>();
let created = 0;

/** A failed command as an error naming it, how it ended, and its stderr. */
function commandError(argv: string[], error: unknown): Error {
  const e = error as NodeJS.ErrnoException & { status?: number | null; signal?: string | null; stderr?: string | Buffer };
  const how = e.code === 'ENOENT' ? 'not found' : e.code === 'ETIMEDOUT' ? 'timed out' : e.signal ? `killed by ${e.signal}` : `exit code ${e.status}`;
  const stderr = String(e.stderr ?? '').trim();
  return new Error(`${argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')} failed (${how})${stderr ? `: ${stderr}` : ''}`, { cause: error });
}

/** Runs a command (no shell) and returns its stdout; throws `commandError` unless it exits 0 in time. */
function run(argv: string[], options: ExecOptions = {}): string {
  try {
    return execFileSync(argv[0], argv.slice(1), {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      input: options.input ?? '',
      env: options.env,
      timeout: options.timeoutMs ?? 10_000,
      killSignal: 'SIGKILL',
    });
  } catch (error) {
    throw commandError(argv, error);
  }
}

const ip = (...args: string[]): string => run(['ip', ...args]);

/** The names `ip netns list` shows. */
function namespaces(): string[] {
  return ip('netns', 'list')
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter(Boolean);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGKILLs every process inside the namespace (they can only be ours) until none is left, or throws after `ms`. */
function killAllIn(ns: string, ms = 3_000): void {
  const deadline = Date.now() + ms;
  for (;;) {
    let pids: number[];
    try {
      pids = ip('netns', 'pids', ns).split('\n').filter(Boolean).map(Number);
    } catch (error) {
      if (!namespaces().includes(ns)) return;
      throw error;
    }
    if (pids.length === 0) return;
    if (Date.now() > deadline) throw new Error(`processes ${pids.join(', ')} in namespace ${ns} survived SIGKILL for ${ms} ms`);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/** Deletes a namespace (after killing what runs in it) and its /etc/netns folder; a missing one is fine. */
function deleteNamespace(ns: string, existing: string[]): void {
  if (existing.includes(ns)) {
    killAllIn(ns);
    try {
      ip('netns', 'delete', ns);
    } catch (error) {
      // Another run's removeLeftovers may have deleted the same leftover a moment ago.
      if (namespaces().includes(ns)) throw error;
    }
  }
  rmSync(join(NETNS_ETC, ns), { recursive: true, force: true });
}

/** Removes /etc/netns when it is empty (ip creates no such folder; only these helpers do). */
function tidyNetnsEtc(): void {
  try {
    rmdirSync(NETNS_ETC);
  } catch {
    // not empty (another run's, or someone else's), or gone
  }
}

/** Writes a namespace's hosts file; retried once should a concurrent run's tidyNetnsEtc() remove /etc/netns between mkdir and write. */
function writeHostsFile(ns: string, text: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(join(NETNS_ETC, ns), { recursive: true });
      writeFileSync(join(NETNS_ETC, ns, 'hosts'), text);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw error;
    }
  }
}

/**
 * Deletes the namespaces and /etc/netns folders named `<prefix><pid><letter>-…` that a run killed before
 * its `remove()` left behind, after killing any process still running in them, and the throwaway
 * namespaces of a `canCreateNamespaces()` killed midway. A namespace whose pid is a live process is
 * another run's, still in use, and kept; so are this process's live topologies. Returns the names it
 * removed, hubs last.
 */
export function removeLeftovers(prefix: string): string[] {
  checkPrefix(prefix);
  const pattern = new RegExp(`^${prefix}(\\d+)([a-z])-(?:hub|\\d+)$`);
  const probe = new RegExp(`^${PROBE}(\\d+)$`);
  const existing = namespaces();
  const folders = existsSync(NETNS_ETC) ? readdirSync(NETNS_ETC) : [];
  const leftovers = [...new Set([...existing, ...folders])].filter((name) => {
    const p = probe.exec(name);
    if (p) return !alive(Number(p[1]));
    const m = pattern.exec(name);
    if (!m) return false;
    const pid = Number(m[1]);
    if (pid === process.pid) return !live.has(`${prefix}${m[1]}${m[2]}`);
    return !alive(pid);
  });
  // Host namespaces first, the hub (whose bridge holds their veths) after.
  leftovers.sort((a, b) => Number(a.endsWith('-hub')) - Number(b.endsWith('-hub')));
  for (const ns of leftovers) deleteNamespace(ns, existing);
  tidyNetnsEtc();
  return leftovers;
}

function checkPrefix(prefix: string): void {
  // 3 letters + 7 digits (Linux pids are at most 4194304) + a letter + '-hub' = 15.
  if (!/^[a-z]{1,3}$/.test(prefix)) throw new Error(`netns prefix ${JSON.stringify(prefix)}: 1 to 3 lower-case letters, so <prefix><pid><letter>-hub fits ${MAX_NAME} characters for any pid`);
}

/** Why namespaces cannot be made here (a reason to skip), or undefined when they can. */
export function canCreateNamespaces(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return `not root (uid ${process.getuid?.()})`;
  try {
    run(['ip', '-V']);
  } catch (error) {
    return `needs iproute2's ip (Debian package iproute2: apt-get install iproute2; .ci/run installs it): ${(error as Error).message}`;
  }
  const probe = `${PROBE}${process.pid}`;
  try {
    if (namespaces().includes(probe)) ip('netns', 'delete', probe); // a killed earlier process's, with this pid
    ip('netns', 'add', probe);
  } catch (error) {
    return `namespaces are not permitted here: ${(error as Error).message}`;
  }
  try {
    ip('-n', probe, 'link', 'add', BRIDGE, 'type', 'bridge');
    ip('-n', probe, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    run(['ip', 'netns', 'exec', probe, 'true']);
    return undefined;
  } catch (error) {
    return `a namespace was created but cannot be used (bridge, veth or ip netns exec): ${(error as Error).message}`;
  } finally {
    try {
      ip('netns', 'delete', probe);
    } catch {
      // reported by the next createHosts as a failure, if it matters
    }
  }
}

/** Creates the topology: namespaces, bridge, veths, addresses, hosts files. See the module comment. */
export function createHosts(spec: NetnsSpec): NetnsHosts {
  checkPrefix(spec.prefix);
  const names = spec.hosts;
  if (names.length === 0 || names.length > MAX_HOSTS) throw new Error(`netns: 1 to ${MAX_HOSTS} hosts, not ${names.length}`);
  const aliases = spec.aliases ?? {};
  const all = [...names, ...Object.values(aliases).flat()];
  for (const name of all) if (!/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(name)) throw new Error(`netns: ${JSON.stringify(name)} is no host name`);
  const dup = all.find((name, i) => all.indexOf(name) !== i || name === 'localhost');
  if (dup) throw new Error(`netns: the name ${dup} is given twice (or is localhost)`);
  for (const host of Object.keys(aliases)) if (!names.includes(host)) throw new Error(`netns: aliases for ${host}, which is no host`);
  if (created >= 26) throw new Error('netns: at most 26 topologies per process');

  const seq = created++;
  const tag = `${spec.prefix}${process.pid}${String.fromCharCode(97 + seq)}`;
  const hub = `${tag}-hub`;
  const x = (process.pid + seq) % 256;
  const subnet = `10.213.${x}.0/24`;
  const hosts: Record<string, NetnsHost> = {};
  names.forEach((name, i) => (hosts[name] = { name, namespace: `${tag}-${i}`, address: `10.213.${x}.${i + 1}`, aliases: aliases[name] ?? [] }));
  const children = new Set<ChildProcess>();
  let removed = false;

  const host = (name: string): NetnsHost => {
    const h = Object.hasOwn(hosts, name) ? hosts[name] : undefined;
    if (!h) throw new Error(`netns: no host ${JSON.stringify(name)} (hosts: ${names.join(', ')})`);
    return h;
  };

  const killTree = (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void => {
    // The group id is the child's pid; once the child has been reaped that number may be reused, so only
    // a child not yet reaped is signalled as a group (stragglers are found by namespace in remove()).
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone
    }
  };

  const remove = (): void => {
    if (removed) return;
    removed = true;
    const errors: unknown[] = [];
    const attempt = (f: () => void): void => {
      try {
        f();
      } catch (error) {
        errors.push(error);
      }
    };
    for (const child of children) killTree(child, 'SIGKILL');
    const existing = namespaces();
    for (const h of Object.values(hosts)) attempt(() => existing.includes(h.namespace) && killAllIn(h.namespace));
    if (existing.includes(hub)) {
      // Deleting the hub end of a veth pair deletes both ends.
      attempt(() => {
        const links = ip('-n', hub, '-o', 'link', 'show').split('\n').map((line) => line.split(':')[1]?.trim().split('@')[0]);
        for (const link of [...Object.values(hosts).map((h) => h.namespace), BRIDGE]) if (links.includes(link)) ip('-n', hub, 'link', 'delete', link);
      });
    }
    for (const ns of [...Object.values(hosts).map((h) => h.namespace), hub]) attempt(() => deleteNamespace(ns, existing));
    tidyNetnsEtc();
    live.delete(tag);
    if (live.size === 0) process.off('exit', removeAllLive);
    if (errors.length > 0) throw new AggregateError(errors, `netns ${tag}: remove failed: ${errors.map((e) => (e as Error).message).join('; ')}`);
  };

  const api: NetnsHosts = {
    tag,
    subnet,
    hub,
    hosts,
    host,
    exec: (name, argv, options) => run(['ip', 'netns', 'exec', host(name).namespace, ...argv], options),
    spawnIn: (name, command, args = [], options = {}) => {
      if (removed) throw new Error(`netns ${tag}: spawnIn after remove()`);
      const child = spawn('ip', ['netns', 'exec', host(name).namespace, command, ...args], { ...options, detached: true });
      children.add(child);
      return child;
    },
    killTree,
    remove,
  };

  removeLeftovers(spec.prefix);
  if (live.size === 0) process.on('exit', removeAllLive);
  live.set(tag, api);
  try {
    ip('netns', 'add', hub);
    ip('-n', hub, 'link', 'set', 'lo', 'up');
    ip('-n', hub, 'link', 'add', BRIDGE, 'type', 'bridge');
    ip('-n', hub, 'link', 'set', BRIDGE, 'up');
    const hostsFile = ['127.0.0.1 localhost', ...Object.values(hosts).map((h) => [h.address, h.name, ...h.aliases].join(' ')), ''].join('\n');
    for (const h of Object.values(hosts)) {
      const ns = h.namespace;
      ip('netns', 'add', ns);
      // Both ends are made inside namespaces: the hub end named like the host's namespace, the host end eth0.
      ip('-n', hub, 'link', 'add', ns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('-n', hub, 'link', 'set', ns, 'master', BRIDGE);
      ip('-n', hub, 'link', 'set', ns, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'address', 'add', `${h.address}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      writeHostsFile(ns, hostsFile);
    }
  } catch (error) {
    try {
      remove();
    } catch (cleanup) {
      throw new AggregateError([error, cleanup], `netns ${tag}: create failed (${(error as Error).message}), and so did the cleanup`);
    }
    throw error;
  }
  return api;
}

/** On exit (not on a signal or SIGKILL: `removeLeftovers` handles those), the topologies not yet removed. */
function removeAllLive(): void {
  for (const hosts of [...live.values()]) {
    try {
      hosts.remove();
    } catch {
      // nothing to report to at exit; the next run's removeLeftovers tries again
    }
  }
}
