import { ISendMailOptions, MailerOptions, MailerService } from '@nestjs-modules/mailer';
import { createTransport } from 'nodemailer';
import Handlebars from 'handlebars';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_LOCALES } from '../i18n/shipped-locales';
import { PasswordResetModuleOptions, resolvePasswordResetOptions } from '../password-reset.options';
import { MailRecipient, MailService } from './mail.service';
import { MailerModuleMailer } from './mailer-module.mailer';
import { PasswordResetMail, PasswordResetMailer } from './password-reset-mailer';

/** Records what is handed to the host's `MailerService`; the mailer itself is not under test here. */
class RecordingMailerService {
  readonly sent: ISendMailOptions[] = [];

  sendMail(options: ISendMailOptions): Promise<void> {
    this.sent.push(options);
    return Promise.resolve();
  }
}

/** A host's own mailer, recording the finished messages it is given. */
class RecordingHostMailer extends PasswordResetMailer {
  readonly sent: PasswordResetMail[] = [];

  send(mail: PasswordResetMail): Promise<void> {
    this.sent.push(mail);
    return Promise.resolve();
  }
}

const ACME: PasswordResetModuleOptions = {
  frontendUrl: 'https://acme.example',
  appName: 'Acme',
  from: 'no-reply@acme.example',
  subjects: {
    passwordReset: 'Reset your {{appName}} password',
    passwordChanged: '{{ appName }}: password changed',
  },
};

/** The service over the default mailer, with the host's `MailerService` recording. */
function serviceWith(options: Partial<PasswordResetModuleOptions> = {}) {
  const mailer = new RecordingMailerService();
  const settings = resolvePasswordResetOptions({ ...ACME, ...options }, false);
  const service = new MailService(
    new MailerModuleMailer(mailer as unknown as MailerService, settings.from),
    settings,
  );
  return { service, mailer };
}

const settingsOf = (options: PasswordResetModuleOptions) =>
  resolvePasswordResetOptions(options, false);

/** A part of the message, which the service renders as a string. */
function asText(part: unknown): string {
  expect(typeof part).toBe('string');
  return part as string;
}

/** How Handlebars writes a value into HTML (it escapes `&` and `=`, among others). */
const inHtml = (value: string): string => Handlebars.escapeExpression(value);

