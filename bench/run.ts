/**
 * `npm run bench`: performance targets of the service, each as a ratio to a floor or ceiling
 * measured in the same run on the same machine. See docs/BENCHMARKS.md for what each row means.
 *
 * The service under test is the production build (`node dist/main.js`, NODE_ENV=production) in a
 * child process with a fresh database; it sends its emails to an SMTP sink in another child process.
 * Floors and ceilings run in their own processes too: a bare Nest app, raw argon2, nodemailer. All
 * traffic stays on 127.0.0.1. Progress goes to stderr; the result table to stdout and to
 * docs/BENCHMARKS.md.
 *
 * Settings (environment variables; the defaults make a run of about 5–8 minutes on 2 cores):
 *   BENCH_SECONDS=5              length of one measured slice
 *   BENCH_ROUNDS=3               slices per side (service and floor alternate, one at a time)
 *   BENCH_WARMUP_SECONDS=3       unmeasured load before a scenario (the JIT needs it)
 *   BENCH_KNOWN_SECONDS=5        row 2's one continuous run (each request queues an email, and
 *                                all of them are waited for before the next scenario)
 *   BENCH_CONNECTIONS=10         concurrency of rows 1-5
 *   BENCH_BOOTS=3                boots measured for row 10 (the last one is the service under test)
 *   BENCH_ENUMERATION_ROUNDS=500 requests per side in row 11
 *   BENCH_ENUMERATION_GAP_MS=30  pause before each request of row 11 (see enumerationScenario)
 *   BENCH_AFTER_ANSWER_PAIRS=100 known/unknown pairs in row 11c (see afterAnswerScenario)
 *   BENCH_CODE_PAIRS=200         known/unknown pairs in row 11d (see codeEnumerationScenario)
 *   BENCH_SIGNUP_PAIRS=200       taken/new pairs in row 11e (see signUpEnumerationScenario)
 *   BENCH_KNOWN_ACCOUNTS=50      accounts cycled through in row 2
 *   BENCH_BURST=300              messages in row 8, sent with BENCH_BURST_CONNECTIONS=50
 *   BENCH_PROBE_MS=50            interval of the /health probe (rows 6, 7b)
 *   BENCH_IDLE_PROBE_SECONDS=5   idle /health probing before any load
 *   BENCH_STRENGTH_SAMPLES=100   generated passphrases timed in row 7a
 *   BENCH_DRAIN_TIMEOUT_SECONDS=120, BENCH_BOOT_TIMEOUT_SECONDS=60, BENCH_TIMEOUT_MINUTES=20
 *   BENCH_DATABASE_URL=postgres://user@host:port/db   run on PostgreSQL (a new database per start
 *                                on that server, dropped afterwards) instead of SQLite
 *   BENCH_OUTPUT=docs/BENCHMARKS.md   where the report goes ("-" to skip writing it)
 *   BENCH_STRICT=1               exit with status 2 when a target is missed
 *   BENCH_KEEP_LOGS=1            keep the processes' logs (the folder is printed at the end)
 *   BENCH_QUIET_WAIT_SECONDS=30  before each measured slice, wait up to this long for other processes
 *                                to use under 10 % of the machine (BENCH_QUIET_WAIT_TOTAL_SECONDS=180
 *                                in all; 0 turns the wait off)
 *   BENCH_MAX_RETRIES=10         measured slices run again (at most twice each) when other processes
 *                                took over 10 % of the machine during them
 */
import * as argon2 from 'argon2';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { FloorResult } from './argon2-floor';
import type { ProbeResult } from './health-probe';
import type { CeilingResult } from './smtp-ceiling';
import type { SinkStatus } from './smtp-sink';
import { transpileBench } from './lib/compile';
import { DatabaseProvider, postgresProvider, redactUrl, sqliteProvider } from './lib/database';
import { mapLimit, probeStatus, requestJson, waitUntil } from './lib/http';
import { CommandChannel } from './lib/ipc';
import { cpuSnapshot, CpuSnapshot, foreignCpu, loadAverage, stolenCpu } from './lib/machine';
import {
  describeStatuses,
  failures,
  LoadResult,
  mergeResults,
  okRate,
  PreparedRequest,
  runLoad,
} from './lib/load';
import { craftedPasswords, PassphraseSource } from './lib/passwords';
import {
  killAllNow,
  lastError,
  launchNode,
  logTail,
  Managed,
  memoryOf,
  stopAll,
  stopProcess,
} from './lib/processes';
import { renderTable, Row, RunInfo, verdict, writeReport } from './lib/report';
import { epochNow, fmt, fmtRatio, max, median, mib, quantile, sleep, sum } from './lib/stats';
import { loadChecker, timeChecker, warmUp } from './lib/strength';

const ROOT = resolve(__dirname, '..');

/**
 * The Node options of `npm run start:prod`, the documented production command, so the service is
 * measured as it runs in production: `node <options> dist/main.js`.
 */
function productionNodeOptions(): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const match = /^node\s+(.*?)\s*dist\/main\.js$/.exec(scripts['start:prod'] ?? '');
  if (!match) throw new Error('package.json start:prod is not `node [options] dist/main.js`');
  return match[1].split(/\s+/).filter(Boolean);
}
const SERVICE_NODE_OPTIONS = productionNodeOptions();

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}`);
  return value;
}

const config = {
  seconds: envNumber('BENCH_SECONDS', 5, 1),
  rounds: Math.round(envNumber('BENCH_ROUNDS', 3, 1)),
  warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 3, 0),
  knownSeconds: envNumber('BENCH_KNOWN_SECONDS', envNumber('BENCH_SECONDS', 5, 1), 1),
  connections: Math.round(envNumber('BENCH_CONNECTIONS', 10, 1)),
  boots: Math.round(envNumber('BENCH_BOOTS', 3, 1)),
  enumerationRounds: Math.round(envNumber('BENCH_ENUMERATION_ROUNDS', 500, 1)),
  enumerationGapMs: envNumber('BENCH_ENUMERATION_GAP_MS', 30, 0),
  afterAnswerPairs: Math.round(envNumber('BENCH_AFTER_ANSWER_PAIRS', 100, 1)),
  codePairs: Math.round(envNumber('BENCH_CODE_PAIRS', 200, 1)),
  signUpPairs: Math.round(envNumber('BENCH_SIGNUP_PAIRS', 200, 1)),
  knownAccounts: Math.round(envNumber('BENCH_KNOWN_ACCOUNTS', 50, 1)),
  burst: Math.round(envNumber('BENCH_BURST', 300, 1)),
  burstConnections: Math.round(envNumber('BENCH_BURST_CONNECTIONS', 50, 1)),
  probeMs: envNumber('BENCH_PROBE_MS', 50, 5),
  idleProbeSeconds: envNumber('BENCH_IDLE_PROBE_SECONDS', 5, 1),
  strengthSamples: Math.round(envNumber('BENCH_STRENGTH_SAMPLES', 100, 1)),
  strengthBudgetSeconds: envNumber('BENCH_STRENGTH_BUDGET_SECONDS', 60, 1),
  drainTimeoutSeconds: envNumber('BENCH_DRAIN_TIMEOUT_SECONDS', 120, 5),
  bootTimeoutSeconds: envNumber('BENCH_BOOT_TIMEOUT_SECONDS', 60, 5),
  timeoutMinutes: envNumber('BENCH_TIMEOUT_MINUTES', 20, 1),
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
  output: process.env.BENCH_OUTPUT || join(ROOT, 'docs', 'BENCHMARKS.md'),
  strict: process.env.BENCH_STRICT === '1',
  keepLogs: process.env.BENCH_KEEP_LOGS === '1',
  quietWaitSeconds: envNumber('BENCH_QUIET_WAIT_SECONDS', 30, 0),
  quietWaitTotalSeconds: envNumber('BENCH_QUIET_WAIT_TOTAL_SECONDS', 180, 0),
  maxRetries: Math.round(envNumber('BENCH_MAX_RETRIES', 10, 0)),
};

/** The service's default argon2id cost; set explicitly for the service and passed to the floor. */
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
const FORGOT_BODY = {
  message: 'If an account exists for that address, we have sent it a link to reset the password.',
};
/** Rows and their targets, in table order; every one appears in the table, measured or not. */
const ROWS: Record<string, { measure: string; target: string }> = {
  '1': {
    measure: `forgot-password, unknown addresses, c${config.connections}`,
    target: '≥ 0.25 (aim 0.5)',
  },
  '2': {
    measure: `forgot-password, known addresses (each sends an email), c${config.connections}`,
    target: '≥ 0.5',
  },
  '3': {
    measure: `reset-password, valid tokens, c${config.connections}`,
    target: '≥ 0.75 (aim 0.9)',
  },
  '4': { measure: `register, c${config.connections}`, target: '≥ 0.75' },
  '5': { measure: `change-password, c${config.connections} (2 argon2 ops each)`, target: '≥ 0.75' },
  '6': { measure: `GET /health during resets (c${config.connections})`, target: 'p99 < 20 ms' },
  '7a': { measure: 'strength check CPU per password', target: 'informational' },
  '7b': {
    measure: 'event-loop exposure: slowest /health while 20 crafted passwords are registered (c4)',
    target: '≤ idle max + 20 ms (informational)',
  },
  '8': {
    measure: `burst of ${config.burst} reset emails (c${Math.min(config.burstConnections, config.burst)}), first request → last message accepted`,
    target: '≥ 0.8',
  },
  '9': {
    measure: 'peak memory of the service (VmHWM) after the run',
    target: '< 384 MiB (aim 256)',
  },
  '10': { measure: 'boot to healthy (empty database, migrations run)', target: '< 2000 ms' },
  '11a': { measure: 'enumeration timing: forgot-password, known / unknown', target: '0.95–1.05' },
  '11b': {
    measure: 'enumeration timing: login with a wrong password, known / unknown',
    target: '0.95–1.05',
  },
  '11c': {
    measure:
      'after the answer: the next request (GET /health) right after forgot-password, known / unknown',
    target: '≤ 1.15',
  },
  '11d': {
    measure: 'enumeration timing: a wrong reset code, known (live code) / unknown address',
    target: '0.95–1.05',
  },
  '11e': {
    measure: 'enumeration timing: sign-up (enumeration-safe), taken / new address',
    target: '0.95–1.05',
  },
};

interface Helper {
  managed: Managed;
  channel: CommandChannel;
}

interface Service {
  managed: Managed;
  port: number;
  base: string;
}

interface Account {
  email: string;
  password: string;
  token?: string;
  accessToken?: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const problems: string[] = [];
/** Scenarios during which other processes took a noticeable share of the machine. */
const contention: string[] = [];
/**
 * Rows not measured in checked slices: 7a times CPU, not wall time; 11a–11e interleave both sides
 * request by request, so a disturbance hits both.
 */
const UNCHECKED_ROWS = ['7a', '11a', '11b', '11c', '11d', '11e'];
/** Measured slices kept although other processes took over 10 % of the machine meanwhile. */
const disturbed = new Map<string, { kept: number; of: number; worst: number }>();
const runStarted = performance.now();

let tmp: string | undefined;
let logDir = '';
let jsDir = '';
/** The build under test, copied from dist/ so that a rebuild meanwhile cannot change it. */
let distDir = '';
let database: DatabaseProvider | undefined;
let sink: Helper;
let ceilingSink: Helper;
let floor: Helper;
let probe: Helper;
let service: Service | undefined;
let bare: Service | undefined;
let sinkPort = 0;
let ceilingPort = 0;
let bareHwm = NaN;
let startLoad = '';
let cpuAtStart: CpuSnapshot | undefined;
/** Processes outside the bench's tree that work for it: a local PostgreSQL server. */
let ownWork: string[] = [];
let fatal = false;

function log(message: string): void {
  const elapsed = ((performance.now() - runStarted) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${elapsed}s] ${message}\n`);
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 200);
}

