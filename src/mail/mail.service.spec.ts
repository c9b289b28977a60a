import type { ISendMailOptions, MailerService } from '@nestjs-modules/mailer';
import { defaultTemplatesDir, MailConfig } from '../config/mail.config';
import { MailService } from './mail.service';

/** Records what would be handed to the mailer; the mailer itself is not under test here. */
class RecordingMailer {
  readonly sent: ISendMailOptions[] = [];
  sendMail(options: ISendMailOptions): Promise<void> {
    this.sent.push(options);
    return Promise.resolve();
  }
}

function config(overrides: Partial<MailConfig> = {}): MailConfig {
  return {
    appName: 'Acme',
    from: 'no-reply@acme.example',
    subjects: { passwordReset: 'Reset it, Acme', passwordChanged: 'Changed, Acme' },
    templatesDir: defaultTemplatesDir(),
    transport: { kind: 'dev-mailbox', dir: '/tmp/unused' },
    ...overrides,
  };
}

describe(MailService.name, () => {
  const link = 'https://acme.example/reset-password#token=abc_DEF-123&x';

  it('should send the reset email with the configured subject, the HTML template and a text part with the full link', async () => {
    const mailer = new RecordingMailer();
    const service = new MailService(mailer as unknown as MailerService, config());
    const expiresAt = new Date(Date.UTC(2030, 0, 2, 3, 4));

    await service.sendPasswordReset({ to: 'a@acme.example', link, expiresAt });

    expect(mailer.sent).toHaveLength(1);
    const [mail] = mailer.sent;
    expect(mail.to).toBe('a@acme.example');
    expect(mail.subject).toBe('Reset it, Acme');
    expect(mail.template).toBe('password-reset');
    expect(mail.context).toMatchObject({ link, appName: 'Acme' });
    // Text is not HTML-escaped: the link must survive byte for byte.
    expect(mail.text).toContain(link);
    expect(mail.text).toContain('Wednesday, 2 January 2030 at 03:04 UTC');
  });

  it('should send the password-changed notice saying when and what to do if it was not them', async () => {
    const mailer = new RecordingMailer();
    const service = new MailService(mailer as unknown as MailerService, config());

    await service.sendPasswordChanged({
      to: 'a@acme.example',
      changedAt: new Date(Date.UTC(2030, 0, 2, 3, 4)),
      forgotPasswordUrl: 'https://acme.example/reset-password',
    });

    const [mail] = mailer.sent;
    expect(mail.subject).toBe('Changed, Acme');
    expect(mail.template).toBe('password-changed');
    expect(mail.text).toContain('changed on Wednesday, 2 January 2030 at 03:04 UTC');
    expect(mail.text).toContain('If this was not you');
    expect(mail.text).toContain('https://acme.example/reset-password');
  });
});
