/** trending: GET / answers the trending titles. A leaf. */
import { createService, start } from '../shared/service.js';

const app = createService();

app.get('/', (_req, res) => {
  res.json({ trending: ['The Croods', 'Red Dot', 'We Can Be Heroes'] });
});

start(app);
