import { Command, CommandRunner } from 'nest-commander';
import { runReporting } from './run-reporting';
import { LinkSender } from './link-sender.service';

/** `npm run cli -- send-link <email>`: emails the account a reset link, as forgot-password would. */
@Command({
  name: 'send-link',
  arguments: '<email>',
  description: 'Email the account of <email> a reset link (its language, the usual caps)',
})
export class SendLinkCommand extends CommandRunner {
  constructor(private readonly sender: LinkSender) {
    super();
  }

  run([email]: string[]): Promise<void> {
    return runReporting((say) => this.sender.send(email, 'reset', say));
  }
}
