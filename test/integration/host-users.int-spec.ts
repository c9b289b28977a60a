import { randomBytes } from 'node:crypto';
import { EmailKind, EmailStatus } from '../../src/email-queue/queued-email.entity';
import { extractResetToken, ReceivedMail, SmtpTestServer } from '../support/smtp-test-server';
import { databaseKinds } from '../support/test-database';
import { useHostUsersApp } from './support/host-users-app';

/** An address as a host stored it, in mixed case, and the normal form requests use. */
function mixedCaseAddress(name = 'Alice'): { stored: string; normal: string } {
  const stored = `${name}-${randomBytes(4).toString('hex').toUpperCase()}@Example.COM`;
  return { stored, normal: stored.toLowerCase() };
}

/**
 * Mail to the address as the host stores it. Its local part is sent as stored; the mailer lower-cases
 * the domain, which is case-insensitive anyway.
 */
function mailTo(smtp: SmtpTestServer, stored: string): ReceivedMail[] {
  const [local, domain] = stored.split('@');
  return smtp.mailTo(`${local}@${domain.toLowerCase()}`);
}

describe.each(databaseKinds())(
  'A host whose users port stores addresses in mixed case (%s)',
  (kind) => {
    const ctx = useHostUsersApp(kind);

    it('should send the link to the address as the host stores it, though its batch lookup keys the answer by that form', async () => {
      const { stored, normal } = mixedCaseAddress();
      ctx.users.add(stored);

      await ctx.service.requestReset(normal);
      await ctx.processor.wake();

      // Not settled as a request for an address with no account (which would blank its address).
      const rows = await ctx.queue.findBy({ kind: EmailKind.PasswordReset, email: normal });
      expect(rows.map((row) => row.status)).toEqual([EmailStatus.Done]);
      const mails = mailTo(ctx.smtp, stored);
      expect(mails).toHaveLength(1);
      expect(extractResetToken(mails[0])).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });
  },
);
