/**
 * bookings, chain variant (cinema-2, cinema-3, cinema-14): GET /bookings/<user> answers the user's bookings with each movie resolved
 * by calling movies; 404 if the user is unknown.
 *   bookings → movies: connection error or timeout ⇒ 503; non-200 ⇒ 503.
 */
import { ConnectionError, get, Timeout } from '../shared/requests.js';
import { createService, dataFile, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';

const bookings = dataFile<Record<string, Record<string, string[]>>>('bookings', 'bookings.json');
const app = createService();

app.get('/', (_req, res) => {
  res.json({ uri: '/', subresource_uris: { bookings: '/bookings', booking: '/bookings/<username>' } });
});
app.get('/bookings', (_req, res) => {
  res.json(bookings);
});
app.get('/bookings/:username', async (req, res) => {
  const booking = bookings[req.params.username];
  if (!booking) throw new HttpError(404);
  const result: Record<string, { title: unknown; rating: unknown; uri: unknown }[]> = {};
  for (const [date, movieIds] of Object.entries(booking)) {
    result[date] = [];
    for (const movieId of movieIds) {
      let movieResponse;
      try {
        movieResponse = await get(`${urlOf('movies')}/movies/${movieId}`, { timeout: timeoutOf('movies') });
      } catch (err) {
        if (err instanceof ConnectionError) throw new HttpError(503, 'The Movie service is unavailable.');
        if (err instanceof Timeout) throw new HttpError(503, 'The Movie service timed out.');
        throw err;
      }
      if (movieResponse.status !== 200) throw new HttpError(503, 'The Movie service is malfunctioning.');
      const movie = movieResponse.json<Record<string, unknown>>();
      result[date].push({ title: movie.title, rating: movie.rating, uri: movie.uri });
    }
  }
  res.json(result);
});

start(app);
