/**
 * users (cinema-5, "default responses"): GET /users/<u>/bookings calls bookings, then movies once per
 * booked movie, each with its networking.json timeout; every failure falls back to a default, so both
 * calls always happen and the answer is always 200.
 *   users → bookings: connection error, timeout or non-200 ⇒ default bookings {'20151201': [Creed's id]}.
 *   users → movies:   connection error, timeout or non-200 ⇒ default Creed record (with its uri).
 */
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { DEFAULT_BOOKINGS, DEFAULT_MOVIE, usersService } from '../cinema-common/users-service.js';

const { app, users } = usersService();

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404, `User '${username}' not found.`);

  let fallback = false;
  let bookingsResponse: Response | undefined;
  try {
    bookingsResponse = await get(`${urlOf('bookings')}/bookings/${username}`, { timeout: timeoutOf('bookings') });
  } catch (err) {
    if (err instanceof ConnectionError || err instanceof Timeout) fallback = true;
    else throw err;
  }
  const bookings =
    !fallback && bookingsResponse!.status === 200 ? bookingsResponse!.json<Record<string, string[]>>() : DEFAULT_BOOKINGS;

  // For each booking, get the rating and the movie title.
  const result: Record<string, { title: unknown; rating: unknown; uri: unknown }[]> = {};
  for (const [date, movieIds] of Object.entries(bookings)) {
    result[date] = [];
    for (const movieId of movieIds) {
      let movieFallback = false;
      let movieResponse: Response | undefined;
      try {
        movieResponse = await get(`${urlOf('movies')}/movies/${movieId}`, { timeout: timeoutOf('movies') });
      } catch (err) {
        if (err instanceof ConnectionError || err instanceof Timeout) movieFallback = true;
        else throw err;
      }
      const movie =
        !movieFallback && movieResponse!.status === 200 ? movieResponse!.json<Record<string, unknown>>() : DEFAULT_MOVIE;
      result[date].push({ title: movie.title, rating: movie.rating, uri: movie.uri });
    }
  }
  res.json(result);
});

start(app);
