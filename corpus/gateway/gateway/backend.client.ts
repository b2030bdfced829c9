import { BadGatewayException, Injectable, ServiceUnavailableException } from '@nestjs/common';

export type Backend = 'catalog' | 'orders' | 'inventory';

/**
 * Calls the backends with the global fetch. A backend that cannot be reached is a 503 for our client;
 * a backend that answers with an error is a 502.
 */
@Injectable()
export class BackendClient {
  private readonly baseUrls: Record<Backend, string> = {
    catalog: requiredEnv('CATALOG_URL'),
    orders: requiredEnv('ORDERS_URL'),
    inventory: requiredEnv('INVENTORY_URL'),
  };

  async get<T>(backend: Backend, path: string): Promise<T> {
    const response = await this.send(backend, path, { method: 'GET' });
    if (!response.ok) throw new BadGatewayException(`${backend} answered ${response.status}`);
    return this.read<T>(backend, response);
  }

  /** A GET for something that may not exist: null on 404. */
  async find<T>(backend: Backend, path: string): Promise<T | null> {
    const response = await this.send(backend, path, { method: 'GET' });
    if (response.status === 404) return null;
    if (!response.ok) throw new BadGatewayException(`${backend} answered ${response.status}`);
    return this.read<T>(backend, response);
  }

  async post<T>(backend: Backend, path: string, body: unknown): Promise<T> {
    const response = await this.send(backend, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new BadGatewayException(`${backend} answered ${response.status}`);
    return this.read<T>(backend, response);
  }

  private async send(backend: Backend, path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.baseUrls[backend]}${path}`, init);
    } catch (err) {
      throw new ServiceUnavailableException(`${backend} is unavailable`, { cause: err });
    }
  }

  private async read<T>(backend: Backend, response: Response): Promise<T> {
    let body: unknown;
    try {
      body = await response.json();
    } catch (err) {
      throw new BadGatewayException(`${backend} sent an unreadable response`, { cause: err });
    }
    if (typeof body !== 'object' || body === null) throw new BadGatewayException(`${backend} sent an unexpected response`);
    return body as T;
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value.replace(/\/+$/, '');
}
