/** requestmapper (mailchimp): GET /urls/<url> maps prettyurl → internalurl, echoes any other url. */
import { createService, start } from '../shared/service.js';

const app = createService();

app.get('/urls/:url', (req, res) => {
  res.json({ result: req.params.url === 'prettyurl' ? 'internalurl' : req.params.url });
});

start(app);
