/**
 * Helper process: an SMTP server on 127.0.0.1 that accepts every message as soon as it has been
 * received (no delay of its own) and records when, and for whom. Started by run.ts.
 *
 * Per phase (`mark`), it can also keep the raw messages (`capture: 'raw'`, to resend them in the
 * nodemailer ceiling) or read each message's reset token (`capture: 'tokens'`, parsed with mailparser
 * after the message has been accepted, so parsing never delays the sender).
 */
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { serveCommands } from './lib/ipc';
import { epochNow } from './lib/stats';

type Capture = 'none' | 'raw' | 'tokens';

interface Received {
  at: number;
  from: string;
  to: string[];
  raw?: Buffer;
}

export interface SinkStatus {
  /** Messages accepted since the sink started. */
  total: number;
  /** Messages accepted since the last mark. */
  count: number;
  /** Recipients with a token read since the last mark. */
  tokens: number;
  /** Messages since the last mark whose token could not be read. */
  unreadable: number;
  /** Epoch ms of the last accepted message, or 0. */
  lastAt: number;
}

export interface DumpedMessage {
  from: string;
  to: string[];
  raw: string;
}

/** The reset link carries the token in its fragment: `#token=<base64url>`. */
const TOKEN = /#token=([A-Za-z0-9_-]{16,})/;

let total = 0;
let lastAt = 0;
let capture: Capture = 'none';
let phase: Received[] = [];
let sequence = 0;
let tokens = new Map<string, { token: string; sequence: number }>();
let unreadable = 0;
let generation = 0;

function readToken(raw: Buffer, to: string[], order: number, forGeneration: number): void {
  simpleParser(raw)
    .then((parsed) => {
      if (forGeneration !== generation) return;
      const text = `${parsed.text ?? ''}\n${typeof parsed.html === 'string' ? parsed.html : ''}`;
      const match = TOKEN.exec(text);
      if (!match) {
        unreadable++;
        return;
      }
      for (const recipient of to) {
        const known = tokens.get(recipient);
        // Asking again replaces a link: keep the newest message's token per recipient.
        if (!known || known.sequence < order)
          tokens.set(recipient, { token: match[1], sequence: order });
      }
    })
    .catch(() => {
      if (forGeneration === generation) unreadable++;
    });
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  banner: 'bench sink',
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const at = epochNow();
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const to = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
      total++;
      lastAt = at;
      const raw = capture === 'none' ? undefined : Buffer.concat(chunks);
      phase.push({ at, from, to, raw: capture === 'raw' ? raw : undefined });
      callback();
      if (capture === 'tokens' && raw) readToken(raw, to, ++sequence, generation);
    });
  },
});
server.on('error', (error) => console.error('smtp sink:', error));

serveCommands({
  listen: () =>
    new Promise<number>((resolve) => {
      server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
    }),
  mark: (payload) => {
    capture = (payload as { capture?: Capture }).capture ?? 'none';
    phase = [];
    tokens = new Map();
    unreadable = 0;
    generation++;
    return true;
  },
  status: (): SinkStatus => ({
    total,
    count: phase.length,
    tokens: tokens.size,
    unreadable,
    lastAt,
  }),
  /** Recipient → newest token, since the last mark. */
  tokens: () => Object.fromEntries([...tokens].map(([recipient, { token }]) => [recipient, token])),
  /** Acceptance times (epoch ms) and recipients of the messages since the last mark. */
  times: () => phase.map(({ at, to }) => ({ at, to })),
  /** Writes the raw messages captured since the last mark to a JSON file; returns how many. */
  dump: (payload) => {
    const file = (payload as { file: string }).file;
    const messages: DumpedMessage[] = phase
      .filter((message) => message.raw)
      .map((message) => ({
        from: message.from,
        to: message.to,
        raw: (message.raw as Buffer).toString('base64'),
      }));
    writeFileSync(file, JSON.stringify(messages));
    return messages.length;
  },
});
