import { EventEmitter2 } from '@nestjs/event-emitter';
import Handlebars from 'handlebars';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmailKind } from '../../src/email-queue/queued-email.entity';
import {
  PASSWORD_RESET_EVENTS,
  PasswordResetRequestedEvent,
} from '../../src/events/password-reset-events';
import type { ResetUser } from '../../src/users/password-reset-users';
import { OTHER_STRONG_PASSWORD } from '../support/factories';
import { extractResetToken, ReceivedMail } from '../support/smtp-test-server';
import { databaseKinds } from '../support/test-database';
import { useHostUsersApp } from './support/host-users-app';

const APP_NAME = 'Host Identity';
const TEMPLATES = join(__dirname, '..', '..', 'templates');

/** A subject as the shipped `messages.json` of `locale` words it, for the test host's product. */
function subjectIn(locale: string, kind: 'passwordReset' | 'passwordChanged'): string {
  const messages = JSON.parse(
    readFileSync(join(TEMPLATES, locale, 'messages.json'), 'utf8'),
  ) as Record<string, string>;
  return Handlebars.compile(messages[`subject.${kind}`], { noEscape: true })({ appName: APP_NAME });
}

function languageOf(mail: ReceivedMail): unknown {
  return mail.parsed.headers.get('content-language');
}

/** The hour and minute of `date` on the clocks of `timeZone`, as `de` writes them (`21:04`). */
function clockTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('de', { hour: '2-digit', minute: '2-digit', timeZone }).format(
    date,
  );
}

