/**
 * movies (cinema-14, "load-shedding leaf"): GET /movies/<id> answers the movie with its uri after 2 s of
 * simulated work; 404 if unknown (checked after the work, as in the original).
 * Basic load shedding, as cinema-10's bookings: an in-process queue counts the requests being worked on;
 * when it holds more than MAX_QUEUE_SIZE (5) the request is refused with 429 Too Many Requests (the 7th
 * concurrent request and later ones). Express serves requests concurrently, like Flask's threaded server.
 * SHED_SLEEP_MS overrides the 2 s of work (default 2000, the original's time.sleep(2)); only the sequential
 * exploration tests shorten it.
 * CINEMA_14_FIXED=1 (our bug switch, not in the original): no shedding — the queue is unbounded, so
 * concurrent requests wait their 2 s instead of being refused (bookings would turn a 429 into a 503 that
 * the client cannot tell from a fault).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const movies = dataFile<Record<string, Record<string, unknown>>>('movies', 'movies.json');
const app = createService();

const MAX_QUEUE_SIZE = process.env.CINEMA_14_FIXED === '1' ? Infinity : 5;
const SLEEP_MS = Number(process.env.SHED_SLEEP_MS ?? 2000);
let queueSize = 0; // the original's queue.Queue of True values: only its size matters

app.get('/', (_req, res) => {
  res.json({ uri: '/', subresource_uris: { movies: '/movies', movie: '/movies/<id>' } });
});
app.get('/movies/:id', async (req, res) => {
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
  const movie = movies[req.params.id];
  if (!movie) throw new HttpError(404);
  res.json({ ...movie, uri: `/movies/${req.params.id}` });
});
app.get('/movies', (_req, res) => {
  res.json(movies);
});

start(app);
