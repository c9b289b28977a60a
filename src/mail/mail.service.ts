import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { canonicalLocale, canonicalTimeZone, matchLocale } from '../i18n/locale-tags';
import { MAIL_KINDS, readMessages, SUBJECT_KEYS } from './mail-locales';
import { formatResetCode } from '../tokens/reset-code';
import { PasswordResetMailer, PasswordResetMailKind } from './password-reset-mailer';

/** Whom an email is for, and in which language and time zone it speaks to them. */
export interface MailRecipient {
  to: string;
  /** The account's stored locale (a BCP 47 tag), if any. */
  locale?: string | null;
  /** The account's IANA time zone, if any: dates are shown in it, else in UTC. */
  timeZone?: string | null;
  /** The supported locale of the request that asked for the email, for accounts with none stored. */
  requestLocale?: string | null;
}

/** What the password-reset email needs to say. */
export interface ResetLinkContent extends MailRecipient {
  link: string;
  expiresAt: Date;
  /** With `resetCode.enabled`: the one-time code sent beside the link (8 digits), and its end. */
  code?: string;
  codeExpiresAt?: Date;
}

/** What the "your password was changed" email needs to say. */
export interface PasswordChangedContent extends MailRecipient {
  changedAt: Date;
  /** Where the owner can start a reset if the change was not theirs. */
  forgotPasswordUrl: string;
}

/** What the email to the owner of an address someone tried to sign up with needs to say. */
export interface SignUpAttemptContent extends MailRecipient {
  attemptedAt: Date;
  /** Where the owner signs in, absolute. */
  signInUrl: string;
  /** Where the owner can ask for a reset link. */
  forgotPasswordUrl: string;
}

/** What the email to an address with no account needs to say. */
export interface UnknownRecipientContent extends MailRecipient {
  /** Where to create an account, if the host offers it. */
  signUpUrl?: string;
}

/** One locale's templates, compiled. */
interface CompiledLocale {
  layout: Handlebars.TemplateDelegate;
  emails: Map<PasswordResetMailKind, CompiledEmail>;
  /** `messages.json`, each text compiled (they may use the email's variables, such as `{{appName}}`). */
  messages: Map<string, Handlebars.TemplateDelegate>;
}

interface CompiledEmail {
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
}

/** What a body template hands to the layout besides its markup (filled by its helpers). */
interface BodySlots {
  preheader?: Handlebars.SafeString;
}

/** What every template of one message can reach through `@data`. */
interface RenderData {
  slots: BodySlots;
  locale: CompiledLocale;
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
 * Renders and sends the module's emails. It renders both parts itself, from the templates of the
 * recipient's locale (see {@link PasswordResetSettings.localeFolders}: a shared `layout.hbs` around
 * each email's `.hbs` body, a `.text.hbs` plain-text part, each named by the email's kind, and
 * `messages.json` for subjects and short texts, which templates insert with `{{t "key"}}`), and
 * hands the finished message to the {@link PasswordResetMailer}, which only carries it: so any mailer
 * works, the host's `MailerModule` whatever its template settings are or the host's own. It knows
 * templates and addresses, nothing about accounts or tokens. Every message is
 * multipart/alternative. Every template is compiled at start-up, so a broken one stops it.
 *
 * A body template may declare its preheader, the summary inboxes show after the subject, with
 * `{{#preheader}}…{{/preheader}}`; the layout places it, as `{{preheaderText}}`, hidden at the top of
 * the HTML (a `{{preheader}}` there would call the helper). Sender, `Message-ID` and signing are the
 * mailer's.
 */
@Injectable()
export class MailService {
  private readonly handlebars = Handlebars.create();
  private readonly locales = new Map<string, CompiledLocale>();
  private readonly supported: string[];
  private readonly dates = new DateFormats();

