/**
 * asset-metadata: GET /books/<b>/licenses/<license> answers `{"metadata": …}`; 404 unknown book, 403 if
 * the license is "invalid_license". Bug switch: BAD_METADATA=1 ⇒ always 404 (a failed, non-atomic upload
 * left the audio without its metadata).
 */
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const BAD_METADATA = process.env.BAD_METADATA;
const metadata = dataFile<Record<string, unknown>>('asset-metadata', 'asset-metadata.json');
const app = createService();

const checkLicense = (license: string) => license !== 'invalid_license';

app.get('/books/:bookId/licenses/:license', (req, res) => {
  const { bookId, license } = req.params;
  if (BAD_METADATA === '1') throw new HttpError(404, `book_id ${bookId} not found`);
  if (!(bookId in metadata)) throw new HttpError(404, `book_id ${bookId} not found`);
  if (!checkLicense(license)) throw new HttpError(403, 'license invalid');
  res.json({ metadata: metadata[bookId] });
});

start(app);
