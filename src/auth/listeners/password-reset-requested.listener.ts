import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { describeError } from '../../common/describe-error';
import { MailService } from '../../mail/mail.service';
import { ResetTokensService } from '../../tokens/reset-tokens.service';
import { UsersService } from '../../users/users.service';
import { PASSWORD_RESET_REQUESTED } from '../events/auth-events';
import { PasswordResetRequestedEvent } from '../events/password-reset-requested.event';
import { ResetLinks } from '../reset-links';

/**
 * Does the work `forgot-password` must not do in the request: find the account, issue the token and
 * send it. The raw token lives only in this call and in the email.
 */
@Injectable()
export class PasswordResetRequestedListener {
  private readonly logger = new Logger(PasswordResetRequestedListener.name);

  constructor(
    private readonly users: UsersService,
    private readonly resetTokens: ResetTokensService,
    private readonly links: ResetLinks,
    private readonly mail: MailService,
  ) {}

  @OnEvent(PASSWORD_RESET_REQUESTED, { async: true, promisify: true })
  async handle(event: PasswordResetRequestedEvent): Promise<void> {
    try {
      const user = await this.users.findByEmail(event.email);
      if (!user) {
        this.logger.debug('Reset requested for an address without an account; nothing sent');
        return;
      }
      const { token, expiresAt } = await this.resetTokens.issue(user.id);
      await this.mail.sendPasswordReset({
        to: user.email,
        link: this.links.resetLink(token),
        expiresAt,
      });
      this.logger.log(`Sent a reset link for account ${user.id}`);
    } catch (error) {
      // Nothing can reach the request that emitted the event; say what failed, without secrets.
      this.logger.error(`Could not send a reset link: ${describeError(error)}`);
    }
  }
}