function addRow(id: string, row: Omit<Row, 'id' | 'measure' | 'target'> & Partial<Row>): void {
  rows.push({ id, measure: ROWS[id].measure, target: ROWS[id].target, ...row });
}

function notMeasured(id: string, reason: string): void {
  if (rows.some((row) => row.id === id)) return;
  addRow(id, {
    figure: `n/a: ${reason}`,
    reference: '—',
    ratio: '—',
    verdict: 'n/a',
  });
}

// --- processes ------------------------------------------------------------------------------

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  // The service and the argon2 floor must get the same libuv pool: the default, unless set here.
  if (process.env.UV_THREADPOOL_SIZE) env.UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE;
  return env;
}

function helperEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...baseEnv(), NODE_PATH: join(ROOT, 'node_modules'), ...extra };
}

function serviceEnv(port: number, databaseUrl: string): NodeJS.ProcessEnv {
  // The per-IP limits stay on (every request is counted, as in production) but never refuse: all
  // the load comes from one address. Their windows are one second because the in-memory store
  // (@nestjs/throttler's) keeps one timestamp per request in the window and scans them all on each
  // request: at the defaults (5 per 15 minutes) an address holds at most 6, but one address sending
  // thousands a second under a 15-minute window would hold hundreds of thousands, a state no client
  // can reach outside this bench, and forgot-password fell from ~1,050 to ~600 req/s within a minute.
  const limit = '100000000';
  const window = '1';
  return {
    ...baseEnv(),
    // The build runs from a copy in the temp folder; packages still come from the project.
    NODE_PATH: join(ROOT, 'node_modules'),
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(36).toString('base64url'),
    FRONTEND_URL: 'https://app.bench.example',
    MAIL_FROM: '"Bench" <no-reply@bench.example>',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sinkPort),
    SMTP_SECURE: 'false',
    SMTP_REQUIRE_TLS: 'false',
    SMTP_POOL_SIZE: '5',
    FORGOT_PASSWORD_LIMIT: limit,
    LOGIN_LIMIT: limit,
    RESET_PASSWORD_LIMIT: limit,
    REGISTER_LIMIT: limit,
    CHANGE_PASSWORD_LIMIT: limit,
    FORGOT_PASSWORD_WINDOW_SECONDS: window,
    LOGIN_WINDOW_SECONDS: window,
    RESET_PASSWORD_WINDOW_SECONDS: window,
    REGISTER_WINDOW_SECONDS: window,
    CHANGE_PASSWORD_WINDOW_SECONDS: window,
    RESET_EMAIL_COOLDOWN_SECONDS: '0',
    RESET_EMAIL_DAILY_LIMIT: '0',
    RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS: '0',
    LOGIN_MAX_FAILURES: '1000',
    LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
    // Every reset email carries a code too (row 11d times the code route).
    RESET_CODE_ENABLED: 'true',
    ARGON2_MEMORY_KIB: String(ARGON2.memoryCost),
    ARGON2_TIME_COST: String(ARGON2.timeCost),
    ARGON2_PARALLELISM: String(ARGON2.parallelism),
    HEALTH_TOKEN,
    // Empty counts as unset: keeps a stray .env from pointing the throttler at a Redis server.
    REDIS_URL: '',
  };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

