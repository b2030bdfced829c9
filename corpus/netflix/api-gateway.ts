/**
 * api-gateway: GET /homepage/users/<user_id> builds the homepage with sequential calls (timeouts from
 * data/networking.json, 15 s each):
 *   1. → user-profile GET /users/<u> (1 s with NETFLIX_FAULTS): ConnErr/Timeout ⇒ 503, 404 ⇒ 404, non-200 ⇒ 500.
 *   2. → bookmarks GET /users/<u>: non-200 or ConnErr/Timeout ⇒ fallback: → telemetry POST / (exceptions
 *      swallowed, status ignored), then load_trending: → trending GET /: ConnErr/Timeout ⇒ 503, non-200 ⇒ 500.
 *   3. → my-list GET /users/<u>: ConnErr/Timeout ⇒ 503 (NETFLIX_FAULTS: retry the same URL once first),
 *      404 ⇒ 404, non-200 ⇒ 500.
 *   4. → user-recommendations GET /users/<u>: non-200/exception ⇒ → global-recommendations GET /:
 *      non-200/exception ⇒ load_trending, only if trending is not already in the response.
 *   5. → ratings GET /users/<u>: ConnErr/Timeout ⇒ 503, 404 ⇒ 404, non-200 ⇒ 500.
 */
import { ConnectionError, get, post, Timeout, type Response } from '../shared/requests.js';
import { createService, HttpError, start, timeoutOf, urlOf } from '../shared/service.js';

const app = createService();

const isRequestFailure = (err: unknown) => err instanceof ConnectionError || err instanceof Timeout;

// Load content from the Trending service.
async function loadTrending(): Promise<unknown> {
  let trendingResponse;
  try {
    trendingResponse = await get(urlOf('trending'), { timeout: timeoutOf('trending') });
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'Fallback triggered and the Trending service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'Fallback triggered and the Trending service timed out.');
    throw err;
  }
  if (trendingResponse.status !== 200) throw new HttpError(500);
  return trendingResponse.json().trending;
}

// Make a call to the Telemetry service; proceed even if there is an error.
async function callTelemetry(): Promise<null> {
  try {
    await post(urlOf('telemetry'), { body: { time: Date.now() / 1000 }, timeout: timeoutOf('telemetry') });
  } catch (err) {
    if (!isRequestFailure(err)) throw err;
  }
  return null;
}

async function getBookmarks(userId: string): Promise<unknown> {
  try {
    const bookmarksResponse = await get(`${urlOf('bookmarks')}/users/${userId}`, { timeout: timeoutOf('bookmarks') });
    if (bookmarksResponse.status !== 200) return null;
    return bookmarksResponse.json().bookmarks;
  } catch (err) {
    if (!isRequestFailure(err)) throw err;
  }
  return null;
}

async function getUserProfile(userId: string): Promise<unknown> {
  // Conditionally use a timeout that's too short.
  const timeout = process.env.NETFLIX_FAULTS ? 1 : timeoutOf('user-profile');
  let userProfileResponse;
  try {
    userProfileResponse = await get(`${urlOf('user-profile')}/users/${userId}`, { timeout });
  } catch (err) {
    // (sic: the original's messages name the My List service)
    if (err instanceof ConnectionError) throw new HttpError(503, 'The My List service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'The My List service timed out.');
    throw err;
  }
  const statusCode = userProfileResponse.status;
  if (statusCode === 404) throw new HttpError(404, `user_id ${userId} not found`);
  if (statusCode !== 200) throw new HttpError(500);
  return userProfileResponse.json();
}

async function getMyList(userId: string): Promise<unknown> {
  const url = `${urlOf('my-list')}/users/${userId}`;
  let myListResponse: Response;
  try {
    myListResponse = await get(url, { timeout: timeoutOf('my-list') });
  } catch (err) {
    if (!isRequestFailure(err)) throw err;
    if (process.env.NETFLIX_FAULTS) {
      // fallback, try same server again.
      try {
        myListResponse = await get(url, { timeout: timeoutOf('my-list') });
      } catch (err2) {
        if (!isRequestFailure(err2)) throw err2;
        throw new HttpError(503, 'The My List service is unavailable.');
      }
    } else {
      throw new HttpError(503, 'The My List service is unavailable.');
    }
  }
  const statusCode = myListResponse.status;
  if (statusCode === 404) throw new HttpError(404, `user_id ${userId} not found`);
  if (statusCode !== 200) throw new HttpError(500);
  return myListResponse.json()['my-list'];
}

async function getUserRec(userId: string): Promise<unknown> {
  try {
    const userRecResponse = await get(`${urlOf('user-recommendations')}/users/${userId}`, { timeout: timeoutOf('user-recommendations') });
    if (userRecResponse.status !== 200) return null;
    return userRecResponse.json().recommendations;
  } catch (err) {
    if (!isRequestFailure(err)) throw err;
  }
  return null;
}

async function getGlobalRec(): Promise<unknown> {
  try {
    const globalRecResponse = await get(urlOf('global-recommendations'), { timeout: timeoutOf('global-recommendations') });
    if (globalRecResponse.status !== 200) return null;
    return globalRecResponse.json().recommendations;
  } catch (err) {
    if (!isRequestFailure(err)) throw err;
  }
  return null;
}

async function getRatings(userId: string): Promise<unknown> {
  let ratingsResponse;
  try {
    ratingsResponse = await get(`${urlOf('ratings')}/users/${userId}`, { timeout: timeoutOf('ratings') });
  } catch (err) {
    if (err instanceof ConnectionError) throw new HttpError(503, 'The Ratings service is unavailable.');
    if (err instanceof Timeout) throw new HttpError(503, 'The Ratings service timed out.');
    throw err;
  }
  const statusCode = ratingsResponse.status;
  if (statusCode === 404) throw new HttpError(404, `user_id ${userId} not found`);
  if (statusCode !== 200) throw new HttpError(500);
  return ratingsResponse.json().ratings;
}

app.get('/homepage/users/:userId', async (req, res) => {
  const userId = req.params.userId;
  const response: Record<string, unknown> = {};

  // Get User Profile
  response['user-profile'] = await getUserProfile(userId);
  // Get Bookmarks
  const bookmarks = await getBookmarks(userId);
  if (bookmarks !== null && bookmarks !== undefined) {
    response.bookmarks = bookmarks;
  } else {
    // Fallback: make a call to the Telemetry service and then load content from the Trending service.
    console.log('Bookmarks fail: fallback to Telemetry and Trending');
    await callTelemetry();
    response.trending = await loadTrending();
  }

  // Get My List
  response['my-list'] = await getMyList(userId);

  // Get User Recommendations
  const userRec = await getUserRec(userId);
  if (userRec !== null && userRec !== undefined) {
    response.recommendations = userRec;
  } else {
    // Fallback: load content from the Global Recommendations.
    console.log('User Recommendations fail: fallback to Global Recommendations');
    const globalRec = await getGlobalRec();
    if (globalRec !== null && globalRec !== undefined) {
      response.recommendations = globalRec;
    } else {
      // Fallback: load content from the Trending service.
      console.log('Global Recommendations fail: fallback to Trending');
      if (!('trending' in response)) response.trending = await loadTrending();
    }
  }

  // Get Ratings
  response.ratings = await getRatings(userId);

  res.json(response);
});

start(app);
