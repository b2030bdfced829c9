/**
 * users (cinema-11, library circuit breaker): cinema-5's default responses, each call wrapped in its own
 * breaker with the semantics of PyPI `circuitbreaker`'s `@circuit(expected_exception=RequestException)`
 * (./circuitbreaker.ts: 5 consecutive ConnectionError/Timeout open it; open for 30 s, calls are not made
 * and fail with CircuitBreakerError; a non-200 answer is a success for the breaker).
 *   users → bookings: any exception (incl. CircuitBreakerError) or non-200 ⇒ default bookings {'20151201': [Creed's id]}.
 *   users → movies:   any exception (incl. CircuitBreakerError) or non-200 ⇒ default Creed record (with its uri).
 * The breakers outlive a request (and a test execution): `POST /__reset` (not in the original) closes
 * both, so the runner can restore the initial state before every execution (services.json).
 */
import { get, RequestException, type Response } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { CircuitBreaker } from './circuitbreaker.js';
import { DEFAULT_BOOKINGS, DEFAULT_MOVIE, usersService } from '../cinema-common/users-service.js';

const isRequestException = (err: unknown): boolean => err instanceof RequestException;
const bookingsBreaker = new CircuitBreaker('get_users_bookings', isRequestException);
const moviesBreaker = new CircuitBreaker('get_movie_by_id', isRequestException);

/** @circuit(expected_exception=RequestException) def get_users_bookings(username) */
function getUsersBookings(username: string): Promise<Response> {
  return bookingsBreaker.call(() => get(`${urlOf('bookings')}/bookings/${username}`, { timeout: timeoutOf('bookings') }));
}

/** @circuit(expected_exception=RequestException) def get_movie_by_id(id) */
function getMovieById(id: string): Promise<Response> {
  return moviesBreaker.call(() => get(`${urlOf('movies')}/movies/${id}`, { timeout: timeoutOf('movies') }));
}

const { app, users } = usersService();

/** Not in the original: closes both breakers (the runner's betweenExecutions reset). */
app.post('/__reset', (_req, res) => {
  bookingsBreaker.reset();
  moviesBreaker.reset();
  res.json({ reset: true });
});

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404, `User '${username}' not found.`);

  let fallback = false;
  let bookingsResponse: Response | undefined;
  try {
    bookingsResponse = await getUsersBookings(username);
  } catch (err) {
    console.log(`Failure when trying to retrieve movie bookings: ${(err as Error).message}`);
    fallback = true;
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
        movieResponse = await getMovieById(movieId);
      } catch (err) {
        console.log(`Failure when trying to retrieve movie: ${(err as Error).message}`);
        movieFallback = true;
      }
      const movie =
        !movieFallback && movieResponse!.status === 200 ? movieResponse!.json<Record<string, unknown>>() : DEFAULT_MOVIE;
      result[date].push({ title: movie.title, rating: movie.rating, uri: movie.uri });
    }
  }
  res.json(result);
});

start(app);
