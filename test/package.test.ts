/**
 * The package as a user gets it: `npm pack`, the tarball installed into an empty project, every entry of
 * package.json's `exports` imported from there, and every bin's `--help` run from node_modules/.bin.
 * Needs the npm registry or npm's cache for the package's dependencies (`npm ci` fills the cache).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, tempDir } from './helpers.js';

interface PackageJson {
  name: string;
  exports: Record<string, string>;
  bin: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
// npm run passes its own configuration to children through npm_config_* variables; a clean environment
// makes the nested npm behave as a user's would.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('the packed tarball installs into an empty project; every export imports and every bin answers --help', { timeout: 240_000 }, () => {
  const packDir = tempDir('filibuster-pack-');
  // dist/ is already built (the test command builds before it runs tests); the build script is not run again
  // here, since other tests are reading dist/ at the same time.
  npm(['pack', '--ignore-scripts', '--pack-destination', packDir], ROOT);
  const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote no tarball');

  const project = tempDir('filibuster-consumer-');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', join(packDir, tarball)], project);

  // Import each entry by its public name, from the consumer project, in a fresh process without
  // FILIBUSTER_URL (the instrumentation entries must then do nothing).
  const entries = Object.keys(pkg.exports).map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
  const script = `const out = {};\nfor (const e of ${JSON.stringify(entries)}) out[e] = Object.keys(await import(e)).sort();\nconsole.log(JSON.stringify(out));\n`;
  writeFileSync(join(project, 'imports.mjs'), script);
  const cleanEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('FILIBUSTER_')));
  const imported = spawnSync(process.execPath, ['imports.mjs'], { cwd: project, env: cleanEnv, encoding: 'utf8' });
  assert.equal(imported.status, 0, imported.stderr);
  const exportsOf = JSON.parse(imported.stdout.trim().split('\n').pop()!) as Record<string, string[]>;
  assert.deepEqual(Object.keys(exportsOf).sort(), entries.sort());
  for (const name of ['explore', 'withDefaults', 'FaultCatalogue', 'readCounterexample']) assert.ok(exportsOf[`${pkg.name}/orchestrator`].includes(name), `filibuster/orchestrator does not export ${name}`);
  assert.ok(exportsOf[`${pkg.name}/testing`].includes('wasFaultInjected'));
  assert.ok(exportsOf[`${pkg.name}/test`].includes('filibusterTest'));
  assert.ok(exportsOf[pkg.name].includes('instrument'));

  for (const bin of Object.keys(pkg.bin)) {
    const help = spawnSync(join(project, 'node_modules', '.bin', bin), ['--help'], { cwd: project, env: cleanEnv, encoding: 'utf8' });
    assert.equal(help.status, 0, `${bin} --help: exit ${help.status}\n${help.stderr}`);
    assert.match(help.stdout, /--help/, `${bin} --help printed no usage:\n${help.stdout}${help.stderr}`);
  }
});
