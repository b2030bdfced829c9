/** global-recommendations: GET / answers the global recommendations. A leaf. */
import { createService, start } from '../shared/service.js';

const app = createService();

app.get('/', (_req, res) => {
  res.json({ recommendations: ['Inception', 'Shutter Island', 'The Dark Night'] });
});

start(app);
