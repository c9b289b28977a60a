import { AccountSchema1765000000001 } from './1765000000001-account-schema';
import { PasswordResetSchema1765000000000 } from './1765000000000-password-reset-schema';
import { EmailQueueLiveEmailIndex1765000000002 } from './1765000000002-email-queue-live-email-index';
import { PortableColumns1765000000003 } from './1765000000003-portable-columns';
import { PortableAccountColumns1765000000004 } from './1765000000004-portable-account-columns';
import { AccountLocale1765000000005 } from './1765000000005-account-locale';
import { QueuedEmailLocale1765000000006 } from './1765000000006-queued-email-locale';
import { ResetCodes1765000000007 } from './1765000000007-reset-codes';

/**
 * The module's migrations, in order, listed by class so the same list works from the sources and
 * from `dist/`. Append only: an applied migration never changes.
 */
export const passwordResetMigrations = [
  PasswordResetSchema1765000000000,
  EmailQueueLiveEmailIndex1765000000002,
  PortableColumns1765000000003,
  QueuedEmailLocale1765000000006,
  ResetCodes1765000000007,
];

/** The built-in accounts' migrations; they run after {@link passwordResetMigrations}. */
export const accountMigrations = [
  AccountSchema1765000000001,
  PortableAccountColumns1765000000004,
  AccountLocale1765000000005,
];
