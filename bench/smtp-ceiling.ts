/**
 * Helper process: the ceiling for sending reset emails. nodemailer with a pool of 5 connections
 * resends the exact messages the service's emails were (raw, same envelope) to an SMTP sink of the
 * same kind: the fastest these messages can be delivered from one Node process on this machine.
 */
import { readFileSync } from 'node:fs';
import { createTransport } from 'nodemailer';
import { serveCommands } from './lib/ipc';
import { epochNow } from './lib/stats';
import type { DumpedMessage } from './smtp-sink';

export interface CeilingResult {
  startedAt: number;
  finishedAt: number;
  sent: number;
  failed: number;
  firstError?: string;
}

async function send(payload: {
  port: number;
  file: string;
  maxConnections: number;
}): Promise<CeilingResult> {
  const messages = (JSON.parse(readFileSync(payload.file, 'utf8')) as DumpedMessage[]).map(
    (message) => ({ ...message, raw: Buffer.from(message.raw, 'base64') }),
  );
  const transport = createTransport({
    host: '127.0.0.1',
    port: payload.port,
    secure: false,
    pool: true,
    maxConnections: payload.maxConnections,
  });
  let sent = 0;
  let failed = 0;
  let firstError: string | undefined;
  const startedAt = epochNow();
  await Promise.all(
    messages.map((message) =>
      transport
        .sendMail({ envelope: { from: message.from, to: message.to }, raw: message.raw })
        .then(
          () => {
            sent++;
          },
          (error: unknown) => {
            failed++;
            firstError ??= error instanceof Error ? error.message : String(error);
          },
        ),
    ),
  );
  const finishedAt = epochNow();
  transport.close();
  return { startedAt, finishedAt, sent, failed, firstError };
}

serveCommands({
  send: (payload) => send(payload as { port: number; file: string; maxConnections: number }),
});
