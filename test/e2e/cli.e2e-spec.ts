import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmailKind, QueuedEmail } from '../../src/email-queue/queued-email.entity';
import { hashResetToken } from '../../src/tokens/reset-token';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import { newEmail, registerUser, STRONG_PASSWORD } from '../support/factories';
import { extractResetToken } from '../support/smtp-test-server';
import { databaseKinds } from '../support/test-database';
import { testEnvironment, useTestApp } from '../support/test-app';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const HOUR_MS = 3_600_000;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The service's command line, as an operator runs it (`npm run cli -- …` is `node dist/cli.js …`):
 * a process of its own, reading the service's environment, beside a running service that shares the
 * database and the SMTP server.
 */
describe.each(databaseKinds())('The CLI (%s)', (kind) => {
  const ctx = useTestApp(kind);
  let cwd: string;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    // No .env of a developer's is read: the process gets the test environment only.
    cwd = mkdtempSync(join(tmpdir(), 'npr-cli-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  async function cli(...args: string[]): Promise<CliRun> {
    const env = {
      PATH: process.env.PATH ?? '',
      ...testEnvironment({ database: ctx.database, smtp: ctx.smtp }),
    };
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stdout, stderr };
  }

  const login = (email: string, password: string) =>
    ctx.app.http().post('/auth/login').send({ email, password });

  it('should invite a new address: an account that refuses to log in until the emailed link sets its password', async () => {
    const email = newEmail('invited');
    const before = Date.now();
    const run = await cli('invite', email);

    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`Created an account for ${email} without a password`);
    expect(run.stdout).toContain(`Queued an invitation for ${email}… sent`);
    const [mail] = ctx.smtp.mailTo(email);
    expect(mail.parsed.subject).toBe('Test Product: set your password');
    const token = extractResetToken(mail);
    // Printed nowhere: the link is the email's alone.
    expect(run.stdout + run.stderr).not.toContain(token);

    const { expiresAt } = await ctx.app.dataSource
      .getRepository(PasswordResetToken)
      .findOneByOrFail({ tokenHash: hashResetToken(token) });
    expect(expiresAt.getTime() - before).toBeGreaterThanOrEqual(72 * HOUR_MS - 1000);

    // No password works yet; the answer is the usual 401.
    const refused = await login(email, STRONG_PASSWORD);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });

    await ctx.app
      .http()
      .post('/auth/reset-password')
      .send({ token, newPassword: STRONG_PASSWORD })
      .expect(200);
    expect((await login(email, STRONG_PASSWORD)).status).toBe(200);
  });

  it('should invite an existing account without touching its password, and send-link a reset link', async () => {
    const user = await registerUser(ctx.app);

    const invite = await cli('invite', user.email.toUpperCase());
    expect(invite).toMatchObject({ code: 0 });
    expect(invite.stdout).not.toContain('Created an account');
    expect(invite.stdout).toContain(`Queued an invitation for ${user.email}… sent`);
    expect((await login(user.email, user.password)).status).toBe(200);

    const link = await cli('send-link', user.email);
    expect(link).toMatchObject({ code: 0 });
    expect(link.stdout).toContain(`Queued a reset link for ${user.email}… sent`);
    const mails = ctx.smtp.mailTo(user.email);
    expect(mails.map((mail) => mail.parsed.subject)).toEqual([
      'Test Product: set your password',
      'Test Product: reset your password',
    ]);
    expect(link.stdout + link.stderr).not.toContain(extractResetToken(mails[1]));
    expect(
      await ctx.app.dataSource
        .getRepository(QueuedEmail)
        .countBy({ kind: EmailKind.Invite, email: user.email }),
    ).toBe(1);
  });

  it('should refuse send-link for an address without an account, saying what to do', async () => {
    const email = newEmail('nobody');
    const run = await cli('send-link', email);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`No account uses ${email}`);
    expect(run.stderr).toContain('invite');
    expect(ctx.smtp.mailTo(email)).toHaveLength(0);
  });
});
