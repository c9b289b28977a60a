import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createHmac, hkdfSync } from 'node:crypto';
import { authConfig } from '../config/auth.config';

/**
 * Keys for per-address state (cooldowns, daily caps, login counts), so that the tables never hold an
 * address nor anything a dictionary of addresses could be hashed against: HMAC-SHA-256 under a key
 * derived with HKDF from `JWT_SECRET` (the per-process secret outside production). A new secret starts
 * every count afresh, which is harmless: they are short-lived limits.
 */
@Injectable()
export class AddressKeys {
  private readonly key: Buffer;

  constructor(@Inject(authConfig.KEY) config: ConfigType<typeof authConfig>) {
    this.key = Buffer.from(
      hkdfSync('sha256', config.jwtSecret.reveal(), 'nest-password-reset', 'per-address keys', 32),
    );
  }

  /** The key of a normalised address, optionally narrowed to a scope (such as a client network). */
  of(email: string, scope?: string): string {
    const hmac = createHmac('sha256', this.key).update(email, 'utf8');
    if (scope !== undefined) hmac.update(`\u0000${scope}`, 'utf8');
    return hmac.digest('hex');
  }
}
