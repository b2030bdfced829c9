/**
 * audible-app: GET /users/<u>/books/<b> resolves the content URL on the content delivery engine, then
 * fetches the book from that URL (the content delivery service) and answers its bytes verbatim.
 * Both calls sit in retry loops of 1 iteration (= no retry), kept as in the original.
 *   app → content-delivery-engine GET (6 s): ConnErr/Timeout ⇒ 503; 404 ⇒ 404; other non-200 ⇒ 503.
 *   app → content-delivery-service GET <CDE's url> (15 s): ConnErr/Timeout ⇒ 503; 404 ⇒ 404; 403 ⇒ 403;
 *     503 ⇒ 503; other non-200 ⇒ 503.
 */
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { createService, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';
import { getBytes, type BytesResponse } from './client.js';

const RETRY_LOOP_CDE = 1;
const RETRY_LOOP_CDS = 1;
const app = createService();

app.get('/users/:userId/books/:bookId', async (req, res) => {
  const { userId, bookId } = req.params;

  // First, contact the Content Delivery Engine.
  let cdeResponse: Response | undefined;
  for (let i = 0; i < RETRY_LOOP_CDE; i++) {
    try {
      cdeResponse = await get(`${urlOf('content-delivery-engine')}/users/${userId}/books/${bookId}`, { timeout: timeoutOf('content-delivery-engine') });
      if (cdeResponse.status === 200) break;
    } catch (err) {
      if (err instanceof ConnectionError) {
        if (i === RETRY_LOOP_CDE - 1) throw new HttpError(503, 'The Content Delivery Engine is unavailable.');
      } else if (err instanceof Timeout) {
        if (i === RETRY_LOOP_CDE - 1) throw new HttpError(503, 'The Content Delivery Engine timed out.');
      } else throw err;
    }
  }
  if (!cdeResponse) throw new Error('no response'); // unreachable with these loop bounds (Python: NameError ⇒ 500)
  if (cdeResponse.status === 404) throw new HttpError(404, 'user_id/book_id not found');
  if (cdeResponse.status !== 200) throw new HttpError(503, 'The Content Delivery Engine had an error.');

  // Then, contact the Content Delivery Service at the URL the engine answered.
  let cdsResponse: BytesResponse | undefined;
  for (let i = 0; i < RETRY_LOOP_CDS; i++) {
    try {
      cdsResponse = await getBytes(cdeResponse.json<{ url: string }>().url, { timeout: timeoutOf('content-delivery-service') });
      if (cdsResponse.status === 200) break;
    } catch (err) {
      if (err instanceof ConnectionError) {
        if (i === RETRY_LOOP_CDS - 1) throw new HttpError(503, 'The Content Delivery Service is unavailable.');
      } else if (err instanceof Timeout) {
        if (i === RETRY_LOOP_CDS - 1) throw new HttpError(503, 'The Content Delivery Service timed out.');
      } else throw err;
    }
  }
  if (!cdsResponse) throw new Error('no response');
  if (cdsResponse.status === 404) throw new HttpError(404, 'user_id/book_id not found');
  if (cdsResponse.status === 403) throw new HttpError(403, 'user_id does not own book_id or license mismatch');
  if (cdsResponse.status === 503) throw new HttpError(503, 'The Content Delivery Service is unavailable.');
  if (cdsResponse.status !== 200) throw new HttpError(503, 'The Content Delivery Service had an error.');

  res.type('text/html; charset=utf-8').send(cdsResponse.content);
});

start(app);
