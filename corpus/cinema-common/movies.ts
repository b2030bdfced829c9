/** movies: GET /movies/<id> answers the movie with its uri; 404 if unknown. */
import { createService, dataFile, HttpError, start } from '../shared/service.js';

const movies = dataFile<Record<string, Record<string, unknown>>>('movies', 'movies.json');
const app = createService();

app.get('/', (_req, res) => {
  res.json({ uri: '/', subresource_uris: { movies: '/movies', movie: '/movies/<id>' } });
});
app.get('/movies', (_req, res) => {
  res.json(movies);
});
app.get('/movies/:id', (req, res) => {
  const movie = movies[req.params.id];
  if (!movie) throw new HttpError(404);
  res.json({ ...movie, uri: `/movies/${req.params.id}` });
});

start(app);
