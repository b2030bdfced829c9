/**
 * The package as a user gets it. `npm pack` holds what a user runs (the orchestrator, the instrumentation,
 * the analyser, the bins, the results schema, the README, and of the corpus only the tutorial the demo
 * explores), no test or bench file. The tarball installs into an empty project with no warning and no
 * network (consumer-project.ts says how); from there every export imports, every bin answers --help and
 * --version, and the tutorial's demo finds its bug, whose printed replay command reproduces it.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { consumerProject } from './consumer-project.js';
import { ROOT, tempDir } from './helpers.js';

interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, string>;
  bin: Record<string, string>;
  scripts: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
// npm run passes its own configuration to children through npm_config_* variables; a clean environment
// makes the nested npm behave as a user's would. Without FILIBUSTER_* the instrumentation entries do nothing.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') && !k.startsWith('FILIBUSTER_')));
const sh = (command: string, args: string[], cwd: string): SpawnSyncReturns<string> => spawnSync(command, args, { cwd, env, encoding: 'utf8' });

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = sh('npm', args, cwd);
  assert.equal(r.status, 0, `npm ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\bwarn/i, `npm ${args.join(' ')} warned:\n${r.stderr}`);
  return r;
}

let packed: { tarball: string; files: string[] } | undefined;
/** The tarball, packed once. dist/ is already built (the test command builds first), so the prepack build is skipped: other tests read dist/ meanwhile. */
function pack(): { tarball: string; files: string[] } {
  if (packed) return packed;
  const dir = tempDir('filibuster-pack-');
  const [out] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT).stdout) as [{ filename: string; files: { path: string }[] }];
  return (packed = { tarball: join(dir, out.filename), files: out.files.map((f) => f.path) });
}

let installed: string | undefined;
/** The consumer project with the tarball installed, once. */
function install(): string {
  if (installed) return installed;
  const { dir, file } = consumerProject(pack().tarball);
  npm(['install', '--offline', '--no-audit', '--no-fund', `./${file}`], dir);
  return (installed = dir);
}

test('npm pack: what a user runs, no test or bench file, no corpus application but the tutorial', () => {
  const { files } = pack();
  const outside = files.filter((f) => /^(dist\/)?(test|bench)\/|\.test\.|^\.ci\/|^tsconfig|^package-lock/.test(f));
  assert.deepEqual(outside, [], 'the tarball holds test, bench or build files');
  const corpus = files.filter((f) => /^(dist\/)?(corpus|functional-tests)\//.test(f));
  const notTutorial = corpus.filter((f) => !/^(dist\/)?(corpus\/foo-bar-baz\/|functional-tests\/foo-bar-baz\.)/.test(f) && !/^dist\/corpus\/apps\.(js|d\.ts|js\.map)$/.test(f));
  assert.deepEqual(notTutorial, [], 'the tarball holds corpus applications other than the tutorial');
  const targets = [...Object.values(pkg.bin), ...Object.values(pkg.exports)].map((p) => p.replace(/^\.\//, ''));
  const needed = [...targets, 'README.md', 'orchestrator/results/results.schema.json', 'corpus/foo-bar-baz/services.json', 'dist/functional-tests/foo-bar-baz.js', 'dist/corpus/foo-bar-baz/foo.js'];
  assert.deepEqual(needed.filter((f) => !files.includes(f)), [], 'the tarball lacks what a user runs');
  // The build runs when the package is packed, not on every install of a checkout (npm warns about prepare).
  assert.equal(pkg.scripts.prepare, undefined);
  assert.match(pkg.scripts.prepack, /npm run build/);
});

test('the tarball installs offline into an empty project with no warning; every export imports, every bin answers --help and --version', { timeout: 120_000 }, () => {
  const project = install();
  const entries = Object.keys(pkg.exports).map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
  writeFileSync(join(project, 'imports.mjs'), `const out = {};\nfor (const e of ${JSON.stringify(entries)}) out[e] = Object.keys(await import(e)).sort();\nconsole.log(JSON.stringify(out));\n`);
  const imported = sh(process.execPath, ['imports.mjs'], project);
  assert.equal(imported.status, 0, imported.stderr);
  const exportsOf = JSON.parse(imported.stdout.trim().split('\n').pop()!) as Record<string, string[]>;
  assert.deepEqual(Object.keys(exportsOf).sort(), entries.sort());
  for (const name of ['explore', 'withDefaults', 'FaultCatalogue', 'readCounterexample']) assert.ok(exportsOf[`${pkg.name}/orchestrator`].includes(name), `filibuster/orchestrator does not export ${name}`);
  assert.ok(exportsOf[`${pkg.name}/testing`].includes('wasFaultInjected'));
  assert.ok(exportsOf[`${pkg.name}/test`].includes('filibusterTest'));
  assert.ok(exportsOf[pkg.name].includes('instrument'));

  for (const bin of Object.keys(pkg.bin)) {
    const path = join(project, 'node_modules', '.bin', bin);
    const help = sh(path, ['--help'], project);
    assert.equal(help.status, 0, `${bin} --help: exit ${help.status}\n${help.stderr}`);
    assert.match(help.stdout, /--help/, `${bin} --help printed no usage:\n${help.stdout}${help.stderr}`);
    const version = sh(path, ['--version'], project);
    assert.equal(version.status, 0, `${bin} --version: exit ${version.status}\n${version.stderr}`);
    assert.equal(version.stdout.trim(), pkg.version, `${bin} --version`);
  }
  const corpus = sh(join(project, 'node_modules', '.bin', 'filibuster'), ['corpus', 'cinema-1'], project);
  assert.equal(corpus.status, 2);
  assert.match(corpus.stderr, /cinema-1 are not in the npm package .*from a clone of the repository/);
});

test('the installed package runs the tutorial: the demo finds the bug, and the replay command it prints reproduces it', { timeout: 120_000 }, () => {
  const project = install();
  const demo = sh(process.execPath, [join(project, 'node_modules', pkg.name, 'dist/orchestrator/cli/demo.js')], project);
  assert.equal(demo.status, 0, `demo: exit ${demo.status}\n${demo.stdout}\n${demo.stderr}`);
  assert.match(demo.stdout, /Found the bug at execution \d+: node\.ECONNREFUSED on foo → bar \(GET \/bar\)/);
  // The tutorial's own files are its application frames though they sit in node_modules: its calls match
  // the call sites the analyser found.
  assert.doesNotMatch(demo.stderr, /matches no analysed call site/);
  const replay = /Replay it yourself with:\n\s+(.+)\n/.exec(demo.stdout)?.[1];
  assert.ok(replay && /node_modules\/\.bin\/filibuster --counterexample-file \S+$/.test(replay), `replay command: ${replay}`);
  // The command as printed, on a free port rather than the orchestrator's default (5005 may be taken here).
  const replayed = sh('sh', ['-c', `${replay} --port 0`], project);
  assert.equal(replayed.status, 1, `${replay}: exit ${replayed.status}\n${replayed.stderr}`);
  assert.match(replayed.stdout + replayed.stderr, /Every fault of the counterexample was injected/);
  assert.match(replayed.stdout + replayed.stderr, /#1 fail: node\.ECONNREFUSED on foo → bar/);
});
