import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './access-token.guard';
import { UserAccount } from '../user-account.entity';

/**
 * How a handler declares the account from {@link CurrentUser}: the entity's shape, not its class. A
 * host's global `ValidationPipe` with `validateCustomDecorators` would otherwise validate the entity
 * (which has no validation rules) and refuse every request with its own error; for this type
 * TypeScript records `Object`, which such a pipe leaves alone (see `Valid` in `valid-body.decorator.ts`).
 */
export type CurrentAccount = Readonly<UserAccount>;

/** The account that {@link AccessTokenGuard} authenticated. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CurrentAccount =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