  constructor(
    private readonly mailer: PasswordResetMailer,
    @Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings,
  ) {
    // The block is written where the email's wording is (its body template), but shown by the
    // layout: it leaves nothing in the body and hands its rendered (escaped) text to the layout.
    this.handlebars.registerHelper(
      'preheader',
      function (this: unknown, options: Handlebars.HelperOptions): string {
        const slots = (options.data as RenderData).slots;
        slots.preheader = new Handlebars.SafeString(options.fn(this).trim());
        return '';
      },
    );
    // A short text of the locale's messages.json, rendered with the email's variables; the caller's
    // template escapes it (HTML) or not (text) as it does any value.
    this.handlebars.registerHelper('t', function (key: unknown, options: Handlebars.HelperOptions) {
      const { locale, root } = options.data as RenderData & { root: unknown };
      const message = typeof key === 'string' ? locale.messages.get(key) : undefined;
      if (!message) throw new Error(`messages.json has no key ${JSON.stringify(key)}`);
      return message(root);
    });
    for (const [locale, folder] of settings.localeFolders) {
      this.locales.set(locale, this.compile(folder));
    }
    this.supported = [...this.locales.keys()];
  }

  /** The locales emails can be written in (a host's `templatesDir` adds its own). */
  get supportedLocales(): readonly string[] {
    return this.supported;
  }

  /**
   * The locale an email to this recipient is written in: the closest to their stored locale
   * (`de-AT` → `de-AT/`, else `de/`), else to the locale of the request that asked, else the default.
   */
  localeFor(recipient: Pick<MailRecipient, 'locale' | 'requestLocale'>): string {
    return (
      matchLocale([recipient.locale, recipient.requestLocale], this.supported) ??
      this.settings.defaultLocale
    );
  }

  sendPasswordReset(mail: ResetLinkContent): Promise<void> {
    return this.send('password-reset', mail, {
      link: mail.link,
      expiresAt: mail.expiresAt,
      validForMinutes: Math.round((mail.expiresAt.getTime() - Date.now()) / 60_000),
      // Templates are strict: no code is an explicit empty one, which `{{#if code}}` leaves out.
      code: mail.code ? formatResetCode(mail.code) : '',
      codeValidForMinutes: mail.codeExpiresAt
        ? Math.round((mail.codeExpiresAt.getTime() - Date.now()) / 60_000)
        : 0,
    });
  }

  /** An invitation: "set your password", a link like a reset link's that lives longer. */
  sendInvite(mail: ResetLinkContent): Promise<void> {
    return this.send('invite', mail, {
      link: mail.link,
      expiresAt: mail.expiresAt,
    });
  }

  /** Someone tried to sign up with the owner's address: how to sign in, or reset, if it was them. */
  sendSignUpAttempt(mail: SignUpAttemptContent): Promise<void> {
    return this.send('sign-up-attempt', mail, {
      attemptedAt: mail.attemptedAt,
      signInUrl: mail.signInUrl,
      forgotPasswordUrl: mail.forgotPasswordUrl,
    });
  }

  /** To an address no account uses, after someone asked to reset its password: no link, nothing to do. */
  sendUnknownRecipient(mail: UnknownRecipientContent): Promise<void> {
    // Templates are strict: a missing sign-up page is an explicit empty value, not an absent one.
    return this.send('unknown-recipient', mail, { signUpUrl: mail.signUpUrl ?? '' });
  }

  sendPasswordChanged(mail: PasswordChangedContent): Promise<void> {
    return this.send('password-changed', mail, {
      changedAt: mail.changedAt,
      forgotPasswordUrl: mail.forgotPasswordUrl,
    });
  }

  private async send(
    kind: PasswordResetMailKind,
    recipient: MailRecipient,
    context: Record<string, unknown>,
  ): Promise<void> {
    const locale = this.localeFor(recipient);
    const compiled = this.locales.get(locale) as CompiledLocale;
    const values: Record<string, unknown> = { appName: this.settings.appName, locale };
    for (const [name, value] of Object.entries(context)) {
      values[name] =
        value instanceof Date
          ? this.dates.format(value, dateLocale(recipient.locale, locale), recipient.timeZone)
          : value;
    }
    const slots: BodySlots = {};
    const data: RenderData = { slots, locale: compiled };
    const subject = this.subject(kind, locale, compiled, values, data);
    const fullContext = { ...values, subject };
    const { html, text } = compiled.emails.get(kind) as CompiledEmail;
    const body = new Handlebars.SafeString(html(fullContext, { data }));
    // Awaited here, so a mailer that throws rather than rejects is a failed send all the same.
    await this.mailer.send({
      kind,
      to: recipient.to,
      locale,
      subject,
      // A copy: a mailer may add its own headers to what it is given.
      headers: { ...TRANSACTIONAL_HEADERS, 'Content-Language': locale },
      html: compiled.layout(
        { ...fullContext, preheaderText: slots.preheader ?? '', body },
        { data },
      ),
      text: text(fullContext, { data }),
    });
  }

