/**
 * What a route is answered by: a registered handler function and where its response object and `next`
 * sit among its parameters. Shared by routes.ts (express, fastify, koa) and nest.ts (NestJS).
 */
import type { FunctionLike } from './symbols.js';

export type Framework = 'express' | 'fastify' | 'koa' | 'http' | 'nest';

export interface Handler {
  fn: FunctionLike;
  /** `GET /users/:id`, `USE /api`, `ERROR` (error middleware), `GUARD AuthGuard` (a Nest guard). */
  route: string;
  framework: Framework;
  /** Parameter positions of the response object and of `next` (-1 / undefined when there is none). */
  responseIndex: number;
  nextIndex?: number;
  errorIndex?: number;
  /** A Nest guard's `canActivate`: not a route; what it answers counts for every route it guards. */
  guard?: boolean;
  /** The guards (their `GUARD Name` keys) that run before this route's handler, in Nest's order. */
  guards?: string[];
}
