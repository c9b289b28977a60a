import { OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import type { SmtpTestServer } from '../../../support/smtp-test-server';

/** What the monolith's own mail service was asked to send, for the test to look at. */
export interface SentByMonolith {
  kind: string;
  to: string;
}

/** The monolith's own mail service: plain nodemailer, not `@nestjs-modules/mailer`. */
export class MonolithMailService implements OnModuleDestroy {
  readonly sent: SentByMonolith[] = [];
  private readonly transport: Transporter;

  constructor(smtp: SmtpTestServer) {
    const env = smtp.env();
    this.transport = createTransport({
      host: env.SMTP_HOST,
      port: Number(env.SMTP_PORT),
      secure: false,
      ignoreTLS: true,
      auth: { user: env.SMTP_USER, pass: env.SMTP_PASSWORD },
    });
  }

  async send(message: {
    kind: string;
    to: string;
    subject: string;
    html: string;
    text: string;
    headers: Record<string, string>;
  }): Promise<void> {
    await this.transport.sendMail({
      from: '"Monolith" <no-reply@monolith.example>',
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      headers: message.headers,
    });
    this.sent.push({ kind: message.kind, to: message.to });
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
