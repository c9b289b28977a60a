import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { newEmail, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../support/factories';
import { extractResetToken, SmtpTestServer } from '../support/smtp-test-server';
import { loadedPackages, SCHEMA_ENTRY_FORBIDDEN } from './support/loaded-packages';
import { testModuleOptions } from './support/module-options';
import {
  LISTENING,
  PACKAGED_HOST_DEPENDENCIES,
  PACKAGED_HOST_KIND_HEADER,
  PACKAGED_HOST_SENDER,
  PACKAGED_HOST_TSCONFIG,
  packagedDataSourceSource,
  packagedHostSource,
} from './support/packaged-host';

const ROOT = resolve(__dirname, '../..');
const PACKAGED_FRONTEND_URL = 'https://packaged.host.example';
/** The project's TypeScript compiles the host, as the host's own would. */
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');

/** Why this suite cannot run here, if it cannot. */
const npmMissing =
  spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0
    ? undefined
    : 'npm is not available';
// Skipping is for a developer's machine without npm; CI must run it (and fail without npm).
const skip = npmMissing !== undefined && process.env.CI !== 'true';
if (skip) console.log(`Packaging test skipped: ${npmMissing}`);

interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Runs a command to completion; rejects with the tail of its output if it fails or overruns. */
function run(command: string, args: string[], options: RunOptions): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolvePromise(output);
      const how = signal
        ? `was killed (${signal}) after ${options.timeoutMs} ms`
        : `exited ${code}`;
      reject(new Error(`${command} ${args.join(' ')} ${how}:\n${output.slice(-4000)}`));
    });
  });
}

/** `name@version` as installed in the project, so the install finds it in the warm npm cache. */
function projectVersion(name: string): string {
  const manifest = join(ROOT, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) throw new Error(`${name} is not installed in the project`);
  return `${name}@${(JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version}`;
}

/**
 * better-sqlite3 builds from source when its prebuilt binary cannot be downloaded (minutes on two
 * cores). The project already has that very build: offer it as a local prebuild. Without it, the
 * install still works, only slower.
 */
function localSqlitePrebuild(dir: string): NodeJS.ProcessEnv {
  const moduleDir = join(ROOT, 'node_modules', 'better-sqlite3');
  const binary = join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) return {};
  const { version } = JSON.parse(readFileSync(join(moduleDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  mkdirSync(dir, { recursive: true });
  const packed = spawnSync('tar', [
    '-czf',
    join(dir, name),
    '-C',
    moduleDir,
    'build/Release/better_sqlite3.node',
  ]);
  return packed.status === 0 ? { npm_config_better_sqlite3_local_prebuilds: dir } : {};
}

/** Resolves with the URL the host prints once it listens; rejects if it exits first. */
function waitUntilListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`The host did not listen within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith(LISTENING));
      if (line) {
        clearTimeout(timer);
        resolvePromise(line.slice(LISTENING.length).trim());
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The host exited (${code}) before listening:\n${output}`));
    });
  });
}

