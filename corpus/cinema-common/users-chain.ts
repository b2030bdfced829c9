/**
 * users, chain variant (cinema-2, cinema-14): GET /users/<u>/bookings calls bookings once (which itself calls movies) and
 * answers bookings' JSON unchanged.
 *   users → bookings: connection error or timeout ⇒ 503; 404 ⇒ 404; other non-200 ⇒ 503.
 */
import { ConnectionError, get, Timeout } from '../shared/requests.js';
import { HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { SUBRESOURCES_WITHOUT_SUGGESTED, usersService } from './users-service.js';

const { app, users } = usersService(SUBRESOURCES_WITHOUT_SUGGESTED);

app.get('/users/:username/bookings', async (req, res) => {
  const username = req.params.username;
  if (!users[username]) throw new HttpError(404, `User '${username}' not found.`);
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
