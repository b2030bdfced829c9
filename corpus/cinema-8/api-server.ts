/**
 * api-server (cinema-8, "monolith + retry"): GET /users/<u>/bookings calls the monolith's
 * GET /users/<u>/bookings, up to twice (RETRIES = 2), with its networking.json timeout.
 *   each try: 200 ⇒ stop retrying; non-200 ⇒ try again; connection error or timeout ⇒ try again, or 503
 *   on the last try.
 *   after the loop (last answer): 404 ⇒ 404; other non-200 ⇒ 503; 200 ⇒ the monolith's JSON.
 */
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { createService, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';

const RETRIES = 2;
const app = createService();

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  let bookingsResponse: Response | undefined;
  for (let i = 0; i < RETRIES; i++) {
    try {
      bookingsResponse = await get(`${urlOf('monolith')}/users/${username}/bookings`, { timeout: timeoutOf('monolith') });
      if (bookingsResponse.status === 200) break;
    } catch (err) {
      if (err instanceof ConnectionError) {
        if (i === RETRIES - 1) throw new HttpError(503, 'The monolith is unavailable.');
      } else if (err instanceof Timeout) {
        if (i === RETRIES - 1) throw new HttpError(503, 'The monolith timed out.');
      } else {
        throw err;
      }
    }
  }
  // As in the original, the last try's answer decides (there is one: the last try either answered or raised).
  if (bookingsResponse!.status === 404) throw new HttpError(404, `No bookings were found for ${username}`);
  if (bookingsResponse!.status !== 200) throw new HttpError(503, 'The Bookings service is malfunctioning.');
  res.json(bookingsResponse!.json());
});

start(app);
