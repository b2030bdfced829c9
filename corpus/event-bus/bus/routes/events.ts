/**
 *   POST /events { topic, source, payload } → 202 { id, topic }
 *   GET  /events?topic=T → 200 { events: [...] } (all events when no topic is given)
 */
import type { FastifyInstance } from 'fastify';

interface PublishBody {
  topic: string;
  source: string;
  payload: unknown;
}

export default async function events(app: FastifyInstance): Promise<void> {
  app.post<{ Body: PublishBody }>(
    '/events',
    {
      schema: {
        body: {
          type: 'object',
          required: ['topic', 'source', 'payload'],
          properties: {
            topic: { type: 'string', minLength: 1 },
            source: { type: 'string', minLength: 1 },
            payload: {},
          },
        },
      },
    },
    async (request, reply) => {
      const { topic, source, payload } = request.body;
      const id = app.events.length + 1;
      app.events.push({ id, topic, source, payload, receivedAt: new Date().toISOString() });
      return reply.code(202).send({ id, topic });
    },
  );

  app.get<{ Querystring: { topic?: string } }>('/events', async (request) => {
    const { topic } = request.query;
    return { events: topic ? app.events.filter((e) => e.topic === topic) : app.events };
  });
}
