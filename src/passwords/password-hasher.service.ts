import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';

/**
 * Stored for an account that has no password yet (invited by the host): no password verifies
 * against it, so the account cannot log in until a reset link sets one. Not an argon2 hash, and not
 * one any hash can equal.
 */
export const NO_PASSWORD_HASH = '!no-password';

/** argon2id hashing at the configured cost. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private readonly options: argon2.HashOptions & { raw?: false };
  /** A real hash of a random secret, verified against when an account does not exist. */
  private dummyHash: string;

  constructor(@Inject(PASSWORD_RESET_SETTINGS) settings: PasswordResetSettings) {
    this.options = { type: argon2.argon2id, ...settings.argon2 };
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(32).toString('base64url'));
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  /** False for a malformed hash as well as for a wrong password. */
  async verify(hash: string, password: string): Promise<boolean> {
    // The same work as a wrong password, so a login cannot tell an invited account from another.
    if (hash === NO_PASSWORD_HASH) return this.verifyDummy(password);
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same work as a real verify so that "no such account" takes as long as "wrong password".
   * Always false.
   */
  async verifyDummy(password: string): Promise<false> {
    await this.verify(this.dummyHash, password);
    return false;
  }

  /** True when the hash is not argon2id or was made with other parameters than the configured ones. */
  needsRehash(hash: string): boolean {
    // argon2's own check compares costs and version only, not the variant.
    if (!hash.startsWith('$argon2id$')) return true;
    try {
      return argon2.needsRehash(hash, this.options);
    } catch {
      return true;
    }
  }
}
