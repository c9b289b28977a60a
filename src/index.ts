/**
 * nest-password-reset: the public entry. Everything a host imports is here; nothing else in the
 * package is part of its contract.
 */
export { PasswordResetModule } from './password-reset.module';
export type {
  PasswordResetModuleAsyncOptions,
  PasswordResetOptionsFactory,
} from './password-reset.module';
export type { PasswordResetModuleOptions, PerIpLimits, RateLimit } from './password-reset.options';
export { PasswordResetOptionsError } from './password-reset.options';
export { PasswordResetUsers } from './users/password-reset-users';
export type { ResetUser } from './users/password-reset-users';
export { PasswordResetMailer } from './mail/password-reset-mailer';
export type { PasswordResetMail, PasswordResetMailKind } from './mail/password-reset-mailer';
export {
  accountEntities,
  accountMigrations,
  passwordResetEntities,
  passwordResetMigrations,
} from './schema';
export {
  PASSWORD_RESET_EVENTS,
  PasswordChangedEvent,
  PasswordResetCompletedEvent,
  PasswordResetRequestedEvent,
  SignUpAttemptedEvent,
} from './events/password-reset-events';
export { PasswordResetError, PasswordResetErrorCode } from './errors/password-reset-error';
export { PasswordResetService } from './reset/password-reset.service';
export type { HostLinkKind, HostSentLink, RequestLanguage } from './reset/password-reset.service';
export { ResetCodesService } from './reset/reset-codes.service';
export { PasswordResetHealth } from './password-reset.health';
export type { EmailQueueCounts } from './email-queue/email-queue.service';
