/** Fault names as a reader says them, in the report's server-rendered parts and in its script alike. */
export const READABLE: Record<string, string> = {
  'node.ECONNREFUSED': 'connection refused',
  'node.ECONNRESET': 'connection reset',
  'node.Timeout': 'timeout',
};

/** "node.ECONNREFUSED on foo → bar (GET /bar)" → "connection refused on foo → bar (GET /bar)". */
export function readable(description: string): string {
  const space = description.indexOf(' ');
  const name = space < 0 ? description : description.slice(0, space);
  return (READABLE[name] ?? name) + (space < 0 ? '' : description.slice(space));
}
