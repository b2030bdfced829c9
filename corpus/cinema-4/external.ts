/**
 * A stand-in for one of the original's outside hosts (www.imdb.com, www.fandango.com,
 * www.rottentomatoes.com): answers HEAD/GET / with 200 (express answers HEAD with its GET route) and
 * /health-check for the runner. Started with `"instrument": false`, like the original's external hosts:
 * it reports nothing, so its callers can only get exception faults on calls to it, never status faults.
 */
import { createService, start } from '../shared/service.js';

const app = createService();
app.get('/', (_req, res) => {
  res.type('text/html').send(`<!doctype html><title>${process.argv[2] ?? 'external'}</title>`);
});

start(app);
