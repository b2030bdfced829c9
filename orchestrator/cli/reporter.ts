/**
 * What the terminal shows: a live progress line on a TTY (plain lines otherwise), and the final summary.
 */
import type { ExplorationOutcome } from '../exploration.js';
import type { ExecutionResult } from '../results.js';

export interface Reporter {
  execution(result: ExecutionResult, state: { ran: number; pruned: number; pending: number; failing: number }): void;
  done(): void;
}

function faultsText(result: ExecutionResult): string {
  return result.faults.length === 0 ? 'no fault' : result.faults.map((f) => f.description).join(' + ');
}

export function createReporter(stream: NodeJS.WriteStream = process.stderr, verbose = false): Reporter {
  const live = stream.isTTY === true && !verbose;
  return {
    execution(result, state) {
      const verdict = result.status === 'pruned' ? 'pruned' : result.verdict;
      if (live) {
        const line = `[ran ${state.ran} | pruned ${state.pruned} | pending ${state.pending} | failing ${state.failing}] #${result.number} ${verdict}: ${faultsText(result)}`;
        stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
        if (verdict !== 'pass' && verdict !== 'pruned') stream.write('\n');
      } else {
        stream.write(`execution ${result.number}: ${verdict} (${faultsText(result)})\n`);
      }
    },
    done() {
      if (live) stream.write('\r\x1b[2K');
    },
  };
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
      `${c.failed + c.crashed + c.hung} failing, ${c.inconclusive} inconclusive, in ${seconds} s.`,
  );
  if (!results.complete) lines.push(`Stopped early: ${results.stop_reason}; ${c.not_explored} scheduled execution(s) not explored.`);
  else if (c.ran === 1 && results.executions[0]?.verdict !== 'pass') lines.push(results.stop_reason);
  for (const { result } of outcome.failing) {
    lines.push(`  #${result.number} ${result.verdict}: ${result.faults.map((f) => f.description).join(' + ')}`);
    if (result.detail) for (const line of headOf(result.detail)) lines.push(`      ${line}`);
    if (result.counterexample) {
      lines.push(`      counterexample: ${result.counterexample}`);
      if (replayHint) lines.push(`      replay: ${replayHint(result.counterexample)}`);
    }
  }
  for (const e of results.executions) {
    if (e.verdict === 'inconclusive') lines.push(`  #${e.number} inconclusive: ${e.detail ?? ''}`);
  }
  if (outcome.allFaultsHit !== undefined) {
    lines.push(outcome.allFaultsHit ? 'Every fault of the counterexample was injected.' : 'Not every fault of the counterexample was injected: the application no longer makes the same calls.');
  }
  lines.push(`Results: ${outcome.resultsPath}`);
  return lines.join('\n');
}
