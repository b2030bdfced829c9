/**
 * An OTLP/http collector stand-in in the test process (one per test file's process): it accepts the JSON
 * the services' exporters POST to /v1/traces and keeps a tally, not the spans (an exploration exports
 * thousands), of what otel-switch.ts checks at the end.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOAD_ORDER_ATTRIBUTE } from './fixtures/otel-preload/load-order.js';

interface OtlpAttribute {
  key: string;
  value?: { stringValue?: string };
}

interface OtlpSpan {
  name?: string;
  attributes?: OtlpAttribute[];
}

interface OtlpTraces {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/** Where an HTTP span says it went or came from (old and stable semantic conventions). */
const URL_KEYS = new Set(['url.full', 'url.path', 'http.url', 'http.target', 'http.route']);

export interface CollectorTally {
  exports: number;
  spans: number;
  /** Spans carrying a `filibuster.*` attribute (what our instrumentation adds to a call's span). */
  filibusterSpans: number;
  /** Spans of the orchestrator protocol (`/filibuster/...`), which must never be traced, and a few of them. */
  protocolSpans: number;
  protocolExamples: string[];
  /** Spans of the runner's control requests to a service (`/__filibuster/...`), and a few of them. */
  controlSpans: number;
  controlExamples: string[];
  /** `service.name load_order` → spans, from the resource attribute load-order.ts sets. */
  loadOrders: Map<string, number>;
  /** Bodies that were not OTLP JSON. */
  malformed: number;
}

function attribute(attrs: OtlpAttribute[] | undefined, key: string): string | undefined {
  return attrs?.find((a) => a.key === key)?.value?.stringValue;
}

/** The span's name and URL attributes, when one of them names a path under `prefix`. */
function pathSpan(span: OtlpSpan, prefix: string): string | undefined {
  const texts = [span.name ?? '', ...(span.attributes ?? []).filter((a) => URL_KEYS.has(a.key)).map((a) => a.value?.stringValue ?? '')];
  return texts.some((t) => t.includes(prefix)) ? texts.filter(Boolean).join(' ') : undefined;
}

export class CollectorStub {
  readonly tally: CollectorTally = { exports: 0, spans: 0, filibusterSpans: 0, protocolSpans: 0, protocolExamples: [], controlSpans: 0, controlExamples: [], loadOrders: new Map(), malformed: 0 };
  private readonly server = http.createServer((req, res) => this.receive(req, res));

  /** Listens on a free loopback port; the URL the exporters are given (without /v1/traces). */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    // The test process ends when its tests do, whatever services still hold a connection.
    this.server.unref();
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        if (req.method === 'POST') this.count(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpTraces);
      } catch {
        this.tally.malformed++;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }

  private count(body: OtlpTraces): void {
    const t = this.tally;
    t.exports++;
    for (const rs of body.resourceSpans ?? []) {
      const resource = `${attribute(rs.resource?.attributes, 'service.name')} ${attribute(rs.resource?.attributes, LOAD_ORDER_ATTRIBUTE)}`;
      for (const span of (rs.scopeSpans ?? []).flatMap((s) => s.spans ?? [])) {
        t.spans++;
        t.loadOrders.set(resource, (t.loadOrders.get(resource) ?? 0) + 1);
        if (span.attributes?.some((a) => a.key.startsWith('filibuster.'))) t.filibusterSpans++;
        const protocol = pathSpan(span, '/filibuster/');
        if (protocol && t.protocolSpans++ < 5) t.protocolExamples.push(protocol);
        const control = pathSpan(span, '/__filibuster/');
        if (control && t.controlSpans++ < 5) t.controlExamples.push(control);
      }
    }
  }
}
