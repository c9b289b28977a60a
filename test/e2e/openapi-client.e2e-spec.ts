import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import {
  FORGOT_PASSWORD_MESSAGE,
  RESET_DONE_MESSAGE,
} from '../../src/reset/password-reset.controller';
import { newEmail, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../support/factories';
import { extractResetToken } from '../support/smtp-test-server';
import { useTestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

/**
 * The client a frontend would write against the generated types: register, ask for a reset, wait
 * for the token on stdin (the test reads it from the email), then check it, reset, try it again and
 * log in with each password. Prints every outcome as one JSON line.
 */
const CLIENT_SOURCE = `
import createClient from 'openapi-fetch';
import { createInterface } from 'node:readline';
import type { paths } from './schema';

async function main(): Promise<void> {
  const [baseUrl, email, password, newPassword] = process.argv.slice(2);
  const client = createClient<paths>({ baseUrl });

  const registered = await client.POST('/auth/register', { body: { email, password } });
  const requested = await client.POST('/auth/forgot-password', { body: { email } });
  console.log(JSON.stringify({ step: 'requested' }));
  const lines = createInterface({ input: process.stdin });
  const token = await new Promise<string>((resolve) => lines.once('line', resolve));
  lines.close();

  const verified = await client.POST('/auth/reset-password/verify', { body: { token } });
  const reset = await client.POST('/auth/reset-password', { body: { token, newPassword } });
  const reused = await client.POST('/auth/reset-password', { body: { token, newPassword } });
  const oldLogin = await client.POST('/auth/login', { body: { email, password } });
  const login = await client.POST('/auth/login', { body: { email, password: newPassword } });
  const accessToken: string | undefined = login.data?.accessToken;
  const me = await client.GET('/users/me', {
    headers: { Authorization: \`Bearer \${accessToken ?? ''}\` },
  });

  console.log(
    JSON.stringify({
      step: 'done',
      // 201 with the account, or (enumeration-safe sign-up) 202 with a message only.
      registered: {
        status: registered.response.status,
        id: registered.data && 'id' in registered.data ? registered.data.id : undefined,
      },
      requested: { status: requested.response.status, message: requested.data?.message },
      verified: { status: verified.response.status, expiresAt: verified.data?.expiresAt },
      reset: { status: reset.response.status, message: reset.data?.message },
      reused: { status: reused.response.status, code: reused.error?.code },
      oldLogin: { status: oldLogin.response.status, code: oldLogin.error?.code },
      login: { status: login.response.status, tokenType: login.data?.tokenType },
      me: { status: me.response.status, email: me.data?.email },
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

/** The same client with a path and a body field the document does not have. */
const WRONG_CLIENT_SOURCE = `
import createClient from 'openapi-fetch';
import type { paths } from './schema';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:1' });
void client.POST('/auth/forgot-password', { body: { address: 'a@example.com' } });
void client.POST('/auth/forgotten-password', { body: { email: 'a@example.com' } });
`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    // node16 resolution picks openapi-fetch's CommonJS build and its .d.cts, as a CommonJS app would.
    module: 'node16',
    moduleResolution: 'node16',
    types: ['node'],
    outDir: 'out',
  },
  files: ['client.ts'],
};

/** Runs the project's tsc on `dir`; throws with its messages when compilation fails. */
async function compile(dir: string, extraArgs: string[] = []): Promise<void> {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  try {
    await run(process.execPath, [tsc, '-p', dir, ...extraArgs], { cwd: dir });
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    throw new Error(`tsc failed:\n${stdout}${stderr}`);
  }
}

describe('A client generated from the OpenAPI document (openapi-typescript + openapi-fetch)', () => {
  const ctx = useTestApp('sqlite');
  let dir: string;
  let baseUrl: string;

  beforeAll(async () => {
    await ctx.app.app.listen(0, '127.0.0.1');
    const { port } = ctx.app.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;

    dir = mkdtempSync(join(tmpdir(), 'npr-openapi-client-'));
    // The generated client resolves openapi-fetch, @types/node and typescript from the project.
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const document = await fetch(`${baseUrl}/docs-json`);
    expect(document.status).toBe(200);
    writeFileSync(join(dir, 'openapi.json'), await document.text());
    await run(
      process.execPath,
      [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), 'openapi.json', '-o', 'schema.ts'],
      { cwd: dir },
    );
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should refuse to compile a call with a path or a body field the document lacks', async () => {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    writeFileSync(join(dir, 'client.ts'), WRONG_CLIENT_SOURCE);
    const failure = await compile(dir, ['--noEmit']).then(
      () => 'compiled',
      (error: Error) => error.message,
    );
    expect(failure).toContain("'address' does not exist");
    expect(failure).toContain('"/auth/forgotten-password"');
  });

  it('should register, reset the password from the email and log in with the new one', async () => {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    writeFileSync(join(dir, 'client.ts'), CLIENT_SOURCE);
    await compile(dir);

    const email = newEmail('openapi');
    const child = spawn(
      process.execPath,
      [join(dir, 'out/client.js'), baseUrl, email, STRONG_PASSWORD, OTHER_STRONG_PASSWORD],
      { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    let outcome: Record<string, Record<string, unknown>> | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      const message = JSON.parse(line) as { step: string };
      if (message.step === 'requested') {
        const [mail] = await ctx.smtp.waitForMail(email);
        child.stdin.end(`${extractResetToken(mail)}\n`);
      } else {
        outcome = message as unknown as Record<string, Record<string, unknown>>;
      }
    }
    expect({ exitCode: await exited, stderr }).toEqual({ exitCode: 0, stderr: '' });

    expect(outcome).toEqual({
      step: 'done',
      registered: { status: 201, id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      requested: { status: 202, message: FORGOT_PASSWORD_MESSAGE },
      verified: { status: 200, expiresAt: expect.any(String) },
      reset: { status: 200, message: RESET_DONE_MESSAGE },
      reused: { status: 400, code: 'INVALID_RESET_TOKEN' },
      oldLogin: { status: 401, code: 'INVALID_CREDENTIALS' },
      login: { status: 200, tokenType: 'Bearer' },
      me: { status: 200, email },
    });
    expect(Date.parse(outcome?.verified.expiresAt as string)).toBeGreaterThan(Date.now());
  }, 120_000);
});
