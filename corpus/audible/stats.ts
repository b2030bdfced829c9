/**
 * stats: POST /users/<u>/books/<b> appends {user_id, book_id} to a local stats file (emptied once it
 * holds more than 10 entries) and answers 201; any error while doing so ⇒ 500. The file lives under the
 * OS temp dir (the original wrote stats.json next to the service), one per port, removed on exit.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService, HttpError, start } from '../shared/service.js';

const filePath = join(tmpdir(), `audible-stats-${process.env.PORT ?? 'default'}.json`);
const app = createService();
process.on('exit', () => rmSync(filePath, { force: true }));

app.post('/users/:userId/books/:bookId', (req, res) => {
  const entry = { user_id: req.params.userId, book_id: req.params.bookId };
  try {
    let stats: { logs: unknown[] };
    if (existsSync(filePath)) {
      stats = JSON.parse(readFileSync(filePath, 'utf8'));
      if (stats.logs.length > 10) stats.logs = [];
    } else {
      stats = { logs: [] };
    }
    stats.logs.push(entry);
    writeFileSync(filePath, JSON.stringify(stats));
  } catch {
    throw new HttpError(500, 'Stats service error.');
  }
  res.status(201).end();
});

start(app);