async function startHelper(script: string, name = script): Promise<Helper> {
  const managed = launchNode(name, [join(jsDir, `${script}.js`)], {
    cwd: ROOT,
    env: helperEnv(),
    logDir,
    ipc: true,
  });
  const channel = new CommandChannel(managed.child, name);
  try {
    await channel.whenReady();
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${logTail(managed)}`);
  }
  return { managed, channel };
}

function exitedReason(managed: Managed): string | undefined {
  const status = managed.exitStatus();
  if (status === undefined) return undefined;
  const gist = lastError(managed);
  return `${managed.name} exited (${status})${gist ? `: ${gist}` : ''}\n${logTail(managed)}`;
}

/**
 * The relative modules `main.js` requires, directly or not, that are missing from `dir`: none in a
 * complete build. (A build under way, or one that failed half-way, lacks some.)
 */
function missingModules(dir: string): string[] {
  const missing: string[] = [];
  const seen = new Set<string>();
  const queue = [join(dir, 'main.js')];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file)) {
      missing.push(file);
      continue;
    }
    for (const match of readFileSync(file, 'utf8').matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
      const target = resolve(dirname(file), match[1]);
      const candidates = [target, `${target}.js`, join(target, 'index.js')];
      queue.push(
        candidates.find((candidate) => existsSync(candidate) && candidate.endsWith('.js')) ??
          `${target}.js`,
      );
    }
  }
  return missing;
}

/**
 * Copies dist/ (built by `npm run bench` just before) into the temp folder, with templates/ beside it
 * as in the checkout (the service uses dist/templates, or ../templates when the build has none).
 * Someone else's build in the same checkout deletes and rewrites dist/: this waits for a complete
 * one, and the service runs from the copy, so a rebuild during the run cannot change it.
 */
async function snapshotDist(): Promise<void> {
  const built = join(ROOT, 'dist');
  await waitUntil(
    'a complete dist/ (run `nest build`; `npm run bench` does)',
    () => missingModules(built).length === 0,
    500,
    120_000,
  );
  await sleep(1000);
  const root = tmp ?? tmpdir();
  distDir = join(root, 'dist');
  cpSync(built, distDir, { recursive: true });
  if (existsSync(join(ROOT, 'templates'))) {
    cpSync(join(ROOT, 'templates'), join(root, 'templates'), { recursive: true });
  }
  const missing = missingModules(distDir);
  if (missing.length > 0) {
    throw new Error(
      `dist/ changed while it was being copied (${missing[0]} is missing); run again`,
    );
  }
}

/**
 * Spawns `node dist/main.js` on a fresh database; resolves at the first 200 from GET /health.
 * `adjust` changes the environment first (row 11e's service).
 */
async function bootService(
  name: string,
  adjust: (env: NodeJS.ProcessEnv) => void = () => {},
): Promise<{ service: Service; bootMs: number }> {
  if (!database) throw new Error('no database provider');
  const databaseUrl = await database.fresh();
  const port = await freePort();
  const started = performance.now();
  const env = serviceEnv(port, databaseUrl);
  adjust(env);
  const managed = launchNode(name, [...SERVICE_NODE_OPTIONS, join(distDir, 'main.js')], {
    cwd: ROOT,
    env,
    logDir,
  });
  await waitUntil(
    `${name} boot`,
    async () => (await probeStatus(port, 'GET', '/health')) === 200,
    20,
    config.bootTimeoutSeconds * 1000,
    () => exitedReason(managed),
  );
  const bootMs = performance.now() - started;
  return { service: { managed, port, base: `http://127.0.0.1:${port}` }, bootMs };
}

/** Spawns the bare Nest app; resolves at its first 202. */
async function bootBare(name: string): Promise<{ service: Service; bootMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const managed = launchNode(name, [join(jsDir, 'bare-app.js')], {
    cwd: ROOT,
    env: helperEnv({ PORT: String(port), NODE_ENV: 'production' }),
    logDir,
  });
  const body = JSON.stringify({ email: 'boot@bench.example' });
  await waitUntil(
    `${name} boot`,
    async () => (await probeStatus(port, 'POST', '/auth/forgot-password', body)) === 202,
    20,
    config.bootTimeoutSeconds * 1000,
    () => exitedReason(managed),
  );
  const bootMs = performance.now() - started;
  return { service: { managed, port, base: `http://127.0.0.1:${port}` }, bootMs };
}

function current(): Service {
  if (!service) throw new Error('The service is not running');
  const reason = exitedReason(service.managed);
  if (reason) throw new Error(reason);
  return service;
}

// --- mail -----------------------------------------------------------------------------------

function sinkStatus(): Promise<SinkStatus> {
  return sink.channel.call<SinkStatus>('status');
}

/** Lets the bench read GET /health/details (where the service reports its email queue). */
const HEALTH_TOKEN = randomBytes(24).toString('base64url');
/** Where the outbox counts were found: /health/details, or /health on versions without it. */
let outboxPath: string | undefined;

/** The email queue the service reports (GET /health/details, or GET /health), when it reports one. */
async function outboxCounts(): Promise<{ pending?: number; failed?: number }> {
  const base = current().base;
  for (const path of outboxPath ? [outboxPath] : ['/health/details', '/health']) {
    try {
      const { status, body } = await requestJson(
        base,
        'GET',
        path,
        undefined,
        { authorization: `Bearer ${HEALTH_TOKEN}` },
        5000,
      );
      const outbox = (body as { details?: { outbox?: { pending?: unknown; failed?: unknown } } })
        ?.details?.outbox;
      if (status !== 200 || typeof outbox?.pending !== 'number') continue;
      if (outboxPath === undefined) log(`  the service reports its email queue at ${path}`);
      outboxPath = path;
      return {
        pending: outbox.pending,
        failed: typeof outbox.failed === 'number' ? outbox.failed : undefined,
      };
    } catch {
      // Not answered in time: treat as unknown.
    }
  }
  return {};
}

/**
 * Waits until the service has nothing left to send: no message reached the sink for `quietMs`, and
 * the outbox (if /health reports it) has nothing pending. Returns whether it got there in time.
 */
async function drainMail(quietMs = 1000): Promise<{ drained: boolean; ms: number }> {
  const started = performance.now();
  const deadline = started + config.drainTimeoutSeconds * 1000;
  let lastTotal = -1;
  let lastChange = performance.now();
  for (;;) {
    current();
    const [status, outbox] = await Promise.all([sinkStatus(), outboxCounts()]);
    if (status.total !== lastTotal) {
      lastTotal = status.total;
      lastChange = performance.now();
    }
    const quiet = performance.now() - lastChange >= quietMs;
    if (quiet && (outbox.pending === undefined || outbox.pending === 0)) {
      return { drained: true, ms: performance.now() - started - quietMs };
    }
    if (performance.now() > deadline) {
      log(`mail did not drain within ${config.drainTimeoutSeconds} s (pending ${outbox.pending})`);
      return { drained: false, ms: performance.now() - started };
    }
    await sleep(200);
  }
}

/** Between slices: let the service finish what the last slice left (answers, emails). */
async function settle(): Promise<void> {
  await sleep(300);
  const { drained } = await drainMail(500);
  if (!drained) throw new Error('The service did not settle between slices (mail still pending)');
}

// --- accounts -------------------------------------------------------------------------------

const passphrases = new PassphraseSource(20261126);
let accountCounter = 0;
/** Registered accounts whose password is known and that nothing else is using. */
const spare: Account[] = [];

function newAccount(tag: string): Account {
  accountCounter++;
  return { email: `${tag}-${accountCounter}@bench.example`, password: passphrases.next() };
}

async function registerAccounts(count: number, tag: string): Promise<Account[]> {
  const base = current().base;
  const accounts = Array.from({ length: count }, () => newAccount(tag));
  const statuses = await mapLimit(accounts, config.connections, async (account) => {
    const { status } = await requestJson(base, 'POST', '/auth/register', {
      email: account.email,
      password: account.password,
    });
    return status;
  });
  const refused = statuses.filter((status) => status !== 201);
  if (refused.length > 0) {
    throw new Error(
      `register refused ${refused.length} of ${count} (statuses ${refused.join(',')})`,
    );
  }
  return accounts;
}

async function takeSpare(count: number, tag: string): Promise<Account[]> {
  if (spare.length < count) {
    const missing = count - spare.length;
    log(`  registering ${missing} more accounts`);
    spare.push(...(await registerAccounts(missing, tag)));
  }
  return spare.splice(0, count);
}

/** Asks for a reset link for each account and reads the tokens from the emails. */
async function issueResetTokens(accounts: Account[]): Promise<Account[]> {
  const base = current().base;
  await drainMail(500);
  await sink.channel.call('mark', { capture: 'tokens' });
  const statuses = await mapLimit(accounts, config.connections, async (account) => {
    const { status } = await requestJson(base, 'POST', '/auth/forgot-password', {
      email: account.email,
    });
    return status;
  });
  const refused = statuses.filter((status) => status !== 202).length;
  if (refused > 0) throw new Error(`forgot-password refused ${refused} of ${accounts.length}`);
  try {
    await waitUntil(
      'reset emails',
      async () => (await sinkStatus()).tokens >= accounts.length,
      100,
      config.drainTimeoutSeconds * 1000,
      () => exitedReason(current().managed),
    );
  } catch (error) {
    const status = await sinkStatus();
    log(
      `  only ${status.tokens} of ${accounts.length} tokens arrived (${status.unreadable} unreadable)`,
    );
    if (status.tokens === 0) throw error;
  }
  const tokens = await sink.channel.call<Record<string, string>>('tokens');
  await sink.channel.call('mark', { capture: 'none' });
  const withToken: Account[] = [];
  for (const account of accounts) {
    account.token = tokens[account.email];
    if (account.token) withToken.push(account);
    else spare.push(account);
  }
  return withToken;
}

/** Logs each account in; keeps the ones that got an access token. */
async function logIn(accounts: Account[]): Promise<Account[]> {
  const base = current().base;
  const results = await mapLimit(accounts, config.connections, async (account) => {
    const { status, body } = await requestJson(base, 'POST', '/auth/login', {
      email: account.email,
      password: account.password,
    });
    const token = (body as { accessToken?: unknown } | undefined)?.accessToken;
    if (status === 200 && typeof token === 'string') {
      account.accessToken = token;
      return account;
    }
    return undefined;
  });
  const ok = results.filter((account): account is Account => account !== undefined);
  if (ok.length < accounts.length) log(`  ${accounts.length - ok.length} logins failed`);
  return ok;
}

// --- load helpers ---------------------------------------------------------------------------

async function load<T>(
  target: Service,
  path: string,
  seconds: number,
  next: () => PreparedRequest<T>,
  onAnswer?: (item: T, status: number) => void,
): Promise<LoadResult> {
  const result = await runLoad({
    base: target.base,
    method: 'POST',
    path,
    connections: config.connections,
    seconds,
    next,
    onAnswer,
  });
  const who = target === bare ? 'bare app' : 'service';
  log(`  ${who} ${path} ${seconds} s: ${fmt(okRate(result))}/s (${describeStatuses(result)})`);
  return result;
}

async function floorRun(seconds: number): Promise<FloorResult> {
  const result = await floor.channel.call<FloorResult>(
    'run',
    { seconds, concurrency: config.connections, ...ARGON2 },
    seconds * 1000 + 120_000,
  );
  log(`  raw argon2 ${seconds} s: ${fmt(result.completed / (result.durationMs / 1000))} hashes/s`);
  return result;
}

function floorRate(results: readonly FloorResult[]): number {
  const ms = sum(results.map((result) => result.durationMs));
  return ms > 0 ? sum(results.map((result) => result.completed)) / (ms / 1000) : NaN;
}

let quietWaited = 0;

/**
 * Before a measured slice: if other processes (a test run, a build) keep more than 10 % of the
 * machine busy, waits for them, up to BENCH_QUIET_WAIT_SECONDS here and
 * BENCH_QUIET_WAIT_TOTAL_SECONDS over the run. Whatever they used anyway is reported per scenario.
 */
async function quietGate(): Promise<void> {
  const started = performance.now();
  const limit =
    Math.min(config.quietWaitSeconds, config.quietWaitTotalSeconds - quietWaited) * 1000;
  if (limit <= 0) return;
  let announced = false;
  for (;;) {
    const before = cpuSnapshot(ownWork);
    await sleep(250);
    const after = cpuSnapshot(ownWork);
    const busyCores = (foreignCpu(before, after) + stolenCpu(before, after)) / 0.25;
    const waited = performance.now() - started;
    if (busyCores < 0.1 * cpus().length || waited >= limit) {
      quietWaited += waited / 1000;
      if (announced) {
        log(
          `  ${busyCores < 0.1 * cpus().length ? 'quiet again' : 'going on anyway'} after ${fmt(waited / 1000)} s`,
        );
      }
      return;
    }
    if (!announced) {
      log(`  other processes keep ${fmt(busyCores)} cores busy: waiting for them`);
      announced = true;
    }
  }
}

let retriesLeft = config.maxRetries;
let retried = 0;

interface MeasureOptions<T> {
  /** Before each attempt, outside the measurement (top up tokens, drain mail). */
  prepare?: () => Promise<void>;
  /** After each attempt, outside the measurement (let the service settle). */
  after?: () => Promise<void>;
  /** Undoes an attempt that is thrown away (stops a process it started). */
  discard?: (result: T) => Promise<void>;
}

/**
 * One measured slice. When other processes (or the hypervisor) took more than 10 % of the machine
 * while it ran, it is thrown away and run again (at most twice, BENCH_MAX_RETRIES over the run); a
 * slice kept anyway is named in the notes.
 */
async function measured<T>(
  label: string,
  run: () => Promise<T>,
  options: MeasureOptions<T> = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await options.prepare?.();
    await quietGate();
    const before = cpuSnapshot(ownWork);
    const started = performance.now();
    const result = await run();
    const after = cpuSnapshot(ownWork);
    const seconds = (performance.now() - started) / 1000;
    const share =
      (foreignCpu(before, after) + stolenCpu(before, after)) / (seconds * cpus().length);
    await options.after?.();
    // Tallied per kind of slice: "row 3 service, round 2" → "row 3 service".
    const kind = label.replace(/, round \d+$/, '').replace(/ boot \d+$/, ' boots');
    const tally = disturbed.get(kind) ?? { kept: 0, of: 0, worst: 0 };
    disturbed.set(kind, tally);
    if (share <= 0.1) {
      tally.of++;
      return result;
    }
    if (attempt > 2 || retriesLeft <= 0) {
      tally.of++;
      tally.kept++;
      tally.worst = Math.max(tally.worst, share);
      return result;
    }
    retriesLeft--;
    retried++;
    await options.discard?.(result);
    log(
      `  ${label}: other processes took ${fmt(100 * share)} % of the machine: measuring it again`,
    );
  }
}

