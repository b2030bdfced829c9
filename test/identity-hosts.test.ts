/**
 * Services on other hosts, called by name (DESIGN §13): the tutorial with each service in a network
 * namespace of its own (its own address and hosts file), the orchestrator on an address of its own, and
 * every call made by host name (`bar.internal`, `baz`), explores to the same fault sets as the same
 * services together on one host called by the same names; edges are labelled by service; every
 * counterexample, connection refused and DNS failure alike, replays in a second run on other ports. A
 * corpus application (cinema-3, its services config rewritten to call every service by name) explores to
 * the same fault sets on separate hosts as on one.
 * All traffic stays inside namespaces the test creates (test/netns.ts); skipped where they cannot be made.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { canCreateNamespaces, createHosts, type NetnsHosts } from './netns.js';
import { staticCatalogueFile } from './corpus-helpers.js';
import { CLI, DIST, ROOT, tempDir, writeJson, type CliResult } from './helpers.js';

const REASON = canCreateNamespaces();
const TUTORIAL = join(DIST, 'corpus/foo-bar-baz');
const TEST_MODULE = join(DIST, 'functional-tests/foo-bar-baz.js');

/** The default catalogue's Node faults plus a DNS failure (offered only to calls made by host name). */
const CATALOGUE = {
  'node.exceptions': { pattern: 'node\\.(http|fetch|undici)\\.[A-Z]+$', exceptions: [{ name: 'node.ECONNREFUSED' }, { name: 'node.ENOTFOUND' }] },
  'node.errors': { pattern: 'node\\.(http|fetch|undici)\\.[A-Z]+$', errors: [{ service_name: '.*', types: [{ return_value: { status_code: '503' } }] }] },
};

interface Results {
  executions: { status: string; verdict?: string; faults: { description: string; edge?: { caller: string; callee: string | null } }[]; counterexample?: string }[];
}

