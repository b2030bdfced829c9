/**
 * users (cinema-13, retry storm): users → bookings is tried up to NUM_RETRIES = 10 times: while not
 * successful, GET /bookings/<u> (10 s); a 200 is a success; a connection error or timeout (or any non-200
 * answer) is not; after each attempt made, a real 0.1 s sleep (in the original the sleep sits inside
 * `if not success:`, so it follows every attempt made, the successful one included: ≥ 0.1 s per request,
 * 1 s when all ten attempts fail). Never successful ⇒ default bookings {'20151201': [Creed's id]}.
 *   users → movies: connection error, timeout or non-200 ⇒ default Creed record (with its uri).
 * Always 200 with Creed. Each attempt is its own call (same method and URL, occurrence 1..10).
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { DEFAULT_BOOKINGS, moviesWithDefaults, usersService } from '../cinema-common/users-service.js';

const NUM_RETRIES = 10;

const { app, users } = usersService();

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404, `User '${username}' not found.`);

  let success = false;
  let bookingsResponse: Response | undefined;
  for (let x = 0; x < NUM_RETRIES; x++) {
    if (!success) {
      try {
        bookingsResponse = await get(`${urlOf('bookings')}/bookings/${username}`, { timeout: timeoutOf('bookings') });
        if (bookingsResponse.status === 200) success = true;
      } catch (err) {
        if (err instanceof ConnectionError || err instanceof Timeout) success = false;
        else throw err;
      }
      await sleep(100);
    }
  }
  const bookings = success ? bookingsResponse!.json<Record<string, string[]>>() : DEFAULT_BOOKINGS;

  res.json(await moviesWithDefaults(bookings));
});

start(app);