/**
 * Runs `rounds` slices of each side, one side at a time, alternating which goes first so that neither
 * always follows the other.
 */
async function alternate<A, B>(
  serviceSlice: (round: number) => Promise<A>,
  floorSlice: (round: number) => Promise<B>,
): Promise<{ service: A[]; floor: B[] }> {
  const serviceResults: A[] = [];
  const floorResults: B[] = [];
  for (let round = 0; round < config.rounds; round++) {
    if (round % 2 === 0) {
      floorResults.push(await floorSlice(round));
      serviceResults.push(await serviceSlice(round));
    } else {
      serviceResults.push(await serviceSlice(round));
      floorResults.push(await floorSlice(round));
    }
  }
  return { service: serviceResults, floor: floorResults };
}

function latencyText(result: LoadResult): string {
  return `p50 ${fmt(quantile(result.latencies, 0.5))} ms, p99 ${fmt(quantile(result.latencies, 0.99))} ms`;
}

function noteFailures(id: string, result: LoadResult, label: string): void {
  const failed = failures(result);
  if (failed > 0) notes.push(`Row ${id}: ${label} answers were ${describeStatuses(result)}.`);
}

async function probeDuring<T>(work: () => Promise<T>): Promise<{ result: T; probe: ProbeResult }> {
  await probe.channel.call('start', { port: current().port, intervalMs: config.probeMs });
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await probe.channel.call('stop').catch(() => undefined);
    throw error;
  }
  const probed = await probe.channel.call<ProbeResult>('stop');
  return { result, probe: probed };
}

// --- scenarios ------------------------------------------------------------------------------

/** Row 7a: the service's strength checker, timed in this process while nothing else runs. */
async function strengthScenario(): Promise<void> {
  const loaded = await loadChecker(ROOT);
  if ('error' in loaded) {
    notMeasured('7a', loaded.error);
    return;
  }
  // Reference: the CPU time of one argon2id hash at the service's cost (it runs on libuv's pool,
  // which process.cpuUsage counts too).
  const hashTimes: number[] = [];
  await quietGate();
  for (let i = 0; i < 12; i++) {
    const before = process.cpuUsage();
    await argon2.hash(`reference-${i}-Lantern-Quokka`, { type: argon2.argon2id, ...ARGON2 });
    const used = process.cpuUsage(before);
    if (i >= 2) hashTimes.push((used.user + used.system) / 1000);
  }
  const hashMs = median(hashTimes);
  await quietGate();
  const warmMs = warmUp(loaded.check, ['warm-up password', 'Another-1234-Warmup', 'p@ssw0rd']);
  const budget = config.strengthBudgetSeconds * 1000;
  const realistic = timeChecker(
    loaded.check,
    new PassphraseSource(7).take(config.strengthSamples),
    budget / 2,
  );
  const crafted = timeChecker(loaded.check, craftedPasswords(), budget / 2);
  const target = 'informational';
  addRow('7a', {
    measure: `${ROWS['7a'].measure}: ${realistic.count} generated passphrases`,
    figure: `median ${fmt(realistic.medianMs)} ms, max ${fmt(realistic.maxMs)} ms`,
    reference: `one argon2id hash: ${fmt(hashMs)} ms CPU`,
    ratio: `${fmtRatio(realistic.medianMs / hashMs)} (median) / ${fmtRatio(realistic.maxMs / hashMs)} (max)`,
    target,
    verdict: 'info',
  });
  addRow('7a', {
    measure: `${ROWS['7a'].measure}: ${crafted.count} crafted 128-character strings`,
    figure: `median ${fmt(crafted.medianMs)} ms, max ${fmt(crafted.maxMs)} ms`,
    reference: `one argon2id hash: ${fmt(hashMs)} ms CPU`,
    ratio: `${fmtRatio(crafted.medianMs / hashMs)} (median) / ${fmtRatio(crafted.maxMs / hashMs)} (max)`,
    target,
    verdict: 'info',
  });
  notes.push(
    `Row 7a: \`${loaded.module}\` default export called in the bench process (ts-node), one call per ` +
      `password after ${fmt(warmMs)} ms of warm-up calls; CPU time (user + system, all threads) per call. ` +
      `Wall time: realistic median ${fmt(realistic.wallMedianMs)} ms / max ${fmt(realistic.wallMaxMs)} ms, ` +
      `crafted median ${fmt(crafted.wallMedianMs)} ms / max ${fmt(crafted.wallMaxMs)} ms. ` +
      `Slowest crafted: \`${crafted.slowest.slice(0, 24)}…\`. Scores ≥ 3: ${realistic.accepted}/${realistic.count} ` +
      `passphrases, ${crafted.accepted}/${crafted.count} crafted. Ratio = checker CPU / one argon2 hash CPU.`,
  );
  if (realistic.count < config.strengthSamples) {
    notes.push(
      `Row 7a: the time budget stopped the realistic set after ${realistic.count} passwords.`,
    );
  }
}

/** Row 10: boots on empty databases; the last one stays up as the service under test. */
async function bootScenario(): Promise<number> {
  const times: number[] = [];
  let attempt = 0;
  for (let boot = 1; boot <= config.boots; boot++) {
    const { service: started, bootMs } = await measured(
      `row 10 service boot ${boot}`,
      () => bootService(`service-${++attempt}`),
      { discard: (result) => stopProcess(result.service.managed, 15_000) },
    );
    times.push(bootMs);
    log(`  service boot ${boot}: ${fmt(bootMs)} ms`);
    if (boot < config.boots) await stopProcess(started.managed, 15_000);
    else service = started;
  }
  const idleRss = memoryOf(current().managed.pid).rss;

  const bareTimes: number[] = [];
  for (let boot = 1; boot <= config.boots; boot++) {
    const { service: started, bootMs } = await measured(
      `row 10 bare app boot ${boot}`,
      () => bootBare(`bare-app-${++attempt}`),
      { discard: (result) => stopProcess(result.service.managed, 10_000) },
    );
    bareTimes.push(bootMs);
    if (boot < config.boots) await stopProcess(started.managed, 10_000);
    else bare = started;
  }
  const bootMs = median(times);
  const bareMs = median(bareTimes);
  addRow('10', {
    figure: `${fmt(bootMs)} ms (median of ${times.length}: ${times.map((t) => fmt(t)).join(', ')})`,
    reference: `bare Nest app: ${fmt(bareMs)} ms (spawn → first 202)`,
    ratio: fmtRatio(bootMs / bareMs),
    verdict: verdict(bootMs < 2000),
  });
  return idleRss;
}

async function idleProbe(): Promise<ProbeResult> {
  await quietGate();
  const { probe: result } = await probeDuring(() => sleep(config.idleProbeSeconds * 1000));
  if (result.latencies.length === 0) throw new Error('GET /health never answered 200 while idle');
  return result;
}

/** Row 11: sequential, interleaved requests for a known and an unknown address. */
async function enumerationScenario(): Promise<void> {
  const base = current().base;
  const [account] = await registerAccounts(1, 'enumeration');
  const unknown = 'nobody-enumeration@bench.example';
  const compare = async (
    id: string,
    path: string,
    known: unknown,
    other: unknown,
    expected: number,
  ): Promise<void> => {
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    await quietGate();
    for (let round = 0; round < config.enumerationRounds; round++) {
      const order = round % 2 === 0 ? [known, other] : [other, known];
      for (const body of order) {
        // No request overlaps another. The emails that known-address requests set off go at random
        // moments within the service's MAIL_RESET_JITTER_MS, beside either side alike (row 11c
        // checks that they do not follow the answer).
        await sleep(config.enumerationGapMs);
        const { status, ms } = await requestJson(base, 'POST', path, body);
        if (status !== expected) throw new Error(`${path}: expected ${expected}, got ${status}`);
        (body === known ? knownMs : unknownMs).push(ms);
      }
    }
    const ratio = median(knownMs) / median(unknownMs);
    addRow(id, {
      figure: `known: median ${fmt(median(knownMs))} ms (p90 ${fmt(quantile(knownMs, 0.9))})`,
      reference: `unknown: median ${fmt(median(unknownMs))} ms (p90 ${fmt(quantile(unknownMs, 0.9))})`,
      ratio: fmtRatio(ratio),
      verdict: verdict(ratio >= 0.95 && ratio <= 1.05),
    });
  };
  await compare('11a', '/auth/forgot-password', { email: account.email }, { email: unknown }, 202);
  await drainMail();
  await compare(
    '11b',
    '/auth/login',
    { email: account.email, password: 'not the password at all' },
    { email: unknown, password: 'not the password at all' },
    401,
  );
  notes.push(
    `Rows 11a/11b: ${config.enumerationRounds} requests per side, one at a time, alternating which ` +
      `side goes first, each after a ${config.enumerationGapMs} ms pause; fetch (undici, ` +
      'keep-alive) from the bench process, timed to the end of the body.',
  );
}

