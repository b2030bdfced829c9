import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Every route needs `authorization: Bearer <API_TOKEN>`. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly token = process.env.API_TOKEN ?? '';

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization;
    if (!header || !header.startsWith('Bearer ')) throw new UnauthorizedException('missing bearer token');
    if (!this.token || header.slice('Bearer '.length).trim() !== this.token) throw new UnauthorizedException('invalid token');
    return true;
  }
}
