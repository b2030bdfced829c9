/**
 * telemetry: POST / appends the JSON body to a local logs file (emptied once it holds more than 10
 * entries) and answers 200 with an empty body; any error while doing so ⇒ 500. The file lives under the
 * OS temp dir (the original wrote logs.json next to the service), one per port, removed on exit.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createService, HttpError, start } from '../shared/service.js';

const filePath = join(tmpdir(), `netflix-telemetry-logs-${process.env.PORT ?? 'default'}.json`);
const app = createService();
process.on('exit', () => rmSync(filePath, { force: true }));

app.post('/', express.json({ type: () => true }), (req, res) => {
  try {
    let logs: { logs: unknown[] };
    if (existsSync(filePath)) {
      logs = JSON.parse(readFileSync(filePath, 'utf8'));
      if (logs.logs.length > 10) logs.logs = []; // truncate log
      logs.logs.push(req.body ?? null);
    } else {
      logs = { logs: [req.body ?? null] };
    }
    writeFileSync(filePath, JSON.stringify(logs));
  } catch {
    throw new HttpError(500, 'Telemetry service error.');
  }
  res.status(200).end();
});

start(app);
