import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { PasswordResetError, PasswordResetErrorCode } from '../../errors/password-reset-error';
import { PASSWORD_RESET_SETTINGS } from '../../password-reset.constants';
import type { PasswordResetSettings } from '../../password-reset.options';
import { UserAccount } from '../user-account.entity';
import { UserAccountsService } from '../user-accounts.service';

interface AccessTokenClaims {
  sub: string;
  /** The account's `token_version` when the token was issued. */
  ver: number;
}

/** Issued access token, as the login endpoint returns it. */
export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** HS256 signing for the built-in accounts' access tokens, with the configured or a per-process secret. */
export function createJwtService(settings: PasswordResetSettings): JwtService {
  let secret = settings.jwt.secret?.reveal();
  if (secret === undefined) {
    secret = randomBytes(48).toString('base64url');
    new Logger(AccessTokenService.name).warn(
      'No jwt.secret configured: access tokens are signed with a random secret for this instance and will not survive a restart',
    );
  }
  return new JwtService({ secret, signOptions: { algorithm: 'HS256' } });
}

/** Signs and checks access tokens; a token dies when its account's password changes. */
@Injectable()
export class AccessTokenService {
  private readonly expiresIn: number;

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UserAccountsService,
    @Inject(PASSWORD_RESET_SETTINGS) settings: PasswordResetSettings,
  ) {
    this.expiresIn = settings.jwt.expiresIn;
  }

  async issue(user: UserAccount): Promise<AccessToken> {
    const claims: AccessTokenClaims = { sub: user.id, ver: user.tokenVersion };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.expiresIn });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.expiresIn };
  }

  /** The account behind a token, or an `Unauthenticated` error (bad, expired, stale or orphaned token). */
  async authenticate(token: string): Promise<UserAccount> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw unauthenticated();
    }
    if (typeof claims.sub !== 'string' || typeof claims.ver !== 'number') throw unauthenticated();
    const user = await this.users.findById(claims.sub);
    if (!user || user.tokenVersion !== claims.ver) throw unauthenticated();
    return user;
  }
}

function unauthenticated(): PasswordResetError {
  return new PasswordResetError(
    PasswordResetErrorCode.Unauthenticated,
    'A valid access token is required',
  );
}
