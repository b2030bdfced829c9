/**
 *   POST /accounts { email, name } → 201 { id, email, name }, and publishes account.created
 *   GET  /accounts/:id → 200 the account, or 404
 */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';

interface Account {
  id: string;
  email: string;
  name: string;
}

const accounts = new Map<string, Account>();

export default async function accountRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { email: string; name: string } }>(
    '/accounts',
    {
      schema: {
        body: {
          type: 'object',
          required: ['email', 'name'],
          properties: { email: { type: 'string', minLength: 3 }, name: { type: 'string', minLength: 1 } },
        },
      },
    },
    async (request, reply) => {
      const { email, name } = request.body;
      if ([...accounts.values()].some((a) => a.email === email)) {
        return reply.code(409).send({ error: `an account for ${email} already exists` });
      }
      const account: Account = { id: randomUUID(), email, name };
      accounts.set(account.id, account);
      // Signing up must not wait for the bus: publish in the background.
      app.bus.publish('account.created', account);
      return reply.code(201).send(account);
    },
  );

  app.get<{ Params: { id: string } }>('/accounts/:id', async (request, reply) => {
    const account = accounts.get(request.params.id);
    if (!account) return reply.code(404).send({ error: `no account ${request.params.id}` });
    return account;
  });
}
