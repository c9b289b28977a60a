import type { PasswordResetModuleOptions } from '../../../src';

/**
 * The packaged host's own choices, installed beside the package's required peers: its HTTP
 * platform, its TypeORM integration and driver, and its mailer (plain nodemailer). No
 * `@nestjs-modules/mailer`: the host sends through its own `PasswordResetMailer`.
 */
export const PACKAGED_HOST_DEPENDENCIES = [
  '@nestjs/platform-express',
  '@nestjs/typeorm',
  'better-sqlite3',
  'nodemailer',
  '@types/nodemailer',
  '@types/node',
];

/** What the packaged host prints once it listens, followed by its URL. */
export const LISTENING = 'LISTENING ';

/** The sender the packaged host's own mailer puts on every message. */
export const PACKAGED_HOST_SENDER = { name: 'Packaged Host', address: 'mail@packaged.example' };

/** The header the packaged host's mailer adds, carrying the message's `kind`. */
export const PACKAGED_HOST_KIND_HEADER = 'X-Packaged-Host-Kind';

/**
 * The packaged host's tsconfig: what a Nest project has, strict. No `moduleResolution`: with
 * `commonjs` that is TypeScript's classic `node10` resolution, which reads no `exports` map (the
 * test compiles once more with `nodenext`, which does).
 */
export const PACKAGED_HOST_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

/**
 * The packaged host's TypeORM data source, as a host's TypeORM CLI uses it
 * (`typeorm -d dist/data-source.js migration:run`): it imports `nest-password-reset/schema` and
 * nothing else of the package. Its database file comes from `HOST_DATABASE`.
 */
export function packagedDataSourceSource(): string {
  return `import { DataSource, DataSourceOptions } from 'typeorm';
import {
  accountEntities,
  accountMigrations,
  passwordResetEntities,
  passwordResetMigrations,
} from 'nest-password-reset/schema';

export function dataSourceOptions(database: string): DataSourceOptions {
  return {
    type: 'better-sqlite3',
    database,
    entities: [...passwordResetEntities, ...accountEntities],
    migrations: [...passwordResetMigrations, ...accountMigrations],
  };
}

export default new DataSource(dataSourceOptions(process.env.HOST_DATABASE ?? 'host.sqlite'));
`;
}

/**
 * The source of a host written against the published entries only, with the built-in users, its
 * own mailer (nodemailer) and `isGlobal`, its options from a `PasswordResetOptionsFactory`. The
 * options are a typed literal, so `tsc` checks their names against the package's own declarations.
 * Its database (migrated beforehand by the TypeORM CLI) and SMTP server come from its environment.
 */
export function packagedHostSource(options: PasswordResetModuleOptions): string {
  return `import 'reflect-metadata';
import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnModuleDestroy,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createTransport, Transporter } from 'nodemailer';
import {
  PasswordResetMail,
  PasswordResetMailer,
  PasswordResetModule,
  PasswordResetModuleOptions,
  PasswordResetOptionsFactory,
} from 'nest-password-reset';
import { dataSourceOptions } from './data-source';

interface HostEnvironment {
  database: string;
  smtpPort: number;
  smtpUser: string;
  smtpPassword: string;
}

const HOST_ENVIRONMENT = Symbol('HOST_ENVIRONMENT');

function readEnvironment(env: NodeJS.ProcessEnv): HostEnvironment {
  const get = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(name + ' is not set');
    return value;
  };
  return {
    database: get('HOST_DATABASE'),
    smtpPort: Number(get('HOST_SMTP_PORT')),
    smtpUser: get('HOST_SMTP_USER'),
    smtpPassword: get('HOST_SMTP_PASSWORD'),
  };
}

@Global()
@Module({})
class HostEnvironmentModule {
  static forRoot(env: HostEnvironment): DynamicModule {
    return {
      module: HostEnvironmentModule,
      providers: [{ provide: HOST_ENVIRONMENT, useValue: env }],
      exports: [HOST_ENVIRONMENT],
    };
  }
}

/** The host's own mailer: plain nodemailer to its SMTP server, its own sender. */
@Injectable()
class HostMailer extends PasswordResetMailer implements OnModuleDestroy {
  private readonly transport: Transporter;

  constructor(@Inject(HOST_ENVIRONMENT) env: HostEnvironment) {
    super();
    this.transport = createTransport({
      host: '127.0.0.1',
      port: env.smtpPort,
      secure: false,
      ignoreTLS: true,
      auth: { user: env.smtpUser, pass: env.smtpPassword },
    });
  }

  async send(mail: PasswordResetMail): Promise<void> {
    await this.transport.sendMail({
      from: ${JSON.stringify(PACKAGED_HOST_SENDER)},
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: { ...mail.headers, ${JSON.stringify(PACKAGED_HOST_KIND_HEADER)}: mail.kind },
    });
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}

@Injectable()
class ResetOptions implements PasswordResetOptionsFactory {
  createPasswordResetOptions(): PasswordResetModuleOptions {
    return ${JSON.stringify(options, null, 2).replace(/\n/g, '\n    ')};
  }
}

@Module({})
class HostModule {
  static forRoot(env: HostEnvironment): DynamicModule {
    return {
      module: HostModule,
      imports: [
        HostEnvironmentModule.forRoot(env),
        TypeOrmModule.forRoot(dataSourceOptions(env.database)),
        EventEmitterModule.forRoot(),
        PasswordResetModule.forRootAsync({
          isGlobal: true,
          mailer: HostMailer,
          useClass: ResetOptions,
        }),
      ],
    };
  }
}

async function main(): Promise<void> {
  const app = await NestFactory.create(HostModule.forRoot(readEnvironment(process.env)), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  console.log(${JSON.stringify(LISTENING)} + (await app.getUrl()));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;
}
