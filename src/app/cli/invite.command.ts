import { Command, CommandRunner } from 'nest-commander';
import { runReporting } from './run-reporting';
import { LinkSender } from './link-sender.service';

/**
 * `npm run cli -- invite <email>`: creates a built-in account without a password (unless one exists)
 * and emails it a "set your password" link that lives INVITE_TTL_HOURS.
 */
@Command({
  name: 'invite',
  arguments: '<email>',
  description:
    'Create an account for <email> without a password (unless it exists) and email it a "set your password" link',
})
export class InviteCommand extends CommandRunner {
  constructor(private readonly sender: LinkSender) {
    super();
  }

  run([email]: string[]): Promise<void> {
    return runReporting((say) => this.sender.send(email, 'invite', say));
  }
}
