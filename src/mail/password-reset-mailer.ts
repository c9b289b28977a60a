/** Which of the module's emails a message is; later kinds join this union. */
export type PasswordResetMailKind =
  'password-reset' | 'password-changed' | 'invite' | 'sign-up-attempt' | 'unknown-recipient';

/**
 * One of the module's emails, finished: rendered from the module's templates, subject and both parts
 * ready. A mailer only carries it.
 */
export interface PasswordResetMail {
  /** Which email this is (for the mailer's own logs or routing; the content is already final). */
  kind: PasswordResetMailKind;
  /** The recipient's address, as the users port stores it. */
  to: string;
  /**
   * The locale it is written in (a tag the module has templates for, such as `de`); also in its
   * `<html lang>` and its `Content-Language` header.
   */
  locale: string;
  subject: string;
  /** The HTML part, a complete document. */
  html: string;
  /** The plain-text part; it holds the full link. */
  text: string;
  /**
   * Headers to send as given: `Auto-Submitted: auto-generated` and `X-Auto-Response-Suppress: All`,
   * which keep vacation replies and other automatic answers away, and `Content-Language`.
   */
  headers: Record<string, string>;
}

/**
 * Sends the module's emails: give `forRoot`/`forRootAsync` a class extending it as `mailer` to send
 * through the host's own mail service. Without it the module sends through the host's `MailerModule`
 * (`@nestjs-modules/mailer`).
 *
 * The class is a provider of the module: it may inject what the module can reach (global providers,
 * and the exports of the `imports` given to `forRootAsync`).
 *
 * What the mailer decides: the sender (`From`; the module's `from` option is for the `MailerModule`
 * default only, and start-up refuses it beside a `mailer`), `Message-ID` and `Date` (best in the
 * sender's domain, as nodemailer makes them), DKIM signing, and any `List-*` or tracking headers (the
 * module sets none: these emails are transactional). Send `headers` unchanged and both parts as
 * `multipart/alternative`.
 *
 * A `send` that rejects is a failed attempt: the module retries it with backoff until
 * `delivery.maxAttempts` or the link's lifetime runs out, as with the default mailer. Resolve only
 * once the message is accepted for delivery; there is no need to retry inside `send` (the queue does,
 * and records each failure without addresses).
 */
export abstract class PasswordResetMailer {
  /** Sends one finished message; rejects if it was not accepted. */
  abstract send(mail: PasswordResetMail): Promise<void>;
}
