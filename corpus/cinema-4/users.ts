/**
 * users (cinema-4, "third-party calls"): cinema-2's users plus, first, an optional HEAD to an outside host
 * (the original's `requests.head("http://www.imdb.com")`, here the local `imdb` stub), without a timeout and
 * inside `try/except Exception: pass`, so its outcome never matters. Then bookings' JSON, unchanged.
 *   users → imdb:     anything ⇒ ignored.
 *   users → bookings: connection error or timeout ⇒ 503; 404 ⇒ 404; other non-200 ⇒ 503.
 */
import { ConnectionError, get, head, Timeout } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { usersService } from '../cinema-common/users-service.js';

const { app, users } = usersService();

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404, `User '${username}' not found.`);

  // Make optional request to IMDB to get some ad data (no timeout, as in the original).
  try {
    await head(`${urlOf('imdb')}/`);
  } catch {
    // Pretend to add some data to the response.
  }

  let bookingsResponse;
  try {
    bookingsResponse = await get(`${urlOf('bookings')}/bookings/${username}`, { timeout: timeoutOf('bookings') });
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'The Bookings service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'The Bookings service timed out.');
    throw err;
  }
  if (bookingsResponse.status === 404) throw new HttpError(404, `No bookings were found for ${username}`);
  if (bookingsResponse.status !== 200) throw new HttpError(503, 'The Bookings service is malfunctioning.');
  res.json(bookingsResponse.json());
});

start(app);
