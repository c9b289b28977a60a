import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the test server accepted, parsed, with its raw bytes and the envelope. */
export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  envelopeTo: string[];
  user: string | undefined;
}

/**
 * A real SMTP server on 127.0.0.1 with AUTH required (PLAIN/LOGIN), collecting what it receives.
 * Lets tests read mail exactly as a mail provider would get it.
 */
export class SmtpTestServer {
  static readonly USER = 'mailer';
  static readonly PASSWORD = 'smtp-secret-Xq81-for-tests';

  readonly received: ReceivedMail[] = [];
  /** Every AUTH command the server saw, accepted or not (to prove none was made without TLS). */
  authAttempts = 0;
  /** Messages whose data has started to arrive (a send under way), accepted or not yet. */
  dataStarted = 0;
  private readonly waiters: (() => void)[] = [];
  private server?: SMTPServer;

  /**
   * @param port a fixed port, so the service can be pointed at a server that is not up yet
   * @param acceptDelayMs how long each message takes to be accepted (a slow provider)
   */
  constructor(
    public port = 0,
    private readonly acceptDelayMs = 0,
  ) {}

  async start(port = this.port): Promise<this> {
    this.server = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        this.authAttempts++;
        if (auth.username === SmtpTestServer.USER && auth.password === SmtpTestServer.PASSWORD) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
      onData: (stream, session, callback) => {
        this.dataStarted++;
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed) => {
              // A message counts as received once the server has accepted it.
              setTimeout(() => {
                this.received.push({
                  raw,
                  parsed,
                  envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                  user: session.user as string | undefined,
                });
                this.waiters.splice(0).forEach((wake) => wake());
                callback();
              }, this.acceptDelayMs);
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Mail sent to `address` so far. */
  mailTo(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.envelopeTo.includes(address));
  }

  /** Waits until `count` messages to `address` have arrived (or fails after `timeoutMs`). */
  async waitForMail(address: string, count = 1, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.mailTo(address).length < count) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(
          `Expected ${count} message(s) to ${address}, got ${this.mailTo(address).length}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.mailTo(address);
  }

  /** Environment variables pointing the service at this server. */
  env(): Record<string, string> {
    return {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(this.port),
      SMTP_SECURE: 'false',
      // This server offers no TLS at all; production would otherwise refuse to send to it.
      SMTP_REQUIRE_TLS: 'false',
      SMTP_USER: SmtpTestServer.USER,
      SMTP_PASSWORD: SmtpTestServer.PASSWORD,
      MAIL_FROM: '"Test Product" <no-reply@test.example>',
    };
  }
}

/** The reset token in a reset email's text part. */
export function extractResetToken(mail: ReceivedMail): string {
  const match = /#token=([A-Za-z0-9_-]+)/.exec(mail.parsed.text ?? '');
  if (!match) throw new Error('No reset link in the text part');
  return match[1];
}
