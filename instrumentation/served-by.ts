/**
 * Reads the callee's name (`x-filibuster-served-by`) from the raw bytes of a response, for a call whose
 * bytes a network condition shapes: the client may never parse the head (a black hole keeps it back), yet
 * the callee has answered, and its name is what the call's outcome reports (received-report.ts).
 */
import { HEADERS } from './protocol.js';

/** Bytes of head read at most; a head longer than that names no one. */
const MAX_HEAD = 64 * 1024;
const SERVED_BY = new RegExp(`\\r\\n${HEADERS.servedBy}:[ \\t]*([^\\r\\n]*?)[ \\t]*\\r\\n`, 'i');

export class ServedByReader {
  private text = '';
  private done = false;
  private readonly found: (name: string) => void;

  constructor(found: (name: string) => void) {
    this.found = found;
  }

  feed(chunk: Buffer): void {
    if (this.done) return;
    this.text += chunk.toString('latin1', 0, Math.min(chunk.length, MAX_HEAD));
    for (;;) {
      const end = this.text.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.text.length > MAX_HEAD) this.finish();
        return;
      }
      const head = this.text.slice(0, end + 2);
      this.text = this.text.slice(end + 4);
      // An informational head (100 Continue) comes before the real one.
      if (/^HTTP\/\d(?:\.\d)?\s+1\d\d/.test(head) && !/^HTTP\/\d(?:\.\d)?\s+101/.test(head)) continue;
      const name = SERVED_BY.exec(head)?.[1];
      this.finish();
      if (name) this.found(name);
      return;
    }
  }

  private finish(): void {
    this.done = true;
    this.text = '';
  }
}
