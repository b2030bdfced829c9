/**
 * The two mailchimp databases (db-primary and db-secondary run the same code, as in the original):
 * GET /read ⇒ {"data": "dummy"}; POST /write/urls/<url> ⇒ 200 with an empty body, or 403 "Database is
 * read-only" when DB_READ_ONLY=1 (bug switch #1).
 */
import { createService, HttpError, start } from '../shared/service.js';

export function startDatabase(): void {
  const readOnly = process.env.DB_READ_ONLY;
  const app = createService();
  app.get('/read', (_req, res) => {
    res.json({ data: 'dummy' });
  });
  app.post('/write/urls/:url', (_req, res) => {
    if (readOnly === '1') throw new HttpError(403, 'Database is read-only');
    res.status(200).end();
  });
  start(app);
}
