/**
 * content-delivery-engine: GET /users/<u>/books/<b> answers `{"url": "<CDS url>/users/<u>/books/<b>"}`
 * (static metadata lookup); 404 if the book is not in the cache. No outbound call.
 */
import { createService, dataFile, HttpError, start, urlOf } from '../shared/service.js';

const cache = dataFile<Record<string, string>>('content-delivery-engine', 'cache.json');
const app = createService();

app.get('/users/:userId/books/:bookId', (req, res) => {
  const { userId, bookId } = req.params;
  if (!(bookId in cache)) throw new HttpError(404, `book_id ${bookId} not found`);
  res.json({ url: `${urlOf('content-delivery-service')}/users/${userId}/books/${bookId}` });
});

start(app);
