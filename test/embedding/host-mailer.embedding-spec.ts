import { DynamicModule, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { createTransport, Transporter } from 'nodemailer';
import {
  accountEntities,
  accountMigrations,
  PasswordResetMail,
  PasswordResetMailer,
  PasswordResetModule,
  PasswordResetModuleOptions,
  passwordResetEntities,
  passwordResetMigrations,
} from '../../src';
import { newEmail, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../support/factories';
import { extractResetToken, SmtpTestServer } from '../support/smtp-test-server';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { hostConnection } from './support/connection';
import { DataSourceTracker } from './support/data-source-tracker';
import { eventually } from './support/eventually';
import { testModuleOptions } from './support/module-options';
import { RunningApp, startApp } from './support/start-app';

const FRONTEND_URL = 'https://own-mailer.host.example';
const HOST_SENDER = '"Host Mail" <mail@own-mailer.host.example>';

/** Where the host's own mail service sends, given to it by the host's own module. */
class HostSmtpSettings {
  constructor(readonly port: number) {}
}

/** The host's own mail service: nodemailer straight to its SMTP server, with its own sender. */
@Injectable()
class HostMailService implements OnModuleDestroy {
  /** What it was asked to send and got accepted, tagged as the host tags its mail. */
  readonly accepted: { tag: string; to: string }[] = [];
  private readonly transport: Transporter;

  constructor(settings: HostSmtpSettings) {
    this.transport = createTransport({
      host: '127.0.0.1',
      port: settings.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: SmtpTestServer.USER, pass: SmtpTestServer.PASSWORD },
    });
  }

  async send(message: {
    tag: string;
    to: string;
    subject: string;
    html: string;
    text: string;
    headers: Record<string, string>;
  }): Promise<void> {
    await this.transport.sendMail({
      from: HOST_SENDER,
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      headers: { ...message.headers, 'X-Host-Tag': message.tag },
    });
    this.accepted.push({ tag: message.tag, to: message.to });
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}

@Module({})
class HostMailModule {
  static forRoot(smtpPort: number): DynamicModule {
    return {
      module: HostMailModule,
      providers: [
        { provide: HostSmtpSettings, useValue: new HostSmtpSettings(smtpPort) },
        HostMailService,
      ],
      exports: [HostMailService],
    };
  }
}

/** The host's adapter: the module's finished messages, through the host's own mail service. */
@Injectable()
class HostResetMailer extends PasswordResetMailer {
  constructor(private readonly mail: HostMailService) {
    super();
  }

  send(mail: PasswordResetMail): Promise<void> {
    return this.mail.send({ ...mail, tag: mail.kind });
  }
}

/** A host with the built-in users, its own mailer, and no `MailerModule` anywhere. */
@Module({})
class OwnMailerHostModule {
  static forRoot(
    database: TestDatabase,
    smtpPort: number,
    options: PasswordResetModuleOptions,
    dataSources?: DataSourceTracker,
  ): DynamicModule {
    const connection = hostConnection(database, {
      entities: [...passwordResetEntities, ...accountEntities],
      migrations: [...passwordResetMigrations, ...accountMigrations],
    });
    const hostMail = HostMailModule.forRoot(smtpPort);
    return {
      module: OwnMailerHostModule,
      imports: [
        dataSources ? dataSources.typeOrmModule(connection) : TypeOrmModule.forRoot(connection),
        EventEmitterModule.forRoot(),
        hostMail,
        PasswordResetModule.forRootAsync({
          imports: [hostMail],
          mailer: HostResetMailer,
          useFactory: () => options,
        }),
      ],
    };
  }
}

function moduleOptions(
  extra: Partial<PasswordResetModuleOptions> = {},
): PasswordResetModuleOptions {
  return {
    ...testModuleOptions({ frontendUrl: FRONTEND_URL, jwtSecret: randomBytes(32).toString('hex') }),
    ...extra,
  };
}

// What is under test is the mail path, which is the same whatever the database: SQLite is enough.
describe('A host with its own PasswordResetMailer', () => {
  let database: TestDatabase;
  let smtp: SmtpTestServer;
  let host: RunningApp | undefined;

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    smtp = await new SmtpTestServer().start();
  });

  afterEach(async () => {
    await host?.close();
    host = undefined;
    await smtp.stop();
    await database.drop();
  });

  it('should send the reset link and the changed notice through it, finished, and complete a reset', async () => {
    host = await startApp(OwnMailerHostModule.forRoot(database, smtp.port, moduleOptions()));
    const hostMail = host.app.get(HostMailService);
    const http = host.http;
    const email = newEmail('own-mailer');
    await http().post('/auth/register').send({ email, password: STRONG_PASSWORD }).expect(201);

    await http().post('/auth/forgot-password').send({ email }).expect(202);
    const [resetMail] = await smtp.waitForMail(email);

    // The server has the message a moment before the host's service hears that it was accepted.
    await eventually(() =>
      expect(hostMail.accepted).toEqual([{ tag: 'password-reset', to: email }]),
    );
    // The host's sender and its own header, beside the module's transactional ones, as given.
    expect(resetMail.parsed.from?.value).toEqual([
      { name: 'Host Mail', address: 'mail@own-mailer.host.example' },
    ]);
    expect(resetMail.parsed.headers.get('x-host-tag')).toBe('password-reset');
    expect(resetMail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(resetMail.parsed.headers.get('x-auto-response-suppress')).toBe('All');
    expect(resetMail.parsed.subject).toBe('Host Identity: reset your password');
    expect(resetMail.parsed.text).toContain(`${FRONTEND_URL}/reset-password?lang=en#token=`);
    expect(resetMail.parsed.html).toContain(
      `href="${FRONTEND_URL}/reset-password?lang&#x3D;en#token`,
    );

    await http()
      .post('/auth/reset-password')
      .send({ token: extractResetToken(resetMail), newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
    await http().post('/auth/login').send({ email, password: OTHER_STRONG_PASSWORD }).expect(200);
    const [, changedMail] = await smtp.waitForMail(email, 2);
    expect(changedMail.parsed.headers.get('x-host-tag')).toBe('password-changed');
    await eventually(() =>
      expect(hostMail.accepted.map((sent) => sent.tag)).toEqual([
        'password-reset',
        'password-changed',
      ]),
    );
  });

  it('should count a send that rejects as a failed attempt and retry it, as with the default mailer', async () => {
    host = await startApp(OwnMailerHostModule.forRoot(database, smtp.port, moduleOptions()));
    const email = newEmail('own-mailer-retry');
    await host.http().post('/auth/register').send({ email, password: STRONG_PASSWORD }).expect(201);
    // The host's SMTP server is down: its mail service, and so the mailer, rejects.
    await smtp.stop();

    await host.http().post('/auth/forgot-password').send({ email }).expect(202);
    await eventuallyLogged(host, /Attempt 1 for request \S+ failed \(.*ECONNREFUSED.*\); retrying/);
    await smtp.start();

    const [mail] = await smtp.waitForMail(email);
    await host
      .http()
      .post('/auth/reset-password')
      .send({ token: extractResetToken(mail), newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
  });

  it('should give up after delivery.maxAttempts sends that reject', async () => {
    host = await startApp(
      OwnMailerHostModule.forRoot(
        database,
        smtp.port,
        moduleOptions({
          delivery: { pollIntervalSeconds: 1, retryBaseSeconds: 1, maxAttempts: 1 },
        }),
      ),
    );
    const email = newEmail('own-mailer-gives-up');
    await host.http().post('/auth/register').send({ email, password: STRONG_PASSWORD }).expect(201);
    await smtp.stop();

    await host.http().post('/auth/forgot-password').send({ email }).expect(202);

    await eventuallyLogged(host, /Gave up on request \S+ after 1 attempts: .*ECONNREFUSED/);
    expect(host.app.get(HostMailService).accepted).toEqual([]);
  });

  it('should refuse the `from` option beside it, saying the mailer chooses the sender', async () => {
    const dataSources = new DataSourceTracker();
    try {
      await expect(
        startApp(
          OwnMailerHostModule.forRoot(
            database,
            smtp.port,
            moduleOptions({ from: 'no-reply@own-mailer.host.example' }),
            dataSources,
          ),
        ),
      ).rejects.toThrow(/`from` .*PasswordResetMailer/);
    } finally {
      await dataSources.closeAll();
    }
  });
});

/** Waits until the host has logged a line matching `pattern` (or fails after 15 s). */
function eventuallyLogged(host: RunningApp, pattern: RegExp): Promise<void> {
  return eventually(() => expect(host.logger.text()).toMatch(pattern), 15_000);
}
