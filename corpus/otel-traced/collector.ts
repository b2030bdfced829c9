/**
 * collector: a stand-in for an OpenTelemetry collector. It accepts OTLP/http JSON on POST /v1/traces and
 * appends each body, as one JSON line, to OTEL_COLLECTOR_FILE, so a test can read what the services
 * exported after the run. It loads no tracing itself (the services config clears its NODE_OPTIONS).
 */
import { appendFileSync } from 'node:fs';
import http from 'node:http';

const FILE = process.env.OTEL_COLLECTOR_FILE;

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('collector');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (FILE) appendFileSync(FILE, JSON.stringify({ path: req.url, body: JSON.parse(body || 'null') }) + '\n');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

server.listen(Number(process.env.PORT ?? 4318), process.env.HOST ?? '127.0.0.1');
// The runner stops every service at once: keep accepting for a moment, while they export their last spans.
process.on('SIGTERM', () => setTimeout(() => process.exit(0), 500));
