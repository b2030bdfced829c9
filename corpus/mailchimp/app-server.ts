/**
 * app-server (mailchimp): GET /urls/<url>.
 *   → requestmapper GET /urls/<url> (6): non-200, connection error or timeout ⇒ 500 "Requestmapper error";
 *     result = json.result.
 *   → db-primary GET /read (6): non-200 ⇒ primary failed, but continue;
 *   → db-primary POST /write/urls/<url> (6): non-200 ⇒ alert "cannot write to DB";
 *     connection error or timeout in either ⇒ primary failed (the write is skipped if the read raised).
 *   If the primary failed:
 *   → db-secondary GET /read (6): non-200 ⇒ 500 "DB error";
 *   → db-secondary POST /write/urls/<url> (6): non-200 ⇒ alert; connection error or timeout in either ⇒ 500.
 *   Answers {"result": …[, "alert": …]}.
 */
import { ConnectionError, get, post, Timeout } from '../shared/requests.js';
import { createService, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';

const app = createService();

const isRequestFailure = (err: unknown) => err instanceof ConnectionError || err instanceof Timeout;

// Bug #2 as it was before the fix the corpus ships: a requestmapper failure answered 503, which the
// load balancer cannot handle (it parses the error page as JSON and answers 500).
const REQUESTMAPPER_ERROR = process.env.REQUESTMAPPER_503 === '1' ? 503 : 500;

app.get('/urls/:url', async (req, res) => {
  const url = req.params.url;
  const response: { result?: unknown; alert?: string } = {};

  // requestmapper
  try {
    const requestmapperResponse = await get(`${urlOf('requestmapper')}/urls/${url}`, { timeout: timeoutOf('requestmapper') });
    if (requestmapperResponse.status !== 200) throw new HttpError(REQUESTMAPPER_ERROR, 'Requestmapper error');
    response.result = requestmapperResponse.json().result;
  } catch (err) {
    if (isRequestFailure(err)) throw new HttpError(REQUESTMAPPER_ERROR, 'Requestmapper error');
    throw err;
  }

  // The databases.
  let primarySuccess = true;
  try {
    const readResponse = await get(`${urlOf('db-primary')}/read`, { timeout: timeoutOf('db-primary') });
    if (readResponse.status !== 200) primarySuccess = false;
    const writeResponse = await post(`${urlOf('db-primary')}/write/urls/${url}`, { timeout: timeoutOf('db-primary') });
    if (writeResponse.status !== 200) response.alert = 'cannot write to DB';
  } catch (err) {
    if (isRequestFailure(err)) primarySuccess = false;
    else throw err;
  }

  if (!primarySuccess) {
    // Fall back to the secondary.
    try {
      const readResponse = await get(`${urlOf('db-secondary')}/read`, { timeout: timeoutOf('db-secondary') });
      if (readResponse.status !== 200) throw new HttpError(500, 'DB error');
      const writeResponse = await post(`${urlOf('db-secondary')}/write/urls/${url}`, { timeout: timeoutOf('db-secondary') });
      if (writeResponse.status !== 200) response.alert = 'cannot write to DB';
    } catch (err) {
      if (isRequestFailure(err)) throw new HttpError(500, 'DB error');
      throw err;
    }
  }

  res.json(response);
});

start(app);
