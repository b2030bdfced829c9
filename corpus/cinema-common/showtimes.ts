/** showtimes: GET /showtimes/<date>; never called by the functional test. */
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const showtimes = dataFile<Record<string, string[]>>('showtimes', 'showtimes.json');
const app = createService();

app.get('/', (_req, res) => {
  res.json({ uri: '/', subresource_uris: { showtimes: '/showtimes', showtime: '/showtimes/<date>' } });
});
app.get('/showtimes', (_req, res) => {
  res.json(showtimes);
});
app.get('/showtimes/:date', (req, res) => {
  const showtime = showtimes[req.params.date];
  if (!showtime) throw new HttpError(404);
  res.json(showtime);
});

start(app);
