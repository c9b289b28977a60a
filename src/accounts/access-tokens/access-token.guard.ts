import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PasswordResetError, PasswordResetErrorCode } from '../../errors/password-reset-error';
import { AccessTokenService } from './access-token.service';
import { UserAccount } from '../user-account.entity';

/** A request that passed {@link AccessTokenGuard}. */
export interface AuthenticatedRequest extends Request {
  user: UserAccount;
}

/**
 * The OpenAPI security scheme of the routes behind {@link AccessTokenGuard}: named for the token it
 * takes, so that neither a client nor a host's own `bearer` scheme mistakes it for another token.
 */
export const ACCESS_TOKEN_SCHEME = 'accessToken';

/** Lets a request through only with a live `Authorization: Bearer <token>`. */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new PasswordResetError(
        PasswordResetErrorCode.Unauthenticated,
        'A valid access token is required',
      );
    }
    request.user = await this.tokens.authenticate(token);
    return true;
  }
}
