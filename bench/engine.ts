/**
 * Engine scaling: the explorer alone, driven by the simulated application of the explorer's unit tests
 * (test/simulated-app.ts), so that only scheduling,
 * deduplication and dynamic reduction are measured. The application: a root service making `width`
 * independent calls with fallbacks (every call always happens), each callee instrumented; the default
 * catalogue gives 5 faults per call, so the search space is (1 + 5)^width and never runs out.
 *
 * Building each execution's calls (simulate: the records and their canonical keys, what `finish()` does
 * in a real run) is inside the timed loop: it is part of what the orchestrator pays per execution.
 * Heap is read after a full collection when the process runs with `--expose-gc` (npm run bench does), so
 * it is what the explorer holds, not garbage; bytes per call = that heap, less the heap before the run,
 * over the calls recorded.
 */
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { Explorer } from '../orchestrator/search/explorer.js';
import { pathToFileURL } from 'node:url';
import { simulate } from '../test/simulated-app.js';
import { machine } from './overhead.js';
import { table } from './table.js';

export interface EngineRow {
  executions: number;
  seconds: number;
  perSecond: number;
  usPerExecution: number;
  heapMb: number;
  /** Calls of the executions run (what the explorer recorded). */
  calls: number;
  bytesPerCall: number;
}

export const ENGINE_HEADERS = ['executions', 'seconds', 'executions/s', 'µs/execution', 'heap MB', 'calls recorded', 'bytes/call'];

export function engineRowCells(r: EngineRow): (string | number)[] {
  return [r.executions, r.seconds, r.perSecond, r.usPerExecution, r.heapMb, r.calls, r.bytesPerCall];
}

export function engineScaling(width: number, sizes: number[]): EngineRow[] {
  const rows: EngineRow[] = [];
  for (const size of sizes) {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const explorer = new Explorer(FaultCatalogue.default(), { dynamicReduction: true, strictReduction: false });
    const started = performance.now();
    explorer.complete(1, undefined, simulate(width, []));
    let n = 1;
    let calls = width;
    while (n < size) {
      const step = explorer.next();
      if (!step) break;
      n++;
      if (step.kind === 'run') {
        explorer.complete(n, step.execution, simulate(width, step.execution.failures));
        calls += width;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    global.gc?.();
    const heap = process.memoryUsage().heapUsed;
    rows.push({
      executions: n,
      seconds,
      perSecond: n / seconds,
      usPerExecution: (seconds * 1e6) / n,
      heapMb: heap / 2 ** 20,
      calls,
      bytesPerCall: (heap - heapBefore) / calls,
    });
    // Keeps the explorer alive until the heap was read.
    if (explorer.ranCount < 0) console.log(explorer.digest());
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`${machine()}\n`);
  console.log('Engine scaling (explorer alone, simulated 10-call fan-out app, dynamic reduction on; heap after GC)');
  console.log(table(ENGINE_HEADERS, engineScaling(10, [100, 1_000, 10_000, 100_000]).map(engineRowCells)));
}
