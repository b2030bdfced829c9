/** ratings: GET /users/<user_id> answers {"ratings": …} for the user; 404 if unknown. A leaf. */
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const data = dataFile<Record<string, unknown>>('ratings', 'ratings.json');
const app = createService();

app.get('/users/:userId', (req, res) => {
  const userId = req.params.userId;
  if (!(userId in data)) throw new HttpError(404, `user_id ${userId} not found`);
  res.json({ 'ratings': data[userId] });
});

start(app);
