/** The result table: printed to stdout and written into docs/BENCHMARKS.md. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';

/** pass/fail against the row's target; info: no target to judge; n/a: not measured. */
export type Verdict = 'pass' | 'fail' | 'info' | 'n/a';

export interface Row {
  /** "1", "7a", "11b": the table is sorted by it. */
  id: string;
  measure: string;
  figure: string;
  reference: string;
  ratio: string;
  target: string;
  verdict: Verdict;
}

export interface RunInfo {
  kind: 'sqlite' | 'postgres';
  database: string;
  command: string;
  date: string;
  product: string;
  settings: string;
}

const MARK: Record<Verdict, string> = { pass: '✅', fail: '❌', info: 'ℹ️', 'n/a': '—' };

export function verdict(ok: boolean): Verdict {
  return ok ? 'pass' : 'fail';
}

function rowOrder(id: string): [number, string] {
  const match = /^(\d+)(.*)$/.exec(id);
  return match ? [Number(match[1]), match[2]] : [Number.MAX_SAFE_INTEGER, id];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function machine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  const memory = (totalmem() / 1024 ** 3).toFixed(1);
  return `${model}, ${list.length} cores, ${memory} GiB RAM`;
}

/** The header lines and the table (and its notes), as markdown. */
export function renderTable(info: RunInfo, rows: readonly Row[], notes: readonly string[]): string {
  const sorted = [...rows].sort((a, b) => {
    const [na, sa] = rowOrder(a.id);
    const [nb, sb] = rowOrder(b.id);
    return na - nb || sa.localeCompare(sb);
  });
  const lines = [
    `- **Machine:** ${machine()}`,
    `- **Node:** ${process.version} · **Date:** ${info.date}`,
    `- **Database:** ${info.database}`,
    `- **Service:** ${info.product}`,
    `- **Settings:** ${info.settings}`,
    `- **Command:** \`${info.command}\``,
    '',
    '| # | Measure | Figure | Floor / ceiling | Ratio | Target | Pass |',
    '|---|---|---|---|---|---|---|',
    ...sorted.map(
      (row) =>
        `| ${cell(row.id)} | ${cell(row.measure)} | ${cell(row.figure)} | ${cell(row.reference)} | ${cell(row.ratio)} | ${cell(row.target)} | ${MARK[row.verdict]} |`,
    ),
  ];
  if (notes.length > 0) {
    lines.push('', 'Notes:', '', ...notes.map((note) => `- ${note}`));
  }
  return lines.join('\n');
}

const TITLE = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;

function sectionMarkers(kind: RunInfo['kind']): [string, string] {
  return [`<!-- bench:${kind}:start -->`, `<!-- bench:${kind}:end -->`];
}

