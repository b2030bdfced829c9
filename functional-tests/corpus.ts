/** Helpers shared by the corpus functional tests (the original's assertions, our helpers). */
export interface Context {
  services: Record<string, { url: string }>;
}

export interface Reply {
  status: number;
  text: string;
  json<T = any>(): T;
}

/** GET a service of the application under test (the test's own request: never faulted). */
export async function call(ctx: Context, service: string, path: string): Promise<Reply> {
  const response = await fetch(`${ctx.services[service].url}${path}`);
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}

/** The cinema tests' expected body for chris_rivers. */
export const CREED = {
  '20151201': [{ rating: 8.8, title: 'Creed', uri: '/movies/267eedb8-0f5d-42d5-8f43-72426b9fb3e6' }],
};
