import * as argon2 from 'argon2';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../../src/config/database.config';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { migrations } from '../../src/database/migrations';
import { NormalizeEmails1764400000000 } from '../../src/database/migrations/1764400000000-normalize-emails';
import { STRONG_PASSWORD } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, databaseKinds, TestDatabase } from '../support/test-database';

/** The last migration before email normalisation: the schema old-form rows were written under. */
const BEFORE = 'OutboxClaimFencing1764300000000';

interface StoredUser {
  id: string;
  email: string;
}

describe.each(databaseKinds())('NormalizeEmails1764400000000 (%s)', (kind) => {
  let database: TestDatabase;
  let app: TestApp | undefined;
  const users: Record<string, StoredUser> = {};
  const requestIds: Record<string, string> = {};

  /** Opens the database with only the migrations up to {@link BEFORE} applied. */
  async function openBefore(): Promise<DataSource> {
    const upTo = migrations.findIndex((migration) => migration.name === BEFORE);
    expect(upTo).toBeGreaterThanOrEqual(0);
    const dataSource = new DataSource({
      ...buildDataSourceOptions(
        parseDatabaseUrl(database.url, {
          poolSize: 2,
          connectTimeoutMs: 5_000,
          statementTimeoutMs: 10_000,
          busyTimeoutMs: 5_000,
        }),
      ),
      migrations: migrations.slice(0, upTo + 1),
      migrationsRun: false,
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    return dataSource;
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const dataSource = await openBefore();
    const p = (n: number): string => (kind === 'postgres' ? `$${n}` : '?');
    // SQLite keeps TypeORM's UTC text; PostgreSQL takes the Date.
    const at = (date: Date): unknown =>
      kind === 'postgres' ? date : date.toISOString().replace('T', ' ').replace('Z', '');
    const hash = await argon2.hash(STRONG_PASSWORD, {
      type: argon2.argon2id,
      memoryCost: 1024,
      timeCost: 2,
      parallelism: 1,
    });
    let minute = 0;
    const insertUser = async (key: string, email: string): Promise<void> => {
      const id = randomUUID();
      // Later keys were created later: the order decides who keeps a contested address.
      const created = new Date(Date.UTC(2025, 0, 1, 0, minute++));
      await dataSource.query(
        'INSERT INTO users (id, email, password_hash, token_version, created_at, updated_at, ' +
          `password_changed_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, 0, ${p(4)}, ${p(5)}, ${p(6)})`,
        [id, email, hash, at(created), at(created), at(created)],
      );
      users[key] = { id, email };
    };
    const insertRequest = async (key: string, email: string): Promise<void> => {
      const id = randomUUID();
      const now = at(new Date());
      await dataSource.query(
        'INSERT INTO password_reset_requests (id, kind, email, status, attempts, next_attempt_at, ' +
          `created_at) VALUES (${p(1)}, 'password_reset', ${p(2)}, ${p(3)}, 0, ${p(4)}, ${p(5)})`,
        [id, email, email === '' ? 'throttled' : 'done', now, now],
      );
      requestIds[key] = id;
    };

    // As the old rules stored them: trimmed and lower-cased, nothing more.
    await insertUser('unicodeDomain', 'alice@bücher.de');
    await insertUser('decomposed', 'jo\u0308rg@example.com');
    await insertUser('alreadyNormal', 'carol@example.com');
    // The same address twice: the one already in normal form keeps it, even though it came later.
    await insertUser('contestedOld', 'dave@bücher.de');
    await insertUser('contestedNormal', 'dave@xn--bcher-kva.de');
    // Two old forms of one address: the earlier account gets it.
    await insertUser('firstOfTwo', 'erin@bücher.de');
    await insertUser('secondOfTwo', 'erin@bu\u0308cher.de');
    // Valid before, refused now: it cannot be normalised, so it stays as it is.
    await insertUser('quoted', '"frank castle"@example.com');
    await insertRequest('unicode', 'alice@bücher.de');
    await insertRequest('forgotten', '');
    await insertRequest('quoted', '"frank castle"@example.com');
    await dataSource.destroy();

    // The service starts as it would after an upgrade: it runs every pending migration.
    app = await createTestApp({ database });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  async function emailOf(key: string): Promise<string> {
    const [row] = await app!.dataSource.query<{ email: string }[]>(
      `SELECT email FROM users WHERE id = ${kind === 'postgres' ? '$1' : '?'}`,
      [users[key].id],
    );
    return row.email;
  }

  it('should store old-form addresses in the new normal form', async () => {
    expect(await emailOf('unicodeDomain')).toBe('alice@xn--bcher-kva.de');
    expect(await emailOf('decomposed')).toBe('jörg@example.com');
    expect(await emailOf('alreadyNormal')).toBe('carol@example.com');
  });

  it('should let the owner of a Unicode-domain address log in as before', async () => {
    for (const email of ['alice@bücher.de', 'Alice@BÜCHER.de', 'alice@xn--bcher-kva.de']) {
      await app!.http().post('/auth/login').send({ email, password: STRONG_PASSWORD }).expect(200);
    }
    await app!
      .http()
      .post('/auth/login')
      .send({ email: 'jo\u0308rg@example.com', password: STRONG_PASSWORD })
      .expect(200);
  });

  it('should leave the later of two colliding accounts unchanged and warn, by id', async () => {
    expect(await emailOf('contestedNormal')).toBe('dave@xn--bcher-kva.de');
    expect(await emailOf('contestedOld')).toBe('dave@bücher.de');
    expect(await emailOf('firstOfTwo')).toBe('erin@xn--bcher-kva.de');
    expect(await emailOf('secondOfTwo')).toBe('erin@bu\u0308cher.de');

    const warnings = app!.logger.lines.filter((line) => line.startsWith('warn '));
    for (const [loser, winner] of [
      ['contestedOld', 'contestedNormal'],
      ['secondOfTwo', 'firstOfTwo'],
    ]) {
      expect(warnings).toContainEqual(
        expect.stringContaining(
          `user ${users[loser].id} left unchanged: its address normalises to that of user ${users[winner].id}`,
        ),
      );
    }
    // Ids only: the log holds no address.
    expect(warnings.join('\n')).not.toMatch(/dave|erin|bücher/);
  });

  it('should leave an address it cannot normalise unchanged and say why', async () => {
    expect(await emailOf('quoted')).toBe('"frank castle"@example.com');
    expect(app!.logger.text()).toContain(
      `user ${users.quoted.id} left unchanged: its address must not have a quoted local part`,
    );
  });

  it('should normalise queued reset requests and leave forgotten addresses empty', async () => {
    const emails = await app!.dataSource.query<{ id: string; email: string }[]>(
      'SELECT id, email FROM password_reset_requests',
    );
    const byId = new Map(emails.map((row) => [row.id, row.email]));
    expect(byId.get(requestIds.unicode)).toBe('alice@xn--bcher-kva.de');
    expect(byId.get(requestIds.forgotten)).toBe('');
    expect(byId.get(requestIds.quoted)).toBe('"frank castle"@example.com');
  });

  it('should change nothing when it runs on addresses already normalised', async () => {
    const before = await app!.dataSource.query<StoredUser[]>('SELECT id, email FROM users');
    const queryRunner = app!.dataSource.createQueryRunner();
    try {
      await new NormalizeEmails1764400000000().up(queryRunner);
    } finally {
      await queryRunner.release();
    }
    const after = await app!.dataSource.query<StoredUser[]>('SELECT id, email FROM users');
    expect(sortById(after)).toEqual(sortById(before));
  });
});

function sortById(rows: StoredUser[]): StoredUser[] {
  return [...rows].sort((a, b) => a.id.localeCompare(b.id));
}
