import { createHash } from 'node:crypto';
import { generateResetToken, hashResetToken } from './reset-token';

describe(generateResetToken.name, () => {
  it('should return 43 base64url characters', () => {
    expect(generateResetToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('should decode to 32 bytes', () => {
    expect(Buffer.from(generateResetToken(), 'base64url')).toHaveLength(32);
  });

  it('should return a different token on every call', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => generateResetToken()));

    expect(tokens.size).toBe(50);
  });
});

describe(hashResetToken.name, () => {
  const token = generateResetToken();

  it('should return 64 lower-case hex characters', () => {
    expect(hashResetToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should equal the SHA-256 hex digest of the token', () => {
    const expected = createHash('sha256').update(token, 'utf8').digest('hex');

    expect(hashResetToken(token)).toBe(expected);
  });

  it('should hash non-ASCII input as UTF-8', () => {
    const input = 'jeton-réinitialisation-🔑';
    const expected = createHash('sha256').update(Buffer.from(input, 'utf8')).digest('hex');

    expect(hashResetToken(input)).toBe(expected);
  });

  it('should differ from the token it hashes', () => {
    expect(hashResetToken(token)).not.toBe(token);
  });

  it('should give different hashes for different tokens', () => {
    expect(hashResetToken(token)).not.toBe(hashResetToken(generateResetToken()));
  });
});
