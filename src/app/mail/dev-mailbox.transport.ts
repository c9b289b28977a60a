import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SentMessageInfo, Transport } from 'nodemailer';
import type MailMessage from 'nodemailer/lib/mailer/mail-message';

/** What {@link DevMailboxTransport} reports for each message it stores. */
export interface DevMailboxInfo {
  envelope: { from: string | false; to: string[] };
  messageId: string;
  /** Path of the stored `.eml` file. */
  path: string;
}

/**
 * A nodemailer transport for development: each message is written to `<dir>/<time>-<id>.eml` (the exact
 * bytes an SMTP server would receive) with its HTML part beside it as `.html` for a browser. Only the
 * path is logged, never the content, because reset links are secrets.
 */
export class DevMailboxTransport implements Transport<DevMailboxInfo> {
  readonly name = 'dev-mailbox';
  readonly version = '1.0.0';
  private readonly logger = new Logger('DevMailbox');

  constructor(readonly dir: string) {}

  send(
    mail: MailMessage<DevMailboxInfo>,
    callback: (err: Error | null, info: DevMailboxInfo) => void,
  ): void {
    this.store(mail).then(
      (info) => callback(null, info),
      (error: Error) => callback(error, undefined as unknown as DevMailboxInfo),
    );
  }

  /** Checks the mailbox folder can be written, like an SMTP `verify()`. */
  async verify(): Promise<true> {
    await mkdir(this.dir, { recursive: true });
    return true;
  }

  private async store(mail: MailMessage<DevMailboxInfo>): Promise<DevMailboxInfo> {
    const raw = await mail.message.build();
    const stem = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${stem}.eml`);
    await writeFile(path, raw, { mode: 0o600 });
    const html = mail.data.html;
    if (typeof html === 'string')
      await writeFile(join(this.dir, `${stem}.html`), html, { mode: 0o600 });
    this.logger.log(`Stored a message in ${path}`);
    const envelope = mail.message.getEnvelope();
    return { envelope, messageId: mail.message.messageId(), path };
  }
}

export type { SentMessageInfo };
