import { sha256Hex } from '../common/sha256';

/** Throttling state is keyed by a hash of the normalised address, never by the address itself. */
export function addressKey(email: string): string {
  return sha256Hex(email);
}
