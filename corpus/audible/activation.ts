/** activation: GET /books/<b> answers `{"license": <hash>}`; 404 if unknown. */
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const books = dataFile<Record<string, string>>('activation', 'activation.json');
const app = createService();

app.get('/books/:bookId', (req, res) => {
  const { bookId } = req.params;
  if (!(bookId in books)) throw new HttpError(404, `book_id ${bookId} not found`);
  res.json({ license: books[bookId] });
});

start(app);
