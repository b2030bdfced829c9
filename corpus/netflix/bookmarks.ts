/** bookmarks: GET /users/<user_id> answers {"bookmarks": …} for the user; 404 if unknown. A leaf. */
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const data = dataFile<Record<string, unknown>>('bookmarks', 'bookmarks.json');
const app = createService();

app.get('/users/:userId', (req, res) => {
  const userId = req.params.userId;
  if (!(userId in data)) throw new HttpError(404, `user_id ${userId} not found`);
  res.json({ 'bookmarks': data[userId] });
});

start(app);
