/**
 * `npm run bench`: does response time tell a known account from an unknown one?
 *
 * Boots the service in a child process (SQLite in a temp folder, a real SMTP server on 127.0.0.1,
 * the default argon2 cost) and times, from this process over real HTTP, interleaved requests for a
 * known and an unknown address: forgot-password, and login with a wrong password. The client runs in
 * another process so that work the server does after answering cannot delay the client's clock.
 * Prints median, p90 and mean per side and the ratio of medians; near 1.00, timing tells nothing.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/common/http/configure-app';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const PASSWORD = 'violet tractor sings at midnight';

interface Stats {
  median: number;
  p90: number;
  mean: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    median: at(0.5),
    p90: at(0.9),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

async function post(
  base: string,
  path: string,
  body: unknown,
): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

async function compare(
  label: string,
  base: string,
  path: string,
  known: unknown,
  unknown: unknown,
  expected: number,
): Promise<void> {
  const knownMs: number[] = [];
  const unknownMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first so neither side always follows the other's background work.
    const order = i % 2 === 0 ? [known, unknown] : [unknown, known];
    for (const body of order) {
      const { status, ms } = await post(base, path, body);
      if (status !== expected) throw new Error(`${label}: expected ${expected}, got ${status}`);
      (body === known ? knownMs : unknownMs).push(ms);
    }
  }
  const k = stats(knownMs);
  const u = stats(unknownMs);
  const fmt = (s: Stats) =>
    `median ${s.median.toFixed(2)} ms, p90 ${s.p90.toFixed(2)} ms, mean ${s.mean.toFixed(2)} ms`;
  console.log(`\n${label} (${ROUNDS} each)`);
  console.log(`  known account:   ${fmt(k)}`);
  console.log(`  unknown address: ${fmt(u)}`);
  console.log(`  ratio of medians (known / unknown): ${(k.median / u.median).toFixed(2)}`);
}

/** Child process: the service, with its own SMTP server, until the parent disconnects. */
async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'npr-bench-'));
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, callback) => {
      stream.on('data', () => undefined);
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
    MAIL_FROM: 'bench@example.com',
    // Limits and the cooldown would otherwise turn the repeated requests away.
    FORGOT_PASSWORD_LIMIT: '1000000',
    LOGIN_LIMIT: '1000000',
    REGISTER_LIMIT: '1000000',
    RESET_EMAIL_COOLDOWN_SECONDS: '0',
    LOGIN_MAX_FAILURES: '1000',
  });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ envFile: false }),
    {
      bodyParser: false,
      logger: ['error'],
    },
  );
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  process.send?.({ port: (app.getHttpServer().address() as AddressInfo).port });
  process.once('disconnect', () => {
    void app.close().then(() => {
      smtp.close(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

/** Parent process: the client. */
async function main(): Promise<void> {
  const child = fork(__filename, ['--serve'], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`The service exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const email = 'bench-known@example.com';
    const registered = await post(base, '/auth/register', { email, password: PASSWORD });
    if (registered.status !== 201) throw new Error(`register: ${registered.status}`);

    await compare(
      'POST /auth/forgot-password',
      base,
      '/auth/forgot-password',
      { email },
      { email: 'bench-nobody@example.com' },
      202,
    );
    await compare(
      'POST /auth/login, wrong password vs unknown email',
      base,
      '/auth/login',
      { email, password: 'not the password at all' },
      { email: 'bench-nobody@example.com', password: 'not the password at all' },
      401,
    );
  } finally {
    child.disconnect();
  }
}

(process.argv.includes('--serve') ? serve() : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
