import { Injectable } from '@nestjs/common';
import { PasswordResetMail, PasswordResetMailer } from '../../../../src';
import { MonolithMailService } from './monolith-mail.service';

/** The module's emails go out through the monolith's own mail service. */
@Injectable()
export class MonolithPasswordResetMailer extends PasswordResetMailer {
  constructor(private readonly mail: MonolithMailService) {
    super();
  }

  send(mail: PasswordResetMail): Promise<void> {
    return this.mail.send(mail);
  }
}
