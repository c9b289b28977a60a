import { createHash } from 'node:crypto';

/** Lower-case hex SHA-256 of a UTF-8 string: how tokens, addresses and throttle keys are stored. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
