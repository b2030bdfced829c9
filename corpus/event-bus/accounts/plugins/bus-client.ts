/**
 * Decorates the instance with `bus.publish(topic, payload)`: axios POST {BUS_URL}/events, 2 s timeout.
 */
import axios from 'axios';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface BusClient {
  publish(topic: string, payload: unknown): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    bus: BusClient;
  }
}

async function busClient(app: FastifyInstance): Promise<void> {
  const baseURL = process.env.BUS_URL;
  if (!baseURL) throw new Error('BUS_URL must be set');
  const http = axios.create({ baseURL, timeout: 2000 });
  app.decorate('bus', {
    async publish(topic: string, payload: unknown): Promise<void> {
      await http.post('/events', { topic, source: 'accounts', payload });
    },
  });
}

export default fp(busClient, { name: 'bus-client' });
