/**
 * What the terminal shows: a live progress bar on a TTY (plain lines otherwise; progress.ts), and the
 * final summary.
 */
import { dirname, join } from 'node:path';
import type { ExplorationOutcome } from '../run/exploration.js';
import { failureKinds } from '../run/failure-kinds.js';
import { progressLine, useColour, verdictText } from './progress.js';
import type { ExecutionResult, FailureGroup, RunResults } from '../results/run-results.js';

export interface Reporter {
  execution(result: ExecutionResult, state: { ran: number; pruned: number; pending: number; failing: number }): void;
  done(): void;
}

function faultsText(result: ExecutionResult): string {
  return result.faults.length === 0 ? 'no fault' : result.faults.map((f) => f.description).join(' + ');
}

export function createReporter(stream: NodeJS.WriteStream = process.stderr, verbose = false): Reporter {
  const live = stream.isTTY === true && !verbose;
  const colour = useColour(stream);
  const started = performance.now();
  return {
    execution(result, state) {
      const verdict = result.status === 'pruned' ? 'pruned' : (result.verdict ?? '');
      if (live) {
        const failed = verdict !== 'pass' && verdict !== 'pruned';
        // A failing execution keeps its own line above the bar; the bar is redrawn in place.
        if (failed) stream.write(`\r\x1b[2K#${result.number} ${verdictText(verdict, colour)}: ${faultsText(result)}\n`);
        const seconds = (performance.now() - started) / 1000;
        const columns = stream.columns ?? 100;
        stream.write(`\r\x1b[2K${progressLine(state, seconds > 0 ? (state.ran + state.pruned) / seconds : 0, Math.max(10, Math.min(40, columns - 70)), colour)}`);
      } else {
        stream.write(`execution ${result.number}: ${verdict} (${faultsText(result)})\n`);
      }
    },
    done() {
      if (live) stream.write('\r\x1b[2K');
    },
  };
}

/** "hang (never returned)": the verdict, and the finding when it says more. */
function verdictWords(result: ExecutionResult): string {
  return result.finding === 'never-returned' ? `${result.verdict} (never returned)` : (result.verdict ?? '');
}

/** The message part of a failure's detail: up to four lines, stopping at a blank line or a stack frame. */
function headOf(detail: string): string[] {
  const out: string[] = [];
  for (const line of detail.split('\n')) {
    if (line.trim() === '' || /^\s+at /.test(line) || out.length === 4) break;
    out.push(line);
  }
  return out;
}

export function summary(outcome: ExplorationOutcome, replayHint?: (counterexample: string) => string): string {
  const { results } = outcome;
  const c = results.counts;
  const lines: string[] = [];
  const seconds = (results.wall_ms / 1000).toFixed(2);
  lines.push(
    `filibuster: ${c.ran} execution(s) ran, ${c.pruned} pruned by dynamic reduction (not run, so not proven to pass), ` +
      `${c.failed + c.crashed + c.hung + c.leaked} failing${c.leaked ? ` (${c.leaked} leak(s): a call left open after the test)` : ''}, ${c.inconclusive} inconclusive${c.not_reproduced ? `, ${c.not_reproduced} not reproduced` : ''}, in ${seconds} s.`,
  );
  lines.push(coverageLine(results));
  // Stopped early = anything but running out of executions within the run's scope (both such reasons read "every ...").
  if (c.not_explored > 0 || (!results.complete && !results.stop_reason.startsWith('every '))) {
    lines.push(`Stopped early: ${results.stop_reason}; ${c.not_explored} scheduled execution(s) not explored.`);
  } else if (c.ran === 1 && results.executions[0]?.verdict !== 'pass') lines.push(results.stop_reason);
  if (c.beyond_max_faults > 0) {
    const k = results.options.max_faults;
    lines.push(`Bounded: ${c.beyond_max_faults} fault set(s) of more than ${k} fault(s) were never generated (--max-faults ${k}), nor anything extending them.`);
  }
  if (c.filtered_out > 0) lines.push(`Filtered: ${c.filtered_out} fault set(s) were never generated: their fault is filtered out.`);
  if (results.properties) {
    const violated = results.properties.filter((p) => !p.satisfied);
    lines.push(`Properties: ${results.properties.length - violated.length} satisfied, ${violated.length} violated.`);
    for (const p of violated) lines.push(`  ${p.verdict}`);
  }
  if (results.triage) lines.push(...groupLines(results, replayHint, outcome.resultsPath));
  else {
    for (const { result } of outcome.failing) {
      lines.push(`  #${result.number} ${verdictWords(result)}: ${result.faults.map((f) => f.description).join(' + ')}`);
      if (result.detail) for (const line of headOf(result.detail)) lines.push(`      ${line}`);
      lines.push(...whereOutputIs(result, outcome.resultsPath));
      if (result.counterexample) {
        lines.push(`      counterexample: ${result.counterexample}`);
        if (replayHint) lines.push(`      replay: ${replayHint(result.counterexample)}`);
      }
    }
  }
  for (const e of results.executions) {
    if (e.verdict === 'inconclusive') lines.push(`  #${e.number} inconclusive: ${e.detail ?? ''}`);
    if (e.verdict === 'not-reproduced') lines.push(`Not reproduced: ${e.detail ?? ''}`, 'No counterexample was written: the run did not inject the counterexample\'s faults, so it shows nothing about them.');
  }
  if (results.replay_stability) {
    const r = results.replay_stability;
    lines.push(`Replayed ${r.runs} more time(s): ${r.reproduced}/${r.runs} gave the same verdict (${r.stability}).`);
  }
  if (outcome.allFaultsHit) lines.push('Every fault of the counterexample was injected.');
  lines.push(`Results: ${outcome.resultsPath}`);
  return lines.join('\n');
}

