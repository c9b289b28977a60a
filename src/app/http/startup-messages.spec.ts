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

describe(startupMessages.name, () => {
  it('should print the mailbox URL outside production with the dev mailbox', () => {
    expect(
      startupMessages(3000, { isProduction: false, swaggerEnabled: true }, devMailbox),
    ).toEqual([
      'Listening on http://localhost:3000 (Swagger UI at /docs)',
      'Dev mailbox: http://localhost:3000/dev/mailbox',
    ]);
  });

  it('should not mention the mailbox when mail goes over SMTP', () => {
    expect(startupMessages(8080, { isProduction: false, swaggerEnabled: true }, smtp)).toEqual([
      'Listening on http://localhost:8080 (Swagger UI at /docs)',
    ]);
  });

  it('should mention neither the mailbox nor Swagger UI in production without them', () => {
    expect(
      startupMessages(3000, { isProduction: true, swaggerEnabled: false }, devMailbox),
    ).toEqual(['Listening on http://localhost:3000']);
  });
});
