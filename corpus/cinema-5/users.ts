/**
 * users (cinema-5, "default responses"): GET /users/<u>/bookings calls bookings, then movies once per
 * booked movie, each with its networking.json timeout; every failure falls back to a default, so both
 * calls always happen and the answer is always 200.
 *   users → bookings: connection error, timeout or non-200 ⇒ default bookings {'20151201': [Creed's id]}.
 *   users → movies:   connection error, timeout or non-200 ⇒ default Creed record (with its uri).
 */
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { DEFAULT_BOOKINGS, moviesWithDefaults, usersService } from '../cinema-common/users-service.js';

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

  res.json(await moviesWithDefaults(bookings));
});

start(app);
