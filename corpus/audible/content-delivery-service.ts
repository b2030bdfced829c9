/**
 * content-delivery-service: GET /users/<u>/books/<b> authorises via the download service, then fetches
 * the metadata and the audio, and answers the audio bytes.
 *   CDS → audible-download-service GET (10 s): ConnErr/Timeout ⇒ 503; 404 ⇒ 404; 403 ⇒ 403; 503 ⇒ 503;
 *     other non-200 ⇒ 500; license = json.license.
 *   CDS → asset-metadata GET /books/<b>/licenses/<license> (6 s): ConnErr/Timeout ⇒ 503; 404 ⇒ 404;
 *     403 ⇒ 403; other non-200 ⇒ 500.
 *   CDS → audio-assets GET /books/<b>/licenses/<license> (7 s): same handling; 200 ⇒ its bytes verbatim.
 */
import { ConnectionError, get, Timeout } from '../shared/requests.js';
import { createService, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { getBytes } from './client.js';

const app = createService();

app.get('/users/:userId/books/:bookId', async (req, res) => {
  const { userId, bookId } = req.params;

  // First, contact the Audible Download Service.
  let adsResponse;
  try {
    adsResponse = await get(`${urlOf('audible-download-service')}/users/${userId}/books/${bookId}`, { timeout: timeoutOf('audible-download-service') });
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'The Audible Download Service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'The Audible Download Service timed out.');
    throw err;
  }
  if (adsResponse.status === 404) throw new HttpError(404, 'user_id/book_id not found');
  if (adsResponse.status === 403) throw new HttpError(403, `user_id ${userId} does not own book_id ${bookId}`);
  if (adsResponse.status === 503) throw new HttpError(503, 'Audible Download Service is unavailable');
  if (adsResponse.status !== 200) throw new HttpError(500);
  const license = adsResponse.json<{ license: string }>().license;

  // Authorised: get the asset metadata.
  let metadataResponse;
  try {
    metadataResponse = await get(`${urlOf('asset-metadata')}/books/${bookId}/licenses/${license}`, { timeout: timeoutOf('asset-metadata') });
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'The Asset Metadata Service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'The Asset Metadata Service timed out.');
    throw err;
  }
  if (metadataResponse.status === 404) throw new HttpError(404, `book_id ${bookId} not found`);
  if (metadataResponse.status === 403) throw new HttpError(403, 'license incorrect');
  if (metadataResponse.status !== 200) throw new HttpError(500);
  metadataResponse.json(); // the original parses it (a non-JSON 200 would be a 500), then ignores it

  // Finally, get the audio.
  let audioResponse;
  try {
    audioResponse = await getBytes(`${urlOf('audio-assets')}/books/${bookId}/licenses/${license}`, { timeout: timeoutOf('audio-assets') });
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'The Audio Assets Service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'The Audio Assets Service timed out.');
    throw err;
  }
  if (audioResponse.status === 404) throw new HttpError(404, `book_id ${bookId} not found`);
  if (audioResponse.status === 403) throw new HttpError(403, 'license incorrect');
  if (audioResponse.status !== 200) throw new HttpError(500);

  // Flask returns the bytes as its default text/html body ("pretend that metadata is embedded").
  res.type('text/html; charset=utf-8').send(audioResponse.content);
});

start(app);
