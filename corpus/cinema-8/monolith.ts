/**
 * monolith (cinema-8): GET /users/<u>/bookings answers users.json[u], which already holds the bookings
 * with their movies (no outbound calls); 404 if the user is unknown.
 */
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const users = dataFile<Record<string, Record<string, unknown>>>('monolith', 'users.json');
const app = createService();

app.get('/', (_req, res) => {
  res.json({ uri: '/', subresource_uris: { users: '/users', user: '/users/<username>', bookings: '/users/<username>/bookings', suggested: '/users/<username>/suggested' } });
});
app.get('/users', (_req, res) => {
  res.json(users);
});
app.get('/users/:username', (req, res) => {
  const user = users[req.params.username];
  if (!user) throw new HttpError(404);
  res.json(user);
});
app.get('/users/:username/bookings', (req, res) => {
  const user = users[req.params.username];
  if (!user) throw new HttpError(404, `User '${req.params.username}' not found.`);
  res.json(user);
});
app.get('/users/:username/suggested', () => {
  throw new Error('not implemented'); // the original raises NotImplementedError: a 500
});

start(app);