/**
 * Row 11c: what a forgot-password request sets off after its answer (for a known address: token,
 * email, send) must not show in the request that follows it. Pairs of a fresh known and a fresh
 * unknown address, interleaved (alternating which goes first), each after a pause; right after each
 * 202 the bench sends GET /health and times it, as an observer timing the service would.
 */
async function afterAnswerScenario(): Promise<void> {
  const base = current().base;
  const pairs = config.afterAnswerPairs;
  const accounts = await registerAccounts(pairs, 'after-answer');
  const knownMs: number[] = [];
  const unknownMs: number[] = [];
  await quietGate();
  for (let pair = 0; pair < pairs; pair++) {
    const sides =
      pair % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const);
    for (const side of sides) {
      await sleep(config.enumerationGapMs);
      const email = side === 'known' ? accounts[pair].email : `nobody-after-${pair}@bench.example`;
      const forgot = await requestJson(base, 'POST', '/auth/forgot-password', { email });
      if (forgot.status !== 202)
        throw new Error(`forgot-password: expected 202, got ${forgot.status}`);
      const next = await requestJson(base, 'GET', '/health');
      if (next.status !== 200) throw new Error(`/health: expected 200, got ${next.status}`);
      (side === 'known' ? knownMs : unknownMs).push(next.ms);
    }
  }
  const ratio = median(knownMs) / median(unknownMs);
  addRow('11c', {
    figure: `after known: median ${fmt(median(knownMs))} ms (p90 ${fmt(quantile(knownMs, 0.9))})`,
    reference: `after unknown: median ${fmt(median(unknownMs))} ms (p90 ${fmt(quantile(unknownMs, 0.9))})`,
    ratio: fmtRatio(ratio),
    verdict: verdict(ratio <= 1.15),
  });
  notes.push(
    `Row 11c: ${pairs} pairs, each request after a ${config.enumerationGapMs} ms pause; the service ` +
      'runs with its default MAIL_RESET_JITTER_MS, so each email goes at a random moment within it.',
  );
  await drainMail();
}

/**
 * Row 11d: a wrong code on POST /auth/reset-password/code/verify, for an address with a live code and
 * for one without an account, interleaved (alternating which goes first), each after a pause. Every
 * address is tried once: no code is burnt, and no address reaches its limit of wrong codes from the
 * bench's network (a refused network is answered before any lookup, known or not).
 */
async function codeEnumerationScenario(): Promise<void> {
  const base = current().base;
  const pairs = config.codePairs;
  const accounts = await registerAccounts(pairs, 'code');
  await mapLimit(accounts, config.connections, async ({ email }) => {
    const { status } = await requestJson(base, 'POST', '/auth/forgot-password', { email });
    if (status !== 202) throw new Error(`forgot-password: expected 202, got ${status}`);
  });
  // Each account's email went, so each holds a live code.
  await drainMail();
  const knownMs: number[] = [];
  const unknownMs: number[] = [];
  await quietGate();
  for (let pair = 0; pair < pairs; pair++) {
    const sides =
      pair % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const);
    for (const side of sides) {
      await sleep(config.enumerationGapMs);
      const email = side === 'known' ? accounts[pair].email : `nobody-code-${pair}@bench.example`;
      const { status, ms } = await requestJson(base, 'POST', '/auth/reset-password/code/verify', {
        email,
        code: '0000 0000',
      });
      if (status !== 400) throw new Error(`reset code: expected 400, got ${status}`);
      (side === 'known' ? knownMs : unknownMs).push(ms);
    }
  }
  const ratio = median(knownMs) / median(unknownMs);
  addRow('11d', {
    figure: `known: median ${fmt(median(knownMs))} ms (p90 ${fmt(quantile(knownMs, 0.9))})`,
    reference: `unknown: median ${fmt(median(unknownMs))} ms (p90 ${fmt(quantile(unknownMs, 0.9))})`,
    ratio: fmtRatio(ratio),
    verdict: verdict(ratio >= 0.95 && ratio <= 1.05),
  });
  notes.push(
    `Row 11d: ${pairs} pairs, each request after a ${config.enumerationGapMs} ms pause; each known ` +
      'address holds a live code from its reset email, and each address is tried once.',
  );
}

/**
 * Row 11e: POST /auth/register in REGISTRATION_MODE=enumeration-safe, for an address that has an
 * account and for a new address each time, interleaved (alternating which goes first), each after a
 * pause, both with the same password. It runs on a service of its own (a fresh database) with the
 * per-address and per-network email limits the service ships with, not the bench's: a taken address
 * tried again and again is what those limits are for, and past them its notices are recorded as
 * throttled rather than sent.
 */
async function signUpEnumerationScenario(): Promise<void> {
  const { service: safe } = await bootService('service-sign-up', (env) => {
    env.REGISTRATION_MODE = 'enumeration-safe';
    delete env.RESET_EMAIL_COOLDOWN_SECONDS;
    delete env.RESET_EMAIL_DAILY_LIMIT;
    delete env.RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS;
  });
  try {
    const base = safe.base;
    const register = async (body: { email: string; password: string }): Promise<number> => {
      const { status, ms } = await requestJson(base, 'POST', '/auth/register', body);
      if (status !== 202) throw new Error(`register: expected 202, got ${status}`);
      return ms;
    };
    const taken = newAccount('sign-up-taken');
    await register(taken);
    const login = await requestJson(base, 'POST', '/auth/login', taken);
    if (login.status !== 200) throw new Error(`login of the taken account: got ${login.status}`);
    // Unmeasured: the JIT and the strength workers warm up on both paths.
    for (let round = 0; round < 10; round++) {
      const password = passphrases.next();
      await register({ email: taken.email, password });
      await register({ email: newAccount('sign-up-warm').email, password });
    }
    const takenMs: number[] = [];
    const newMs: number[] = [];
    await quietGate();
    for (let pair = 0; pair < config.signUpPairs; pair++) {
      // The same password on both sides: its strength check costs the same.
      const password = passphrases.next();
      const sides = pair % 2 === 0 ? (['taken', 'new'] as const) : (['new', 'taken'] as const);
      for (const side of sides) {
        await sleep(config.enumerationGapMs);
        const email = side === 'taken' ? taken.email : newAccount('sign-up-new').email;
        (side === 'taken' ? takenMs : newMs).push(await register({ email, password }));
      }
    }
    const ratio = median(takenMs) / median(newMs);
    addRow('11e', {
      figure: `taken: median ${fmt(median(takenMs))} ms (p90 ${fmt(quantile(takenMs, 0.9))})`,
      reference: `new: median ${fmt(median(newMs))} ms (p90 ${fmt(quantile(newMs, 0.9))})`,
      ratio: fmtRatio(ratio),
      verdict: verdict(ratio >= 0.95 && ratio <= 1.05),
    });
    notes.push(
      `Row 11e: ${config.signUpPairs} pairs, each request after a ${config.enumerationGapMs} ms ` +
        'pause, on a service of its own with REGISTRATION_MODE=enumeration-safe and the default ' +
        'RESET_EMAIL_COOLDOWN_SECONDS, RESET_EMAIL_DAILY_LIMIT and ' +
        'RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS; one taken address throughout, a new one each time.',
    );
  } finally {
    await stopProcess(safe.managed, 15_000);
  }
}

let unknownCounter = 0;
function unknownAddress(): PreparedRequest<number> {
  unknownCounter++;
  return {
    item: unknownCounter,
    body: JSON.stringify({ email: `nobody-${unknownCounter}@bench.example` }),
  };
}

/** Row 1: unknown addresses against the bare Nest app. Returns the service's req/s. */
async function unknownScenario(): Promise<number> {
  const target = current();
  if (!bare) throw new Error('the bare app is not running');
  const floorApp = bare;
  const path = '/auth/forgot-password';
  const bareCheck = await requestJson(floorApp.base, 'POST', path, { email: 'x@bench.example' });
  if (bareCheck.status !== 202 || JSON.stringify(bareCheck.body) !== JSON.stringify(FORGOT_BODY)) {
    throw new Error(`the bare app answered ${bareCheck.status} ${JSON.stringify(bareCheck.body)}`);
  }
  const serviceCheck = await requestJson(target.base, 'POST', path, { email: 'y@bench.example' });
  if (JSON.stringify(serviceCheck.body) !== JSON.stringify(FORGOT_BODY)) {
    notes.push(
      `Row 1: the service's body differs from the bare app's: ${JSON.stringify(serviceCheck.body)}`,
    );
  }
  if (config.warmupSeconds > 0) {
    await load(target, path, config.warmupSeconds, unknownAddress);
    await settle();
    await load(floorApp, path, config.warmupSeconds, unknownAddress);
  }
  const { service: serviceSlices, floor: floorSlices } = await alternate(
    (round) =>
      measured(
        `row 1 service, round ${round + 1}`,
        () => load(target, path, config.seconds, unknownAddress),
        { after: settle },
      ),
    (round) =>
      measured(
        `row 1 bare app, round ${round + 1}`,
        () => load(floorApp, path, config.seconds, unknownAddress),
        { after: () => sleep(300) },
      ),
  );
  const product = mergeResults(serviceSlices);
  const floorResult = mergeResults(floorSlices);
  const rate = okRate(product);
  const floorRps = okRate(floorResult);
  const ratio = rate / floorRps;
  addRow('1', {
    figure: `${fmt(rate)} req/s (${latencyText(product)})`,
    reference: `bare Nest app: ${fmt(floorRps)} req/s (${latencyText(floorResult)})`,
    ratio: fmtRatio(ratio),
    verdict: verdict(ratio >= 0.25),
  });
  noteFailures('1', product, 'service');
  noteFailures('1', floorResult, 'bare app');

  const hwm = memoryOf(floorApp.managed.pid).hwm;
  bareHwm = hwm;
  await stopProcess(floorApp.managed, 10_000);
  bare = undefined;
  return rate;
}

