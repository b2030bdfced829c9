/**
 * bookings (cinema-10, "load shedding"): GET /bookings/<user> answers the user's bookings (date → movie
 * ids) after 2 s of simulated work; 404 if unknown (checked after the work, as in the original).
 * Basic load shedding: an in-process queue counts the requests being worked on; when it holds more than
 * MAX_QUEUE_SIZE (5) the request is refused with 429 Too Many Requests, so the 7th concurrent request and
 * later ones are shed. Express serves requests concurrently, like the original's threaded=True.
 * SHED_SLEEP_MS overrides the 2 s of work (default 2000, the original's time.sleep(2)); only the
 * sequential exploration tests shorten it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const bookings = dataFile<Record<string, Record<string, string[]>>>('bookings', 'bookings.json');
const app = createService();

const MAX_QUEUE_SIZE = 5;
const SLEEP_MS = Number(process.env.SHED_SLEEP_MS ?? 2000);
let queueSize = 0; // the original's queue.Queue of True values: only its size matters

app.get('/', (_req, res) => {
  res.json({ uri: '/', subresource_uris: { bookings: '/bookings', booking: '/bookings/<username>' } });
});
app.get('/bookings', (_req, res) => {
  res.json(bookings);
});
app.get('/bookings/:username', async (req, res) => {
  // Basic load shedding.
  if (queueSize > MAX_QUEUE_SIZE) {
    console.log(`queue size is: ${queueSize}; aborting request.`);
    throw new HttpError(429, 'This user has exceeded an allotted request count. Try again later.');
  }
  console.log(`current queue value: ${queueSize}`);
  queueSize++; // put value in queue for client
  try {
    await sleep(SLEEP_MS); // sleep for a few seconds to simulate work
  } finally {
    queueSize--; // remove value from queue for client
  }
  const booking = bookings[req.params.username];
  if (!booking) throw new HttpError(404);
  res.json(booking);
});

start(app);
