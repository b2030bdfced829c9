/**
 * users (cinema-10, "load shedding"): cinema-5's users (defaults for every failure), except that a 429
 * from bookings is propagated: users raises 429 Too Many Requests itself.
 *   users → bookings: connection error, timeout or non-200 other than 429 ⇒ default bookings
 *                     {'20151201': [Creed's id]}; 429 ⇒ 429 (the bug: the client sees 429 under load).
 *   users → movies:   connection error, timeout or non-200 ⇒ default Creed record (with its uri).
 * CINEMA_10_FIXED=1 (our bug switch, not in the original): a 429 from bookings falls back to the default
 * bookings like every other failure.
 */
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { DEFAULT_BOOKINGS, DEFAULT_MOVIE, usersService } from '../cinema-common/users-service.js';

const FIXED = process.env.CINEMA_10_FIXED === '1';

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
  let bookings: Record<string, string[]>;
  if (!fallback && bookingsResponse!.status === 200) bookings = bookingsResponse!.json<Record<string, string[]>>();
  else if (!fallback && bookingsResponse!.status === 429 && !FIXED) throw new HttpError(429, 'This user has exceeded an allotted request count. Try again later.');
  else bookings = DEFAULT_BOOKINGS;

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
