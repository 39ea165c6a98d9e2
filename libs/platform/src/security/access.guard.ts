import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROLES, type Caller, type Role } from './api-keys';
import { CALLER_FIELD, PUBLIC_KEY, ROLES_KEY } from './access.decorators';
import type { ApiKeyStore } from './api-key-store';
import { looksLikeJwt, type JwtVerifier } from './jwt-verifier';
import type { SecurityConfig } from './security.config';
import { TokenBuckets } from './token-bucket';

export const API_KEY_STORE = Symbol('API_KEY_STORE');
export const SECURITY_CONFIG = Symbol('SECURITY_CONFIG');
/** `JwtVerifier | undefined`: OIDC access tokens, when OIDC_ISSUER and a JWKS are configured. */
export const JWT_VERIFIER = Symbol('JWT_VERIFIER');

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  [CALLER_FIELD]?: Caller;
}
interface HttpResponse {
  setHeader(name: string, value: string): void;
}

const LOCAL_DEV: Caller = { name: 'local-dev', roles: new Set(ROLES) };
// A route that names no role is an admin route: forgetting @Roles must close a route, not open it.
const DEFAULT_ROLES: readonly Role[] = ['admin'];

/**
 * The one gate in front of every route of every service: the API key (Authorization: Bearer, or X-API-Key) must be
 * known, or the bearer an OIDC access token that verifies (else 401), hold one of the route's roles (else 403), and
 * be within its rate (else 429 with Retry-After).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SECURITY_CONFIG) private readonly config: SecurityConfig,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore | undefined,
    @Inject(JWT_VERIFIER) private readonly jwt: JwtVerifier | undefined,
  ) {
    this.buckets = new TokenBuckets(config.RATE_LIMIT_PER_S, config.RATE_LIMIT_BURST);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true) return true;
    const req = ctx.switchToHttp().getRequest<HttpRequest>();
    if (this.config.AUTH_MODE === 'off' || !this.keys) {
      req[CALLER_FIELD] = LOCAL_DEV;
      return true;
    }
    const presented = presentedKey(req.headers);
    if (presented === undefined) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'an API key is required: send Authorization: Bearer <key>',
      });
    }
    const caller = await this.callerOf(presented);
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? DEFAULT_ROLES;
    if (!allowed.some((r) => caller.roles.has(r))) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: `key ${caller.name} lacks the role this route needs (${allowed.join(' or ')})`,
      });
    }
    const waitS = this.buckets.take(caller.name);
    if (waitS > 0) {
      ctx.switchToHttp().getResponse<HttpResponse>().setHeader('Retry-After', String(waitS));
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `key ${caller.name} is over ${this.config.RATE_LIMIT_PER_S} requests/s; retry in ${waitS} s`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    req[CALLER_FIELD] = caller;
    return true;
  }

  /** A JWT-shaped bearer is checked as an OIDC token when OIDC is configured; anything else is an API key. */
  private async callerOf(presented: string): Promise<Caller> {
    if (this.jwt && looksLikeJwt(presented)) {
      const checked = await this.jwt.verify(presented);
      if ('caller' in checked) return checked.caller;
      throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: checked.refused });
    }
    const caller = this.keys?.find(presented);
    if (!caller)
      throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'unknown API key' });
    return caller;
  }
}

function presentedKey(headers: HttpRequest['headers']): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const direct = headers['x-api-key'];
  return typeof direct === 'string' && direct.length > 0 ? direct : undefined;
}
