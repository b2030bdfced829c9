/**
 * users (cinema-12, "expensive error path"): cinema-5's users (defaults for every failure), except that a
 * connection error on bookings runs an "expensive computation in the error handling path" first. The
 * original writes `time.sleep(10)` there but imports `from datetime import time`, so the call raises
 * AttributeError and the request answers Flask's 500: the port replicates that crash (no 10 s sleep).
 *   users → bookings: connection error ⇒ 500 (the crash); with CINEMA_12_FIXED=1 ⇒ default bookings;
 *                     timeout or non-200 ⇒ default bookings {'20151201': [Creed's id]}.
 *   users → movies:   connection error, timeout or non-200 ⇒ default Creed record (with its uri).
 */
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { DEFAULT_BOOKINGS, moviesWithDefaults, usersService } from '../cinema-common/users-service.js';

/** Bug switch: CINEMA_12_FIXED=1 skips the broken computation and falls back at once. */
const FIXED = process.env.CINEMA_12_FIXED === '1';

const { app, users } = usersService();

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404, `User '${username}' not found.`);

  let fallback = false;
  let bookingsResponse: Response | undefined;
  try {
    bookingsResponse = await get(`${urlOf('bookings')}/bookings/${username}`, { timeout: timeoutOf('bookings') });
  } catch (err) {
    if (err instanceof ConnectionError) {
      // Simulates some expensive computation that occurs in an error handling path. The original's
      // `time.sleep(10)` is `datetime.time.sleep`, which does not exist: AttributeError ⇒ 500.
      if (!FIXED) throw new TypeError("type object 'datetime.time' has no attribute 'sleep'");
      fallback = true;
    } else if (err instanceof Timeout) fallback = true;
    else throw err;
  }
  const bookings =
    !fallback && bookingsResponse!.status === 200 ? bookingsResponse!.json<Record<string, string[]>>() : DEFAULT_BOOKINGS;

  res.json(await moviesWithDefaults(bookings));
});

start(app);
