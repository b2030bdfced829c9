/**
 * A simulated application for explorer unit tests (no processes): a root service making `width`
 * independent calls with fallbacks (every call always happens, whatever fails), to instrumented callees
 * svc0 … svc<width-1>, each with a timeout, so the default catalogue gives 5 faults per call
 * (node.ECONNREFUSED, node.Timeout, 500, 502, 503) and the whole space is (1 + 5)^width fault sets.
 */
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { Explorer, type ExplorerOptions } from '../orchestrator/search/explorer.js';
import { callKey, describeFailure, type Call, type Failure } from '../orchestrator/search/model.js';

export function simulate(width: number, failures: readonly Failure[]): Call[] {
  const planned = new Map(failures.map((f) => [f.execution_index, f]));
  const calls: Call[] = [];
  for (let j = 0; j < width; j++) {
    const ei = `[["${j.toString(16).padStart(32, '0')}", 1]]`;
    const failure = planned.get(ei);
    const status = failure?.failure_metadata?.return_value?.status_code;
    // The key is set once the record is built (as finish() does): no second copy of the record.
    const call: Call = {
      key: '',
      position: j,
      generatedId: j,
      ei,
      parentEi: '[]',
      module: 'node.fetch',
      method: 'GET',
      args: [`${5000 + j}/jobs/${j}`],
      kwargs: {},
      metadata: { timeout: 10 },
      source: 'root',
      callee: `svc${j}`,
      target: `svc${j}`,
      vclock: { root: j + 1 },
      originVclock: {},
      callsiteFile: 'root.ts',
      callsiteLine: '1',
      fullTraceback: 'x',
      failure,
      ...(failure?.forced_exception
        ? { exception: { name: failure.forced_exception.name, metadata: {} } }
        : { returnValue: { __class__: 'Response', status_code: status ?? '200', text: 'd41d8cd98f00b204e9800998ecf8427e' } }),
    };
    call.key = callKey(call);
    calls.push(call);
  }
  return calls;
}

export interface Drive {
  explorer: Explorer;
  /** Each execution run or pruned, in order: its faults in words ("503 on root → svc1 (GET /jobs/1)"). */
  executions: { status: 'ran' | 'pruned'; faults: string[] }[];
}

/** Runs the explorer to the end (or `limit` executions, the fault-free one included) on the simulated app. */
export function drive(width: number, options: Partial<ExplorerOptions> = {}, limit = Infinity): Drive {
  const explorer = new Explorer(FaultCatalogue.default(), { dynamicReduction: false, strictReduction: false, ...options });
  const first = simulate(width, []);
  explorer.complete(1, undefined, first);
  const byEi = new Map(first.map((c) => [c.ei, c]));
  const words = (fs: readonly Failure[]) => fs.map((f) => describeFailure(f, byEi.get(f.execution_index)));
  const executions: Drive['executions'] = [{ status: 'ran', faults: [] }];
  while (executions.length < limit) {
    const step = explorer.next();
    if (!step) break;
    executions.push({ status: step.kind === 'run' ? 'ran' : 'pruned', faults: words(step.execution.failures) });
    if (step.kind === 'run') explorer.complete(executions.length, step.execution, simulate(width, step.execution.failures));
  }
  return { explorer, executions };
}
