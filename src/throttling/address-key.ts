import { createHash } from 'node:crypto';

/** Throttling state is keyed by a hash of the normalised address, never by the address itself. */
export function addressKey(email: string): string {
  return createHash('sha256').update(email, 'utf8').digest('hex');
}
