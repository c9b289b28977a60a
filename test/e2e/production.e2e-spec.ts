import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import request from 'supertest';
import { ApiContract, recordingClient, ResponseRecorder } from '../support/api-contract';
import { newEmail, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../support/factories';
import { freePort } from '../support/free-port';
import { rawGet } from '../support/network';
import { extractResetToken, SmtpTestServer } from '../support/smtp-test-server';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

const ROOT = join(__dirname, '..', '..');

/** Only what a production host would set: no variables of this test process leak in. */
function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' };
}

interface Output {
  text: string;
}

function run(env: NodeJS.ProcessEnv, output: Output): ChildProcess {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  return child;
}

async function waitForHealth(
  baseUrl: string,
  output: Output,
  api = { get: (path: string) => request(baseUrl).get(path) },
): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      const response = await api.get('/health');
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The built service did not become healthy:\n${output.text}`);
}

/**
 * Requests to the built service whose answers are checked, after each test, against the document
 * it serves itself at /docs-json (it runs with SWAGGER_ENABLED=true for that).
 */
async function checkedApi(
  baseUrl: string,
  output: Output,
): Promise<{ api: ReturnType<typeof recordingClient>; recorder: ResponseRecorder }> {
  const recorder = new ResponseRecorder();
  const api = recordingClient(baseUrl, recorder);
  await waitForHealth(baseUrl, output, api);
  const document = (await request(baseUrl).get('/docs-json').expect(200)).body as object;
  recorder.use(await ApiContract.of(document));
  return { api, recorder };
}

/** The reset requests stored for an address, read straight from the database file or server. */
async function storedRequests(
  database: TestDatabase,
  email: string,
): Promise<{ status: string }[]> {
  const sql = 'SELECT status FROM account_email_queue WHERE email = ';
  if (database.kind === 'sqlite') {
    const db = new Database(database.url.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(`${sql}?`).all(email) as { status: string }[];
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<{ status: string }>(`${sql}$1`, [email])).rows;
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  // Exactly what the README tells an operator to run.
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
}, 180_000);

describe('The built service in production mode', () => {
  it('should refuse to start without the production variables, naming each one', async () => {
    const output: Output = { text: '' };
    const child = run({ ...baseEnv(), DATABASE_URL: 'sqlite::memory:' }, output);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    for (const name of ['JWT_SECRET', 'FRONTEND_URL', 'SMTP_HOST', 'MAIL_FROM']) {
      expect(output.text).toContain(name);
    }
  });

  it('should refuse settings production must not run with, one line each and no stack trace', async () => {
    const output: Output = { text: '' };
    const child = run(
      {
        ...baseEnv(),
        DATABASE_URL: 'sqlite::memory:',
        JWT_SECRET: randomBytes(32).toString('hex'),
        FRONTEND_URL: 'https://accounts.example.com',
        SMTP_HOST: 'smtp.example.com',
        MAIL_FROM: 'no-reply@example.com',
        // Every client address, which today crashes inside proxy-addr.
        TRUST_PROXY: '0.0.0.0/0',
        // SMTP AUTH in clear text to another machine.
        SMTP_REQUIRE_TLS: 'false',
        SMTP_USER: 'mailer',
        SMTP_PASSWORD: 'smtp-password-never-printed',
        SIGN_IN_URL: 'http://accounts.example.com/login',
        HEALTH_TOKEN: 'h'.repeat(31),
      },
      output,
    );
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code).toBe(1);
    const lines = output.text.trim().split('\n');
    expect(lines[0]).toBe('Invalid environment:');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}- SMTP_REQUIRE_TLS=false would send SMTP_USER's password/),
      expect.stringMatching(/^ {2}- TRUST_PROXY 0\.0\.0\.0\/0 is wider than \/8/),
      expect.stringMatching(/^ {2}- HEALTH_TOKEN must be at least 32 characters long/),
      expect.stringMatching(/^ {2}- SIGN_IN_URL must be an https:\/\/ URL or a path/),
    ]);
    expect(output.text).not.toMatch(/^\s+at /m);
    expect(output.text).not.toContain('smtp-password-never-printed');
  });

  describe.each(databaseKinds())('on %s', (kind) => {
    let database: TestDatabase;
    let smtp: SmtpTestServer;
    let child: ChildProcess | undefined;
    const output: Output = { text: '' };
    let baseUrl: string;
    let api: ReturnType<typeof recordingClient>;
    let recorder: ResponseRecorder | undefined;

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      smtp = await new SmtpTestServer().start();
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      child = run(
        {
          ...baseEnv(),
          PORT: String(port),
          DATABASE_URL: database.url,
          JWT_SECRET: randomBytes(32).toString('hex'),
          FRONTEND_URL: 'https://accounts.example.com/',
          SWAGGER_ENABLED: 'true',
          ...smtp.env(),
        },
        output,
      );
      ({ api, recorder } = await checkedApi(baseUrl, output));
    }, 60_000);

    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child!.on('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      recorder?.close();
      await smtp?.stop();
      await database?.drop();
    });

    it('should run the reset flow with mail sent through SMTP with AUTH', async () => {
      const email = newEmail('prod');
      await api.post('/auth/register').send({ email, password: STRONG_PASSWORD }).expect(201);
      await api.post('/auth/forgot-password').send({ email }).expect(202);
      const [mail] = await smtp.waitForMail(email);
      expect(mail.user).toBe(SmtpTestServer.USER);
      expect(mail.parsed.text).toContain(
        'https://accounts.example.com/reset-password?lang=en#token=',
      );
      const token = extractResetToken(mail);

      await api
        .post('/auth/reset-password')
        .send({ token, newPassword: OTHER_STRONG_PASSWORD })
        .expect(200);
      await api.post('/auth/login').send({ email, password: OTHER_STRONG_PASSWORD }).expect(200);
      await smtp.waitForMail(email, 2);
      expect(output.text).not.toContain(token);
      expect(output.text).not.toContain(SmtpTestServer.PASSWORD);
    });
  });

  describe.each(databaseKinds())('killed with SIGKILL on %s', (kind) => {
    let database: TestDatabase;
    let smtp: SmtpTestServer;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      smtp = new SmtpTestServer(await freePort());
    });

    afterAll(async () => {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await smtp?.stop();
      await database?.drop();
    });

    it('should deliver, after a restart, a reset accepted just before the process was killed', async () => {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const env = {
        ...baseEnv(),
        PORT: String(port),
        DATABASE_URL: database.url,
        JWT_SECRET: randomBytes(32).toString('hex'),
        FRONTEND_URL: 'https://accounts.example.com',
        MAIL_POLL_INTERVAL_SECONDS: '1',
        MAIL_RETRY_BASE_SECONDS: '1',
        // A row the dead process had claimed is free again after this long.
        MAIL_CLAIM_TIMEOUT_SECONDS: '4',
        SMTP_TIMEOUT_SECONDS: '1',
        SWAGGER_ENABLED: 'true',
        ...smtp.env(),
      };
      const firstOutput: Output = { text: '' };
      const first = run(env, firstOutput);
      children.push(first);
      const { api, recorder } = await checkedApi(baseUrl, firstOutput);

      const email = newEmail('killed');
      await api.post('/auth/register').send({ email, password: STRONG_PASSWORD }).expect(201);
      await api.post('/auth/forgot-password').send({ email }).expect(202);
      recorder.close();
      const killed = new Promise((resolve) => first.on('exit', resolve));
      first.kill('SIGKILL');
      await killed;
      // The answer was a 202, so the request is on disk: SQLite's write-ahead log with
      // synchronous=NORMAL loses nothing when the process dies, only on a power cut.
      expect(await storedRequests(database, email)).toEqual([
        { status: expect.stringMatching(/^(pending|processing)$/) },
      ]);

      await smtp.start();
      const secondOutput: Output = { text: '' };
      const second = run(env, secondOutput);
      children.push(second);
      await waitForHealth(baseUrl, secondOutput);

      const [mail] = await smtp.waitForMail(email, 1, 30_000);
      expect(mail.parsed.text).toContain(
        'https://accounts.example.com/reset-password?lang=en#token=',
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(smtp.mailTo(email)).toHaveLength(1);

      const stopped = new Promise<NodeJS.Signals | null>((resolve) =>
        second.on('exit', (_code, signal) => resolve(signal)),
      );
      second.kill('SIGTERM');
      // Nest runs the shutdown hooks, then lets the signal end the process.
      expect(await stopped).toBe('SIGTERM');
      expect(secondOutput.text).toContain('Shutting down: no new claims');
    }, 90_000);
  });
});

/** Where the start-up log says the service listens, once it does. */
async function listeningLine(output: Output): Promise<string> {
  for (let i = 0; i < 150; i++) {
    // eslint-disable-next-line no-control-regex
    const line = /Listening on [^\n]*/.exec(output.text.replace(/\x1b\[[0-9;]*m/g, ''));
    if (line) return line[0];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The built service did not start:\n${output.text}`);
}

