/**
 * The live progress line on a terminal: a bar of executions done out of those known so far (the space
 * grows as executions discover new ones), failures, and the rate. Colours only when asked (a TTY, and
 * NO_COLOR unset); a pipe or a file gets plain lines from the reporter instead.
 */
export interface ProgressState {
  ran: number;
  pruned: number;
  pending: number;
  failing: number;
}

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** `[██████░░░░] 120/180 known · 100 ran · 20 pruned · 3 failing · 45.2/s` */
export function progressLine(state: ProgressState, perSecond: number, barWidth: number, colour: boolean): string {
  const done = state.ran + state.pruned;
  const known = done + state.pending;
  const filled = known === 0 ? 0 : Math.round((done / known) * barWidth);
  const paint = (code: string, text: string) => (colour ? `${code}${text}${RESET}` : text);
  const bar = paint(GREEN, '█'.repeat(filled)) + paint(DIM, '░'.repeat(barWidth - filled));
  const failing = state.failing > 0 ? paint(RED, `${state.failing} failing`) : '0 failing';
  return `[${bar}] ${done}/${known} known · ${state.ran} ran · ${state.pruned} pruned · ${failing} · ${perSecond.toFixed(1)}/s`;
}

/** A verdict word, red when the execution failed (colour only on a TTY). */
export function verdictText(verdict: string, colour: boolean): string {
  if (!colour) return verdict;
  if (verdict === 'pass') return `${GREEN}${verdict}${RESET}`;
  if (verdict === 'pruned' || verdict === 'inconclusive' || verdict === 'not-reproduced') return `${DIM}${verdict}${RESET}`;
  return `${RED}${verdict}${RESET}`;
}
