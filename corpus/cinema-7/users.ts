/**
 * users (cinema-7, "health check"): GET /users/<u>/bookings first calls GET /health-check on
 * bookings-primary inside a catch-all (only an exception makes it unhealthy: a 5xx answer still counts
 * as healthy); then calls bookings-primary if healthy, else bookings-secondary; then movies once per
 * booked movie.
 *   users → bookings-primary /health-check: any exception (connection error, timeout) ⇒ unhealthy;
 *                                            any answer, whatever its status ⇒ healthy.
 *   users → bookings-primary or -secondary /bookings/<u>: connection error or timeout ⇒ 503; 404 ⇒ 404;
 *                                            other non-200 ⇒ 503 (no fallback after the choice).
 *   users → movies: connection error or timeout ⇒ 503; non-200 ⇒ 503.
 */
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { usersService } from '../cinema-common/users-service.js';

const { app, users } = usersService();

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404, `User '${username}' not found.`);

  // Check whether bookings-primary is online.
  let success = true;
  try {
    await get(`${urlOf('bookings-primary')}/health-check`, { timeout: timeoutOf('bookings-primary') });
  } catch {
    success = false;
  }

  // The call made depends on the health check's outcome.
  const replica = success ? 'bookings-primary' : 'bookings-secondary';
  let bookingsResponse: Response;
  try {
    bookingsResponse = await get(`${urlOf(replica)}/bookings/${username}`, { timeout: timeoutOf(replica) });
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'The Bookings service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'The Bookings service timed out.');
    throw err;
  }
  if (bookingsResponse.status === 404) throw new HttpError(404, `No bookings were found for ${username}`);
  if (bookingsResponse.status !== 200) throw new HttpError(503, 'The Bookings service is malfunctioning.');
  const bookings = bookingsResponse.json<Record<string, string[]>>();

  // For each booking, get the rating and the movie title.
  const result: Record<string, { title: unknown; rating: unknown; uri: unknown }[]> = {};
  for (const [date, movieIds] of Object.entries(bookings)) {
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