interface PackedManifest {
  name: string;
  main: string;
  types: string;
  exports: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** The peers a host must install: every peer not marked optional. */
function requiredPeers(manifest: PackedManifest): string[] {
  return Object.keys(manifest.peerDependencies ?? {}).filter(
    (name) => manifest.peerDependenciesMeta?.[name]?.optional !== true,
  );
}

(skip ? describe.skip : describe)('The published package', () => {
  let work: string;
  let tarball: string;
  let entries: string[];
  let manifest: PackedManifest;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'npr-package-'));
    const packDir = join(work, 'pack');
    mkdirSync(packDir);
    await run('npm', ['run', 'build'], { cwd: ROOT, timeoutMs: 180_000 });
    await run('npm', ['pack', '--pack-destination', packDir], { cwd: ROOT, timeoutMs: 180_000 });
    const tarballs = readdirSync(packDir).filter((file) => file.endsWith('.tgz'));
    expect(tarballs).toHaveLength(1);
    tarball = join(packDir, tarballs[0]);
    const listing = await run('tar', ['-tzf', tarball], { cwd: work, timeoutMs: 30_000 });
    entries = listing.split('\n').filter(Boolean);
    manifest = JSON.parse(
      spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }).stdout,
    ) as PackedManifest;
  }, 400_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('should ship dist with its entries and declarations, the templates, and nothing from test/', () => {
    expect(entries).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/dist/schema.js',
        'package/dist/schema.d.ts',
      ]),
    );
    expect(
      entries.filter((entry) => entry.startsWith('package/templates/')).length,
    ).toBeGreaterThan(0);
    expect(
      entries.filter((entry) => /^package\/(dist\/)?test\//.test(entry) || /\.spec\./.test(entry)),
    ).toEqual([]);
  });

  it('should point main, types and the schema entry at dist, and keep Nest, TypeORM, Swagger and the mailer as peers', () => {
    expect(manifest.name).toBe('nest-password-reset');
    expect(manifest.main).toMatch(/^(\.\/)?dist\/index\.js$/);
    expect(manifest.types).toMatch(/^(\.\/)?dist\/index\.d\.ts$/);
    expect(manifest.exports['./schema']).toEqual({
      types: './dist/schema.d.ts',
      require: './dist/schema.js',
      default: './dist/schema.js',
    });
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(
      expect.arrayContaining([
        '@nestjs/common',
        '@nestjs/core',
        '@nestjs/swagger',
        'typeorm',
        '@nestjs-modules/mailer',
      ]),
    );
    // Only for hosts that send through MailerModule.
    expect(requiredPeers(manifest)).not.toContain('@nestjs-modules/mailer');
    // A peer is the host's one copy: the package brings no second one of its own.
    const peers = Object.keys(manifest.peerDependencies ?? {});
    expect(Object.keys(manifest.dependencies ?? {}).filter((name) => peers.includes(name))).toEqual(
      [],
    );
  });

  describe('installed into a fresh host with its own mailer', () => {
    let hostDir: string;
    const database = () => join(work, 'host.sqlite');

    /** Runs `script` with Node in the host's directory, as the host would. */
    const inHost = (script: string, env: NodeJS.ProcessEnv = {}) =>
      run(process.execPath, ['-e', script], {
        cwd: hostDir,
        env: { PATH: process.env.PATH, ...env },
        timeoutMs: 60_000,
      });

    beforeAll(async () => {
      hostDir = join(work, 'host');
      mkdirSync(join(hostDir, 'src'), { recursive: true });
      writeFileSync(
        join(hostDir, 'package.json'),
        JSON.stringify(
          {
            name: 'packaged-host',
            version: '0.0.0',
            private: true,
            allowScripts: { argon2: true, 'better-sqlite3': true, '@scarf/scarf': false },
          },
          null,
          2,
        ),
      );
      // The only install of this suite: the tarball, its required peers, the host's own choices.
      const packages = [...new Set([...requiredPeers(manifest), ...PACKAGED_HOST_DEPENDENCIES])];
      await run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          tarball,
          ...packages.map(projectVersion),
        ],
        {
          cwd: hostDir,
          env: { ...process.env, ...localSqlitePrebuild(join(work, 'prebuilds')) },
          timeoutMs: 240_000,
        },
      );

      writeFileSync(
        join(hostDir, 'tsconfig.json'),
        JSON.stringify(PACKAGED_HOST_TSCONFIG, null, 2),
      );
      writeFileSync(join(hostDir, 'src', 'data-source.ts'), packagedDataSourceSource());
      writeFileSync(
        join(hostDir, 'src', 'main.ts'),
        packagedHostSource(
          testModuleOptions({
            frontendUrl: PACKAGED_FRONTEND_URL,
            jwtSecret: randomBytes(32).toString('hex'),
          }),
        ),
      );
      await run(TSC, ['-p', 'tsconfig.json'], { cwd: hostDir, timeoutMs: 120_000 });
      // The host's deploy step: its TypeORM CLI, on a data source that imports only the schema entry.
      await run(
        process.execPath,
        [join('node_modules', 'typeorm', 'cli.js'), 'migration:run', '-d', 'dist/data-source.js'],
        {
          cwd: hostDir,
          env: { PATH: process.env.PATH, HOST_DATABASE: database() },
          timeoutMs: 60_000,
        },
      );
    }, 480_000);

    it('should install with its required peers only: no @nestjs-modules/mailer, nothing unmet', async () => {
      expect(existsSync(join(hostDir, 'node_modules', '@nestjs-modules', 'mailer'))).toBe(false);
      // npm ls fails on a missing or mismatched peer anywhere in the tree.
      await expect(
        run('npm', ['ls', '--all'], { cwd: hostDir, timeoutMs: 60_000 }),
      ).resolves.toContain('nest-password-reset@');
    });

    it("should compile with nodenext resolution too (the package's exports map)", async () => {
      await expect(
        run(
          TSC,
          [
            '-p',
            'tsconfig.json',
            '--noEmit',
            '--module',
            'nodenext',
            '--moduleResolution',
            'nodenext',
          ],
          { cwd: hostDir, timeoutMs: 120_000 },
        ),
      ).resolves.toBeDefined();
    });

    it('should load nest-password-reset/schema without Nest, argon2 or the worker pool', async () => {
      const output = await inHost(`
const before = new Set(Object.keys(require.cache));
const schema = require('nest-password-reset/schema');
const counts = Object.fromEntries(Object.entries(schema).map(([name, list]) => [name, list.length]));
console.log(JSON.stringify({ files: Object.keys(require.cache).filter((f) => !before.has(f)), counts }));
`);
      const { files, counts } = JSON.parse(output.trim().split('\n').pop()!) as {
        files: string[];
        counts: Record<string, number>;
      };
      expect(Object.keys(counts).sort()).toEqual([
        'accountEntities',
        'accountMigrations',
        'passwordResetEntities',
        'passwordResetMigrations',
      ]);
      expect(Object.values(counts).every((count) => count > 0)).toBe(true);
      const packages = loadedPackages(files);
      expect(packages).toEqual(expect.arrayContaining(['nest-password-reset', 'typeorm']));
      expect(packages.filter((name) => SCHEMA_ENTRY_FORBIDDEN.test(name))).toEqual([]);
    });

    it('should boot the host, send through its own mailer and complete a reset', async () => {
      const smtp = await new SmtpTestServer().start();
      const smtpEnv = smtp.env();
      // Only what the host reads: the module must need nothing from the environment.
      const child = spawn(process.execPath, ['dist/main.js'], {
        cwd: hostDir,
        env: {
          PATH: process.env.PATH,
          HOST_DATABASE: database(),
          HOST_SMTP_PORT: smtpEnv.SMTP_PORT,
          HOST_SMTP_USER: smtpEnv.SMTP_USER,
          HOST_SMTP_PASSWORD: smtpEnv.SMTP_PASSWORD,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const url = await waitUntilListening(child, 60_000);
        const http = () => request(url);
        const email = newEmail('packaged');

        await http().post('/auth/register').send({ email, password: STRONG_PASSWORD }).expect(201);
        await http().post('/auth/forgot-password').send({ email }).expect(202);
        const [mail] = await smtp.waitForMail(email);
        // Sent by the host's own mailer, with the module's message as it was handed over.
        expect(mail.parsed.from?.value).toEqual([PACKAGED_HOST_SENDER]);
        expect(mail.parsed.headers.get(PACKAGED_HOST_KIND_HEADER.toLowerCase())).toBe(
          'password-reset',
        );
        expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
        expect(mail.parsed.text).toContain(
          `${PACKAGED_FRONTEND_URL}/reset-password?lang=en#token=`,
        );
        const token = extractResetToken(mail);
        await http()
          .post('/auth/reset-password')
          .send({ token, newPassword: OTHER_STRONG_PASSWORD })
          .expect(200);
        await http().post('/auth/login').send({ email, password: STRONG_PASSWORD }).expect(401);
        const login = await http()
          .post('/auth/login')
          .send({ email, password: OTHER_STRONG_PASSWORD })
          .expect(200);
        expect(login.body.accessToken).toEqual(expect.any(String));
      } finally {
        await stop(child);
        await smtp.stop();
      }
    }, 120_000);
  });
});

/** Ends the host: SIGTERM, then SIGKILL if it has not gone within 10 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