  /** The `subjects` option speaks for the default locale; every other locale has its own. */
  private subject(
    kind: PasswordResetMailKind,
    locale: string,
    compiled: CompiledLocale,
    values: Record<string, unknown>,
    data: RenderData,
  ): string {
    const configured =
      kind === 'password-reset'
        ? this.settings.subjects.passwordReset
        : kind === 'password-changed'
          ? this.settings.subjects.passwordChanged
          : undefined;
    if (configured !== undefined && locale === this.settings.defaultLocale) return configured;
    return (compiled.messages.get(SUBJECT_KEYS[kind]) as Handlebars.TemplateDelegate)(values, {
      data,
    });
  }

  private compile(folder: string): CompiledLocale {
    const read = (file: string) => readFileSync(join(folder, file), 'utf8');
    const problems: string[] = [];
    const messages = new Map<string, Handlebars.TemplateDelegate>();
    for (const [key, message] of Object.entries(readMessages(folder, problems) ?? {})) {
      // Rendered as plain text; the template that inserts it escapes it where it is HTML.
      messages.set(key, this.handlebars.compile(message, { noEscape: true, strict: true }));
    }
    if (problems.length > 0) throw new Error(problems.join('; '));
    const emails = new Map<PasswordResetMailKind, CompiledEmail>();
    for (const kind of MAIL_KINDS) {
      emails.set(kind, {
        html: this.precompiled(read(`${kind}.hbs`), { strict: true }),
        // Plain text: nothing to escape, and escaping would mangle `&` in links.
        text: this.precompiled(read(`${kind}.text.hbs`), { noEscape: true, strict: true }),
      });
    }
    return { layout: this.precompiled(read('layout.hbs'), { strict: true }), emails, messages };
  }

  /** Compiled now rather than at first use, so a template with a syntax error stops start-up. */
  private precompiled(source: string, options: CompileOptions): Handlebars.TemplateDelegate {
    const template = this.handlebars.compile(source, options);
    this.handlebars.precompile(source, options);
    return template;
  }
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/**
 * The tag dates are written for: the account's own when it is of the email's language (`en-US`
 * writes December 5 in an English email), else the email's. Bare `en` writes day, month, year and a
 * 24-hour clock, as British English does: the order fewest readers misread.
 */
function dateLocale(accountLocale: string | null | undefined, emailLocale: string): string {
  const account = accountLocale ? canonicalLocale(accountLocale) : undefined;
  const language = (tag: string) => tag.split('-')[0].toLowerCase();
  const tag = account && language(account) === language(emailLocale) ? account : emailLocale;
  return tag === 'en' ? 'en-GB' : tag;
}

/**
 * Dates as a person reads them: "Samstag, 5. Dezember 2026 um 21:04 MEZ", the zone named (by its
 * abbreviation where the locale has one, else by its IANA name, never a bare offset). The formats are
 * kept: making one costs far more than using it.
 */
class DateFormats {
  /** Enough for every locale in use times the zones of its readers; cleared when full. */
  private static readonly MAX_KEPT = 500;
  private readonly formats = new Map<string, Intl.DateTimeFormat>();

  format(date: Date, locale: string, timeZone: string | null | undefined): string {
    const zone = (timeZone && canonicalTimeZone(timeZone)) ?? 'UTC';
    const parts = this.formatFor(locale, zone).formatToParts(date);
    return parts
      .map((part) =>
        // "GMT+1", "UTC+01:00": an offset that is right today but names no place.
        part.type === 'timeZoneName' && /^(GMT|UTC)[+\-\u2212]/.test(part.value)
          ? zone
          : part.value,
      )
      .join('');
  }

  private formatFor(locale: string, timeZone: string): Intl.DateTimeFormat {
    const key = `${locale} ${timeZone}`;
    let format = this.formats.get(key);
    if (!format) {
      if (this.formats.size >= DateFormats.MAX_KEPT) this.formats.clear();
      format = new Intl.DateTimeFormat(locale, {
        weekday: 'long',
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone,
        timeZoneName: 'short',
      });
      this.formats.set(key, format);
    }
    return format;
  }
}
