/**
 * users (cinema-1, "sequence"): GET /users/<u>/bookings calls bookings, then movies once per booked
 * movie, each with its networking.json timeout.
 *   users → bookings: connection error or timeout ⇒ 503; 404 ⇒ 404; other non-200 ⇒ 503.
 *   users → movies:   connection error or timeout ⇒ 503; non-200 ⇒ 503.
 */
import { ConnectionError, get, Timeout } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { SUBRESOURCES_WITHOUT_SUGGESTED, usersService } from '../cinema-common/users-service.js';

const { app, users } = usersService(SUBRESOURCES_WITHOUT_SUGGESTED);

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404);
  let bookingsResponse;
  try {
    bookingsResponse = await get(`${urlOf('bookings')}/bookings/${username}`, { timeout: timeoutOf('bookings') });
  } catch (err) {
    if (err instanceof ConnectionError || err instanceof Timeout) throw new HttpError(503, 'The Bookings service is unavailable.');
    throw err;
  }
  if (bookingsResponse.status === 404) throw new HttpError(404, 'No bookings were found for this user.');
  if (bookingsResponse.status !== 200) throw new HttpError(503, 'The Bookings service is malfunctioning.');
  const bookings = bookingsResponse.json<Record<string, string[]>>();
  const result: Record<string, { title: unknown; rating: unknown; uri: unknown }[]> = {};
  for (const [date, movieIds] of Object.entries(bookings)) {
    result[date] = [];
    for (const movieId of movieIds) {
      let movieResponse;
      try {
        movieResponse = await get(`${urlOf('movies')}/movies/${movieId}`, { timeout: timeoutOf('movies') });
      } catch (err) {
        if (err instanceof ConnectionError || err instanceof Timeout) throw new HttpError(503, 'The Movie service is unavailable.');
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
