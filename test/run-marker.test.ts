/**
 * Descendants that escape the process group, and the sweep by run marker that catches them:
 *  - a functional test and a service each start a child that calls setsid (a new session, so a
 *    process-group kill misses it, and the test's child keeps the output pipe open): the per-execution
 *    timeout and the shutdown sweep the run's marker from /proc/<pid>/environ, so the run ends and nothing
 *    it started survives;
 *  - the control: a sweep kills nothing that does not carry the swept marker;
 *  - the same escape from inside the long-lived --test-module worker: the execution is a "hang", the
 *    exploration goes on, and the descendant is gone before the next execution starts.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { markedProcesses, newRunMarker, RUN_MARKER_VAR, sweepMarked } from '../orchestrator/runner/run-marker.js';
import { cli, DIST, ROOT, tempDir, writeJson } from './helpers.js';

const TUTORIAL_SERVICES = join(ROOT, 'corpus/foo-bar-baz/services.json');

/** A shell script that starts `setsid sh` writing "<pid> <session id>" to $1, then runs the rest. */
function script(dir: string, name: string, rest: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!/bin/sh
setsid sh -c 'echo "$$ $(cut -d" " -f6 /proc/$$/stat)" > "$1"; exec sleep 1000' sh "$1" &
${rest}
`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** "<pid> <sid>" written by the setsid'd child, once it exists. */
function escapee(file: string): { pid: number; sid: number } {
  assert.ok(existsSync(file), `${file} was not written`);
  const [pid, sid] = readFileSync(file, 'utf8').trim().split(' ').map(Number);
  return { pid, sid };
}

/** Running (a killed process waiting to be reaped by init is a zombie, state Z: not alive). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test('a hung test and a service with setsid descendants: timeout verdict, and no marked process survives the run', { skip: !existsSync('/proc/self/environ') || !existsSync('/usr/bin/setsid') && 'needs /proc and setsid', timeout: 90_000 }, async () => {
  const dir = tempDir();
  const out = join(dir, 'out');
  const servicePid = join(dir, 'service.pid');
  const testPid = join(dir, 'test.pid');
  const markerFile = join(dir, 'marker');
  const service = script(dir, 'service.sh', `exec "${process.execPath}" -e "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '127.0.0.1')"`);
  const config = writeJson(dir, 'services.json', { services: { svc: { command: `"${service}" "${servicePid}"`, instrument: false } } });
  // The test records its marker, then hangs (the setsid'd sleep holds its stdout open as well).
  const hung = script(dir, 'test.sh', `echo "$${RUN_MARKER_VAR}" > "${markerFile}"\nsleep 1000`);
  const r = await cli(['--functional-test', `"${hung}" "${testPid}"`, '--services', config, '--timeout', '2', '--port', '0', '--output-dir', out]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.equal(results.executions[0].verdict, 'hang');
  assert.match(results.executions[0].detail, /did not finish within 2000 ms/);

  // The escapees really left their sessions (pid = session id), and are gone now.
  for (const file of [testPid, servicePid]) {
    const { pid, sid } = escapee(file);
    assert.equal(pid, sid, `${file}: the child did not start a new session`);
    assert.equal(alive(pid), false, `${file}: process ${pid} survived the run`);
  }
  const marker = readFileSync(markerFile, 'utf8').trim();
  assert.match(marker, /^run-[0-9a-f]+\/test\//);
  assert.deepEqual(markedProcesses(marker.split('/')[0]), []);
});

/**
 * The control: a sweep kills exactly what carries the marker, the marker followed by "/…" included, and
 * nothing else: not another run's processes, not a marker that merely starts with the same characters,
 * not the marker's text in another variable, not a process without a marker; and a narrow sweep (one
 * execution's test) spares the rest of its own run.
 */
test('a sweep spares every process that does not carry the swept marker', { skip: !existsSync('/proc/self/environ') && 'needs /proc' }, async () => {
  const run = newRunMarker();
  const other = newRunMarker();
  const started: { env: Record<string, string>; child: ChildProcess }[] = [];
  const start = (env: Record<string, string>) => {
    // A clean environment: only what is given (and PATH), so nothing else can match.
    const child = spawn('sleep', ['1000'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: 'ignore' });
    started.push({ env, child });
    return child;
  };
  try {
    const narrow = start({ [RUN_MARKER_VAR]: `${run}/test/a` });
    const sibling = start({ [RUN_MARKER_VAR]: `${run}/test/ab` }); // shares a prefix with the narrow marker
    const whole = start({ [RUN_MARKER_VAR]: run });
    const service = start({ [RUN_MARKER_VAR]: `${run}/service/foo` });
    const spared = [
      start({ [RUN_MARKER_VAR]: `${other}/test/a` }), // another run
      start({ [RUN_MARKER_VAR]: `${run}0/test/a` }), // a marker that starts with this run's
      start({ OTHER: `${RUN_MARKER_VAR}=${run}` }), // the text, in another variable
      start({ [`X_${RUN_MARKER_VAR}`]: run }),
      start({}),
    ];
    await Promise.all(started.map(({ child }) => new Promise((resolve) => child.once('spawn', resolve))));
    const pids = (children: ChildProcess[]) => children.map((c) => c.pid!).sort((a, b) => a - b);
    const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
    const exited = (c: ChildProcess) => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(c.signalCode) : c.once('exit', (_code, signal) => resolve(signal))));
    const describe = (c: ChildProcess) => JSON.stringify(started.find((s) => s.child === c)!.env);

    assert.deepEqual(sorted(markedProcesses(`${run}/test/a`)), pids([narrow]));
    assert.deepEqual(sorted(markedProcesses(run)), pids([narrow, sibling, whole, service]));

    // One execution's sweep kills its test and nothing else of the run.
    assert.equal(sweepMarked(`${run}/test/a`), 1);
    assert.equal(await exited(narrow), 'SIGKILL');
    for (const child of [sibling, whole, service, ...spared]) assert.equal(alive(child.pid!), true, `${describe(child)} was killed by the narrow sweep`);
    // The whole run's sweep kills the rest of the run, and nothing outside it.
    assert.equal(sweepMarked(run), 3);
    assert.deepEqual(await Promise.all([sibling, whole, service].map(exited)), ['SIGKILL', 'SIGKILL', 'SIGKILL']);
    for (const child of spared) assert.equal(alive(child.pid!), true, `${describe(child)} was killed by the run's sweep`);
  } finally {
    for (const { child } of started) child.kill('SIGKILL');
  }
});

