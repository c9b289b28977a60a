import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './access-token.guard';
import { UserAccount } from '../user-account.entity';

/** The account that {@link AccessTokenGuard} authenticated. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): UserAccount =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
