/**
 * movies (cinema-4): GET /movies/<id> answers the movie with its uri; 404 if unknown. After the 404 check
 * it makes an optional HEAD to an outside host (the original's `requests.head("http://www.rottentomatoes.com")`,
 * here the local `rottentomatoes` stub), without a timeout and inside `try/except Exception: pass`.
 *   movies → rottentomatoes: anything ⇒ ignored.
 */
import { head } from '../shared/requests.js';
import { createService, dataFile, HttpError, start, urlOf } from '../shared/service.js';

const movies = dataFile<Record<string, Record<string, unknown>>>('movies', 'movies.json');
const app = createService();

app.get('/', (_req, res) => {
  res.json({ uri: '/', subresource_uris: { movies: '/movies', movie: '/movies/<id>' } });
});
app.get('/movies/:id', async (req, res) => {
  const movie = movies[req.params.id];
  if (!movie) throw new HttpError(404);

  // Make call to Rotten Tomatoes for additional information.
  try {
    await head(`${urlOf('rottentomatoes')}/`);
    // Pretend to add information to response.
  } catch {
    // ignored
  }

  res.json({ ...movie, uri: `/movies/${req.params.id}` });
});
app.get('/movies', (_req, res) => {
  res.json(movies);
});

start(app);
