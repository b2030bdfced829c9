/**
 * Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", ddmin):
 * reduces a failing set to a 1-minimal failing subset, i.e. one from which removing any single element no
 * longer fails. The caller guarantees that the empty set does not fail (here: the fault-free execution
 * passed), so a single failing element is 1-minimal as it is.
 *
 * `probe` runs a subset and says whether it fails; it may also say which part of the subset was effective
 * (the faults actually injected: a planned fault whose call never happened changed nothing), and the
 * search continues from that smaller set. Probes are the expensive part (each is a real execution), so the
 * caller caches them; subsets are always passed in the original set's order, so equal subsets are equal
 * arrays.
 */
export interface Probe<T> {
  fails: boolean;
  /** The elements that mattered, when fewer than the subset probed (only read when `fails`). */
  effective?: T[];
}

export interface DdminResult<T> {
  subset: T[];
  /** False when `stop` interrupted the search: the subset fails but may not be 1-minimal. */
  minimal: boolean;
}

function chunks<T>(items: T[], n: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    out.push(items.slice(start, end));
    start = end;
  }
  return out.filter((c) => c.length > 0);
}

export async function ddmin<T>(failing: T[], probe: (subset: T[]) => Promise<Probe<T>>, stop: () => boolean = () => false): Promise<DdminResult<T>> {
  let current = failing;
  let n = 2;
  const narrowed = (p: Probe<T>, tried: T[]) => (p.effective && p.effective.length > 0 && p.effective.length < tried.length ? p.effective : tried);
  while (current.length >= 2) {
    const parts = chunks(current, n);
    let reduced = false;
    for (const part of parts) {
      if (stop()) return { subset: current, minimal: false };
      const p = await probe(part);
      if (p.fails) {
        current = narrowed(p, part);
        n = 2;
        reduced = true;
        break;
      }
    }
    // With two parts each complement is the other part, already probed.
    if (!reduced && parts.length > 2) {
      for (const part of parts) {
        if (stop()) return { subset: current, minimal: false };
        const skip = new Set(part);
        const complement = current.filter((x) => !skip.has(x));
        const p = await probe(complement);
        if (p.fails) {
          current = narrowed(p, complement);
          n = Math.max(parts.length - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(2 * n, current.length);
    }
  }
  return { subset: current, minimal: true };
}
