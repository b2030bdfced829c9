/**
 * mobile-client: GET /netflix/homepage/users/<user_id> → api-gateway GET /homepage/users/<user_id> (55 s).
 *   connection error or timeout ⇒ 503; 404 ⇒ 404; 503 ⇒ 503; 500 ⇒ 503; anything else ⇒ the body parsed
 *   as JSON and answered (a non-JSON body, e.g. an injected 502, makes `.json()` throw ⇒ 500).
 */
import { ConnectionError, get, Timeout } from '../shared/requests.js';
import { createService, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';

const app = createService();

app.get('/netflix/homepage/users/:userId', async (req, res) => {
  const userId = req.params.userId;
  let apiGatewayResponse;
  try {
    apiGatewayResponse = await get(`${urlOf('api-gateway')}/homepage/users/${userId}`, { timeout: timeoutOf('api-gateway') });
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'The API Gateway is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'The API Gateway timed out.');
    throw err;
  }
  const statusCode = apiGatewayResponse.status;
  if (statusCode === 404) throw new HttpError(404, `user_id ${userId} not found`);
  if (statusCode === 503) throw new HttpError(503);
  if (statusCode === 500) throw new HttpError(503, 'netflix is unavailable.');

  res.json(apiGatewayResponse.json());
});

start(app);
