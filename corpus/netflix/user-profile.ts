/**
 * user-profile: GET /users/<user_id> answers the user object; 404 if unknown.
 * With NETFLIX_FAULTS set, it first records telemetry: user-profile → telemetry POST / {"time": …}
 * (connection error or timeout swallowed, status ignored).
 */
import { ConnectionError, post, Timeout } from '../shared/requests.js';
import { createService, dataFile, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';

const users = dataFile<Record<string, unknown>>('user-profile', 'users.json');
const app = createService();

app.get('/users/:userId', async (req, res) => {
  const userId = req.params.userId;
  if (!(userId in users)) throw new HttpError(404, `user_id ${userId} not found`);

  // Record some telemetry.
  if (process.env.NETFLIX_FAULTS) {
    try {
      await post(urlOf('telemetry'), { body: { time: Date.now() / 1000 }, timeout: timeoutOf('telemetry') });
    } catch (err) {
      if (!(err instanceof ConnectionError) && !(err instanceof Timeout)) throw err;
    }
  }

  res.json(users[userId]);
});

start(app);
