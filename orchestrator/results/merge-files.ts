/**
 * The files side of `filibuster merge` (merge.ts does the results): reading each shard's results.json,
 * and writing the merged results.json, report.html, junit.xml and the counterexamples, renamed to their
 * new numbers. A counterexample records its paths relative to its own folder: they are rewritten for the
 * new folder, so each still replays from there.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { writeReports } from './report/index.js';
import type { CounterexampleFile } from './counterexample.js';
import { MergeError, type Renumbering, type ShardResults } from './merge.js';
import type { RunResults } from './run-results.js';
import { ResultsWriter } from './writer.js';

export function readShard(dir: string): ShardResults {
  const path = join(dir, 'results.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MergeError(`${dir}: no such directory`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new MergeError(`${dir}: no results.json (not a run's output directory, or the run has not finished)`);
  }
  let results: RunResults;
  try {
    results = JSON.parse(text) as RunResults;
  } catch (err) {
    throw new MergeError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (results?.schema !== 'filibuster-results/1') throw new MergeError(`${path}: not a results file of this tool (schema ${JSON.stringify(results?.schema)})`);
  return { dir, results };
}

/** Writes the merged run into `outputDir`; returns the path of its results.json. */
export function writeMerged(outputDir: string, shards: readonly ShardResults[], results: RunResults, renumbering: Renumbering): string {
  for (const s of shards) if (resolve(s.dir) === resolve(outputDir)) throw new MergeError(`--output-dir ${outputDir} is one of the shards: give another directory`);
  const writer = new ResultsWriter(outputDir);
  // A merged run has no journal to resume from.
  rmSync(writer.journalPath, { force: true });
  for (const s of shards) {
    const files = renumbering.files.get(s.results.shard!.index)!;
    for (const [from, to] of files) {
      const ce = JSON.parse(readFileSync(join(s.dir, from), 'utf8')) as CounterexampleFile;
      const number = /execution-(\d+)\.json$/.exec(to);
      writer.writeJson(to, rebased(ce, join(s.dir, from, '..'), join(outputDir, to, '..'), number ? Number(number[1]) : undefined));
    }
  }
  const path = writer.writeJson('results.json', results);
  writeReports(writer, results);
  return path;
}

/** The counterexample with its relative paths made relative to its new folder, and its new number. */
function rebased(ce: CounterexampleFile, from: string, to: string, execution: number | undefined): CounterexampleFile {
  const f = ce.filibuster;
  if (!f) return ce;
  const move = (p: string) => (isAbsolute(p) ? p : relative(resolve(to), resolve(from, p)).split(sep).join('/') || '.');
  const test = f.test.kind === 'module' ? { ...f.test, value: moduleMoved(f.test.value, move) } : f.test;
  return {
    ...ce,
    functional_test: ce.functional_test === f.test.value ? test.value : ce.functional_test,
    filibuster: {
      ...f,
      test,
      ...(f.test_cwd ? { test_cwd: move(f.test_cwd) } : {}),
      ...(f.services_config ? { services_config: move(f.services_config) } : {}),
      ...(execution !== undefined ? { execution } : {}),
    },
  };
}

/** `path#export` with its path moved. */
function moduleMoved(value: string, move: (p: string) => string): string {
  const hash = value.lastIndexOf('#');
  return hash > 0 ? move(value.slice(0, hash)) + value.slice(hash) : move(value);
}
