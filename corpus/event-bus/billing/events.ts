/**
 * Billing's domain events. A plugin: decorates the instance with `invoiceEvents`, and forwards every
 * invoice.created to the bus (axios POST {BUS_URL}/events).
 */
import axios from 'axios';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { EventEmitter } from 'node:events';

export interface Invoice {
  id: string;
  accountId: string;
  amount: number;
  currency: string;
  status: 'open';
}

declare module 'fastify' {
  interface FastifyInstance {
    invoiceEvents: EventEmitter;
  }
}

async function invoiceEvents(app: FastifyInstance): Promise<void> {
  const busUrl = process.env.BUS_URL;
  if (!busUrl) throw new Error('BUS_URL must be set');
  const emitter = new EventEmitter();
  emitter.on('invoice.created', async (invoice: Invoice) => {
    await axios.post(`${busUrl}/events`, { topic: 'invoice.created', source: 'billing', payload: invoice });
  });
  app.decorate('invoiceEvents', emitter);
}

export default fp(invoiceEvents, { name: 'invoice-events' });
