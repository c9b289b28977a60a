import { format, inspect } from 'node:util';
import { Secret } from './secret';

describe(Secret.name, () => {
  const value = 's3cr3t-smtp-password';
  const secret = new Secret(value);

  it('should print [redacted] through String()', () => {
    expect(String(secret)).toBe('[redacted]');
  });

  it('should print [redacted] in a template literal', () => {
    // The point of this test is interpolating a Secret, which the lint rule exists to discourage.
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions
    expect(`password=${secret}`).toBe('password=[redacted]');
  });

  it('should serialise to "[redacted]" with JSON.stringify', () => {
    expect(JSON.stringify(secret)).toBe('"[redacted]"');
  });

  it('should serialise to "[redacted]" when nested in an object', () => {
    const json = JSON.stringify({ smtp: { host: 'mail.example.com', password: secret } });

    expect(json).toBe('{"smtp":{"host":"mail.example.com","password":"[redacted]"}}');
    expect(json).not.toContain(value);
  });

  it('should print [redacted] through util.inspect, alone and nested', () => {
    expect(inspect(secret)).toBe('[redacted]');
    const nested = inspect({ password: secret }, { depth: 5 });
    expect(nested).toContain('[redacted]');
    expect(nested).not.toContain(value);
  });

  it('should print [redacted] through console-style formatting', () => {
    for (const directive of ['%o', '%O', '%s']) {
      const printed = format(directive, { password: secret });
      expect(printed).toContain('[redacted]');
      expect(printed).not.toContain(value);
    }
    expect(format('%o', secret)).not.toContain(value);
  });

  it('should return the plain value from reveal()', () => {
    expect(secret.reveal()).toBe(value);
  });
});
