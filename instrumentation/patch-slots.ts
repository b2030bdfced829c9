/**
 * Where we patched a function, what was there before, and what we put there: so that `disable()` puts
 * back only wrappers that are still ours. When another instrumentation (a tracing SDK, a mock library)
 * has wrapped on top of ours since, removing ours would delete theirs too; ours stays in their chain
 * instead, switched to pass-through by the caller.
 */

export interface PatchSlot {
  target: object;
  key: PropertyKey;
  original: unknown;
  ours: unknown;
}

export class PatchSlots {
  private readonly slots: PatchSlot[] = [];

  /** Installs `ours` at `target[key]`, remembering what was there. */
  install(target: object, key: PropertyKey, ours: unknown): void {
    const record = target as Record<PropertyKey, unknown>;
    this.slots.push({ target, key, original: record[key], ours });
    record[key] = ours;
  }

  /** The value that was at `target[key]` before ours. */
  originalOf(target: object, key: PropertyKey): unknown {
    return this.slots.find((s) => s.target === target && s.key === key)?.original;
  }

  /** Restores every slot still holding ours; returns how many were wrapped over (left in place). */
  restore(): number {
    let wrappedOver = 0;
    for (const s of this.slots.splice(0)) {
      const record = s.target as Record<PropertyKey, unknown>;
      if (record[s.key] === s.ours) record[s.key] = s.original;
      else wrappedOver++;
    }
    return wrappedOver;
  }
}
