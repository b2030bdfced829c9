/**
 * Engine scaling: the explorer alone, driven by a simulated application, so that only scheduling,
 * deduplication and dynamic reduction are measured. The application: a root service making `width`
 * independent calls with fallbacks (every call always happens), each callee instrumented; the default
 * catalogue gives 5 faults per call, so the search space is (1 + 5)^width and never runs out.
 */
import { FaultCatalogue } from '../orchestrator/catalogue.js';
import { Explorer } from '../orchestrator/explorer.js';
import { callKey, type Call, type Failure } from '../orchestrator/model.js';

function simulate(width: number, failures: readonly Failure[]): Call[] {
  const planned = new Map(failures.map((f) => [f.execution_index, f]));
  const calls: Call[] = [];
  for (let j = 0; j < width; j++) {
    const ei = `[["${j.toString(16).padStart(32, '0')}", 1]]`;
    const failure = planned.get(ei);
    const status = failure?.failure_metadata?.return_value?.status_code;
    const base: Omit<Call, 'key'> = {
      position: j,
      generatedId: j,
      ei,
      parentEi: '[]',
      module: 'node.fetch',
      method: 'GET',
      args: [`${5000 + j}/work`],
      kwargs: {},
      metadata: { timeout: 10 },
      source: 'root',
      callee: `svc${j}`,
      target: failure ? undefined : `svc${j}`,
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
    calls.push({ ...base, key: callKey(base) });
  }
  return calls;
}

export interface EngineRow {
  executions: number;
  seconds: number;
  perSecond: number;
  usPerExecution: number;
  heapMb: number;
}

export function engineScaling(width: number, sizes: number[]): EngineRow[] {
  const rows: EngineRow[] = [];
  for (const size of sizes) {
    global.gc?.();
    const explorer = new Explorer(FaultCatalogue.default(), { dynamicReduction: true, strictReduction: false });
    const started = performance.now();
    explorer.complete(1, undefined, simulate(width, []));
    let n = 1;
    while (n < size) {
      const step = explorer.next();
      if (!step) break;
      n++;
      if (step.kind === 'run') explorer.complete(n, step.execution, simulate(width, step.execution.failures));
    }
    const seconds = (performance.now() - started) / 1000;
    rows.push({
      executions: n,
      seconds,
      perSecond: n / seconds,
      usPerExecution: (seconds * 1e6) / n,
      heapMb: process.memoryUsage().heapUsed / 2 ** 20,
    });
  }
  return rows;
}
