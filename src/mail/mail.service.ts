import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { PasswordResetMailer, PasswordResetMailKind } from './password-reset-mailer';

/** What the password-reset email needs to say. */
export interface ResetLinkContent {
  to: string;
  link: string;
  expiresAt: Date;
}

/** What the "your password was changed" email needs to say. */
export interface PasswordChangedContent {
  to: string;
  changedAt: Date;
  /** Where the owner can start a reset if the change was not theirs. */
  forgotPasswordUrl: string;
}

interface CompiledEmail {
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
}

/** What a body template hands to the layout besides its markup (filled by its helpers). */
interface BodySlots {
  preheader?: Handlebars.SafeString;
}

/**
 * On every message. They mark it as sent by a program, not a person: mail servers send no vacation
 * replies or other automatic answers to it (RFC 3834; the second header is Exchange's own), and
 * filters that look for them treat it as transactional mail.
 */
const TRANSACTIONAL_HEADERS = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
};

/**
 * Renders and sends the module's emails. It renders both parts itself, from its own templates
 * directory (a shared `layout.hbs` around each email's `.hbs` body, and a `.text.hbs` plain-text
 * part; each email's templates are named by its kind), and hands the finished message to the
 * {@link PasswordResetMailer}, which only carries it: so any mailer works, the host's `MailerModule`
 * whatever its template settings are or the host's own. It knows templates and addresses, nothing
 * about accounts or tokens. Every message is multipart/alternative.
 *
 * A body template may declare its preheader, the summary inboxes show after the subject, with
 * `{{#preheader}}…{{/preheader}}`; the layout places it, as `{{preheaderText}}`, hidden at the top of
 * the HTML (a `{{preheader}}` there would call the helper). Sender, `Message-ID` and signing are the
 * mailer's.
 */
@Injectable()
export class MailService {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<PasswordResetMailKind, CompiledEmail>();
  private layout?: Handlebars.TemplateDelegate;

  constructor(
    private readonly mailer: PasswordResetMailer,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
  ) {
    // The block is written where the email's wording is (its body template), but shown by the
    // layout: it leaves nothing in the body and hands its rendered (escaped) text to the layout.
    this.handlebars.registerHelper(
      'preheader',
      function (this: unknown, options: Handlebars.HelperOptions): string {
        const slots = (options.data as { slots?: BodySlots }).slots;
        if (slots) slots.preheader = new Handlebars.SafeString(options.fn(this).trim());
        return '';
      },
    );
  }

  sendPasswordReset(mail: ResetLinkContent): Promise<void> {
    return this.send('password-reset', mail.to, this.settings.subjects.passwordReset, {
      link: mail.link,
      expiresAt: formatTime(mail.expiresAt),
      validForMinutes: Math.round((mail.expiresAt.getTime() - Date.now()) / 60_000),
    });
  }

  sendPasswordChanged(mail: PasswordChangedContent): Promise<void> {
    return this.send('password-changed', mail.to, this.settings.subjects.passwordChanged, {
      changedAt: formatTime(mail.changedAt),
      forgotPasswordUrl: mail.forgotPasswordUrl,
    });
  }

  private async send(
    kind: PasswordResetMailKind,
    to: string,
    subject: string,
    context: Record<string, unknown>,
  ): Promise<void> {
    const fullContext = { ...context, appName: this.settings.appName, subject };
    const { html, text } = this.templates(kind);
    const slots: BodySlots = {};
    const body = new Handlebars.SafeString(html(fullContext, { data: { slots } }));
    // Awaited here, so a mailer that throws rather than rejects is a failed send all the same.
    await this.mailer.send({
      kind,
      to,
      subject,
      // A copy: a mailer may add its own headers to what it is given.
      headers: { ...TRANSACTIONAL_HEADERS },
      html: this.layoutTemplate()({ ...fullContext, preheaderText: slots.preheader ?? '', body }),
      text: text(fullContext),
    });
  }

  private templates(name: PasswordResetMailKind): CompiledEmail {
    let compiled = this.compiled.get(name);
    if (!compiled) {
      compiled = {
        html: this.handlebars.compile(this.read(`${name}.hbs`), { strict: true }),
        // Plain text: nothing to escape, and escaping would mangle `&` in links.
        text: this.handlebars.compile(this.read(`${name}.text.hbs`), {
          noEscape: true,
          strict: true,
        }),
      };
      this.compiled.set(name, compiled);
    }
    return compiled;
  }

  private layoutTemplate(): Handlebars.TemplateDelegate {
    this.layout ??= this.handlebars.compile(this.read('layout.hbs'), { strict: true });
    return this.layout;
  }

  private read(file: string): string {
    return readFileSync(join(this.settings.templatesDir, file), 'utf8');
  }
}

// Built once: constructing a DateTimeFormat costs far more than formatting with it.
const TIME_FORMAT = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'full',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/** "Thursday, 26 November 2026 at 18:22 UTC": unambiguous for every reader. */
function formatTime(date: Date): string {
  return `${TIME_FORMAT.format(date)} UTC`;
}
