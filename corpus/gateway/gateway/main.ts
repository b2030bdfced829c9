/**
 * gateway: the public API (NestJS) in front of catalog, orders and inventory.
 *   GET  /health          → { status: 'ok' }
 *   GET  /products/:id    → catalog GET /products/:id, then inventory GET /stock/:id
 *   POST /orders          → catalog GET /products/:productId, then orders POST /orders and
 *                           inventory POST /reservations in parallel
 *   GET  /orders/:id      → orders GET /orders/:id and inventory GET /reservations/:id in parallel
 * Every route needs `authorization: Bearer <API_TOKEN>`.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  if (!process.env.API_TOKEN) throw new Error('API_TOKEN must be set');
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 4100);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  console.log(`gateway listening on http://${host}:${port}`);
}

bootstrap().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
