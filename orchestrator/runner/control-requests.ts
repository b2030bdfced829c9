/**
 * The runner's own requests to a service: control requests of the instrumentation (identity rules,
 * coverage slices) and `betweenExecutions` resets. Each answers with the status, 0 when nothing answered.
 */
import http from 'node:http';

export function postJson(url: string, body: unknown, token: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['x-filibuster-token'] = token;
    const req = http.request(url, { method: 'POST', timeout: 5000, agent: false, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(JSON.stringify(body));
  });
}

export function post(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', timeout: 5000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}
