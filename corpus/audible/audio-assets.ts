/**
 * audio-assets: GET /books/<b>/licenses/<license> answers the book's audio file as an attachment
 * (Flask's send_from_directory(..., as_attachment=True)); 404 unknown book or missing file, 403 if the
 * license is "invalid_license".
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const assets = dataFile<Record<string, { license: string; audio: string }>>('audio-assets', 'audio-assets.json');
const directory = join('data', 'services', 'audio-assets');
const app = createService();

const checkLicense = (license: string) => license !== 'invalid_license';

app.get('/books/:bookId/licenses/:license', (req, res) => {
  const { bookId, license } = req.params;
  if (!(bookId in assets)) throw new HttpError(404, `book_id ${bookId} not found`);
  if (!checkLicense(license)) throw new HttpError(403, 'license invalid');
  let audio: Buffer;
  let name: string;
  try {
    name = basename(assets[bookId].audio);
    audio = readFileSync(join(directory, assets[bookId].audio));
  } catch {
    throw new HttpError(404, 'audio file not found');
  }
  res.attachment(name).type('application/octet-stream').send(audio);
});

start(app);