/** "Explored 50, pruned 0, not explored 1234.": what was and was not covered, so a bounded run never looks complete. */
function coverageLine(results: RunResults): string {
  const c = results.counts;
  const scope = [c.beyond_max_faults > 0 ? `${c.beyond_max_faults} beyond --max-faults` : '', c.filtered_out > 0 ? `${c.filtered_out} filtered out` : ''].filter(Boolean);
  return `Explored ${c.explored}, pruned ${c.pruned}, not explored ${c.not_explored}${scope.length ? ` (+ never generated: ${scope.join(', ')})` : ''}${results.complete ? ': complete.' : '.'}`;
}

/** Where a failing execution's test output, entry responses and service log lines are (none kept: nothing). */
function whereOutputIs(e: ExecutionResult | undefined, resultsPath: string): string[] {
  if (!e || !(e.output || e.logs || e.entry)) return [];
  return [`      test output, entry responses, service logs: ${join(dirname(resultsPath), 'report.html')}#execution-${e.number} (and in results.json)`];
}

/** The failure groups: one minimal fault set and one counterexample per distinct failure, or a signature where triage was cut short. */
function groupLines(results: RunResults, replayHint: ((counterexample: string) => string) | undefined, resultsPath: string): string[] {
  const t = results.triage!;
  const failingCount = t.groups.reduce((n, g) => n + g.executions.length, 0);
  const bySignature = t.groups.filter((g) => g.signature).length;
  const how = bySignature === 0 ? 'each reduced to a minimal fault set' : `${t.groups.length - bySignature} reduced to a minimal fault set, ${bySignature} grouped by signature (entry point, verdict, error, faulted edges: not minimised)`;
  const lines = [
    `${t.groups.length} distinct failure(s) among ${failingCount} failing execution(s), ${how} ` +
      `(triage: ${t.minimisation_runs} replay(s) to minimise, ${t.answered_without_running} answered by executions already run, ` +
      `${t.confirmation_runs} confirmation replay(s))${t.stopped ? `; triage cut short: ${t.stopped}` : ''}:`,
  ];
  lines.splice(0, 0, ...kindLines(results));
  for (const g of t.groups) {
    const where = whereOutputIs(results.executions[(g.signature?.example ?? g.executions[0]) - 1], resultsPath);
    lines.push(...(g.signature ? signatureGroupLines(g, where, replayHint) : minimalGroupLines(g, where, replayHint)));
  }
  return lines;
}

/** The overview first: the groups gathered into kinds of failure (failure-kinds.ts), when that says more. */
function kindLines(results: RunResults): string[] {
  const kinds = failureKinds(results);
  if (kinds.length === results.triage!.groups.length) return [];
  return [
    `In short, ${kinds.length} kind(s) of failure (by verdict, entry point and error; the groups below in brackets):`,
    ...kinds.map((k, i) => `  ${i + 1}. ${k.words} — faults on ${k.edges.join(', ') || 'no edge'} [${k.groups.join(', ')}]`),
  ];
}

function executionsText(g: FailureGroup): string {
  return g.executions.slice(0, 10).map((n) => `#${n}`).join(', ') + (g.executions.length > 10 ? ', ...' : '');
}

function counterexampleLines(counterexample: string | undefined, replayHint?: (counterexample: string) => string): string[] {
  if (!counterexample) return [];
  return [`      counterexample: ${counterexample}`, ...(replayHint ? [`      replay: ${replayHint(counterexample)}`] : [])];
}

function minimalGroupLines(g: FailureGroup, where: string[], replayHint?: (counterexample: string) => string): string[] {
  const faults = g.faults.length ? g.faults.map((f) => f.description).join(' + ') : 'no fault injected (the test failed anyway: flaky?)';
  const lines = [`  [${g.id}] ${g.verdict}: ${faults}${g.minimal ? '' : ' (not minimised)'}`];
  if (g.detail) for (const line of headOf(g.detail)) lines.push(`      ${line}`);
  const stability = g.stability === 'not replayed' ? 'not replayed' : `${g.stability} (${g.replays.reproduced}/${g.replays.runs} replay(s) failed the same way)`;
  lines.push(`      ${g.executions.length} failing execution(s): ${executionsText(g)}; ${stability}`);
  return [...lines, ...where, ...counterexampleLines(g.counterexample, replayHint)];
}

/** A group by signature: what its executions share, then one of them as an example. */
function signatureGroupLines(g: FailureGroup, where: string[], replayHint?: (counterexample: string) => string): string[] {
  const s = g.signature!;
  const lines = [
    `  [${g.id}] ${s.verdict} at ${s.entry} (not minimised: grouped by signature)`,
    `      error: ${s.error || 'no message'}`,
    `      faulted edges: ${s.edges.join(', ') || 'none'}`,
    `      ${g.executions.length} failing execution(s): ${executionsText(g)}`,
    `      for example #${s.example}: ${g.faults.map((f) => f.description).join(' + ') || 'no fault'}`,
  ];
  if (g.detail) for (const line of headOf(g.detail)) lines.push(`        ${line}`);
  return [...lines, ...where, ...counterexampleLines(g.counterexample, replayHint)];
}
