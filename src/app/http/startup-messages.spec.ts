import { startupMessages } from './startup-messages';

const devMailbox = { transport: { kind: 'dev-mailbox', dir: '/tmp/mailbox' } } as const;
const smtp = {
  transport: {
    kind: 'smtp',
    host: 'smtp.example.com',
    port: 587,
    secure: false,
    requireTls: true,
    poolSize: 5,
    timeoutMs: 10_000,
  },
} as const;
const loopback = { address: '127.0.0.1', port: 3000 };

describe(startupMessages.name, () => {
  it('should say where it listens and print the mailbox URL outside production with the dev mailbox', () => {
    expect(
      startupMessages(loopback, { isProduction: false, swaggerEnabled: true }, devMailbox),
    ).toEqual([
      'Listening on 127.0.0.1, port 3000: http://127.0.0.1:3000 (Swagger UI at /docs)',
      'Dev mailbox (this machine only): http://127.0.0.1:3000/dev/mailbox',
    ]);
  });

  it('should not mention the mailbox when mail goes over SMTP', () => {
    expect(
      startupMessages(
        { address: '127.0.0.1', port: 8080 },
        { isProduction: false, swaggerEnabled: true },
        smtp,
      ),
    ).toEqual(['Listening on 127.0.0.1, port 8080: http://127.0.0.1:8080 (Swagger UI at /docs)']);
  });

  it('should mention neither the mailbox nor Swagger UI in production without them', () => {
    expect(
      startupMessages(loopback, { isProduction: true, swaggerEnabled: false }, devMailbox),
    ).toEqual(['Listening on 127.0.0.1, port 3000: http://127.0.0.1:3000']);
  });

  it('should say so when it listens on every interface', () => {
    for (const address of ['::', '0.0.0.0']) {
      expect(
        startupMessages(
          { address, port: 3000 },
          { isProduction: true, swaggerEnabled: false },
          smtp,
        ),
      ).toEqual([`Listening on every interface (${address}), port 3000: http://localhost:3000`]);
    }
  });

  it('should bracket an IPv6 address in the URL', () => {
    expect(
      startupMessages(
        { address: '::1', port: 3000 },
        { isProduction: true, swaggerEnabled: false },
        smtp,
      ),
    ).toEqual(['Listening on ::1, port 3000: http://[::1]:3000']);
  });
});
