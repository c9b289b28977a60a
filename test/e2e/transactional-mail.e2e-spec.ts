import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_LOCALES, ShippedLocale } from '../../src/i18n/shipped-locales';
import { PasswordResetService } from '../../src/reset/password-reset.service';
import { newEmail, OTHER_STRONG_PASSWORD, registerUser } from '../support/factories';
import { extractResetToken, ReceivedMail } from '../support/smtp-test-server';
import { FRONTEND_URL, useTestApp } from '../support/test-app';

/** Why `spamassassin` cannot run here, or undefined when it can. */
function spamAssassinProblem(): string | undefined {
  const probe = spawnSync('spamassassin', ['--version'], { encoding: 'utf8' });
  if (probe.error) return probe.error.message;
  if (probe.status !== 0) return `spamassassin --version exited with ${probe.status}`;
  return undefined;
}

interface SpamVerdict {
  score: number;
  /** The rule lines of the report: points, name, description. */
  rules: string;
}

/** Runs SpamAssassin's local rules (no network tests) on a raw message. */
async function spamAssassin(raw: string, prefsFile: string): Promise<SpamVerdict> {
  // An empty preferences file of our own: SpamAssassin would otherwise create one in $HOME.
  const child = spawn('spamassassin', ['-t', '-L', '-p', prefsFile]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(raw);
  const [code] = (await once(child, 'close')) as [number | null];
  const report = stdout.slice(stdout.lastIndexOf('Content analysis details:'));
  const score = /^Content analysis details:\s+\((-?\d+(?:\.\d+)?) points/.exec(report);
  if (!score) throw new Error(`No SpamAssassin report (exit ${code}): ${stderr.trim()}`);
  const lines = report.split('\n');
  const rules = lines.slice(lines.findIndex((line) => line.startsWith('----')) + 1);
  return { score: Number(score[1]), rules: rules.join('\n').trim() };
}

const spamAssassinMissing = spamAssassinProblem();
// CI installs SpamAssassin, so there the test runs and fails loudly; elsewhere it is skipped, saying why.
const skipSpamAssassin = spamAssassinMissing !== undefined && process.env.CI !== 'true';
if (skipSpamAssassin) {
  console.warn(
    `SpamAssassin test skipped: spamassassin cannot run (${spamAssassinMissing}). ` +
      'Install it (Debian: apt-get install spamassassin) to run it.',
  );
}

/** The hidden preheader at the top of an HTML part, or undefined. */
function preheaderOf(html: string): string | undefined {
  return /<body[^>]*>\s*<div style="display:none;[^"]*">([^<]*)<\/div>/.exec(html)?.[1];
}

/** The emails checked here. */
type EmailName = 'reset' | 'changed' | 'invite' | 'unknown';

/**
 * Each email's preheader in each locale. The dates are in UTC: the test accounts store no time zone.
 */
const PREHEADERS: Record<ShippedLocale, Record<EmailName, RegExp>> = {
  en: {
    reset: /^Your link to choose a new Test Product password\. It works once, until .+ UTC\.$/,
    changed:
      /^Your Test Product password was changed on .+ UTC\. If this was not you, reset it now\.$/,
    invite:
      /^You have an account with Test Product\. Choose your password with this link, .+ UTC\.$/,
    unknown:
      /^Someone asked to reset a Test Product password for this address, but no account uses it\. .+$/,
  },
  de: {
    reset: /^Ihr Link zum Festlegen eines neuen Passworts für Test Product\. .+ gilt bis .+ UTC\.$/,
    changed: /^Ihr Passwort für Test Product wurde am .+ UTC geändert\. Waren Sie das nicht\? .+$/,
    invite: /^Ihr Link zum Festlegen Ihres Passworts für Test Product\. .+ gilt bis .+ UTC\.$/,
    unknown: /^Jemand wollte für diese Adresse ein Passwort bei Test Product zurücksetzen, .+$/,
  },
  fr: {
    reset: /^Votre lien pour choisir un nouveau mot de passe Test Product\. .+ jusqu’au .+ UTC\.$/,
    changed: /^Votre mot de passe Test Product a été modifié le .+ UTC\. Si vous .+$/,
    invite: /^Votre lien pour définir votre mot de passe Test Product\. .+ jusqu’au .+ UTC\.$/,
    unknown: /^Quelqu’un a demandé à réinitialiser un mot de passe Test Product pour cette .+$/,
  },
  es: {
    reset: /^Su enlace para elegir una nueva contraseña de Test Product\. .+ hasta el .+ UTC\.$/,
    changed: /^Su contraseña de Test Product se cambió el .+ UTC\. Si no fue usted, .+$/,
    invite: /^Su enlace para establecer su contraseña de Test Product\. .+ hasta el .+ UTC\.$/,
    unknown: /^Alguien ha pedido restablecer una contraseña de Test Product para esta .+$/,
  },
};

// Each shipped language, as the service sends it: MAIL_DEFAULT_LOCALE makes it the language of
// accounts that store none, as the test accounts do.
describe.each(SHIPPED_LOCALES)(
  'Reset, password-changed and invitation emails in %s as a mail provider receives them',
  (locale) => {
    // With reset codes on, so the reset email is scored with its code too.
    const ctx = useTestApp('sqlite', {
      MAIL_DEFAULT_LOCALE: locale,
      RESET_CODE_ENABLED: 'true',
      // The email to an address with no account, with its sign-up link, gets the same checks.
      NOTIFY_UNKNOWN_RECIPIENTS: 'true',
      SIGN_UP_URL: '/sign-up',
    });
    const mails: Record<EmailName, ReceivedMail> = {} as never;

    beforeAll(async () => {
      const user = await registerUser(ctx.app);
      await ctx.app.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      [mails.reset] = await ctx.smtp.waitForMail(user.email);
      await ctx.app
        .http()
        .post('/auth/reset-password')
        .send({ token: extractResetToken(mails.reset), newPassword: OTHER_STRONG_PASSWORD })
        .expect(200);
      mails.changed = (await ctx.smtp.waitForMail(user.email, 2))[1];
      await ctx.app.app.get(PasswordResetService).sendResetLink(user.id, { kind: 'invite' });
      mails.invite = (await ctx.smtp.waitForMail(user.email, 3))[2];
      const nobody = newEmail('nobody');
      await ctx.app.http().post('/auth/forgot-password').send({ email: nobody }).expect(202);
      [mails.unknown] = await ctx.smtp.waitForMail(nobody);
    });

    const both = ['reset', 'changed', 'invite', 'unknown'] as const;

    it.each(both)(
      'should mark the %s email as automatic, with a Message-ID in the domain of its sender',
      (name) => {
        const { parsed } = mails[name];

        expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
        expect(parsed.headers.get('x-auto-response-suppress')).toBe('All');
        // MAIL_FROM is "Test Product" <no-reply@test.example>, the mailer's default sender.
        expect(parsed.from?.value[0].address).toBe('no-reply@test.example');
        expect(parsed.messageId).toMatch(/^<[\w.-]+@test\.example>$/);
      },
    );

    it('should give each email its own Message-ID', () => {
      const ids = both.map((name) => mails[name].parsed.messageId);
      expect(new Set(ids).size).toBe(both.length);
    });

    it.each(both)(
      'should say in its headers and its HTML that the %s email is written in its language',
      (name) => {
        const { parsed } = mails[name];

        expect(parsed.headers.get('content-language')).toBe(locale);
        expect(String(parsed.html)).toContain(`<html lang="${locale}">`);
        for (const part of [parsed.subject, parsed.html, parsed.text]) {
          expect(part).not.toMatch(/\{\{|\}\}|undefined/);
        }
      },
    );

    it.each(both)('should open the %s email with a hidden preheader, in the HTML only', (name) => {
      const { parsed } = mails[name];

      const preheader = preheaderOf(String(parsed.html));
      expect(preheader).toMatch(PREHEADERS[locale][name]);
      expect(parsed.text).not.toContain(preheader!.slice(0, 30));
    });

    it.each(both)('should say everything in the text part of the %s email, links whole', (name) => {
      const { parsed } = mails[name];
      const html = String(parsed.html)
        .replace(/&#x3D;/g, '=')
        .replace(/&amp;/g, '&');
      const links = [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]);
      const facts = [...html.matchAll(/<strong>([^<]+)<\/strong>/g)].map((match) => match[1]);

      expect(links.length).toBeGreaterThan(0);
      expect(links.every((link) => link.startsWith(FRONTEND_URL))).toBe(true);
      for (const fact of [...links, ...facts]) expect(parsed.text).toContain(fact);
    });

    describe('SpamAssassin (local rules)', () => {
      let prefsDir: string;

      beforeAll(() => {
        prefsDir = mkdtempSync(join(tmpdir(), 'npr-spamassassin-'));
        writeFileSync(join(prefsDir, 'user_prefs'), '');
      });

      afterAll(() => rmSync(prefsDir, { recursive: true, force: true }));

      (skipSpamAssassin ? it.skip : it).each(both)(
        'should score the %s email at 0 or below',
        async (name) => {
          if (spamAssassinMissing) {
            throw new Error(`spamassassin is required in CI: ${spamAssassinMissing}`);
          }

          const verdict = await spamAssassin(mails[name].raw, join(prefsDir, 'user_prefs'));

          // The rules that fired name the cause.
          if (verdict.score > 0) {
            throw new Error(
              `SpamAssassin scored the ${locale} ${name} email ${verdict.score}:\n${verdict.rules}`,
            );
          }
          expect(verdict.score).toBeLessThanOrEqual(0);
        },
      );
    });
  },
);
