/**
 * The part every cinema `users` service shares: the app, its user data, and the directory routes
 * (`/`, `/users`, `/users/<u>`, `/users/<u>/suggested`). Each app adds only its own bookings route, which
 * is where the apps differ.
 */
import type { Express } from 'express';
import { ConnectionError, get, Timeout, type Response } from '../shared/requests.js';
import { createService, dataFile, HttpError, timeoutOf, urlOf } from '../shared/service.js';

/** The defaults-family apps' fallbacks (cinema-5 and its variants): chris_rivers' booking and its movie. */
export const DEFAULT_BOOKINGS: Record<string, string[]> = { '20151201': ['267eedb8-0f5d-42d5-8f43-72426b9fb3e6'] };
export const DEFAULT_MOVIE: Record<string, unknown> = {
  title: 'Creed',
  rating: 8.8,
  director: 'Ryan Coogler',
  id: '267eedb8-0f5d-42d5-8f43-72426b9fb3e6',
  uri: '/movies/267eedb8-0f5d-42d5-8f43-72426b9fb3e6',
};

export const SUBRESOURCES = {
  users: '/users',
  user: '/users/<username>',
  bookings: '/users/<username>/bookings',
  suggested: '/users/<username>/suggested',
};

/** cinema-1, -2, -3 and -14 list no `suggested` route in their index (the route itself exists). */
export const SUBRESOURCES_WITHOUT_SUGGESTED = { users: SUBRESOURCES.users, user: SUBRESOURCES.user, bookings: SUBRESOURCES.bookings };

export function usersService(subresources: Record<string, string> = SUBRESOURCES): { app: Express; users: Record<string, Record<string, unknown>> } {
  const users = dataFile<Record<string, Record<string, unknown>>>('users', 'users.json');
  const app = createService();
  app.get('/', (_req, res) => {
    res.json({ uri: '/', subresource_uris: subresources });
  });
  app.get('/users', (_req, res) => {
    res.json(users);
  });
  app.get('/users/:username', (req, res) => {
    const user = users[req.params.username];
    if (!user) throw new HttpError(404);
    res.json(user);
  });
  app.get('/users/:username/suggested', () => {
    throw new Error('not implemented'); // the original raises NotImplementedError: a 500
  });
  return { app, users };
}

/**
 * The defaults family's movie lookup: for each booked movie, GET movies/<id> with its timeout; a
 * connection error, a timeout or a non-200 answer gives the default Creed record.
 */
export async function moviesWithDefaults(bookings: Record<string, string[]>): Promise<Record<string, { title: unknown; rating: unknown; uri: unknown }[]>> {
  // For each booking, get the rating and the movie title.
  const result: Record<string, { title: unknown; rating: unknown; uri: unknown }[]> = {};
  for (const [date, movieIds] of Object.entries(bookings)) {
    result[date] = [];
    for (const movieId of movieIds) {
      let movieFallback = false;
      let movieResponse: Response | undefined;
      try {
        movieResponse = await get(`${urlOf('movies')}/movies/${movieId}`, { timeout: timeoutOf('movies') });
      } catch (err) {
        if (err instanceof ConnectionError || err instanceof Timeout) movieFallback = true;
        else throw err;
      }
      const movie =
        !movieFallback && movieResponse!.status === 200 ? movieResponse!.json<Record<string, unknown>>() : DEFAULT_MOVIE;
      result[date].push({ title: movie.title, rating: movie.rating, uri: movie.uri });
    }
  }
  return result;
}
