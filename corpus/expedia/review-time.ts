/** review-time: GET /hotels/<h> answers {"reviews": [...]} in time order; 404 if unknown. */
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const reviews = dataFile<Record<string, unknown[]>>('review-time', 'reviews.json');
const app = createService();

app.get('/hotels/:hotelId', (req, res) => {
  const hotelId = req.params.hotelId;
  if (!(hotelId in reviews)) throw new HttpError(404, `hotel_id ${hotelId} not found`);
  res.json({ reviews: reviews[hotelId] });
});

start(app);