test('a test module whose descendant calls setsid and then hangs: "hang", the exploration goes on, and the descendant is killed at the timeout', { skip: !existsSync('/proc/self/environ') || !existsSync('/usr/bin/setsid') && 'needs /proc and setsid', timeout: 90_000 }, async () => {
  const dir = tempDir();
  const out = join(dir, 'out');
  const module = join(DIST, 'test/fixtures/setsid-hang-test.js');
  const r = await cli(['--test-module', module, '--services', TUTORIAL_SERVICES, '--timeout', '3', '--port', '0', '--output-dir', out], { env: { SETSID_HANG_DIR: dir } });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  // Execution 2 is the first with a fault: it hangs. The tutorial's other verdicts follow.
  assert.deepEqual(
    results.executions.map((e: { verdict?: string }) => e.verdict ?? 'pruned'),
    ['pass', 'hang', 'pass', 'pass', 'pass', 'pass', 'pruned', 'pass', 'pass', 'pass', 'fail'],
  );
  assert.match(results.executions[1].detail, /did not finish within 3000 ms/);

  const [pid, sid, marker] = readFileSync(join(dir, 'escapee'), 'utf8').trim().split(' ');
  assert.equal(pid, sid, 'the descendant did not start a new session');
  const run = JSON.parse(readFileSync(join(out, 'run-state.json'), 'utf8')).run_marker;
  assert.equal(marker, `${run}/worker`);
  // Gone before the next execution started (the timeout's sweep, not only the one at the end of the run).
  assert.equal(readFileSync(join(dir, 'next'), 'utf8'), 'gone');
  assert.equal(alive(Number(pid)), false);
  assert.deepEqual(markedProcesses(run), []);
});
