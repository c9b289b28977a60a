import type { MailerService } from '@nestjs-modules/mailer';
import { PasswordResetMail, PasswordResetMailer } from './password-reset-mailer';

/**
 * The default mailer: the host's `MailerModule` (`@nestjs-modules/mailer`) carries each finished
 * message. The sender is the module's `from`, or else the mailer's `defaults.from`; nodemailer then
 * gives the message a `Message-ID` in that sender's domain, and signs it when the host's transport
 * has a `dkim` option. Only a type comes from the mailer package here: it is an optional peer,
 * loaded by {@link mailerProviders} for hosts that give no mailer of their own.
 */
export class MailerModuleMailer extends PasswordResetMailer {
  constructor(
    private readonly mailer: MailerService,
    private readonly from: string | undefined,
  ) {
    super();
  }

  async send(mail: PasswordResetMail): Promise<void> {
    await this.mailer.sendMail({
      to: mail.to,
      // Unset: the host mailer's `defaults.from`.
      ...(this.from ? { from: this.from } : {}),
      subject: mail.subject,
      headers: mail.headers,
      html: mail.html,
      text: mail.text,
    });
  }
}
