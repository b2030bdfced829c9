/**
 * event-bus's functional test: sign up a fresh account, invoice it, and check that both events reach the
 * bus and that both publishers are still serving afterwards.
 *
 * Without faults: exact answers, and account.created and invoice.created on the bus. Under faults: the
 * sign-up still succeeds (it does not wait for the bus); the invoice is 201, or 503 / 422 when the accounts
 * lookup failed; an event may be lost only when the bus itself failed; and accounts and billing must still
 * answer afterwards (a failing bus must never take a publisher down).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { wasFaultInjected, wasFaultInjectedOn } from '../instrumentation/testing.js';

interface Context {
  services: Record<string, { url: string }>;
}

interface BusEvent {
  topic: string;
  source: string;
  payload: { id?: string };
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** Waits up to `ms` for an event about `id` on `topic`. */
async function eventOnBus(busUrl: string, topic: string, id: string, ms: number): Promise<BusEvent | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const response = await fetch(`${busUrl}/events?topic=${encodeURIComponent(topic)}`);
    if (response.ok) {
      const { events } = (await response.json()) as { events: BusEvent[] };
      const found = events.find((e) => e.payload?.id === id);
      if (found) return found;
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(25);
  }
}

export default async function eventBus(ctx: Context): Promise<void> {
  const { bus, accounts, billing } = ctx.services;
  const faulted = await wasFaultInjected();
  const busFaulted = faulted && (await wasFaultInjectedOn('bus'));
  const accountsFaulted = faulted && (await wasFaultInjectedOn('accounts'));

  const email = `user-${randomUUID()}@example.test`;
  const signup = await postJson(`${accounts.url}/accounts`, { email, name: 'Ada Lovelace' });
  assert.equal(signup.status, 201, `sign-up: ${signup.status} ${JSON.stringify(signup.body)}`);
  const account = signup.body as { id: string; email: string; name: string };
  assert.match(account.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(account, { id: account.id, email, name: 'Ada Lovelace' });

  const invoiceAnswer = await postJson(`${billing.url}/invoices`, { accountId: account.id, amount: 1999, currency: 'EUR' });
  let invoiceId: string | undefined;
  if (invoiceAnswer.status === 201 || !accountsFaulted) {
    assert.equal(invoiceAnswer.status, 201, `invoice: ${invoiceAnswer.status} ${JSON.stringify(invoiceAnswer.body)}`);
    invoiceId = invoiceAnswer.body.id;
    assert.deepEqual(invoiceAnswer.body, { id: invoiceId, accountId: account.id, amount: 1999, currency: 'EUR', status: 'open' });
  } else {
    assert.ok([422, 503].includes(invoiceAnswer.status), `invoice with accounts failing: ${invoiceAnswer.status} ${JSON.stringify(invoiceAnswer.body)}`);
    assert.equal(typeof invoiceAnswer.body.error, 'string');
  }

  // The events: delivered unless the bus itself failed (publishing is best effort).
  if (!busFaulted) {
    const signupEvent = await eventOnBus(bus.url, 'account.created', account.id, 2000);
    assert.ok(signupEvent, `account.created for ${account.id} never reached the bus`);
    assert.equal(signupEvent.source, 'accounts');
    assert.deepEqual(signupEvent.payload, account);
    if (invoiceId) {
      const invoiceEvent = await eventOnBus(bus.url, 'invoice.created', invoiceId, 2000);
      assert.ok(invoiceEvent, `invoice.created for ${invoiceId} never reached the bus`);
      assert.equal(invoiceEvent.source, 'billing');
      assert.deepEqual(invoiceEvent.payload, invoiceAnswer.body);
    }
  }

  // Both publishers must still be up, whatever happened to the bus.
  const stored = await fetch(`${accounts.url}/accounts/${account.id}`);
  assert.equal(stored.status, 200, 'accounts no longer finds the new account');
  assert.deepEqual(await stored.json(), account);
  if (invoiceId) {
    const storedInvoice = await fetch(`${billing.url}/invoices/${invoiceId}`);
    assert.equal(storedInvoice.status, 200, 'billing no longer finds the new invoice');
    assert.deepEqual(await storedInvoice.json(), invoiceAnswer.body);
  }
}
