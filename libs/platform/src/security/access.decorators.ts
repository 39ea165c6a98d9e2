import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Caller, Role } from './api-keys';

export const ROLES_KEY = 'offerstream:roles';
export const PUBLIC_KEY = 'offerstream:public';

/** Any one of these roles may call the route (or every route of the controller). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Open without a key: health probes, and pages that carry no data. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** Who called, as the guard established it; `local-dev` when AUTH_MODE=off. */
export const CALLER_FIELD = 'offerstreamCaller';

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller | undefined => {
  const req = ctx.switchToHttp().getRequest<Record<string, unknown>>();
  return req[CALLER_FIELD] as Caller | undefined;
});
