import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newEmail, STRONG_PASSWORD } from '../support/factories';
import type { ReceivedMail } from '../support/smtp-test-server';
import { FRONTEND_URL, useTestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

/** A shipped locale's subject line, as its messages.json words it, for the test app's APP_NAME. */
function shippedSubject(locale: string, key: string): string {
  const messages = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'templates', locale, 'messages.json'), 'utf8'),
  ) as Record<string, string>;
  return messages[key].replace('{{appName}}', 'Test Product');
}

/** The hour (00–23) of `date` on the clock of `timeZone`. */
function hourIn(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone }).format(
    date,
  );
}

const GERMAN_WEEKDAYS = /(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), \d{1,2}\. /;
const GERMAN_MONTHS =
  /(Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}/;

describe.each(databaseKinds())(
  'Emails and the reset page in the reader’s language (%s)',
  (kind) => {
    const ctx = useTestApp(kind, { RESET_PAGE_ENABLED: 'true' });

    /** Registers with these extra fields, asks for a reset, and returns the email that arrives. */
    async function resetEmailFor(fields: Record<string, string>): Promise<ReceivedMail> {
      const email = newEmail('lang');
      await ctx.app
        .http()
        .post('/auth/register')
        .send({ email, password: STRONG_PASSWORD, ...fields })
        .expect(201);
      await ctx.app.http().post('/auth/forgot-password').send({ email }).expect(202);
      const [mail] = await ctx.smtp.waitForMail(email);
      return mail;
    }

    it('should write the whole reset email in German, Berlin time, for an account that stored de and Europe/Berlin, and link to a German page', async () => {
      const asked = Date.now();
      const mail = await resetEmailFor({ locale: 'de', timeZone: 'Europe/Berlin' });

      expect(mail.parsed.subject).toBe(shippedSubject('de', 'subject.passwordReset'));
      expect(mail.parsed.subject).not.toBe(shippedSubject('en', 'subject.passwordReset'));
      expect(mail.parsed.headers.get('content-language')).toBe('de');
      const html = String(mail.parsed.html);
      expect(html).toMatch(/<html lang="de">/);
      const text = mail.parsed.text ?? '';
      // The link's expiry, an hour after the request, on Berlin's clock and named as Germans name it.
      const expiresAt = new Date(asked + 60 * 60_000);
      for (const part of [text, html]) {
        expect(part).toMatch(GERMAN_WEEKDAYS);
        expect(part).toMatch(GERMAN_MONTHS);
        expect(part).toMatch(new RegExp(`${hourIn(expiresAt, 'Europe/Berlin')}:\\d\\d (MEZ|MESZ)`));
        expect(part).not.toMatch(/ UTC\b/);
      }
      // No English sentence of the English email is left in either part.
      for (const english of ['Someone asked to reset your password', 'This link expires on']) {
        expect(text).not.toContain(english);
        expect(html).not.toContain(english);
      }

      // The link names the page's language before the fragment, and the page speaks it.
      const link =
        /https:\/\/app\.test\.example(\/reset-password\?lang=de)#token=[A-Za-z0-9_-]{43}/.exec(
          text,
        );
      expect(link).not.toBeNull();
      expect(link?.[0].startsWith(FRONTEND_URL)).toBe(true);
      const page = await ctx.app
        .http()
        .get(link?.[1] ?? '')
        .expect(200);
      expect(page.text).toMatch(/<html lang="de">/);
      expect(page.text).not.toContain('>New password<');
      expect(page.text).not.toContain('>Set new password<');
    });

    it('should write German for de-AT, which has no folder of its own', async () => {
      const mail = await resetEmailFor({ locale: 'de-AT' });

      expect(mail.parsed.subject).toBe(shippedSubject('de', 'subject.passwordReset'));
      expect(mail.parsed.headers.get('content-language')).toBe('de');
      expect(mail.parsed.text).toMatch(/\?lang=de#token=/);
    });

    it('should write English, in UTC said so, for a locale no folder serves (xx) and no time zone', async () => {
      const mail = await resetEmailFor({ locale: 'xx' });

      expect(mail.parsed.subject).toBe('Test Product: reset your password');
      expect(mail.parsed.headers.get('content-language')).toBe('en');
      expect(String(mail.parsed.html)).toMatch(/<html lang="en">/);
      expect(mail.parsed.text).toMatch(/expires on .+ \d\d:\d\d UTC/);
      expect(mail.parsed.text).toMatch(/\?lang=en#token=/);
    });
  },
);
