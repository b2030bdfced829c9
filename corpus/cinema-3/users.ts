/**
 * users (cinema-3, "retry"): GET /users/<u>/bookings calls bookings (which itself calls movies) up to twice
 * and answers bookings' JSON unchanged. As the original:
 *   for i in 0..1: GET bookings; 200 ⇒ break; non-200 ⇒ next try; connection error/timeout ⇒ next try,
 *   or 503 on the last try. After the loop, on the last response: 404 ⇒ 404; other non-200 ⇒ 503.
 * Both tries are the same call (same method and path), so the retry gets the next execution index.
 */
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { SUBRESOURCES_WITHOUT_SUGGESTED, usersService } from '../cinema-common/users-service.js';

const { app, users } = usersService(SUBRESOURCES_WITHOUT_SUGGESTED);

const RETRIES = 2;

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404, `User '${username}' not found.`);
  let bookingsResponse: Response | undefined;
  for (let i = 0; i < RETRIES; i++) {
    try {
      bookingsResponse = await get(`${urlOf('bookings')}/bookings/${username}`, { timeout: timeoutOf('bookings') });
      if (bookingsResponse.status === 200) break;
    } catch (err) {
      if (err instanceof ConnectionError) {
        if (i === RETRIES - 1) throw new HttpError(503, 'The Bookings service is unavailable.');
      } else if (err instanceof Timeout) {
        if (i === RETRIES - 1) throw new HttpError(503, 'The Bookings service timed out.');
      } else throw err;
    }
  }
  // The loop ends with a response: the last try either answered or raised 503.
  const last = bookingsResponse!;
  if (last.status === 404) throw new HttpError(404, `No bookings were found for ${username}`);
  if (last.status !== 200) throw new HttpError(503, 'The Bookings service is malfunctioning.');
  res.json(last.json());
});

start(app);
