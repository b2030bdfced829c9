import type { Express } from 'express';

/** Listens on PORT (set by the runner) or the default, on loopback; exits cleanly on SIGTERM. */
export function listen(app: Express, defaultPort: number): void {
  app.listen(Number(process.env.PORT ?? defaultPort), process.env.HOST ?? '127.0.0.1', (err?: Error) => {
    if (err) throw err;
  });
  process.on('SIGTERM', () => process.exit(0));
}