const INTRO = `# Benchmarks

Produced by \`npm run bench\` (which builds the service, then runs \`bench/run.ts\`). The service
under test is the production build, \`node dist/main.js\` with \`NODE_ENV=production\` and the Node
options of \`npm run start:prod\` (run from a copy of \`dist/\` taken at the start, so a rebuild
meanwhile cannot change it), started as a child process on 127.0.0.1 with a fresh database, a local
SMTP sink, and its per-IP limits, cooldowns and lock-outs raised so the load is not turned away. The
per-IP limits still count every request, over windows of one second: all the load comes from one
address, and the in-memory store scans every request of the window on each new one, which under a
15-minute window grew to a state no real client reaches (see \`serviceEnv\` in \`bench/run.ts\`).
Every figure is set beside a floor or ceiling
measured **in the same run on the same machine**, and the ratio between them is what the target
judges, so the numbers travel between machines better than raw req/s do. Where a floor is a
different process (bare Nest app, raw argon2), the two are run in alternating short slices, one at a
time, so both see the same machine conditions. A run takes about 5–8 minutes on 2 cores; set
\`BENCH_DATABASE_URL=postgres://…\` to run against PostgreSQL (a new database is created on that
server and dropped afterwards). Durations: \`BENCH_SECONDS\` (slice length, default 5),
\`BENCH_ROUNDS\` (slices per side, default 3), \`BENCH_WARMUP_SECONDS\` (default 3); see the top of
\`bench/run.ts\` for the rest.

What each row means:

1. **forgot-password, unknown addresses** — req/s (and p50/p99 latency) at 10 concurrent connections,
   a new unknown address per request, against a bare NestJS 11 app answering the same route with the
   same 202 body and doing nothing else (\`bench/bare-app.ts\`).
2. **forgot-password, known addresses** — the same, in one continuous run (\`BENCH_KNOWN_SECONDS\`,
   default 5 s) over 50 accounts in turn (every request queues a reset email), against row 1's
   unknown-address figure; the emails that reached the SMTP sink are counted, and all of them must
   arrive.
3. **reset-password** — resets/s with valid one-time tokens (read from the emails) and realistic new
   passphrases, c10, against raw \`argon2.hash\` calls at the service's cost (argon2id, 19 MiB,
   t=2, p=1), 10 in flight, in a separate Node process with the same thread pool.
4. **register** — sign-ups/s (one argon2 hash each), c10, against the same argon2 floor.
5. **change-password** — changes/s × 2 (each verifies the current password and hashes the new one),
   c10, each with a fresh access token from a login made beforehand, against the argon2 floor.
6. **GET /health p99 during resets** — a probe process sends \`GET /health\` every 50 ms (one at a
   time, keep-alive) while row 3's resets run; against the idle p99 measured before any load.
7. **password strength** — 7a: CPU time of the service's checker (the default export of
   \`password-strength.worker.ts\` under \`src/\`, called in-process) per password, median and max,
   over generated passphrases and over crafted 128-character strings, beside the CPU time of one
   argon2id hash; 7b: the slowest \`/health\` probe while 20 crafted passwords are posted to
   \`/auth/register\` (c4), against the idle probes.
8. **reset-email burst** — 300 forgot-password requests for 300 accounts at c50: messages/s from the
   first request to the 300th message accepted by the SMTP sink, against nodemailer (pool of 5
   connections) resending the same 300 raw messages to a sink of the same kind.
9. **peak memory** — the service's VmHWM after the whole run, against the bare Nest app's VmHWM
   (after its load) and the service's own RSS right after boot.
10. **boot to healthy** — ms from spawning \`node dist/main.js\` on an empty database (migrations
    run) to the first 200 from \`GET /health\` (polled every 20 ms), against the bare app's spawn to
    first answer.
11. **enumeration timing** — median response time for a known vs. an unknown address, 500
    interleaved sequential requests each (with 300, two unknown addresses still came out 3 % apart:
    at medians of 3–5 ms the ratio is noisy), each after a 30 ms pause (\`BENCH_ENUMERATION_GAP_MS\`),
    on forgot-password and on login with a wrong password (the emails go at random moments within
    the service's \`MAIL_RESET_JITTER_MS\`, so they land beside either side alike); near 1.00, response time tells nothing about which accounts exist.
    11c times what comes after the answer instead: 100 pairs (\`BENCH_AFTER_ANSWER_PAIRS\`) of a fresh
    known and a fresh unknown address, interleaved, each forgot-password followed at once by
    \`GET /health\`, whose median after a known address is set against its median after an unknown
    one; at most 1.15, the work a known address sets off (token, email) does not show in the next
    request. The service runs with its default \`MAIL_RESET_JITTER_MS\`.
    11d does the same for reset codes: 200 pairs (\`BENCH_CODE_PAIRS\`) of a wrong code on
    \`POST /auth/reset-password/code/verify\`, for an address whose reset email holds a live code and
    for an address without an account, interleaved, each after the same pause; every address is tried
    once, so no code is burnt and no network is refused. Near 1.00, a code's answer tells nothing about
    which accounts exist. The service runs with \`RESET_CODE_ENABLED=true\` throughout.
    11e does the same for sign-up: 200 pairs (\`BENCH_SIGNUP_PAIRS\`) of \`POST /auth/register\` with
    \`REGISTRATION_MODE=enumeration-safe\`, for one address that has an account and for a new address
    each time, both with the same password, interleaved, each after the same pause. It runs on a
    service of its own (fresh database) that keeps the email limits it ships with
    (\`RESET_EMAIL_COOLDOWN_SECONDS\`, \`RESET_EMAIL_DAILY_LIMIT\`,
    \`RESET_EMAIL_DAILY_LIMIT_PER_ADDRESS\` at their defaults), so the owner of the taken address gets
    the first notice and the rest are recorded as throttled. Near 1.00, a sign-up's answer time tells
    nothing about which addresses have an account.

Pass: ✅ meets the target, ❌ misses it, ℹ️ informational, — not measured (the reason is in the row).
The last note says how much CPU other processes on the machine (and the hypervisor) took during
the run: above a few per cent (a test suite running alongside, say), the figures are skewed and the
run should be repeated. Before each measured slice the bench waits (up to 30 s) for such work to
quiet down.
`;

/**
 * Rewrites `file` with the intro and this run's section, keeping the section of the other database
 * from an earlier run.
 */
export function writeReport(file: string, info: RunInfo, body: string): void {
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const sections = (['sqlite', 'postgres'] as const).map((kind) => {
    const [start, end] = sectionMarkers(kind);
    if (kind === info.kind) {
      return `${start}\n## ${TITLE[kind]}\n\n${body}\n${end}`;
    }
    const from = previous.indexOf(start);
    const to = previous.indexOf(end);
    return from >= 0 && to > from ? previous.slice(from, to + end.length) : '';
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${INTRO}\n${sections.filter(Boolean).join('\n\n')}\n`);
}
