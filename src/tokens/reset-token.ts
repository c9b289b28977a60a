import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../common/sha256';

/** 32 random bytes → 43 base64url characters. */
export function generateResetToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores and looks up: lower-case hex SHA-256 of the raw token. */
export function hashResetToken(token: string): string {
  return sha256Hex(token);
}
