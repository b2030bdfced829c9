import type { Express } from 'express';

/** Listens on PORT (set by the runner) or the default, on loopback. */
export function listen(app: Express, defaultPort: number): void {
  const port = Number(process.env.PORT ?? defaultPort);
  const host = process.env.HOST ?? '127.0.0.1';
  app.listen(port, host, (err?: Error) => {
    if (err) throw err;
  });
  // Exit on SIGTERM, unless the tracing preload handles it (it exports its last spans first).
  if (process.listenerCount('SIGTERM') === 0) process.on('SIGTERM', () => process.exit(0));
}
