/**
 * Mutations: a corpus service copied into a temporary directory (with the shared files it imports),
 * edited, and analysed again. The derived codes follow each edit, which a table of corpus answers could
 * not do: a changed code in a handler, a code from an imported constant, a route in a file reached
 * through an import.
 */
import { analyzeConfig } from '../orchestrator/cli/analyze-config.js';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../analysis/index.js';
import { ROOT, tempDir } from './helpers.js';

/** services/bookings/index.ts = corpus cinema-common/bookings.ts; services/shared = corpus/shared. */
function copyBookings(): { dir: string; entry: string } {
  const dir = tempDir('filibuster-analysis-');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(join(dir, 'services/bookings'), { recursive: true });
  cpSync(join(ROOT, 'corpus/shared'), join(dir, 'services/shared'), { recursive: true });
  const entry = join(dir, 'services/bookings/index.ts');
  writeFileSync(entry, readFileSync(join(ROOT, 'corpus/cinema-common/bookings.ts'), 'utf8'));
  return { dir, entry };
}

const codesOf = (dir: string) => analyze({ servicesDirectory: join(dir, 'services') }).services.find((s) => s.name === 'bookings')!.codes;

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} has ${from}`);
  writeFileSync(file, text.replace(from, to));
}

test('the copy as it is: bookings answers 500 and 404', () => {
  const { dir } = copyBookings();
  assert.deepEqual(codesOf(dir), [500, 404]);
});

test('a changed code in the handler is followed', () => {
  const { dir, entry } = copyBookings();
  edit(entry, 'throw new HttpError(404)', 'throw new HttpError(410)');
  assert.deepEqual(codesOf(dir), [500, 410]);
});

test('an added code through an imported constant is followed', () => {
  const { dir, entry } = copyBookings();
  writeFileSync(join(dir, 'services/bookings/codes.ts'), 'export const CODES = { locked: 423 } as const;\n');
  edit(entry, "import { createService", "import { CODES } from './codes.js';\nimport { createService");
  edit(entry, '  res.json(booking);', '  if (req.query.locked) throw new HttpError(CODES.locked);\n  res.json(booking);');
  assert.deepEqual(codesOf(dir), [500, 404, 423]);
  writeFileSync(join(dir, 'services/bookings/codes.ts'), 'export const CODES = { locked: 409 } as const;\n');
  assert.deepEqual(codesOf(dir), [500, 404, 409]);
});

test('a route in a file reached through an import, answering through the shared helper sendError(res, n)', () => {
  const { dir, entry } = copyBookings();
  writeFileSync(
    join(dir, 'services/bookings/extra-routes.ts'),
    "import type { Express } from 'express';\nimport { sendError } from '../shared/service.js';\n\nexport function extraRoutes(app: Express): void {\n  app.get('/maintenance', (_req, res) => sendError(res, 503));\n}\n",
  );
  edit(entry, "import { createService", "import { extraRoutes } from './extra-routes.js';\nimport { createService");
  edit(entry, 'start(app);', 'extraRoutes(app);\nstart(app);');
  const bookings = analyze({ servicesDirectory: join(dir, 'services') }).services.find((s) => s.name === 'bookings')!;
  assert.deepEqual(bookings.codes, [500, 404, 503]);
  assert.deepEqual(bookings.routes.find((r) => r.path === '/maintenance')?.codes, [503]);
});

test('the tutorial fixed: foo handling the connection error is no longer flagged', () => {
  const dir = tempDir('filibuster-analysis-');
  cpSync(join(ROOT, 'corpus/foo-bar-baz'), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const services = { services: { foo: { command: 'node foo.js', source: 'foo.ts' }, bar: { command: 'node bar.js', source: 'bar.ts' } } };
  writeFileSync(join(dir, 'services.json'), JSON.stringify(services));
  assert.equal(analyzeConfig(join(dir, 'services.json')).services.flatMap((s) => s.findings).length, 1);
  edit(join(dir, 'foo.ts'), "const FIXED = process.env.TUTORIAL_FIXED === '1';", 'const FIXED = true;');
  assert.deepEqual(analyzeConfig(join(dir, 'services.json')).services.flatMap((s) => s.findings), []);
});
