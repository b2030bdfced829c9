/**
 * audible-download-service: GET /users/<u>/books/<b> checks ownership, gets the license from activation,
 * records the download on stats, and answers activation's JSON (`{"license": …}`).
 *   ADS → ownership GET (6 s):  ConnErr/Timeout ⇒ 503; 404 ⇒ 404; 403 ⇒ 403; other non-200 ⇒ 500.
 *   ADS → activation GET (6 s): ConnErr/Timeout ⇒ 503; 404 ⇒ 404; other non-200 ⇒ 500.
 *   ADS → stats POST (6 s):     every outcome ignored (non-critical; non-201 only logged).
 */
import { ConnectionError, get, post, Timeout } from '../shared/requests.js';
import { createService, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';

const app = createService();

app.get('/users/:userId/books/:bookId', async (req, res) => {
  const { userId, bookId } = req.params;

  // First, verify ownership.
  let ownershipResponse;
  try {
    ownershipResponse = await get(`${urlOf('ownership')}/users/${userId}/books/${bookId}`, { timeout: timeoutOf('ownership') });
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'The Ownership Service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'The Ownership Service timed out.');
    throw err;
  }
  if (ownershipResponse.status === 404) throw new HttpError(404, `user_id ${userId} not found`);
  if (ownershipResponse.status === 403) throw new HttpError(403, `user_id ${userId} does not own book_id ${bookId}`);
  if (ownershipResponse.status !== 200) throw new HttpError(500);

  // Next, get a license.
  let activationResponse;
  try {
    activationResponse = await get(`${urlOf('activation')}/books/${bookId}`, { timeout: timeoutOf('activation') });
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'The Audible Download Service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'The Audible Download Service timed out.');
    throw err;
  }
  if (activationResponse.status === 404) throw new HttpError(404, `book_id ${bookId} not found`);
  if (activationResponse.status !== 200) throw new HttpError(500);
  const response = activationResponse.json<Record<string, unknown>>();

  // Finally, record stats; failures are ignored because this is a non-critical service.
  try {
    const statsResponse = await post(`${urlOf('stats')}/users/${userId}/books/${bookId}`, { timeout: timeoutOf('stats') });
    if (statsResponse.status !== 201) console.log('Stats service errored');
  } catch (err) {
    console.log(`Failed to connect to Stats service: ${(err as Error).message}`);
  }

  res.json(response);
});

start(app);
