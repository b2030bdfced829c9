/**
 * Execution keys for the explorer's deduplication, by interning instead of hashing.
 *
 * An execution is identified by its log (the canonical keys of its calls, in canonical order) and its
 * planned failures (their canonical text, in the sorted order). The explorer needs that identity for
 * every prefix of every finished execution (each child is "the prefix up to the faulted call + failures").
 * Hashing each prefix and each failure list (md5 over stableJson, as before) was most of the explorer's
 * time; here both parts get small integer ids instead:
 *
 * - prefixes form a trie: the id of calls[0..i] is looked up from (id of calls[0..i-1], key of calls[i]),
 *   so all the prefixes of an execution cost one map lookup per call, and a prefix shared by many
 *   executions (the usual case: siblings share everything up to their fault) is stored once;
 * - a failure's id is looked up from its canonical text (the explorer serialises the parent's failures
 *   once per finished execution, then only each child's new failure).
 *
 * The key `<prefix id>,<failure id>,<failure id>…` is then equal iff the logs and the failure lists are
 * equal: exact, with no collision argument needed (call keys themselves stay md5 digests, model.ts).
 * Memory: one trie entry per distinct prefix and one per distinct failure, both bounded by the calls
 * already recorded; the keys held by the explorer are a few characters each.
 */
import { stableJson, type Call, type Failure } from './model.js';

/** The id of the empty prefix (an execution that made no call). */
export const EMPTY_PREFIX = 0;

export class KeyInterner {
  private readonly prefixes = new Map<string, number>();
  private readonly failureTexts = new Map<string, number>();

  /** ids[i] identifies calls[0..i]. */
  prefixIds(calls: readonly Call[]): number[] {
    const ids = new Array<number>(calls.length);
    let id = EMPTY_PREFIX;
    for (let i = 0; i < calls.length; i++) {
      const text = `${id}:${calls[i].key}`;
      let next = this.prefixes.get(text);
      if (next === undefined) {
        next = this.prefixes.size + 1;
        this.prefixes.set(text, next);
      }
      ids[i] = id = next;
    }
    return ids;
  }

  failureId(failure: Failure): number {
    return this.idOf(stableJson(failure));
  }

  /**
   * The id of a call's new failure `{ execution_index: call.ei, ...fault, args: call.args }`, given
   * `head = failureHead(call)`: the call's part is serialised once for all its faults. The text is
   * stableJson's exactly, because both of the head's keys sort before every fault key (failure_metadata,
   * forced_exception); any other key falls back to serialising the whole failure.
   */
  newFailureId(head: string, failure: Failure, fault: object): number {
    const keys = Object.keys(fault);
    if (keys.length > 1) keys.sort();
    let text = head;
    for (const k of keys) {
      if (k <= 'execution_index') return this.failureId(failure);
      text += ',' + JSON.stringify(k) + ':' + stableJson((fault as Record<string, unknown>)[k]);
    }
    return this.idOf(text + '}');
  }

  private idOf(text: string): number {
    let id = this.failureTexts.get(text);
    if (id === undefined) {
      id = this.failureTexts.size;
      this.failureTexts.set(text, id);
    }
    return id;
  }

  /**
   * The key of the execution whose log is the prefix `prefixId` and whose failures are these, in this
   * (sorted) order; `known` holds ids already found for some of them (a parent's failures).
   */
  executionKey(prefixId: number, failures: readonly Failure[], known?: ReadonlyMap<Failure, number>): string {
    // Joined from an array, not built with +=: join gives one flat string, where += leaves a rope of
    // small strings that the explorer's sets would hold for the whole run (twice the memory).
    const parts = new Array<number>(failures.length + 1);
    parts[0] = prefixId;
    for (let i = 0; i < failures.length; i++) parts[i + 1] = known?.get(failures[i]) ?? this.failureId(failures[i]);
    return parts.join(',');
  }
}

/** The start of the canonical text of any failure on this call (see KeyInterner.newFailureId). */
export function failureHead(call: Pick<Call, 'args' | 'ei'>): string {
  return '{"args":' + stableJson(call.args) + ',"execution_index":' + JSON.stringify(call.ei);
}