/** Row 2: known addresses (each sends an email), against row 1's figure. */
async function knownScenario(unknownRate: number): Promise<void> {
  const target = current();
  const accounts = await registerAccounts(config.knownAccounts, 'known');
  let index = 0;
  const next = (): PreparedRequest<number> => {
    const account = accounts[index++ % accounts.length];
    return { item: index, body: JSON.stringify({ email: account.email }) };
  };
  const path = '/auth/forgot-password';
  // No warm-up of its own: the request path is row 1's, and a warm-up would only add emails to wait for.
  const result = await measured('row 2', () => load(target, path, config.knownSeconds, next), {
    prepare: async () => {
      await drainMail();
      await sink.channel.call('mark', { capture: 'none' });
    },
  });
  const loadEnded = performance.now();
  const drained = await drainMail();
  const sinceLoad = (performance.now() - loadEnded) / 1000;
  const emails = (await sinkStatus()).count;
  const accepted = result.statuses.get(202) ?? 0;
  const rate = okRate(result);
  const ratio = rate / unknownRate;
  const allArrived = emails >= accepted;
  addRow('2', {
    figure:
      `${fmt(rate)} req/s (${latencyText(result)}); emails at the sink: ${emails} for ${accepted} ` +
      `accepted requests${drained.drained ? `, the last ${fmt(sinceLoad)} s after the load` : ', NOT all sent'}`,
    reference: `row 1 (unknown addresses): ${fmt(unknownRate)} req/s`,
    ratio: fmtRatio(ratio),
    verdict: verdict(ratio >= 0.5 && allArrived),
  });
  notes.push(
    `Row 2: one continuous run of ${config.knownSeconds} s over ${accounts.length} accounts in turn ` +
      "(reset cooldown off), right after row 1 (no warm-up of its own). Passing also needs every accepted request's email at the sink (a few " +
      'more can arrive: requests in flight when the load stopped).',
  );
  noteFailures('2', result, 'service');
}

/** Row 4: register against raw argon2; the new accounts feed rows 3, 5 and 8. */
async function registerScenario(): Promise<number> {
  const target = current();
  const path = '/auth/register';
  const next = (): PreparedRequest<Account> => {
    const account = newAccount('register');
    return {
      item: account,
      body: JSON.stringify({ email: account.email, password: account.password }),
    };
  };
  const keep = (account: Account, status: number): void => {
    if (status === 201) spare.push(account);
  };
  if (config.warmupSeconds > 0) {
    await load(target, path, config.warmupSeconds, next, keep);
    await settle();
  }
  const { service: slices, floor: floors } = await alternate(
    (round) =>
      measured(
        `row 4 service, round ${round + 1}`,
        () => load(target, path, config.seconds, next, keep),
        { after: settle },
      ),
    (round) => measured(`row 4 argon2, round ${round + 1}`, () => floorRun(config.seconds)),
  );
  const result = mergeResults(slices);
  const rate = okRate(result);
  const hashes = floorRate(floors);
  const ratio = rate / hashes;
  addRow('4', {
    figure: `${fmt(rate)} registrations/s (${latencyText(result)})`,
    reference: `raw argon2id: ${fmt(hashes)} hashes/s (${config.connections} in flight)`,
    ratio: fmtRatio(ratio),
    verdict: verdict(ratio >= 0.75),
  });
  noteFailures('4', result, 'service');
  return hashes;
}

/** Rows 3 and 6: resets with valid tokens against raw argon2, /health probed meanwhile. */
async function resetScenario(idle: ProbeResult, floorEstimate: number): Promise<void> {
  const target = current();
  const path = '/auth/reset-password';
  const source = new PassphraseSource(3);
  const ready: Account[] = [];
  let exhausted = 0;
  let estimate = Number.isFinite(floorEstimate) ? floorEstimate : 25;
  const ensure = async (seconds: number): Promise<void> => {
    const needed = Math.ceil(estimate * seconds * 1.5) + 2 * config.connections;
    if (ready.length >= needed) return;
    const accounts = await takeSpare(needed - ready.length, 'reset');
    log(`  issuing ${accounts.length} reset tokens`);
    ready.push(...(await issueResetTokens(accounts)));
    await drainMail(500);
  };
  type Item = { account: Account; newPassword: string } | null;
  const next = (): PreparedRequest<Item> => {
    const account = ready.shift();
    const newPassword = source.next();
    if (!account?.token) {
      exhausted++;
      return { item: null, body: JSON.stringify({ token: 'A'.repeat(43), newPassword }) };
    }
    return {
      item: { account, newPassword },
      body: JSON.stringify({ token: account.token, newPassword }),
    };
  };
  const answered = (item: Item, status: number): void => {
    if (!item) return;
    item.account.token = undefined;
    if (status === 200) item.account.password = item.newPassword;
    spare.push(item.account);
  };
  const probes: ProbeResult[] = [];
  const run = (seconds: number): Promise<LoadResult> => load(target, path, seconds, next, answered);
  if (config.warmupSeconds > 0) {
    await ensure(config.warmupSeconds);
    estimate = Math.max(estimate, okRate(await run(config.warmupSeconds)));
    await settle();
  }
  const { service: slices, floor: floors } = await alternate(
    async (round) => {
      const kept = await measured(
        `row 3 service, round ${round + 1}`,
        () => probeDuring(() => run(config.seconds)),
        { prepare: () => ensure(config.seconds), after: settle },
      );
      probes.push(kept.probe);
      estimate = Math.max(estimate, okRate(kept.result));
      return kept.result;
    },
    async (round) => {
      const result = await measured(`row 3 argon2, round ${round + 1}`, () =>
        floorRun(config.seconds),
      );
      estimate = Math.max(estimate, result.completed / (result.durationMs / 1000));
      return result;
    },
  );
  for (const account of ready.splice(0)) {
    account.token = undefined;
    spare.push(account);
  }
  const result = mergeResults(slices);
  const rate = okRate(result);
  const hashes = floorRate(floors);
  const ratio = rate / hashes;
  addRow('3', {
    figure: `${fmt(rate)} resets/s (${latencyText(result)})`,
    reference: `raw argon2id: ${fmt(hashes)} hashes/s (${config.connections} in flight)`,
    ratio: fmtRatio(ratio),
    verdict: verdict(ratio >= 0.75),
  });
  noteFailures('3', result, 'service');
  if (exhausted > 0) {
    notes.push(`Row 3: the token pool ran out; ${exhausted} requests used an invalid token (400).`);
  }
  // Row 6 (the probe ran during the service's slices; its settle time is included, idle-ish).
  const latencies = probes.flatMap((p) => p.latencies);
  const failed = sum(probes.map((p) => p.failures));
  const p99 = quantile(latencies, 0.99);
  const idleP99 = quantile(idle.latencies, 0.99);
  addRow('6', {
    figure: `p99 ${fmt(p99)} ms (p50 ${fmt(quantile(latencies, 0.5))}, max ${fmt(max(latencies))}; ${latencies.length} probes, ${failed} failed)`,
    reference: `idle: p99 ${fmt(idleP99)} ms (max ${fmt(max(idle.latencies))}; ${idle.latencies.length} probes)`,
    ratio: fmtRatio(p99 / idleP99),
    verdict: verdict(p99 < 20 && failed === 0),
  });
  notes.push(
    `Rows 6/7b: a separate process sends GET /health every ${config.probeMs} ms, one at a time, over ` +
      'one keep-alive connection (node:http); latency to the end of the body. Row 6 counts probes ' +
      'during the reset slices only; a probe that failed or did ' +
      'not answer 200 fails the row.',
  );
}

