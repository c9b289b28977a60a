import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PasswordResetError, PasswordResetErrorCode } from '../../errors/password-reset-error';
import { AccessTokenService } from './access-token.service';
import { UserAccount } from '../user-account.entity';

/** A request that passed {@link AccessTokenGuard}. */
export interface AuthenticatedRequest extends Request {
  user: UserAccount;
}

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