describe('The built service outside production', () => {
  const children: ChildProcess[] = [];
  /**
   * Another loopback address. Tests may not reach this machine's other interfaces, but a server
   * bound to 127.0.0.1 alone refuses a connection to 127.0.0.2 just as it would one to them, while
   * a server on every interface accepts it.
   */
  const otherLoopback = '127.0.0.2';

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  /** The service as `npm start` runs it on a developer's machine: no NODE_ENV, the dev mailbox. */
  async function start(env: NodeJS.ProcessEnv = {}): Promise<{ port: number; line: string }> {
    const port = await freePort();
    const output: Output = { text: '' };
    const child = run(
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATABASE_URL: 'sqlite::memory:',
        MAIL_DEV_DIR: mkdtempSync(join(tmpdir(), 'npr-dev-mailbox-')),
        ...env,
      },
      output,
    );
    children.push(child);
    return { port, line: await listeningLine(output) };
  }

  it('should listen on 127.0.0.1 only, and say so', async () => {
    // Set and empty, so a .env file in the project cannot set it: empty counts as unset.
    const { port, line } = await start({ HOST: '' });

    expect(line).toBe(
      `Listening on 127.0.0.1, port ${port}: http://127.0.0.1:${port} (Swagger UI at /docs)`,
    );
    expect((await rawGet({ host: '127.0.0.1', port }, '/dev/mailbox')).status).toBe(200);
    await expect(rawGet({ host: otherLoopback, port }, '/health')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('should listen where HOST says, and still show the dev mailbox to this machine', async () => {
    const { port, line } = await start({ HOST: '0.0.0.0' });

    expect(line).toBe(
      `Listening on every interface (0.0.0.0), port ${port}: http://localhost:${port} (Swagger UI at /docs)`,
    );
    expect((await rawGet({ host: otherLoopback, port }, '/health')).status).toBe(200);
    // Every 127.x address is this machine. That the pages answer 404 to other machines whatever
    // HOST says is shown on a Unix socket, whose clients have no loopback address, in
    // dev-mailbox.e2e-spec.ts ("Dev mailbox pages to other machines"): the guard goes by the
    // socket's peer address and not by where the server listens.
    expect((await rawGet({ host: otherLoopback, port }, '/dev/mailbox')).status).toBe(200);
    expect((await rawGet({ host: '127.0.0.1', port }, '/dev/mailbox')).status).toBe(200);
  });
});