describe.each(databaseKinds())("Emails in the reader's language (%s)", (kind) => {
  const ctx = useHostUsersApp(kind);
  const requested: PasswordResetRequestedEvent[] = [];

  beforeAll(() => {
    ctx.host.app
      .get(EventEmitter2)
      .on(PASSWORD_RESET_EVENTS.requested, (event: PasswordResetRequestedEvent) =>
        requested.push(event),
      );
  });

  /** An account of the host's, stored with this language and time zone. */
  function account(profile: Pick<ResetUser, 'locale' | 'timeZone'> = {}): ResetUser {
    return ctx.users.add(
      `reader-${randomBytes(4).toString('hex')}@example.com`,
      undefined,
      profile,
    );
  }

  /** The one email that reached `user` after the queue ran. */
  async function onlyMailTo(user: ResetUser, count = 1): Promise<ReceivedMail> {
    await ctx.processor.wake();
    const mails = await ctx.smtp.waitForMail(user.email, count);
    expect(mails).toHaveLength(count);
    return mails[count - 1];
  }

  /** Asks for a reset over HTTP, as a browser would, and answers the row it recorded. */
  async function forgotPassword(email: string, acceptLanguage?: string) {
    const before = requested.length;
    const call = ctx.host.http().post('/auth/forgot-password');
    if (acceptLanguage !== undefined) call.set('Accept-Language', acceptLanguage);
    await call.send({ email }).expect(202);
    const event = requested[before];
    return { event, row: await ctx.queue.findOneByOrFail({ id: event.requestId }) };
  }

  describe('a reset email', () => {
    it("should be written in the account's stored language", async () => {
      const user = account({ locale: 'de' });

      await ctx.service.requestReset(user.email);
      const mail = await onlyMailTo(user);

      expect(languageOf(mail)).toBe('de');
      expect(mail.parsed.subject).toBe(subjectIn('de', 'passwordReset'));
    });

    it('should be written in the closest language there is to a regional one (de-AT → de)', async () => {
      const user = account({ locale: 'de-AT' });

      await ctx.service.requestReset(user.email);
      const mail = await onlyMailTo(user);

      expect(languageOf(mail)).toBe('de');
      expect(mail.parsed.subject).toBe(subjectIn('de', 'passwordReset'));
    });

    it('should be written in the default language when the stored one has no templates (xx → en)', async () => {
      const user = account({ locale: 'xx' });

      await ctx.service.requestReset(user.email);
      const mail = await onlyMailTo(user);

      expect(languageOf(mail)).toBe('en');
      expect(mail.parsed.subject).toBe(`${APP_NAME}: reset your password`);
    });

    it("should be written in the request's language when the account stores none", async () => {
      const user = account();

      const { row } = await forgotPassword(user.email, 'fr-CA, fr;q=0.9, en;q=0.5');
      const mail = await onlyMailTo(user);

      expect(row.locale).toBe('fr');
      expect(languageOf(mail)).toBe('fr');
      expect(mail.parsed.subject).toBe(subjectIn('fr', 'passwordReset'));
    });

    it("should be written in the account's stored language rather than the request's", async () => {
      const user = account({ locale: 'de' });

      await forgotPassword(user.email, 'fr');
      const mail = await onlyMailTo(user);

      expect(languageOf(mail)).toBe('de');
    });
  });

  describe('the requested event', () => {
    it("should carry the request's language: the supported locale Accept-Language comes closest to", async () => {
      const { event } = await forgotPassword(account().email, 'de-CH;q=0.8, xx, fr;q=0.5');

      expect(event.locale).toBe('de');
    });

    it('should carry null when the request named no language there are emails in, or none at all', async () => {
      const unsupported = await forgotPassword(account().email, 'xx, zz;q=0.5');
      const none = await forgotPassword(account().email);

      expect(unsupported.event.locale).toBeNull();
      expect(unsupported.row.locale).toBeNull();
      expect(none.event.locale).toBeNull();
    });

    it("should carry the locale a host's call passed, canonical, and leave out a malformed one", async () => {
      const before = requested.length;

      await ctx.service.requestReset(account().email, undefined, { locale: 'DE-at' });
      await ctx.service.requestReset(account().email, undefined, { locale: 'not a tag' });

      const [canonical, malformed] = requested.slice(before);
      expect(canonical.locale).toBe('de-AT');
      expect(malformed.locale).toBeNull();
      expect(await ctx.queue.findOneByOrFail({ id: canonical.requestId })).toMatchObject({
        locale: 'de-AT',
      });
      expect(await ctx.queue.findOneByOrFail({ id: malformed.requestId })).toMatchObject({
        locale: null,
      });
    });
  });

  describe('the password-changed notice', () => {
    /** Resets the account's password through its reset email; answers the notice and its row. */
    async function changeThroughReset(user: ResetUser, acceptLanguage?: string) {
      await ctx.service.requestReset(user.email);
      const token = extractResetToken(await onlyMailTo(user));
      const call = ctx.host.http().post('/auth/reset-password');
      if (acceptLanguage !== undefined) call.set('Accept-Language', acceptLanguage);
      await call.send({ token, newPassword: OTHER_STRONG_PASSWORD }).expect(200);
      const notice = await onlyMailTo(user, 2);
      const row = await ctx.queue.findOneByOrFail({
        kind: EmailKind.PasswordChanged,
        email: user.email,
      });
      return { notice, row };
    }

    it("should be written in the account's stored language, with the time on its own clocks", async () => {
      const user = account({ locale: 'de', timeZone: 'europe/berlin' });

      const { notice, row } = await changeThroughReset(user, 'fr');

      expect(row).toMatchObject({ locale: 'de', timeZone: 'Europe/Berlin' });
      expect(languageOf(notice)).toBe('de');
      expect(notice.parsed.subject).toBe(subjectIn('de', 'passwordChanged'));
      expect(notice.parsed.text).toContain(clockTime(row.createdAt, 'Europe/Berlin'));
      // Central European (Summer) Time, as German names it.
      expect(notice.parsed.text).toMatch(/\bMES?Z\b/);
    });

    it('should be written in the language of the request that changed the password when the account stores none', async () => {
      const user = account();

      const { notice, row } = await changeThroughReset(user, 'fr');

      expect(row).toMatchObject({ locale: 'fr', timeZone: null });
      expect(languageOf(notice)).toBe('fr');
      expect(notice.parsed.subject).toBe(subjectIn('fr', 'passwordChanged'));
    });
  });
});
