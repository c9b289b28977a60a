import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { PASSWORD_RESET_SETTINGS } from '../../password-reset.constants';
import type { PasswordResetSettings } from '../../password-reset.options';

/**
 * Keys for per-address state (cooldowns, daily caps, login counts), so that the tables never hold an
 * address nor anything a dictionary of addresses could be hashed against: HMAC-SHA-256 under a key
 * derived with HKDF from the configured secret (`addressKeySecret`, else the JWT secret of the
 * built-in accounts). Without either, a random secret for this instance serves, with a warning: the
 * counts then start afresh at every restart and are not shared between instances.
 */
@Injectable()
export class AddressKeys {
  private readonly key: Buffer;

  constructor(@Inject(PASSWORD_RESET_SETTINGS) settings: PasswordResetSettings) {
    let secret = settings.addressKeySecret?.reveal();
    if (secret === undefined) {
      secret = randomBytes(48).toString('base64url');
      new Logger(AddressKeys.name).warn(
        'No addressKeySecret (or jwt.secret) configured: per-address limits use a random key for this instance; their counts restart with it and differ between instances',
      );
    }
    this.key = Buffer.from(
      hkdfSync('sha256', secret, 'nest-password-reset', 'per-address keys', 32),
    );
  }

  /** The key of a normalised address, optionally narrowed to a scope (such as a client network). */
  of(email: string, scope?: string): string {
    const hmac = createHmac('sha256', this.key).update(email, 'utf8');
    if (scope !== undefined) hmac.update(`\u0000${scope}`, 'utf8');
    return hmac.digest('hex');
  }
}
