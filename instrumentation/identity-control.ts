/**
 * The orchestrator sets the run's identity rules (identity-rules.ts) in every service before the search:
 * `POST /__filibuster/identity` on the service's own port, a JSON body of rules, answered 204. Accepted
 * from loopback, or with the run's token (X-Filibuster-Token, as every orchestrator message carries) when
 * the service runs on another host. A runner-started service also gets them at start
 * (FILIBUSTER_IDENTITY_RULES), so a restarted one keeps them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkRules, IDENTITY_PATH, type IdentityRules } from './protocol.js';

export { IDENTITY_PATH };

function loopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** Handles the control request; false for every other request. */
export function handleIdentityRequest(req: IncomingMessage, res: ServerResponse, apply: (rules: IdentityRules) => void): boolean {
  if (req.method !== 'POST' || req.url !== IDENTITY_PATH) return false;
  const token = process.env.FILIBUSTER_TOKEN;
  if (!loopback(req.socket.remoteAddress) && !(token && req.headers['x-filibuster-token'] === token)) {
    res.writeHead(403).end();
    return true;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    if (body.length < 65536) body += chunk;
  });
  req.on('end', () => {
    let rules: IdentityRules | undefined;
    try {
      rules = checkRules(JSON.parse(body));
    } catch {
      rules = undefined;
    }
    if (!rules) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not identity rules' }));
      return;
    }
    apply(rules);
    res.writeHead(204).end();
  });
  return true;
}
