import { randomBytes } from 'node:crypto';
import { EmailKind, EmailStatus } from '../../src/email-queue/queued-email.entity';
import { PasswordResetError, PasswordResetErrorCode } from '../../src/errors/password-reset-error';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import { eventually } from '../embedding/support/eventually';
import { OTHER_STRONG_PASSWORD } from '../support/factories';
import { extractResetToken } from '../support/smtp-test-server';
import { databaseKinds } from '../support/test-database';
import { useHostUsersApp } from './support/host-users-app';

/** Resolves with the domain error `promise` rejects with; fails when it resolves. */
async function refusal(promise: Promise<unknown>): Promise<PasswordResetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PasswordResetError) return error;
    throw error;
  }
  throw new Error('expected a PasswordResetError');
}

/**
 * A host changes a password, an address or an account's state its own way, outside the module: the
 * links it sent before must stop working, and emails not yet sent must not go.
 */
describe.each(databaseKinds())('A host ending reset links its own way (%s)', (kind) => {
  const ctx = useHostUsersApp(kind);

  /** An account of the host's, with a live link read from the email it was sent. */
  async function accountWithLink() {
    const email = `dana-${randomBytes(4).toString('hex')}@example.com`;
    const user = ctx.users.add(email);
    await ctx.service.requestReset(email, '198.51.100.4');
    await ctx.processor.wake();
    const [mail] = ctx.smtp.mailTo(email);
    return { user, email, token: extractResetToken(mail) };
  }

  const linksOf = (userId: string) =>
    ctx.dataSource.getRepository(PasswordResetToken).countBy({ userId });

  it('should end the live link and withdraw a queued request when the host calls revokeLinks', async () => {
    const { user, email, token } = await accountWithLink();
    // A second request is claimed and waits on the host's slow users database...
    const release = ctx.users.hold();
    const lookups = ctx.users.batchLookups.length;
    await ctx.service.requestReset(email, '198.51.100.4');
    await eventually(() => expect(ctx.users.batchLookups.length).toBeGreaterThan(lookups));

    // ...while the host changes the password in its own admin panel, and says so.
    await ctx.users.setPassword(user.id, OTHER_STRONG_PASSWORD);
    await ctx.service.revokeLinks(user.id);
    release();
    await ctx.processor.wake();
    await ctx.processor.wake();

    expect((await refusal(ctx.service.verify(token))).code).toBe(
      PasswordResetErrorCode.InvalidResetToken,
    );
    expect((await refusal(ctx.service.reset(token, 'a brand new sentence of words'))).code).toBe(
      PasswordResetErrorCode.InvalidResetToken,
    );
    expect(ctx.users.passwordOf(user.id)).toBe(OTHER_STRONG_PASSWORD);
    const statuses = (await ctx.queue.findBy({ kind: EmailKind.PasswordReset, email })).map(
      (row) => row.status,
    );
    expect(statuses).toEqual([EmailStatus.Done]);
    expect(await ctx.queue.countBy({ status: EmailStatus.Cancelled })).toBeGreaterThanOrEqual(1);
    expect(ctx.smtp.mailTo(email)).toHaveLength(1);
    expect(await linksOf(user.id)).toBe(0);
  });

  it.each(['verify', 'reset'] as const)(
    'should answer INVALID_RESET_TOKEN to %s, and delete the link, once the host no longer finds the account',
    async (call) => {
      const { user, token } = await accountWithLink();
      expect(await linksOf(user.id)).toBe(1);

      // Deleted or deactivated by the host, which did not tell the module.
      ctx.users.remove(user.id);

      const error = await refusal(
        call === 'verify'
          ? ctx.service.verify(token)
          : ctx.service.reset(token, OTHER_STRONG_PASSWORD),
      );
      expect(error.code).toBe(PasswordResetErrorCode.InvalidResetToken);
      expect(await linksOf(user.id)).toBe(0);
    },
  );
});
