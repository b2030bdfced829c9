/**
 * api-gateway (expedia): GET /review/hotels/<h>.
 *   api-gateway → review-ml GET /hotels/<h> (its timeout): 404 ⇒ 404 (raised, not caught); other non-200,
 *     connection error or timeout ⇒ fall back; 200 ⇒ the ML JSON.
 *   fallback api-gateway → review-time GET /hotels/<h> (its timeout): 404 ⇒ 404; other non-200 ⇒ 503;
 *     connection error or timeout ⇒ 503; 200 ⇒ the time-ordered JSON.
 */
import { ConnectionError, get, Timeout } from '../shared/requests.js';
import { createService, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';

const app = createService();

app.get('/review/hotels/:hotelId', async (req, res) => {
  const hotelId = req.params.hotelId;

  // ML-sorted reviews.
  let result: unknown = null;
  let success = true;
  try {
    const reviewsResponse = await get(`${urlOf('review-ml')}/hotels/${hotelId}`, { timeout: timeoutOf('review-ml') });
    if (reviewsResponse.status === 404) throw new HttpError(404, `hotel_id ${hotelId} not found`);
    if (reviewsResponse.status !== 200) success = false;
    else result = reviewsResponse.json();
  } catch (err) {
    if (err instanceof ConnectionError || err instanceof Timeout) success = false;
    else throw err;
  }
  if (success) {
    res.json(result);
    return;
  }

  // Fallback: time-sorted reviews.
  try {
    const reviewsResponse = await get(`${urlOf('review-time')}/hotels/${hotelId}`, { timeout: timeoutOf('review-time') });
    if (reviewsResponse.status === 404) throw new HttpError(404, `hotel_id ${hotelId} not found`);
    if (reviewsResponse.status !== 200) throw new HttpError(503, 'Reviews are unavailable.');
    result = reviewsResponse.json();
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'Fallback review service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'Fallback review service timed out.');
    throw err;
  }
  res.json(result);
});

start(app);
