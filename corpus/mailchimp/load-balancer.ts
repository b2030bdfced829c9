/**
 * load-balancer (mailchimp): GET /urls/<url>.
 *   load-balancer → app-server GET /urls/<url>, with the load balancer's OWN timeout (get_timeout('load-balancer')
 *   = 10, as the original): connection error or timeout ⇒ 503; 500 ⇒ 200 {"result": <url>} (graceful);
 *   anything else ⇒ the app server's JSON, parsed with .json(): a non-JSON body (an injected 502/503/404,
 *   a Flask error page) throws outside the caught exceptions ⇒ 500 (the documented bug #2).
 */
import { ConnectionError, get, Timeout } from '../shared/requests.js';
import { createService, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';

const app = createService();

app.get('/urls/:url', async (req, res) => {
  const url = req.params.url;
  try {
    const appServerResponse = await get(`${urlOf('app-server')}/urls/${url}`, { timeout: timeoutOf('load-balancer') });
    if (appServerResponse.status === 500) {
      res.json({ result: url });
      return;
    }
    res.json(appServerResponse.json());
  } catch (err) {
    if (err instanceof ConnectionError || err instanceof Timeout) throw new HttpError(503, 'The App Server is unavailable.');
    throw err;
  }
});

start(app);
