import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { MailerService } from '@nestjs-modules/mailer';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mailConfig } from '../config/mail.config';

/** What the password-reset email needs to say. */
export interface PasswordResetMail {
  to: string;
  link: string;
  expiresAt: Date;
}

/** What the "your password was changed" email needs to say. */
export interface PasswordChangedMail {
  to: string;
  changedAt: Date;
  /** Where the owner can start a reset if the change was not theirs. */
  forgotPasswordUrl: string;
}

type TemplateName = 'password-reset' | 'password-changed';

/**
 * Renders and sends the product's emails. It knows templates and addresses, nothing about accounts
 * or tokens. Every message is multipart/alternative: HTML through the mailer's Handlebars adapter, and
 * a plain-text part rendered here (the mailer's own text templates only substitute `{{key}}`).
 */
@Injectable()
export class MailService {
  private readonly handlebars = Handlebars.create();
  private readonly textTemplates = new Map<TemplateName, Handlebars.TemplateDelegate>();

  constructor(
    private readonly mailer: MailerService,
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
  ) {}

  sendPasswordReset(mail: PasswordResetMail): Promise<void> {
    return this.send('password-reset', mail.to, this.config.subjects.passwordReset, {
      link: mail.link,
      expiresAt: formatTime(mail.expiresAt),
      validForMinutes: Math.round((mail.expiresAt.getTime() - Date.now()) / 60_000),
    });
  }

  sendPasswordChanged(mail: PasswordChangedMail): Promise<void> {
    return this.send('password-changed', mail.to, this.config.subjects.passwordChanged, {
      changedAt: formatTime(mail.changedAt),
      forgotPasswordUrl: mail.forgotPasswordUrl,
    });
  }

  /** Whether the transport answers (SMTP `verify()`, or the dev mailbox folder is writable). */
  async verifyTransport(timeoutMs = 5000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>(
      (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
    );
    try {
      return await Promise.race([this.mailer.verifyAllTransporters(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Which kind of transport is configured, for `/health`. */
  get transportKind(): 'smtp' | 'dev-mailbox' {
    return this.config.transport.kind;
  }

  private async send(
    template: TemplateName,
    to: string,
    subject: string,
    context: Record<string, unknown>,
  ): Promise<void> {
    const fullContext = { ...context, appName: this.config.appName, subject };
    await this.mailer.sendMail({
      to,
      subject,
      template,
      context: fullContext,
      text: this.renderText(template, fullContext),
    });
  }

  private renderText(template: TemplateName, context: Record<string, unknown>): string {
    let compiled = this.textTemplates.get(template);
    if (!compiled) {
      const source = readFileSync(join(this.config.templatesDir, `${template}.text.hbs`), 'utf8');
      // Plain text: nothing to escape, and escaping would mangle `&` in links.
      compiled = this.handlebars.compile(source, { noEscape: true, strict: true });
      this.textTemplates.set(template, compiled);
    }
    return compiled(context);
  }
}

/** "Thursday, 26 November 2026 at 18:22 UTC": unambiguous for every reader. */
function formatTime(date: Date): string {
  return `${new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(date)} UTC`;
}
