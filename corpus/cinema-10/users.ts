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
import { DEFAULT_BOOKINGS, moviesWithDefaults, usersService } from '../cinema-common/users-service.js';

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

  res.json(await moviesWithDefaults(bookings));
});

start(app);
