/**
 * users (cinema-6, "fallback replica"): GET /users/<u>/bookings calls bookings-primary; on a connection
 * error, timeout or non-200 it falls back to bookings-secondary; then movies once per booked movie.
 *   users → bookings-primary:   connection error, timeout or non-200 ⇒ call bookings-secondary.
 *   users → bookings-secondary: connection error or timeout ⇒ 503; 404 ⇒ 404; other non-200 ⇒ 503.
 *   users → movies:             connection error or timeout ⇒ 503; non-200 ⇒ 503.
 */
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { usersService } from '../cinema-common/users-service.js';

const { app, users } = usersService();

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404, `User '${username}' not found.`);

  let fallback = false;
  let primaryResponse: Response | undefined;
  try {
    primaryResponse = await get(`${urlOf('bookings-primary')}/bookings/${username}`, { timeout: timeoutOf('bookings-primary') });
  } catch (err) {
    if (err instanceof ConnectionError || err instanceof Timeout) fallback = true;
    else throw err;
  }

  let bookings: Record<string, string[]>;
  if (!fallback && primaryResponse!.status === 200) {
    bookings = primaryResponse!.json();
  } else {
    // Fall back to the secondary replica.
    let secondaryResponse: Response;
    try {
      secondaryResponse = await get(`${urlOf('bookings-secondary')}/bookings/${username}`, { timeout: timeoutOf('bookings-secondary') });
    } catch (err) {
      if (err instanceof ConnectionError) throw new HttpError(503, 'The Bookings service is unavailable.');
      if (err instanceof Timeout) throw new HttpError(503, 'The Bookings service timed out.');
      throw err;
    }
    if (secondaryResponse.status === 404) throw new HttpError(404, `No bookings were found for ${username}`);
    if (secondaryResponse.status !== 200) throw new HttpError(503, 'The Bookings service is malfunctioning.');
    bookings = secondaryResponse.json();
  }

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
