/** bookings: GET /bookings/<user> answers the user's bookings (date → movie ids); 404 if unknown. */
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const bookings = dataFile<Record<string, Record<string, string[]>>>('bookings', 'bookings.json');
const app = createService();

app.get('/', (_req, res) => {
  res.json({ uri: '/', subresource_uris: { bookings: '/bookings', booking: '/bookings/<username>' } });
});
app.get('/bookings', (_req, res) => {
  res.json(bookings);
});
app.get('/bookings/:username', (req, res) => {
  const booking = bookings[req.params.username];
  if (!booking) throw new HttpError(404);
  res.json(booking);
});

start(app);
