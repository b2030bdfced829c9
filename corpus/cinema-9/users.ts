/**
 * users (cinema-9, hand-rolled circuit breaker): cinema-5's default responses, but before each call
 * `shouldMakeRequestToService(name)` scans a per-process history of (time, ok) for that callee; with more
 * than 10 failures in the last 100 s the call is skipped (fallback to the default). Every outcome is
 * appended to the history, a skipped call as a failure.
 *   users → bookings: skipped, connection error, timeout or non-200 ⇒ default bookings {'20151201': [Creed's id]}.
 *   users → movies:   skipped, connection error, timeout or non-200 ⇒ default Creed record (with its uri).
 * The history outlives a request (and a test execution): `POST /__reset` (not in the original) empties
 * it, so the runner can restore the initial state before every execution (services.json).
 */
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { DEFAULT_BOOKINGS, DEFAULT_MOVIE, usersService } from '../cinema-common/users-service.js';

/** (time in ms, success) per callee, as the original's bookings_request_history / movies_request_history. */
const bookingsRequestHistory: [number, boolean][] = [];
const moviesRequestHistory: [number, boolean][] = [];

function shouldMakeRequestToService(serviceName: 'bookings' | 'movies'): boolean {
  let numSuccess = 0;
  let numFailure = 0;
  const lowWatermark = Date.now() - 100_000;
  const history = serviceName === 'bookings' ? bookingsRequestHistory : moviesRequestHistory;
  for (const [time, result] of history) {
    if (time > lowWatermark) {
      if (result) numSuccess += 1;
      else numFailure += 1;
    }
  }
  console.log(`About to make call to ${serviceName}; num_success: ${numSuccess}, num_failure: ${numFailure}`);
  if (numFailure > 10) {
    console.log(`* Skipping call, ${numFailure} failures in 100 seconds exceeds 10.`);
    return false;
  }
  return true;
}

const { app, users } = usersService();

/** Not in the original: forgets the request history (the runner's betweenExecutions reset). */
app.post('/__reset', (_req, res) => {
  bookingsRequestHistory.length = 0;
  moviesRequestHistory.length = 0;
  res.json({ reset: true });
});

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404, `User '${username}' not found.`);

  let fallback = false;
  let bookingsResponse: Response | undefined;
  try {
    if (shouldMakeRequestToService('bookings')) {
      bookingsResponse = await get(`${urlOf('bookings')}/bookings/${username}`, { timeout: timeoutOf('bookings') });
    } else {
      fallback = true;
    }
  } catch (err) {
    if (err instanceof ConnectionError || err instanceof Timeout) fallback = true;
    else throw err;
  }
  let bookings: Record<string, string[]>;
  if (!fallback && bookingsResponse!.status === 200) {
    bookingsRequestHistory.push([Date.now(), true]);
    bookings = bookingsResponse!.json<Record<string, string[]>>();
  } else {
    bookingsRequestHistory.push([Date.now(), false]);
    bookings = DEFAULT_BOOKINGS;
  }

  // For each booking, get the rating and the movie title.
  const result: Record<string, { title: unknown; rating: unknown; uri: unknown }[]> = {};
  for (const [date, movieIds] of Object.entries(bookings)) {
    result[date] = [];
    for (const movieId of movieIds) {
      let movieFallback = false;
      let movieResponse: Response | undefined;
      try {
        if (shouldMakeRequestToService('movies')) {
          movieResponse = await get(`${urlOf('movies')}/movies/${movieId}`, { timeout: timeoutOf('movies') });
        } else {
          movieFallback = true;
        }
      } catch (err) {
        if (err instanceof ConnectionError || err instanceof Timeout) movieFallback = true;
        else throw err;
      }
      let movie: Record<string, unknown>;
      if (!movieFallback && movieResponse!.status === 200) {
        moviesRequestHistory.push([Date.now(), true]);
        movie = movieResponse!.json<Record<string, unknown>>();
      } else {
        moviesRequestHistory.push([Date.now(), false]);
        movie = DEFAULT_MOVIE;
      }
      result[date].push({ title: movie.title, rating: movie.rating, uri: movie.uri });
    }
  }
  res.json(result);
});

start(app);
