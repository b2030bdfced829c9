/**
 * users, chain variant (cinema-2, cinema-14): GET /users/<u>/bookings calls bookings once (which itself calls movies) and
 * answers bookings' JSON unchanged.
 *   users → bookings: connection error or timeout ⇒ 503; 404 ⇒ 404; other non-200 ⇒ 503.
 */
import { ConnectionError, get, Timeout } from '../shared/requests.js';
import { createService, dataFile, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';

const users = dataFile<Record<string, Record<string, unknown>>>('users', 'users.json');
const app = createService();

app.get('/', (_req, res) => {
  res.json({ uri: '/', subresource_uris: { users: '/users', user: '/users/<username>', bookings: '/users/<username>/bookings' } });
});
app.get('/users', (_req, res) => {
  res.json(users);
});
app.get('/users/:username', (req, res) => {
  const user = users[req.params.username];
  if (!user) throw new HttpError(404);
  res.json(user);
});
app.get('/users/:username/suggested', () => {
  throw new Error('not implemented'); // the original raises NotImplementedError: a 500
});

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