/** The CLI run inside a namespace (the orchestrator's host), as a process of its own. */
function cliOn(namespace: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, CLI, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What was explored, with each fault's edge: equal for equal explorations whatever the addresses. */
function explored(results: Results): string[] {
  return results.executions.map((e) => `${e.status}:${e.verdict ?? ''}:${e.faults.map((f) => `${f.description} [${f.edge?.caller} → ${f.edge?.callee}]`).join(' + ')}`);
}

describe('the tutorial on separate hosts, called by name', { skip: REASON ? `cannot create network namespaces here: ${REASON}` : false }, () => {
  let separate: NetnsHosts;
  let together: NetnsHosts;
  before(() => {
    separate = createHosts({ prefix: 'fid', hosts: ['orchestrator', 'foo', 'bar', 'baz'], aliases: { bar: ['bar.internal'] } });
    // One host known by every name: the "loopback" run that uses the same host names.
    together = createHosts({ prefix: 'fid', hosts: ['orchestrator', 'box'], aliases: { box: ['foo', 'bar', 'bar.internal', 'baz'] } });
  });
  after(() => {
    separate?.remove();
    together?.remove();
  });

  /** Services by name: each on its host (`separate`), or all on the one host. */
  function services(net: NetnsHosts, hostOf: (name: string) => string): string {
    const service = (name: string, env: Record<string, string> = {}) => {
      const host = net.host(hostOf(name));
      return { command: `ip netns exec ${host.namespace} "${process.execPath}" "${join(TUTORIAL, `${name}.js`)}"`, host: host.address, env };
    };
    return writeJson(tempDir(), 'services.json', {
      services: {
        baz: service('baz'),
        bar: service('bar', { BAZ_URL: 'http://baz:${baz.port}' }),
        foo: service('foo', { BAR_URL: 'http://bar.internal:${bar.port}' }),
      },
    });
  }

  async function explore(net: NetnsHosts, hostOf: (name: string) => string): Promise<{ results: Results; outputDir: string; run: CliResult }> {
    const outputDir = tempDir();
    const catalogue = writeJson(tempDir(), 'catalogue.json', CATALOGUE);
    const orchestrator = net.host('orchestrator');
    const run = await cliOn(orchestrator.namespace, ['--test-module', TEST_MODULE, '--services', services(net, hostOf), '--analysis-file', catalogue, '--host', orchestrator.address, '--no-triage', '--output-dir', outputDir]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    return { results: JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8')) as Results, outputDir, run };
  }

  test('same fault sets as on one host, edges by service name, and every counterexample replays on other ports', { timeout: 240_000 }, async () => {
    const apart = await explore(separate, (name) => name);
    const one = await explore(together, () => 'box');
    assert.deepEqual(explored(apart.results), explored(one.results));

    const edges = new Set(apart.results.executions.flatMap((e) => e.faults.map((f) => `${f.edge?.caller} → ${f.edge?.callee}`)));
    assert.deepEqual([...edges].sort(), ['bar → baz', 'foo → bar']);
    const failing = apart.results.executions.filter((e) => e.counterexample);
    const kinds = failing.map((e) => e.faults.map((f) => f.description).join(' + '));
    assert.ok(kinds.includes('node.ECONNREFUSED on foo → bar (GET /bar)'), kinds.join('\n'));
    assert.ok(kinds.includes('DNS ENOTFOUND on foo → bar (GET /bar)'), kinds.join('\n'));

    // A second run of the services (other ports: the runner picks them afresh) for each counterexample.
    const orchestrator = separate.host('orchestrator');
    for (const name of readdirSync(join(apart.outputDir, 'counterexamples'))) {
      const replay = await cliOn(orchestrator.namespace, ['--counterexample-file', join(apart.outputDir, 'counterexamples', name), '--host', orchestrator.address, '--output-dir', tempDir()]);
      assert.equal(replay.code, 1, `${name}: ${replay.stdout}${replay.stderr}`);
      assert.match(replay.stdout, /Every fault of the counterexample was injected/);
    }
  });

  /** A corpus app's own services config, each service on its host and every `${x.url}` called by name. */
  function corpusOnHosts(app: string, net: NetnsHosts, hostOf: (name: string) => string): string {
    const config = JSON.parse(readFileSync(join(ROOT, 'corpus', app, 'services.json'), 'utf8')) as { services: Record<string, { command: string; env?: Record<string, string> }> };
    const services: Record<string, unknown> = {};
    for (const [name, s] of Object.entries(config.services)) {
      const host = net.host(hostOf(name));
      const env = Object.fromEntries(Object.entries(s.env ?? {}).map(([k, v]) => [k, v.replace(/\$\{([\w-]+)\.url\}/g, (_m, n: string) => `http://${n}:\${${n}.port}`)]));
      services[name] = { command: `ip netns exec ${host.namespace} ${s.command}`, cwd: join(ROOT, 'corpus', app), host: host.address, env };
    }
    return writeJson(tempDir(), 'services.json', { services });
  }

  test('a corpus application (cinema-3) explores to the same fault sets on separate hosts as on one, by name', { timeout: 240_000 }, async () => {
    const names = ['movies', 'showtimes', 'bookings', 'users'];
    const apartNet = createHosts({ prefix: 'fid', hosts: ['orchestrator', ...names] });
    const oneNet = createHosts({ prefix: 'fid', hosts: ['orchestrator', 'box'], aliases: { box: names } });
    try {
      const catalogue = staticCatalogueFile('cinema-3');
      const explore = async (net: NetnsHosts, hostOf: (name: string) => string) => {
        const outputDir = tempDir();
        const orchestrator = net.host('orchestrator');
        const run = await cliOn(orchestrator.namespace, ['--test-module', join(DIST, 'functional-tests/cinema-3.js'), '--services', corpusOnHosts('cinema-3', net, hostOf), '--analysis-file', catalogue, '--host', orchestrator.address, '--no-triage', '--output-dir', outputDir]);
        assert.ok(run.code === 0 || run.code === 1, run.stdout + run.stderr);
        return JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8')) as Results;
      };
      const apart = await explore(apartNet, (name) => name);
      const one = await explore(oneNet, () => 'box');
      assert.ok(apart.executions.length > 10);
      assert.deepEqual(explored(apart), explored(one));
      const callees = new Set(apart.executions.flatMap((e) => e.faults.map((f) => f.edge?.callee)));
      for (const c of callees) assert.ok(names.includes(c!), `edge to ${c}`);
    } finally {
      apartNet.remove();
      oneNet.remove();
    }
  });
});