/** Row 5: change-password against raw argon2 (each change is a verify and a hash). */
async function changeScenario(floorEstimate: number): Promise<void> {
  const target = current();
  const path = '/auth/change-password';
  const source = new PassphraseSource(5);
  const ready: Account[] = [];
  let exhausted = 0;
  let estimate = Number.isFinite(floorEstimate) ? floorEstimate / 2 : 12;
  const ensure = async (seconds: number): Promise<void> => {
    const needed = Math.ceil(estimate * seconds * 1.5) + 2 * config.connections;
    if (ready.length >= needed) return;
    const accounts = await takeSpare(needed - ready.length, 'change');
    log(`  logging ${accounts.length} accounts in`);
    ready.push(...(await logIn(accounts)));
  };
  type Item = { account: Account; newPassword: string } | null;
  const next = (): PreparedRequest<Item> => {
    const account = ready.shift();
    const newPassword = source.next();
    if (!account?.accessToken) {
      exhausted++;
      return {
        item: null,
        body: JSON.stringify({ currentPassword: 'x', newPassword }),
        headers: { authorization: 'Bearer invalid' },
      };
    }
    return {
      item: { account, newPassword },
      body: JSON.stringify({ currentPassword: account.password, newPassword }),
      headers: { authorization: `Bearer ${account.accessToken}` },
    };
  };
  const answered = (item: Item, status: number): void => {
    if (!item) return;
    item.account.accessToken = undefined;
    if (status === 204) item.account.password = item.newPassword;
    spare.push(item.account);
  };
  const run = (seconds: number): Promise<LoadResult> => load(target, path, seconds, next, answered);
  const prepare = async (seconds: number): Promise<void> => {
    await ensure(seconds);
    await settle();
  };
  if (config.warmupSeconds > 0) {
    await prepare(config.warmupSeconds);
    estimate = Math.max(estimate, okRate(await run(config.warmupSeconds)));
    await settle();
  }
  const { service: slices, floor: floors } = await alternate(
    async (round) => {
      const result = await measured(
        `row 5 service, round ${round + 1}`,
        () => run(config.seconds),
        {
          prepare: () => prepare(config.seconds),
          after: settle,
        },
      );
      estimate = Math.max(estimate, okRate(result));
      return result;
    },
    async (round) => {
      const result = await measured(`row 5 argon2, round ${round + 1}`, () =>
        floorRun(config.seconds),
      );
      estimate = Math.max(estimate, result.completed / (result.durationMs / 1000) / 2);
      return result;
    },
  );
  for (const account of ready.splice(0)) {
    account.accessToken = undefined;
    spare.push(account);
  }
  const result = mergeResults(slices);
  const rate = okRate(result);
  const hashes = floorRate(floors);
  const ratio = (2 * rate) / hashes;
  addRow('5', {
    figure: `${fmt(rate)} changes/s = ${fmt(2 * rate)} argon2 ops/s (${latencyText(result)})`,
    reference: `raw argon2id: ${fmt(hashes)} hashes/s (${config.connections} in flight)`,
    ratio: fmtRatio(ratio),
    verdict: verdict(ratio >= 0.75),
  });
  notes.push(
    'Row 5: ratio = 2 × changes/s ÷ raw hashes/s, since a change verifies the current password and ' +
      'hashes the new one (an argon2 verify costs one hash). Each request carries a fresh access token ' +
      'from a login made before the slice (not timed).',
  );
  noteFailures('5', result, 'service');
  if (exhausted > 0) {
    notes.push(`Row 5: the token pool ran out; ${exhausted} requests had no valid access token.`);
  }
}

/** Row 7b: the slowest /health probe while crafted passwords are registered. */
async function craftedScenario(idle: ProbeResult): Promise<void> {
  const target = current();
  const crafted = craftedPasswords();
  let index = 0;
  const next = (): PreparedRequest<number> => {
    const n = index++;
    return {
      item: n,
      body: JSON.stringify({
        email: `crafted-${n}@bench.example`,
        password: crafted[n % crafted.length],
      }),
    };
  };
  let elapsed = 0;
  const { result, probe: probed } = await measured(
    'row 7b',
    async () => {
      const started = performance.now();
      const outcome = await probeDuring(() =>
        runLoad({
          base: target.base,
          method: 'POST',
          path: '/auth/register',
          connections: 4,
          amount: 20,
          next,
        }),
      );
      elapsed = performance.now() - started;
      return outcome;
    },
    { after: settle },
  );
  const slowest = max(probed.latencies);
  const idleMax = max(idle.latencies);
  addRow('7b', {
    figure:
      `max ${fmt(slowest)} ms (p50 ${fmt(quantile(probed.latencies, 0.5))}; ${probed.latencies.length} probes` +
      `, ${probed.failures} failed, over ${fmt(elapsed / 1000)} s; register answered ${describeStatuses(result)})`,
    reference: `idle: max ${fmt(idleMax)} ms (p99 ${fmt(quantile(idle.latencies, 0.99))})`,
    ratio: fmtRatio(slowest / idleMax),
    verdict: verdict(slowest <= idleMax + 20 && probed.failures === 0),
  });
}

/** Row 8: a burst of reset emails against nodemailer resending the same messages. */
async function burstScenario(): Promise<void> {
  const target = current();
  const accounts = await takeSpare(config.burst, 'burst');
  let index = 0;
  const next = (): PreparedRequest<number> => {
    const account = accounts[index % accounts.length];
    index++;
    return { item: index, body: JSON.stringify({ email: account.email }) };
  };
  const { startedAt, result } = await measured(
    'row 8 service',
    async () => {
      const started = epochNow();
      const answers = await runLoad({
        base: target.base,
        method: 'POST',
        path: '/auth/forgot-password',
        connections: Math.min(config.burstConnections, config.burst),
        amount: config.burst,
        next,
      });
      try {
        await waitUntil(
          'burst emails',
          async () => (await sinkStatus()).count >= config.burst,
          20,
          config.drainTimeoutSeconds * 1000,
          () => exitedReason(target.managed),
        );
      } catch (error) {
        log(`  ${(error as Error).message}`);
      }
      return { startedAt: started, result: answers };
    },
    {
      // Each attempt starts from an empty queue; a repeat asks again for the same accounts.
      prepare: async () => {
        await drainMail();
        await sink.channel.call('mark', { capture: 'raw' });
      },
    },
  );
  const times = (await sink.channel.call<{ at: number }[]>('times'))
    .map((t) => t.at)
    .sort((a, b) => a - b);
  const received = Math.min(times.length, config.burst);
  if (received === 0) throw new Error('no email of the burst reached the sink');
  const serviceSeconds = (times[received - 1] - startedAt) / 1000;
  const serviceRate = received / serviceSeconds;

  const file = join(tmp ?? tmpdir(), 'burst-messages.json');
  const dumped = await sink.channel.call<number>('dump', { file });
  await sink.channel.call('mark', { capture: 'none' });
  const ceiling = await startHelper('smtp-ceiling');
  let sent: CeilingResult;
  try {
    sent = await measured(
      'row 8 nodemailer',
      () =>
        ceiling.channel.call<CeilingResult>(
          'send',
          { port: ceilingPort, file, maxConnections: 5 },
          config.drainTimeoutSeconds * 1000,
        ),
      { prepare: () => ceilingSink.channel.call('mark', { capture: 'none' }) },
    );
  } finally {
    await stopProcess(ceiling.managed, 5000);
  }
  const ceilingTimes = (await ceilingSink.channel.call<{ at: number }[]>('times'))
    .map((t) => t.at)
    .sort((a, b) => a - b);
  const ceilingCount = Math.min(ceilingTimes.length, received);
  const ceilingSeconds = (ceilingTimes[ceilingCount - 1] - sent.startedAt) / 1000;
  const ceilingRate = ceilingCount / ceilingSeconds;
  const ratio = serviceRate / ceilingRate;
  addRow('8', {
    figure: `${fmt(serviceRate)} msg/s (${received} messages in ${fmt(serviceSeconds)} s; HTTP ${describeStatuses(result)})`,
    reference: `nodemailer pool of 5: ${fmt(ceilingRate)} msg/s (${ceilingCount} in ${fmt(ceilingSeconds)} s)`,
    ratio: fmtRatio(ratio),
    verdict: verdict(ratio >= 0.8 && received >= config.burst),
  });
  notes.push(
    `Row 8: ${config.burst} forgot-password requests for ${accounts.length} distinct accounts at ` +
      `c${Math.min(config.burstConnections, config.burst)}; the ceiling resends the ${dumped} raw messages the ` +
      'sink received (same envelopes) from a separate Node process to a second sink of the same kind. ' +
      'Both clocks stop at the sink accepting the last message.',
  );
  const arrival = (share: number): string =>
    fmt((times[Math.max(0, Math.ceil(share * received) - 1)] - startedAt) / 1000);
  notes.push(
    `Row 8: the service's messages reached the sink by ${arrival(0.1)} s (10 %), ${arrival(0.5)} s ` +
      `(50 %), ${arrival(0.9)} s (90 %) and ${arrival(1)} s (all) after the first request; its HTTP ` +
      `answers were all in after ${fmt((result.lastAnswerAt - startedAt) / 1000)} s.`,
  );
  if (sent.failed > 0) {
    notes.push(`Row 8: nodemailer failed ${sent.failed} sends: ${sent.firstError}`);
  }
}

// --- report ---------------------------------------------------------------------------------

/** How the service is started, as `npm run start:prod` does. */
function serviceCommand(): string {
  return `\`${['node', ...SERVICE_NODE_OPTIONS, 'dist/main.js'].join(' ')}\``;
}

function productVersion(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'templates'], {
      cwd: ROOT,
    })
      .toString()
      .trim();
    return `${serviceCommand()} (run from a copy of dist/) built from ${commit}${dirty ? ' plus uncommitted changes in src/' : ''}`;
  } catch {
    return `${serviceCommand()} (run from a copy of dist/)`;
  }
}

function commandLine(): string {
  const vars = Object.entries(process.env)
    .filter(([key, value]) => key.startsWith('BENCH_') && value)
    .map(
      ([key, value]) => `${key}=${key === 'BENCH_DATABASE_URL' ? redactUrl(value ?? '') : value}`,
    );
  return [...vars, 'npm run bench'].join(' ');
}

