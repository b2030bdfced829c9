/**
 * bus: a small event bus (fastify). Publishers POST events; consumers read them back by topic.
 * Routes live in ./routes and are loaded by @fastify/autoload.
 */
import AutoLoad from '@fastify/autoload';
import Fastify from 'fastify';
import { fileURLToPath } from 'node:url';

export interface StoredEvent {
  id: number;
  topic: string;
  source: string;
  payload: unknown;
  receivedAt: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    events: StoredEvent[];
  }
}

const app = Fastify({ logger: false });
app.decorate('events', [] as StoredEvent[]);
await app.register(AutoLoad, { dir: fileURLToPath(new URL('./routes', import.meta.url)) });

const port = Number(process.env.PORT ?? 4201);
const host = process.env.HOST ?? '127.0.0.1';
try {
  const address = await app.listen({ port, host });
  console.log(`bus listening on ${address}`);
} catch (err) {
  console.error(err);
  process.exit(1);
}
