/**
 * accounts: sign-ups (fastify). Plugins in ./plugins and routes in ./routes, both loaded by
 * @fastify/autoload; every new account is published to the bus as account.created.
 */
import AutoLoad from '@fastify/autoload';
import Fastify from 'fastify';
import { fileURLToPath } from 'node:url';

const app = Fastify({ logger: false });
await app.register(AutoLoad, { dir: fileURLToPath(new URL('./plugins', import.meta.url)) });
await app.register(AutoLoad, { dir: fileURLToPath(new URL('./routes', import.meta.url)) });

const port = Number(process.env.PORT ?? 4202);
const host = process.env.HOST ?? '127.0.0.1';
try {
  const address = await app.listen({ port, host });
  console.log(`accounts listening on ${address}`);
} catch (err) {
  console.error(err);
  process.exit(1);
}
