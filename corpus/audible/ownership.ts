/** ownership: GET /users/<u>/books/<b>: 404 unknown user, 403 book not owned, else 200 with an empty body. */
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const ownership = dataFile<Record<string, string[]>>('ownership', 'ownership.json');
const app = createService();

app.get('/users/:userId/books/:bookId', (req, res) => {
  const { userId, bookId } = req.params;
  if (!(userId in ownership)) throw new HttpError(404, `user_id ${userId} not found`);
  if (!ownership[userId].includes(bookId)) throw new HttpError(403, `user_id ${userId} does not own book_id ${bookId}`);
  res.status(200).end();
});

start(app);
