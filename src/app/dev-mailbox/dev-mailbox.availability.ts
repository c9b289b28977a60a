import type { AppConfig } from '../config/app.config';
import type { MailConfig } from '../config/mail.config';

/** Where the mailbox pages live in the standalone service. */
export const DEV_MAILBOX_PATH = '/dev/mailbox';

/**
 * Whether the dev mailbox pages exist: outside production, when mail goes to the dev mailbox
 * (SMTP_HOST unset). Otherwise their routes are not registered and answer 404 like any unknown
 * route. Production requires SMTP_HOST anyway; the production check holds whatever else changes.
 */
export function devMailboxEnabled(
  app: Pick<AppConfig, 'isProduction'>,
  mail: Pick<MailConfig, 'transport'>,
): boolean {
  return !app.isProduction && mail.transport.kind === 'dev-mailbox';
}
