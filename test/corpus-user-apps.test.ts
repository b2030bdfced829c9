/**
 * The four user-written applications (corpus/gateway, corpus/event-bus, corpus/fallback-chain,
 * corpus/breaker), run as plain processes without any instrumentation: each functional test passes with
 * every service up, and each planted bug shows its documented symptom under the REAL failure (a killed
 * or never-started dependency, a local stand-in that answers an error status or never answers).
 * The breaker app is the negative control: a dependency that never answers gives the fallback, and the
 * service stays up.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../orchestrator/runner/ports.js';
import { otelNodeArgs } from './otel-switch.js';

/** The package root (dist/test/ → ../../). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');

// The functional tests ask filibuster whether a fault was injected; here none ever is.
for (const name of Object.keys(process.env)) if (name.startsWith('FILIBUSTER_')) delete process.env[name];

type FunctionalTest = (ctx: { services: Record<string, { url: string }> }) => Promise<void>;

async function functionalTest(app: string): Promise<FunctionalTest> {
  const module = (await import(pathToFileURL(join(DIST, 'functional-tests', `${app}.js`)).href)) as { default: FunctionalTest };
  return module.default;
}

// ---------------------------------------------------------------------------------------------------
// Processes

interface Running {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
}

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.on('exit', killAll);
after(killAll);


function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts `dist/corpus/<app>/<script>` as the runner would (cwd corpus/<app>, PORT and HOST set). */
async function start(app: string, name: string, script: string, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const traced = await otelNodeArgs([]);
  const child = spawn(process.execPath, [...traced.args, join(DIST, 'corpus', app, script)], {
    cwd: join(ROOT, 'corpus', app),
    env: { ...process.env, ...traced.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before listening:\n${output}`);
    if (Date.now() > deadline) throw new Error(`${name} did not listen on ${port} in time:\n${output}`);
    await sleep(25);
  }
  return { name, url: `http://127.0.0.1:${port}`, port, child, output: () => output, exited };
}

async function stop(service: Running): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGKILL');
  await service.exited;
}

function isRunning(service: Running): boolean {
  return service.child.exitCode === null && service.child.signalCode === null;
}

/** The exit code, or 'still running' after `ms`. */
function exitWithin(service: Running, ms: number): Promise<number | string> {
  return Promise.race([service.exited, sleep(ms).then(() => 'still running')]);
}

function services(...running: Running[]): { services: Record<string, { url: string }> } {
  return { services: Object.fromEntries(running.map((s) => [s.name, { url: s.url }])) };
}

// ---------------------------------------------------------------------------------------------------
// Local stand-ins for a failing dependency

interface StandIn {
  url: string;
  /** Connections currently open to it. */
  open: () => number;
  close: () => Promise<void>;
}

/** An HTTP server that answers every request with `status` (or never answers when status is null). */
async function standIn(status: number | null): Promise<StandIn> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    if (status === null) return; // accept, read, never answer
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `stand-in answering ${status}` }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on: connection refused. */
async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

async function json(response: Response): Promise<any> {
  return JSON.parse(await response.text());
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

// ---------------------------------------------------------------------------------------------------
// gateway (NestJS → catalog, orders, inventory)

describe('gateway (NestJS)', () => {
  const TOKEN = 'local-dev-token';
  const auth = { authorization: `Bearer ${TOKEN}` };

  async function backends(): Promise<{ catalog: Running; orders: Running; inventory: Running }> {
    const [catalog, orders, inventory] = await Promise.all([
      start('gateway', 'catalog', 'catalog/server.js'),
      start('gateway', 'orders', 'orders/server.js'),
      start('gateway', 'inventory', 'inventory/server.js'),
    ]);
    return { catalog, orders, inventory };
  }

  function gateway(urls: { catalog: string; orders: string; inventory: string }): Promise<Running> {
    return start('gateway', 'gateway', 'gateway/main.js', {
      API_TOKEN: TOKEN,
      CATALOG_URL: urls.catalog,
      ORDERS_URL: urls.orders,
      INVENTORY_URL: urls.inventory,
    });
  }

  test('all services up: the functional test passes; every route, health included, needs the token', async () => {
    const { catalog, orders, inventory } = await backends();
    const gw = await gateway({ catalog: catalog.url, orders: orders.url, inventory: inventory.url });
    try {
      await (await functionalTest('gateway'))(services(catalog, orders, inventory, gw));
      assert.equal((await fetch(`${gw.url}/health`)).status, 401);
      assert.equal((await fetch(`${gw.url}/health`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
      assert.equal((await fetch(`${gw.url}/products/p-100`)).status, 401);
    } finally {
      await Promise.all([stop(gw), stop(catalog), stop(orders), stop(inventory)]);
    }
  });

  test('bug (c): a backend 404 or 409 becomes 502 at the gateway', async () => {
    const { catalog, orders, inventory } = await backends();
    const gw = await gateway({ catalog: catalog.url, orders: orders.url, inventory: inventory.url });
    try {
      assert.equal((await fetch(`${catalog.url}/products/p-999`)).status, 404);
      const missing = await fetch(`${gw.url}/products/p-999`, { headers: auth });
      assert.equal(missing.status, 502, 'the catalog 404 should be passed on; the planted bug makes it a 502');
      assert.deepEqual(await json(missing), { statusCode: 502, message: 'catalog answered 404', error: 'Bad Gateway' });

      const order = { orderId: randomUUID(), productId: 'p-100', quantity: 1 };
      assert.equal((await post(`${gw.url}/orders`, order, auth)).status, 201);
      assert.equal((await post(`${orders.url}/orders`, { id: order.orderId, productId: 'p-100', quantity: 1 })).status, 409);
      const again = await post(`${gw.url}/orders`, order, auth);
      assert.equal(again.status, 502, 'the orders/inventory 409 should be passed on; the planted bug makes it a 502');
    } finally {
      await Promise.all([stop(gw), stop(catalog), stop(orders), stop(inventory)]);
    }
  });

  test('bug (b): the parallel writes leave a partial write behind when one of them fails', async () => {
    const { catalog, orders, inventory } = await backends();
    const failingInventory = await standIn(503);
    const gwRefused = await gateway({ catalog: catalog.url, orders: await deadUrl(), inventory: inventory.url });
    const gw503 = await gateway({ catalog: catalog.url, orders: orders.url, inventory: failingInventory.url });
    try {
      // orders refuses the connection: the reservation is made all the same.
      const first = randomUUID();
      const refused = await post(`${gwRefused.url}/orders`, { orderId: first, productId: 'p-100', quantity: 3 }, auth);
      assert.equal(refused.status, 503);
      await sleep(100);
      const reservation = await fetch(`${inventory.url}/reservations/${first}`);
      assert.equal(reservation.status, 200, 'the reservation of a refused order is left behind');
      assert.deepEqual(await json(reservation), { orderId: first, productId: 'p-100', quantity: 3 });

      // inventory answers 503: the order is recorded all the same, and the gateway shows it.
      const second = randomUUID();
      const failed = await post(`${gw503.url}/orders`, { orderId: second, productId: 'p-100', quantity: 1 }, auth);
      assert.equal(failed.status, 502);
      await sleep(100);
      const stored = await fetch(`${orders.url}/orders/${second}`);
      assert.equal(stored.status, 200, 'the order whose reservation failed is left behind');
      assert.deepEqual(await json(stored), { id: second, productId: 'p-100', quantity: 1, status: 'placed' });
    } finally {
      await Promise.all([stop(gwRefused), stop(gw503), stop(catalog), stop(orders), stop(inventory), failingInventory.close()]);
    }
  });

  test('bug (a): no timeout: a catalog that never answers hangs the gateway request', async () => {
    const silent = await standIn(null);
    const orders = await start('gateway', 'orders', 'orders/server.js');
    const inventory = await start('gateway', 'inventory', 'inventory/server.js');
    const gw = await gateway({ catalog: silent.url, orders: orders.url, inventory: inventory.url });
    try {
      const began = Date.now();
      await assert.rejects(
        fetch(`${gw.url}/products/p-100`, { headers: auth, signal: AbortSignal.timeout(2500) }),
        (err: Error) => err.name === 'TimeoutError',
        'the gateway answered although the catalog never did',
      );
      assert.ok(Date.now() - began >= 2400);
      assert.equal(silent.open(), 1, 'the gateway is still waiting on its catalog request');
      // The gateway itself is alive: only the request is stuck.
      assert.equal((await fetch(`${gw.url}/health`, { headers: auth })).status, 200);
    } finally {
      await Promise.all([stop(gw), stop(orders), stop(inventory)]);
      await silent.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// event-bus (fastify + axios: accounts and billing publish to bus)

describe('event-bus (fastify + axios)', () => {
  test('all services up: the functional test passes', async () => {
    const bus = await start('event-bus', 'bus', 'bus/server.js');
    const accounts = await start('event-bus', 'accounts', 'accounts/server.js', { BUS_URL: bus.url });
    const billing = await start('event-bus', 'billing', 'billing/server.js', { BUS_URL: bus.url, ACCOUNTS_URL: accounts.url });
    try {
      await (await functionalTest('event-bus'))(services(bus, accounts, billing));
      assert.ok(isRunning(accounts) && isRunning(billing) && isRunning(bus));
    } finally {
      await Promise.all([stop(billing), stop(accounts), stop(bus)]);
    }
  });

  test('the bug: a failing bus (5xx, connection refused, timeout) crashes the publishers', async () => {
    const bus = await start('event-bus', 'bus', 'bus/server.js');
    const accounts = await start('event-bus', 'accounts', 'accounts/server.js', { BUS_URL: bus.url });
    const bus503 = await standIn(503);
    const silentBus = await standIn(null);
    const billing = await start('event-bus', 'billing', 'billing/server.js', { BUS_URL: bus503.url, ACCOUNTS_URL: accounts.url });
    const accountsSlowBus = await start('event-bus', 'accounts', 'accounts/server.js', { BUS_URL: silentBus.url });
    try {
      // billing's invoice.created handler gets a 503 from the bus: billing dies after answering 201.
      const signup = await post(`${accounts.url}/accounts`, { email: `a-${randomUUID()}@example.test`, name: 'Ada' });
      assert.equal(signup.status, 201);
      const { id } = await json(signup);
      const invoice = await post(`${billing.url}/invoices`, { accountId: id, amount: 500, currency: 'EUR' });
      assert.equal(invoice.status, 201, 'the invoice itself is created');
      const billingExit = await exitWithin(billing, 5000);
      assert.equal(billingExit, 1, `billing should crash on the 503 from the bus:\n${billing.output()}`);
      assert.match(billing.output(), /status code 503/);

      // The bus is killed: accounts' background publish is refused and accounts dies after answering 201.
      await stop(bus);
      const refused = await post(`${accounts.url}/accounts`, { email: `b-${randomUUID()}@example.test`, name: 'Bo' });
      assert.equal(refused.status, 201, 'the sign-up itself succeeds');
      const accountsExit = await exitWithin(accounts, 5000);
      assert.equal(accountsExit, 1, `accounts should crash on the refused connection:\n${accounts.output()}`);
      // Refused on a new connection; or, when accounts had not yet seen the killed bus close the keep-alive
      // connection it pooled, "socket hang up" on that one (which of the two is a race of the kill).
      assert.match(accounts.output(), /ECONNREFUSED|socket hang up/);

      // A bus that never answers: accounts' 2 s axios timeout fires, and accounts dies.
      const slow = await post(`${accountsSlowBus.url}/accounts`, { email: `c-${randomUUID()}@example.test`, name: 'Cy' });
      assert.equal(slow.status, 201);
      const slowExit = await exitWithin(accountsSlowBus, 5000);
      assert.equal(slowExit, 1, `accounts should crash on the publish timeout:\n${accountsSlowBus.output()}`);
      assert.match(accountsSlowBus.output(), /timeout of 2000ms exceeded/);

      // And the functional test catches a bus that is down: it fails (accounts is gone afterwards).
      const bus2 = await start('event-bus', 'bus', 'bus/server.js');
      const accounts2 = await start('event-bus', 'accounts', 'accounts/server.js', { BUS_URL: await deadUrl() });
      const billing2 = await start('event-bus', 'billing', 'billing/server.js', { BUS_URL: bus2.url, ACCOUNTS_URL: accounts2.url });
      try {
        await assert.rejects((await functionalTest('event-bus'))(services(bus2, accounts2, billing2)));
        assert.equal(await exitWithin(accounts2, 2000), 1);
      } finally {
        await Promise.all([stop(bus2), stop(accounts2), stop(billing2)]);
      }
    } finally {
      await Promise.all([stop(billing), stop(accounts), stop(accountsSlowBus), stop(bus), bus503.close(), silentBus.close()]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// fallback-chain (express + node-fetch 2: web → books → ratings)

describe('fallback-chain (express + node-fetch 2)', () => {
  test('all services up: the functional test passes', async () => {
    const ratings = await start('fallback-chain', 'ratings', 'ratings.js');
    const books = await start('fallback-chain', 'books', 'books.js', { RATINGS_URL: ratings.url });
    const web = await start('fallback-chain', 'web', 'web.js', { BOOKS_URL: books.url });
    try {
      await (await functionalTest('fallback-chain'))(services(ratings, books, web));
      // A proper error status from web when books is gone.
      await stop(books);
      const down = await fetch(`${web.url}/api/books/9780261103573`);
      assert.equal(down.status, 503);
    } finally {
      await Promise.all([stop(web), stop(books), stop(ratings)]);
    }
  });

  test('the bug: ratings failing (refused, 503, no answer) gives a 200 without "rating", and the functional test fails', async () => {
    const ratings = await start('fallback-chain', 'ratings', 'ratings.js');
    const ratings503 = await standIn(503);
    const silentRatings = await standIn(null);
    const books = await start('fallback-chain', 'books', 'books.js', { RATINGS_URL: ratings.url });
    const books503 = await start('fallback-chain', 'books', 'books.js', { RATINGS_URL: ratings503.url });
    const booksSilent = await start('fallback-chain', 'books', 'books.js', { RATINGS_URL: silentRatings.url });
    const web = await start('fallback-chain', 'web', 'web.js', { BOOKS_URL: books.url });
    try {
      await stop(ratings); // connection refused from now on
      for (const b of [books, books503, booksSilent]) {
        const answer = await fetch(`${b.url}/books/9780261103573`);
        assert.equal(answer.status, 200);
        const body = await json(answer);
        assert.ok(!('rating' in body), `books should drop the field: ${JSON.stringify(body)}`);
        assert.deepEqual(body, { isbn: '9780261103573', title: 'The Fellowship of the Ring', author: 'J. R. R. Tolkien', year: 1954 });
      }
      const passedOn = await fetch(`${web.url}/api/books/9780261103573`);
      assert.equal(passedOn.status, 200);
      assert.ok(!('rating' in (await json(passedOn))), 'web passes the 200 without the field on');
      await assert.rejects((await functionalTest('fallback-chain'))(services(ratings, books, web)), /a 200 without "rating"/);
    } finally {
      await Promise.all([stop(web), stop(books), stop(books503), stop(booksSilent), stop(ratings), ratings503.close(), silentRatings.close()]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// breaker (negative control: shop → pricing, reviews through opossum breakers)

describe('breaker (negative control)', () => {
  test('all services up: the functional test passes', async () => {
    const pricing = await start('breaker', 'pricing', 'pricing.js');
    const reviews = await start('breaker', 'reviews', 'reviews.js');
    const shop = await start('breaker', 'shop', 'shop.js', { PRICING_URL: pricing.url, REVIEWS_URL: reviews.url });
    try {
      await (await functionalTest('breaker'))(services(pricing, reviews, shop));
      // pricing killed: the list price, marked as the fallback; the functional test's fallback is this one.
      await stop(pricing);
      const page = await json(await fetch(`${shop.url}/products/kb-201`));
      assert.deepEqual(page.price, { amount: 9900, currency: 'EUR', provider: null, source: 'fallback', reason: 'error' });
      assert.equal(page.reviews.source, 'live');
      assert.ok(isRunning(shop));
    } finally {
      await Promise.all([stop(shop), stop(pricing), stop(reviews)]);
    }
  });

  test('a pricing that never answers: the fallback within the breaker timeout, the request left open (the leak), the shop stays up', async () => {
    const silent = await standIn(null);
    const reviews = await start('breaker', 'reviews', 'reviews.js');
    const shop = await start('breaker', 'shop', 'shop.js', { PRICING_URL: silent.url, REVIEWS_URL: reviews.url });
    try {
      const reasons: string[] = [];
      for (let i = 0; i < 7; i++) {
        const began = Date.now();
        const response = await fetch(`${shop.url}/products/kb-201`, { signal: AbortSignal.timeout(3000) });
        assert.equal(response.status, 200);
        assert.ok(Date.now() - began < 2000, 'the breaker times the call out');
        const page = await json(response);
        const { reason, ...price } = page.price;
        assert.deepEqual(price, { amount: 9900, currency: 'EUR', provider: null, source: 'fallback' });
        assert.deepEqual(page.reviews, { average: 4.6, count: 128, summary: 'Quiet keys, solid build.', source: 'live' });
        reasons.push(reason);
      }
      assert.equal(reasons[0], 'timeout');
      assert.ok(reasons.includes('circuit-open'), `the circuit opens after repeated timeouts: ${reasons.join(', ')}`);
      // The breaker never aborted the calls it gave up on: they are still open at pricing.
      const timedOut = reasons.filter((r) => r === 'timeout').length;
      assert.equal(silent.open(), timedOut, 'every timed-out request is still open (never aborted)');
      // The abandoned requests finally fail (pricing goes away): nothing crashes.
      await silent.close();
      await sleep(200);
      assert.ok(isRunning(shop), `shop died:\n${shop.output()}`);
      assert.equal((await fetch(`${shop.url}/products/kb-201`)).status, 200);
    } finally {
      await Promise.all([stop(shop), stop(reviews)]);
      await silent.close();
    }
  });
});
