import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { loadedPackages, SCHEMA_ENTRY_FORBIDDEN } from './support/loaded-packages';

const ROOT = resolve(__dirname, '../..');

/**
 * Runs `script` in a fresh Node process that reads the sources as TypeScript (as the built package
 * reads dist/), and returns what it printed as JSON. A fresh process, because this one has loaded
 * Nest and everything else long ago.
 */
function inFreshProcess<T>(script: string): T {
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-e', script],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.status !== 0) throw new Error(`The script failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as T;
}

/** The script's own prelude: what loading `what` adds to the module cache, as package names. */
const LOADING = `
const before = new Set(Object.keys(require.cache));
const loadedSince = () => Object.keys(require.cache).filter((file) => !before.has(file));
`;

describe('The entry points', () => {
  it("should give nest-password-reset/schema's entities and migrations without loading Nest, argon2 or the worker pool", () => {
    const { files, exported } = inFreshProcess<{
      files: string[];
      exported: Record<string, string[]>;
    }>(`${LOADING}
const schema = require('./src/schema');
const exported = {};
for (const [name, value] of Object.entries(schema)) exported[name] = value.map((item) => item.name);
console.log(JSON.stringify({ files: loadedSince(), exported }));
`);
    const packages = loadedPackages(files);

    expect(exported).toEqual({
      passwordResetEntities: expect.arrayContaining(['PasswordResetToken', 'QueuedEmail']),
      passwordResetMigrations: expect.arrayContaining([
        expect.stringMatching(/^PasswordResetSchema/),
      ]),
      accountEntities: ['UserAccount'],
      accountMigrations: expect.arrayContaining([expect.stringMatching(/^AccountSchema/)]),
    });
    // What a host's TypeORM CLI data source needs, and so what the check below can see.
    expect(packages).toContain('typeorm');
    expect(packages.filter((name) => SCHEMA_ENTRY_FORBIDDEN.test(name))).toEqual([]);
  });

  it('should load @nestjs-modules/mailer only for a host that gives no mailer of its own', () => {
    const loaded = inFreshProcess<Record<string, boolean>>(`${LOADING}
const mailerLoaded = () => loadedSince().some((file) => file.includes('/@nestjs-modules/mailer/'));
const { PasswordResetModule, PasswordResetMailer } = require('./src');
const atLoad = mailerLoaded();
class HostMailer extends PasswordResetMailer {
  send() { return Promise.resolve(); }
}
const options = { frontendUrl: 'https://host.example' };
PasswordResetModule.forRoot({ ...options, mailer: HostMailer });
PasswordResetModule.forRootAsync({ mailer: HostMailer, useFactory: () => options });
const withHostMailer = mailerLoaded();
PasswordResetModule.forRoot(options);
console.log(JSON.stringify({ atLoad, withHostMailer, withoutHostMailer: mailerLoaded() }));
`);

    expect(loaded).toEqual({ atLoad: false, withHostMailer: false, withoutHostMailer: true });
  });
});
