import type { Express } from 'express';

/** Listens on PORT (set by the runner) or the default, on loopback. */
export function listen(app: Express, defaultPort: number): void {
  const port = Number(process.env.PORT ?? defaultPort);
  const host = process.env.HOST ?? '127.0.0.1';
  app.listen(port, host, (err?: Error) => {
    if (err) throw err;
  });
  // Exit cleanly on SIGTERM so coverage and logs are flushed.
  process.on('SIGTERM', () => process.exit(0));
}
