/**
 * billing: invoices (fastify).
 *   POST /invoices { accountId, amount, currency } → checks the account (axios GET
 *     {ACCOUNTS_URL}/accounts/:id, 1 s timeout): unknown account → 422, accounts unavailable → 503;
 *     then 201 the invoice, and emits invoice.created (forwarded to the bus by ./events).
 *   GET /invoices/:id → 200 the invoice, or 404
 */
import axios, { isAxiosError } from 'axios';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import invoiceEvents, { type Invoice } from './events.js';

const accountsUrl = process.env.ACCOUNTS_URL;
if (!accountsUrl) throw new Error('ACCOUNTS_URL must be set');
const accountsApi = axios.create({ baseURL: accountsUrl, timeout: 1000 });

const invoices = new Map<string, Invoice>();

const app = Fastify({ logger: false });
await app.register(invoiceEvents);

app.post<{ Body: { accountId: string; amount: number; currency: string } }>(
  '/invoices',
  {
    schema: {
      body: {
        type: 'object',
        required: ['accountId', 'amount', 'currency'],
        properties: {
          accountId: { type: 'string', minLength: 1 },
          amount: { type: 'integer', minimum: 1 },
          currency: { type: 'string', enum: ['EUR', 'USD', 'GBP'] },
        },
      },
    },
  },
  async (request, reply) => {
    const { accountId, amount, currency } = request.body;
    try {
      await accountsApi.get(`/accounts/${encodeURIComponent(accountId)}`);
    } catch (err) {
      if (isAxiosError(err) && err.response?.status === 404) {
        return reply.code(422).send({ error: `unknown account ${accountId}` });
      }
      request.log.warn({ err }, 'accounts lookup failed');
      return reply.code(503).send({ error: 'accounts is unavailable, try again later' });
    }
    const invoice: Invoice = { id: randomUUID(), accountId, amount, currency, status: 'open' };
    invoices.set(invoice.id, invoice);
    app.invoiceEvents.emit('invoice.created', invoice);
    return reply.code(201).send(invoice);
  },
);

app.get<{ Params: { id: string } }>('/invoices/:id', async (request, reply) => {
  const invoice = invoices.get(request.params.id);
  if (!invoice) return reply.code(404).send({ error: `no invoice ${request.params.id}` });
  return invoice;
});

const port = Number(process.env.PORT ?? 4203);
const host = process.env.HOST ?? '127.0.0.1';
try {
  const address = await app.listen({ port, host });
  console.log(`billing listening on ${address}`);
} catch (err) {
  console.error(err);
  process.exit(1);
}
