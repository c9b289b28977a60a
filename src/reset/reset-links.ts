import { Inject, Injectable } from '@nestjs/common';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';

/**
 * Builds links from the options only, never from a request's Host or Forwarded headers. The token
 * rides in the fragment, which browsers never send to a server nor put in a Referer. The email's
 * locale rides in the query (`?lang=de`), so the page speaks the email's language; it is no secret.
 */
@Injectable()
export class ResetLinks {
  constructor(@Inject(PASSWORD_RESET_SETTINGS) private readonly settings: PasswordResetSettings) {}

  resetLink(token: string, locale?: string): string {
    return `${this.pageUrl(locale)}#token=${token}`;
  }

  /** Where people sign in (`signInUrl`), absolute: an email cannot follow a bare path. */
  signInUrl(): string {
    return new URL(this.settings.signInUrl, `${this.settings.frontendUrl}/`).toString();
  }

  /** The reset page without a token, where someone can ask for a new link. */
  pageUrl(locale?: string): string {
    const page = `${this.settings.frontendUrl}${this.settings.resetPath}`;
    return locale ? `${page}?lang=${encodeURIComponent(locale)}` : page;
  }
}
