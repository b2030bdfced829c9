/** What `--traces` (FILIBUSTER_TRACES) names: where standalone traces go. No OpenTelemetry import here. */

export type TracesTarget = { kind: 'console' } | { kind: 'file'; path: string } | { kind: 'otlp'; url: string };

/** Parses `console`, `file=PATH` or `otlp=URL`; throws a specific error otherwise. */
export function parseTraces(text: string): TracesTarget {
  if (text === 'console') return { kind: 'console' };
  const eq = text.indexOf('=');
  const kind = eq < 0 ? text : text.slice(0, eq);
  const value = eq < 0 ? '' : text.slice(eq + 1);
  if (kind === 'file' && value) return { kind: 'file', path: value };
  if (kind === 'otlp' && /^https?:\/\//.test(value)) return { kind: 'otlp', url: value };
  throw new Error(`--traces ${JSON.stringify(text)}: expected console, file=PATH or otlp=URL (an http(s) URL of an OTLP/http traces endpoint)`);
}
