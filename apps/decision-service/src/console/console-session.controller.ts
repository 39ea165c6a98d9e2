import { Controller, Get } from '@nestjs/common';
import { CurrentCaller, ROLES, Roles, type Caller, type Role } from '@offerstream/platform';

export interface ConsoleSession {
  /** The key's name as configured (never the key), or null when the service runs with AUTH_MODE=off. */
  readonly name: string | null;
  readonly roles: readonly Role[];
}

/**
 * Who the console is signed in as: any known key may ask, so the page can say which key it holds and offer changes
 * only to keys with `admin`. It only saves a refused click: every change is still checked by the route it calls.
 */
@Controller('console')
@Roles(...ROLES)
export class ConsoleSessionController {
  @Get('session')
  session(@CurrentCaller() caller?: Caller): ConsoleSession {
    // No caller only with AUTH_MODE=off, where every route is open to everyone.
    if (!caller) return { name: null, roles: [...ROLES] };
    return { name: caller.name, roles: ROLES.filter((r) => caller.roles.has(r)) };
  }
}
