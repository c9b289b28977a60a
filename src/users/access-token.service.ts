import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { authConfig } from '../config/auth.config';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { User } from './user.entity';
import { UsersService } from './users.service';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `900`, `900s`, `15m`, `12h`, `7d` → seconds. The format is checked at start-up. */
export function durationToSeconds(value: string): number {
  const match = /^(\d+)([smhd])?$/.exec(value);
  if (!match) throw new Error(`Not a duration: ${value}`);
  return Number(match[1]) * UNITS[match[2] ?? 's'];
}

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

/** Signs and checks access tokens; a token dies when its account's password changes. */
@Injectable()
export class AccessTokenService {
  private readonly expiresIn: number;

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
  ) {
    this.expiresIn = durationToSeconds(config.jwtExpiresIn);
  }

  async issue(user: User): Promise<AccessToken> {
    const claims: AccessTokenClaims = { sub: user.id, ver: user.tokenVersion };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.expiresIn });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.expiresIn };
  }

  /** The account behind a token, or an `Unauthenticated` error (bad, expired, stale or orphaned token). */
  async authenticate(token: string): Promise<User> {
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

function unauthenticated(): DomainError {
  return new DomainError(DomainErrorCode.Unauthenticated, 'A valid access token is required');
}
