/**
 * An empty project that installs the packed tarball as a user would (`npm install filibuster-x.y.z.tgz`),
 * with no network: the project is seeded with a lockfile holding our own lockfile's production entries, so
 * npm takes the dependencies at the versions this repository tests, from the cache `npm ci` filled (without
 * it npm would resolve the newest matching versions, whose tarballs an offline cache may not have).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  [field: string]: unknown;
}

interface PackageJson {
  name: string;
  version: string;
  license: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
}

const CONSUMER = { name: 'consumer', version: '1.0.0' };

/**
 * Writes an empty project (no dependency yet: `npm install <file>` adds it) beside a copy of the tarball;
 * returns its directory and the tarball's file name.
 */
export function consumerProject(tarball: string): { dir: string; file: string } {
  const dir = tempDir('filibuster-consumer-');
  const file = basename(tarball);
  copyFileSync(tarball, join(dir, file));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${file}`;
  const packages: Record<string, unknown> = {
    '': { ...CONSUMER },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  // What the package's dependencies need and nothing the repository's own development needs.
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry.dev && !entry.devOptional) packages[path] = entry;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...CONSUMER, private: true, type: 'module' }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ ...CONSUMER, lockfileVersion: 3, requires: true, packages }, null, 2));
  return { dir, file };
}