describe(MailService.name, () => {
  // `&` and `=` are escaped in HTML: the text part must still carry them byte for byte.
  const link = 'https://acme.example/reset-password#token=abc_DEF-123&x';
  const when = new Date(Date.UTC(2030, 0, 2, 3, 4));
  const whenText = 'Wednesday, 2 January 2030 at 03:04 UTC';

  describe('sendPasswordReset', () => {
    it('should send one message to the address with the configured subject, its {{appName}} replaced', async () => {
      const { service, mailer } = serviceWith();

      await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });

      expect(mailer.sent).toHaveLength(1);
      const [mail] = mailer.sent;
      expect(mail.to).toBe('a@acme.example');
      expect(mail.subject).toBe('Reset your Acme password');
      expect(mail.from).toBe('no-reply@acme.example');
      // The module renders both parts itself: nothing is left to the host's template adapter.
      expect(mail).not.toHaveProperty('template');
      expect(mail).not.toHaveProperty('context');
    });

    it('should render the HTML body inside the layout, with the app name as its header and the link', async () => {
      const { service, mailer } = serviceWith();

      await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });

      const html = asText(mailer.sent[0].html);
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).toContain('<title>Reset your Acme password</title>');
      expect(html).toMatch(/font-weight:bold; color:#1f2933;">Acme<\/td>/);
      expect(html).toContain(`href="${inHtml(link)}"`);
      expect(html).toContain('Reset your password</a>');
      expect(html).toContain(`expires on <strong>${whenText}</strong>`);
      // The body sits inside the layout once, as markup, not as escaped text.
      expect(html.indexOf('<body')).toBeLessThan(html.indexOf('Someone asked to reset'));
      expect(html).not.toContain('&lt;p');
      expect(html).toContain('We will never ask you for your password by email.');
    });

    it('should put the full link, unescaped, and the expiry time into the text part', async () => {
      const { service, mailer } = serviceWith();

      await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });

      const text = asText(mailer.sent[0].text);
      expect(text.startsWith('Acme\n')).toBe(true);
      expect(text).toContain(`\n${link}\n`);
      expect(text).toContain(`expires on ${whenText}`);
      expect(text).not.toContain('<');
    });
  });

  describe('sendPasswordChanged', () => {
    it('should say when the password changed and where to go if it was not them, in both parts', async () => {
      const { service, mailer } = serviceWith();
      const forgotPasswordUrl = 'https://acme.example/reset-password';

      await service.sendPasswordChanged({
        to: 'a@acme.example',
        changedAt: when,
        forgotPasswordUrl,
      });

      expect(mailer.sent).toHaveLength(1);
      const [mail] = mailer.sent;
      expect(mail.to).toBe('a@acme.example');
      expect(mail.subject).toBe('Acme: password changed');
      expect(mail.from).toBe('no-reply@acme.example');
      const html = asText(mail.html);
      expect(html).toContain('<title>Acme: password changed</title>');
      expect(html).toMatch(/font-weight:bold; color:#1f2933;">Acme<\/td>/);
      expect(html).toContain(`changed on <strong>${whenText}</strong>`);
      expect(html).toContain(`href="${inHtml(forgotPasswordUrl)}"`);
      const text = asText(mail.text);
      expect(text).toContain(`changed on ${whenText}.`);
      expect(text).toContain('If this was not you');
      expect(text).toContain(forgotPasswordUrl);
    });
  });

  describe('sendUnknownRecipient', () => {
    it('should tell the address no account uses it, with no link but the sign-up page when there is one', async () => {
      const { service, mailer } = serviceWith();
      const signUpUrl = 'https://acme.example/sign-up?from=email&x=1';

      await service.sendUnknownRecipient({ to: 'nobody@acme.example' });
      await service.sendUnknownRecipient({ to: 'nobody@acme.example', signUpUrl });

      const [plain, withSignUp] = mailer.sent;
      expect(plain.to).toBe('nobody@acme.example');
      expect(plain.subject).toBe('Acme: no account uses this email address');
      for (const part of [asText(plain.html), asText(plain.text)]) {
        expect(part).toContain('No Acme account uses this address');
        expect(part).not.toMatch(/https?:\/\//);
      }
      expect(asText(withSignUp.html)).toContain(`href="${inHtml(signUpUrl)}"`);
      expect(asText(withSignUp.text)).toContain(`\n${signUpUrl}\n`);
    });

    it("should write in the request's language, else the default locale", async () => {
      const { service, mailer } = serviceWith();

      await service.sendUnknownRecipient({ to: 'nobody@acme.example', requestLocale: 'es' });
      await service.sendUnknownRecipient({ to: 'nobody@acme.example', requestLocale: 'ja' });

      const [spanish, fallback] = mailer.sent;
      expect(spanish.subject).toBe('Acme: ninguna cuenta usa esta dirección de correo');
      expect(spanish.headers).toMatchObject({ 'Content-Language': 'es' });
      expect(fallback.headers).toMatchObject({ 'Content-Language': 'en' });
    });
  });

  it('should mark both emails as automatic, so no vacation reply or other auto-answer comes back', async () => {
    const { service, mailer } = serviceWith();

    await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });
    await service.sendPasswordChanged({
      to: 'a@acme.example',
      changedAt: when,
      forgotPasswordUrl: 'https://acme.example/reset-password',
    });

    for (const mail of mailer.sent) {
      expect(mail.headers).toEqual({
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
        'Content-Language': 'en',
      });
    }
  });

  it("should put each email's preheader, hidden, first in the HTML body and nowhere in the text", async () => {
    const { service, mailer } = serviceWith({ appName: 'Tom & Jerry' });

    await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });
    await service.sendPasswordChanged({
      to: 'a@acme.example',
      changedAt: when,
      forgotPasswordUrl: 'https://acme.example/reset-password',
    });

    const preheaders = [
      `Your link to choose a new Tom &amp; Jerry password. It works once, until ${whenText}.`,
      `Your Tom &amp; Jerry password was changed on ${whenText}. If this was not you, reset it now.`,
    ];
    mailer.sent.forEach((mail, i) => {
      const html = asText(mail.html);
      const hidden = /<body[^>]*>\s*<div style="display:none;[^"]*">([^<]*)<\/div>/.exec(html);
      expect(hidden?.[1]).toBe(preheaders[i]);
      // The block leaves nothing where the body declares it, and the text part stays as written.
      expect(html.split(preheaders[i])).toHaveLength(2);
      expect(asText(mail.text)).not.toContain('It works once, until');
      expect(asText(mail.text)).not.toContain('reset it now');
    });
  });

  describe('as nodemailer builds the message', () => {
    /** The host's mailer as a host configures it, with a default sender of its own. */
    function nodemailerHost() {
      const options: MailerOptions = {
        transport: { streamTransport: true, buffer: true },
        defaults: { from: '"Host" <no-reply@host.example>' },
      };
      // The mailer's own factory is not exported; this one builds the same transport (the cast
      // bridges the mailer's bundled nodemailer types and ours).
      const factory = {
        createTransport: () => createTransport(options.transport, options.defaults),
      } as unknown as ConstructorParameters<typeof MailerService>[1];
      const mailer = new MailerService(options, factory);
      const sendMail = jest.spyOn(mailer, 'sendMail');
      const messageId = async (): Promise<string> =>
        ((await sendMail.mock.results[0].value) as { messageId: string }).messageId;
      return { mailer, messageId };
    }

    it("should get a Message-ID in the domain of the module's `from`", async () => {
      const { mailer, messageId } = nodemailerHost();
      const service = new MailService(new MailerModuleMailer(mailer, ACME.from), settingsOf(ACME));

      await service.sendPasswordReset({ to: 'a@example.org', link, expiresAt: when });

      expect(await messageId()).toMatch(/^<[\w.-]+@acme\.example>$/);
    });

    it("should get a Message-ID in the domain of the mailer's default sender when the module has none", async () => {
      const { mailer, messageId } = nodemailerHost();
      const service = new MailService(new MailerModuleMailer(mailer, undefined), settingsOf(ACME));

      await service.sendPasswordChanged({
        to: 'a@example.org',
        changedAt: when,
        forgotPasswordUrl: 'https://acme.example/reset-password',
      });

      expect(await messageId()).toMatch(/^<[\w.-]+@host\.example>$/);
    });
  });

  it('should leave the sender to the host mailer when no `from` is configured', async () => {
    const { service, mailer } = serviceWith({ from: undefined });

    await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });
    await service.sendPasswordChanged({
      to: 'a@acme.example',
      changedAt: when,
      forgotPasswordUrl: 'https://acme.example/reset-password',
    });

    expect(mailer.sent).toHaveLength(2);
    for (const mail of mailer.sent) expect(mail).not.toHaveProperty('from');
  });

  it('should use the default subjects with the app name when none are configured', async () => {
    const { service, mailer } = serviceWith({ subjects: undefined });

    await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });
    await service.sendPasswordChanged({
      to: 'a@acme.example',
      changedAt: when,
      forgotPasswordUrl: 'https://acme.example/reset-password',
    });

    expect(mailer.sent.map((mail) => mail.subject)).toEqual([
      'Acme: reset your password',
      'Acme: your password was changed',
    ]);
  });

  it('should escape the app name in the HTML part only', async () => {
    const { service, mailer } = serviceWith({ appName: 'Tom & <Jerry>' });

    await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });

    const [mail] = mailer.sent;
    expect(mail.subject).toBe('Reset your Tom & <Jerry> password');
    expect(asText(mail.html)).toContain('>Tom &amp; &lt;Jerry&gt;</td>');
    expect(asText(mail.html)).not.toContain('<Jerry>');
    expect(asText(mail.text).startsWith('Tom & <Jerry>\n')).toBe(true);
  });

  describe('with a host mailer', () => {
    const forgotPasswordUrl = 'https://acme.example/reset-password';

    it('should hand it each email finished: kind, address, subject, both parts and headers', async () => {
      const mailer = new RecordingHostMailer();
      const service = new MailService(mailer, settingsOf({ ...ACME, from: undefined }));

      await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });
      await service.sendPasswordChanged({
        to: 'b@acme.example',
        changedAt: when,
        forgotPasswordUrl,
      });

      expect(mailer.sent.map((mail) => Object.keys(mail).sort())).toEqual([
        ['headers', 'html', 'kind', 'locale', 'subject', 'text', 'to'],
        ['headers', 'html', 'kind', 'locale', 'subject', 'text', 'to'],
      ]);
      const [reset, changed] = mailer.sent;
      expect(reset).toMatchObject({
        kind: 'password-reset',
        to: 'a@acme.example',
        subject: 'Reset your Acme password',
        locale: 'en',
        headers: {
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
          'Content-Language': 'en',
        },
      });
      expect(reset.html).toContain(`href="${inHtml(link)}"`);
      expect(reset.text).toContain(`\n${link}\n`);
      expect(changed).toMatchObject({
        kind: 'password-changed',
        to: 'b@acme.example',
        subject: 'Acme: password changed',
      });
      expect(changed.text).toContain(forgotPasswordUrl);
    });

    it('should give each message headers of its own, so a mailer that adds to them changes no other', async () => {
      const mailer = new RecordingHostMailer();
      const service = new MailService(mailer, settingsOf({ ...ACME, from: undefined }));

      await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });
      mailer.sent[0].headers['X-Host'] = 'added';
      await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });

      expect(mailer.sent[1].headers).not.toHaveProperty('X-Host');
    });

    it('should reject when the mailer throws rather than rejects, so the queue counts a failed send', async () => {
      class ThrowingMailer extends PasswordResetMailer {
        send(): Promise<void> {
          throw new Error('relay refused');
        }
      }
      const service = new MailService(
        new ThrowingMailer(),
        settingsOf({ ...ACME, from: undefined }),
      );

      await expect(
        service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when }),
      ).rejects.toThrow('relay refused');
    });
  });

  describe("in the reader's language", () => {
    const forgotPasswordUrl = 'https://acme.example/reset-password';

    /** The service over a recording host mailer; `subjects` unset unless given. */
    function localised(options: Partial<PasswordResetModuleOptions> = {}) {
      const mailer = new RecordingHostMailer();
      const service = new MailService(
        mailer,
        settingsOf({ ...ACME, from: undefined, subjects: undefined, ...options }),
      );
      return { service, mailer };
    }

    /** Both emails to one recipient, in the order sent. */
    async function sendBoth(
      service: MailService,
      recipient: Omit<MailRecipient, 'to'>,
    ): Promise<void> {
      await service.sendPasswordReset({
        to: 'a@acme.example',
        link,
        expiresAt: when,
        ...recipient,
      });
      await service.sendPasswordChanged({
        to: 'a@acme.example',
        changedAt: when,
        forgotPasswordUrl,
        ...recipient,
      });
    }

    const SUBJECTS: Record<(typeof SHIPPED_LOCALES)[number], [string, string]> = {
      en: ['Acme: reset your password', 'Acme: your password was changed'],
      de: ['Acme: Passwort zurücksetzen', 'Acme: Ihr Passwort wurde geändert'],
      fr: [
        'Acme\u00a0: réinitialisation de votre mot de passe',
        'Acme\u00a0: votre mot de passe a été modifié',
      ],
      es: ['Acme: restablezca su contraseña', 'Acme: se ha cambiado su contraseña'],
    };
    /** `when` as each locale writes it, in UTC. */
    const WHEN: Record<(typeof SHIPPED_LOCALES)[number], string> = {
      en: whenText,
      de: 'Mittwoch, 2. Januar 2030 um 03:04 UTC',
      fr: 'mercredi 2 janvier 2030 à 03:04 UTC',
      es: 'miércoles, 2 de enero de 2030, 03:04 UTC',
    };

    it.each(SHIPPED_LOCALES)(
      'should render both emails in %s, both parts whole: every placeholder filled, the language declared',
      async (locale) => {
        const { service, mailer } = localised();

        await sendBoth(service, { locale });

        expect(mailer.sent.map((mail) => mail.subject)).toEqual(SUBJECTS[locale]);
        for (const mail of mailer.sent) {
          expect(mail.locale).toBe(locale);
          expect(mail.headers['Content-Language']).toBe(locale);
          expect(mail.html).toContain(`<html lang="${locale}">`);
          expect(mail.html).toContain(`<title>${inHtml(mail.subject)}</title>`);
          for (const part of [mail.subject, mail.html, mail.text]) {
            expect(part).not.toMatch(/\{\{|\}\}|undefined|\[object /);
          }
          // The date, written as the locale writes it, in both parts and in the preheader.
          expect(mail.text).toContain(WHEN[locale]);
          expect(mail.html).toContain(`<strong>${WHEN[locale]}</strong>`);
          const preheader = /<body[^>]*>\s*<div style="display:none;[^"]*">([^<]*)<\/div>/.exec(
            mail.html,
          )?.[1];
          expect(preheader).toContain(WHEN[locale]);
          expect(preheader).toContain('Acme');
          expect(mail.text.startsWith('Acme\n')).toBe(true);
        }
        const [reset, changed] = mailer.sent;
        expect(reset.text).toContain(`\n${link}\n`);
        expect(reset.html.split(`href="${inHtml(link)}"`)).toHaveLength(3);
        expect(changed.text).toContain(forgotPasswordUrl);
        expect(changed.html).toContain(`href="${inHtml(forgotPasswordUrl)}"`);
      },
    );

    it('should write each locale in its own words, not a copy of another', async () => {
      const { service, mailer } = localised();

      for (const locale of SHIPPED_LOCALES) await sendBoth(service, { locale });

      const firstLines = mailer.sent.map((mail) => mail.text.split('\n')[2]);
      expect(new Set(firstLines).size).toBe(SHIPPED_LOCALES.length * 2);
    });

    it.each([
      ['a stored locale it has', { locale: 'de' }, 'de'],
      ['the closest to a stored regional locale', { locale: 'de-AT' }, 'de'],
      ['a stored locale in any case', { locale: 'FR-ca' }, 'fr'],
      ['the stored locale over the request', { locale: 'es', requestLocale: 'fr' }, 'es'],
      ["the request's locale when none is stored", { requestLocale: 'fr' }, 'fr'],
      [
        "the request's locale when the stored one has no templates",
        { locale: 'xx', requestLocale: 'es' },
        'es',
      ],
      ['the default locale for a stored locale it lacks', { locale: 'xx' }, 'en'],
      ['the default locale for a tag that is not one', { locale: 'not a tag!' }, 'en'],
      ['the default locale when none is known', {}, 'en'],
    ] as const)('should choose %s', async (_, recipient, expected) => {
      const { service, mailer } = localised();

      expect(service.localeFor(recipient)).toBe(expected);
      await sendBoth(service, recipient);

      expect(mailer.sent.map((mail) => mail.subject)).toEqual(SUBJECTS[expected]);
      expect(mailer.sent.map((mail) => mail.headers['Content-Language'])).toEqual([
        expected,
        expected,
      ]);
    });

    it('should write to readers with no locale in the configured default locale', async () => {
      const { service, mailer } = localised({ defaultLocale: 'fr' });

      await sendBoth(service, {});
      await sendBoth(service, { locale: 'xx' });

      expect(mailer.sent.map((mail) => mail.locale)).toEqual(['fr', 'fr', 'fr', 'fr']);
      expect(mailer.sent[0].subject).toBe(SUBJECTS.fr[0]);
      expect(mailer.sent[0].html).toContain('<html lang="fr">');
    });

    it("should write dates as the reader's region does when their language's templates serve it", async () => {
      const { service, mailer } = localised();

      await sendBoth(service, { locale: 'de-AT' });
      await sendBoth(service, { locale: 'de' });

      // Austrian German names January "Jänner".
      expect(mailer.sent[0].text).toContain('Mittwoch, 2. Jänner 2030 um 03:04 UTC');
      expect(mailer.sent[1].html).toContain(
        '<strong>Mittwoch, 2. Jänner 2030 um 03:04 UTC</strong>',
      );
      expect(mailer.sent[2].text).toContain('Mittwoch, 2. Januar 2030 um 03:04 UTC');
      // The message itself is in the locale it has: de.
      expect(mailer.sent[0].headers['Content-Language']).toBe('de');
      expect(mailer.sent[0].html).toContain('<html lang="de">');
    });

    it("should write dates in the reader's time zone, named as their locale names it", async () => {
      const { service, mailer } = localised();
      const summer = new Date(Date.UTC(2030, 6, 2, 3, 4));
      const send = (locale: string, expiresAt: Date) =>
        service.sendPasswordReset({
          to: 'a@acme.example',
          link,
          expiresAt,
          locale,
          timeZone: 'Europe/Berlin',
        });

      await send('de', when);
      await send('de', summer);
      await send('en', when);
      await send('fr', when);

      const texts = mailer.sent.map((mail) => mail.text);
      expect(texts[0]).toContain('bis Mittwoch, 2. Januar 2030 um 04:04 MEZ und');
      expect(texts[1]).toContain('bis Dienstag, 2. Juli 2030 um 05:04 MESZ und');
      expect(texts[2]).toContain('expires on Wednesday, 2 January 2030 at 04:04 CET and');
      // French has no abbreviation for the zone, only an offset: the zone is named instead.
      expect(texts[3]).toContain('expire le mercredi 2 janvier 2030 à 04:04 Europe/Berlin et');
    });

    it('should write dates in UTC, saying so, when the reader has no time zone or an unknown one', async () => {
      const { service, mailer } = localised();

      await service.sendPasswordChanged({
        to: 'a@acme.example',
        changedAt: when,
        forgotPasswordUrl,
        locale: 'de',
      });
      await service.sendPasswordChanged({
        to: 'a@acme.example',
        changedAt: when,
        forgotPasswordUrl,
        locale: 'es',
        timeZone: 'Mars/Olympus_Mons',
      });

      expect(mailer.sent[0].text).toContain('am Mittwoch, 2. Januar 2030 um 03:04 UTC geändert');
      expect(mailer.sent[1].text).toContain('el miércoles, 2 de enero de 2030, 03:04 UTC.');
    });

    it('should apply the `subjects` option to the default locale only', async () => {
      const english = localised({ subjects: ACME.subjects });
      const german = localised({ subjects: ACME.subjects, defaultLocale: 'de' });

      await sendBoth(english.service, { locale: 'en' });
      await sendBoth(english.service, { locale: 'de' });
      await sendBoth(german.service, { locale: 'de' });
      await sendBoth(german.service, { locale: 'en' });

      expect(english.mailer.sent.map((mail) => mail.subject)).toEqual([
        'Reset your Acme password',
        'Acme: password changed',
        ...SUBJECTS.de,
      ]);
      expect(german.mailer.sent.map((mail) => mail.subject)).toEqual([
        'Reset your Acme password',
        'Acme: password changed',
        ...SUBJECTS.en,
      ]);
    });
  });

  describe('with a templates directory of its own', () => {
    let dir: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'mail-templates-'));
      mkdirSync(join(dir, 'en'));
      const files: Record<string, string> = {
        'layout.hbs': '<main data-app="{{appName}}">{{body}}</main>',
        'password-reset.hbs': '<a href="{{link}}">Reset at {{appName}}</a>',
        'password-reset.text.hbs': 'Open {{link}}',
        'password-changed.hbs': '<p>Changed {{changedAt}}</p>',
        'password-changed.text.hbs': 'Changed {{changedAt}}',
        'invite.hbs': '<a href="{{link}}">Join {{appName}}</a>',
        'invite.text.hbs': 'Join at {{link}}',
        'unknown-recipient.hbs': '<p>No account</p>',
        'unknown-recipient.text.hbs': 'No account',
        'sign-up-attempt.hbs': '<a href="{{signInUrl}}">Sign in</a>',
        'sign-up-attempt.text.hbs': 'Sign in at {{signInUrl}}',
        'messages.json': JSON.stringify({
          'subject.passwordReset': 'Reset',
          'subject.passwordChanged': 'Changed',
          'subject.signUpAttempt': 'Sign-up attempt',
          'subject.invite': 'Join',
          'subject.unknownRecipient': 'No account',
        }),
      };
      for (const [name, content] of Object.entries(files)) {
        writeFileSync(join(dir, 'en', name), content);
      }
    });

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('should render from that directory, the body inside its layout', async () => {
      const { service, mailer } = serviceWith({ templatesDir: dir });

      await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt: when });
      await service.sendPasswordChanged({
        to: 'a@acme.example',
        changedAt: when,
        forgotPasswordUrl: 'https://acme.example/reset-password',
      });

      const [reset, changed] = mailer.sent;
      expect(reset.html).toBe(
        `<main data-app="Acme"><a href="${inHtml(link)}">Reset at Acme</a></main>`,
      );
      expect(reset.text).toBe(`Open ${link}`);
      expect(changed.html).toBe(`<main data-app="Acme"><p>Changed ${whenText}</p></main>`);
      expect(changed.text).toBe(`Changed ${whenText}`);
    });
  });
});