function finish(): { table: string; info: RunInfo } {
  for (const id of Object.keys(ROWS)) notMeasured(id, 'not run (see the notes)');
  if (cpuAtStart) {
    const end = cpuSnapshot(ownWork);
    const others = foreignCpu(cpuAtStart, end);
    const stolen = stolenCpu(cpuAtStart, end);
    const seconds = (performance.now() - runStarted) / 1000;
    const share = (100 * others) / (seconds * cpus().length);
    const stolenShare = (100 * stolen) / (seconds * cpus().length);
    notes.push(
      `Machine: load average at the start ${startLoad}; during the ${fmt(seconds / 60)}-minute run, ` +
        `other processes used ${fmt(others)} CPU-s (${fmt(share)} % of the machine) and the ` +
        `hypervisor stole ${fmt(stolen)} CPU-s (${fmt(stolenShare)} %). Every measured slice during ` +
        'which they took over 10 % of the machine was measured again ' +
        `(${retried} ${retried === 1 ? 'slice' : 'slices'} this run).` +
        (contention.length > 0
          ? ` Their share during the scenarios not measured in checked slices: ${contention.join(', ')}.`
          : ''),
    );
  }
  const skewed = [...disturbed].filter(([, tally]) => tally.kept > 0);
  if (skewed.length > 0) {
    const list = skewed.map(
      ([kind, tally]) => `${kind} ${tally.kept}/${tally.of} (up to ${fmt(100 * tally.worst)} %)`,
    );
    notes.push(
      'Slices kept although other processes took over 10 % of the machine meanwhile (the retries ' +
        `ran out), so their figures are skewed: ${list.join(', ')}. Run again on a quieter machine.`,
    );
  }
  for (const problem of problems) notes.push(`Not measured: ${problem}`);
  const info: RunInfo = {
    kind: database?.kind ?? (config.databaseUrl ? 'postgres' : 'sqlite'),
    database: database?.description ?? 'unknown',
    command: commandLine(),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    product: productVersion(),
    settings:
      `slices of ${config.seconds} s × ${config.rounds} per side (warm-up ${config.warmupSeconds} s), ` +
      `c${config.connections}, argon2id m=${ARGON2.memoryCost} KiB t=${ARGON2.timeCost} p=${ARGON2.parallelism}, ` +
      (process.env.UV_THREADPOOL_SIZE
        ? `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE} for the service and the argon2 floor`
        : "UV_THREADPOOL_SIZE not set (the argon2 floor gets libuv's default of 4 threads; the service may size its own pool)"),
  };
  return { table: renderTable(info, rows, notes), info };
}

// --- main -----------------------------------------------------------------------------------

async function scenario(label: string, ids: string[], fn: () => Promise<void>): Promise<void> {
  const started = performance.now();
  const cpuBefore = cpuSnapshot(ownWork);
  log(`${label}`);
  try {
    await fn();
    const cpuAfter = cpuSnapshot(ownWork);
    const others = foreignCpu(cpuBefore, cpuAfter) + stolenCpu(cpuBefore, cpuAfter);
    const seconds = (performance.now() - started) / 1000;
    const share = (100 * others) / (seconds * cpus().length);
    // Ticks are 10 ms: a share over a scenario of a second or two means little.
    // Rows measured in checked slices (see `measured`) are covered there.
    if (share > 5 && seconds >= 3 && ids.some((id) => UNCHECKED_ROWS.includes(id))) {
      contention.push(`${ids.join('+')}: ${fmt(share)} %`);
    }
    log(
      `${label}: done in ${fmt((performance.now() - started) / 1000)} s` +
        (others >= 1 ? ` (other processes or steal: ${fmt(others)} CPU-s meanwhile)` : ''),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${label} FAILED: ${message}`);
    problems.push(`${label}: ${firstLine(message)}`);
    for (const id of ids) notMeasured(id, `error (${firstLine(message)})`);
    if (service?.managed.hasExited()) {
      throw new Error(`The service has exited; stopping.\n${logTail(service.managed)}`);
    }
  }
}

async function cleanup(): Promise<void> {
  await stopAll(15_000);
  if (config.keepLogs && tmp && logDir) {
    const kept = join(tmpdir(), `npr-bench-logs-${Date.now()}`);
    cpSync(logDir, kept, { recursive: true });
    log(`logs kept in ${kept}`);
  }
  if (database) {
    try {
      await database.cleanup();
    } catch (error) {
      log(`database clean-up failed: ${(error as Error).message}`);
    }
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}

async function main(): Promise<void> {
  if (existsSync(join(ROOT, '.env'))) {
    log('note: a .env file exists in the project root; the service reads it (our variables win)');
  }
  tmp = mkdtempSync(join(tmpdir(), 'npr-bench-'));
  logDir = join(tmp, 'logs');
  jsDir = join(tmp, 'js');
  mkdirSync(logDir);
  mkdirSync(join(tmp, 'db'));
  transpileBench(__dirname, jsDir);
  await snapshotDist();
  startLoad = loadAverage();
  cpuAtStart = cpuSnapshot(ownWork);
  database = config.databaseUrl
    ? await postgresProvider(config.databaseUrl)
    : sqliteProvider(join(tmp, 'db'));
  log(`database: ${database.description}`);
  if (
    config.databaseUrl &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(config.databaseUrl).hostname)
  ) {
    ownWork = ['postgres'];
  }

  await scenario('7a strength checker (in-process)', ['7a'], strengthScenario);

  [sink, ceilingSink, floor, probe] = await Promise.all([
    startHelper('smtp-sink'),
    startHelper('smtp-sink', 'smtp-sink-ceiling'),
    startHelper('argon2-floor'),
    startHelper('health-probe'),
  ]);
  sinkPort = await sink.channel.call<number>('listen');
  ceilingPort = await ceilingSink.channel.call<number>('listen');

  let idleRss = NaN;
  await scenario('10 boot to healthy', ['10'], async () => {
    idleRss = await bootScenario();
  });
  if (!service) throw new Error('The service could not be started; nothing else can be measured');

  let idle: ProbeResult | undefined;
  await scenario('idle /health probe', [], async () => {
    idle = await idleProbe();
  });
  await scenario('11 enumeration timing', ['11a', '11b'], enumerationScenario);
  await scenario('11c after the answer', ['11c'], afterAnswerScenario);
  await scenario('11d reset-code enumeration timing', ['11d'], codeEnumerationScenario);
  await scenario('11e sign-up enumeration timing', ['11e'], signUpEnumerationScenario);
  let unknownRate = NaN;
  await scenario('1 forgot-password, unknown addresses vs bare Nest', ['1'], async () => {
    unknownRate = await unknownScenario();
  });
  if (bare) {
    await stopProcess(bare.managed, 10_000);
    bare = undefined;
  }
  await scenario('2 forgot-password, known addresses', ['2'], () => knownScenario(unknownRate));
  let argonRate = NaN;
  await scenario('4 register vs raw argon2', ['4'], async () => {
    argonRate = await registerScenario();
  });
  await scenario('3+6 reset-password vs raw argon2, /health meanwhile', ['3', '6'], () => {
    if (!idle) throw new Error('no idle /health baseline');
    return resetScenario(idle, argonRate);
  });
  await scenario('5 change-password vs raw argon2', ['5'], () => changeScenario(argonRate));
  await scenario('7b crafted passwords vs /health', ['7b'], () => {
    if (!idle) throw new Error('no idle /health baseline');
    return craftedScenario(idle);
  });
  await scenario('8 reset-email burst vs nodemailer', ['8'], burstScenario);
  await scenario('9 peak memory', ['9'], async () => {
    const outbox = await outboxCounts();
    if (outbox.failed)
      notes.push(`The service's outbox reports ${outbox.failed} failed emails at the end.`);
    const { hwm } = memoryOf(current().managed.pid);
    addRow('9', {
      figure: mib(hwm),
      reference: `bare Nest app VmHWM: ${mib(bareHwm)}; service idle RSS after boot: ${mib(idleRss)}`,
      ratio: `${fmtRatio(hwm / bareHwm)} (vs bare)`,
      verdict: verdict(hwm < 384 * 1024 * 1024),
    });
  });
}

function reportAndExit(): void {
  const { table, info } = finish();
  process.stdout.write(`\n${table}\n`);
  if (fatal) {
    log('the run did not complete: the report file was left as it was');
  } else if (config.output !== '-') {
    const file = isAbsolute(config.output) ? config.output : join(ROOT, config.output);
    writeReport(file, info, table);
    log(`wrote ${file}`);
  }
}

let finishing = false;

async function shutdown(code: number, reason?: string): Promise<never> {
  if (finishing) process.exit(code);
  finishing = true;
  if (reason) log(reason);
  try {
    await Promise.race([cleanup(), sleep(20_000)]);
  } finally {
    process.exit(code);
  }
}

process.on('exit', () => {
  killAllNow();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});
process.on('SIGINT', () => void shutdown(130, 'interrupted: stopping the processes'));
process.on('SIGTERM', () => void shutdown(143, 'terminated: stopping the processes'));

const watchdog = setTimeout(
  () => void shutdown(1, `the run took longer than ${config.timeoutMinutes} minutes: giving up`),
  config.timeoutMinutes * 60_000,
);

main()
  .then(
    async () => {
      clearTimeout(watchdog);
      await cleanup();
      reportAndExit();
      const missed = rows.some((row) => row.verdict === 'fail');
      const code = problems.length > 0 ? 1 : config.strict && missed ? 2 : 0;
      process.exit(code);
    },
    async (error: unknown) => {
      clearTimeout(watchdog);
      log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      problems.push(error instanceof Error ? firstLine(error.message) : String(error));
      fatal = true;
      await cleanup();
      reportAndExit();
      process.exit(1);
    },
  )
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
