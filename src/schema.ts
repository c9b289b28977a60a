import { UserAccount } from './accounts/user-account.entity';
import { QueuedEmail } from './email-queue/queued-email.entity';
import { LoginFailure } from './limits/per-address/login-failure.entity';
import { ResetCodeFailure } from './limits/per-address/reset-code-failure.entity';
import { ResetEmailCooldown } from './limits/per-address/reset-email-cooldown.entity';
import { PasswordResetToken } from './tokens/password-reset-token.entity';

export { accountMigrations, passwordResetMigrations } from './database/migrations';

/** Every entity the module needs (no users table): add them to the host's TypeORM connection. */
export const passwordResetEntities = [
  PasswordResetToken,
  QueuedEmail,
  ResetEmailCooldown,
  LoginFailure,
  ResetCodeFailure,
];

/** The built-in accounts' entity, for hosts that use them (no `users` given to the module). */
export const accountEntities = [UserAccount];
