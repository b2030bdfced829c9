/**
 * Engine scaling: the explorer alone, driven by the simulated application of the explorer's unit tests
 * (test/simulated-app.ts), so that only scheduling,
 * deduplication and dynamic reduction are measured. The application: a root service making `width`
 * independent calls with fallbacks (every call always happens), each callee instrumented; the default
 * catalogue gives 5 faults per call, so the search space is (1 + 5)^width and never runs out.
 */
import { FaultCatalogue } from '../orchestrator/catalogue.js';
import { Explorer } from '../orchestrator/explorer.js';
import { simulate } from '../test/simulated-app.js';

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
