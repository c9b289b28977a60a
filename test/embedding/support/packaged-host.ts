import type { PasswordResetModuleOptions } from '../../../src';

/** Packages the packaged host imports itself, installed beside the tarball's peer dependencies. */
export const PACKAGED_HOST_DEPENDENCIES = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@nestjs/typeorm',
  '@nestjs/event-emitter',
  '@nestjs-modules/mailer',
  'typeorm',
  'better-sqlite3',
  'nodemailer',
  'reflect-metadata',
  'rxjs',
  '@types/node',
  // @nestjs-modules/mailer 2.3 requires lodash without declaring it: every host of the mailer needs it.
  'lodash',
];

/** What the packaged host prints once it listens, followed by its URL. */
export const LISTENING = 'LISTENING ';

/** The packaged host's tsconfig: what a Nest project has, strict. */
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
 * The source of a host written against the published entry only (`nest-password-reset`), with the
 * built-in users. The options are a typed literal, so `tsc` checks their names against the
 * package's own declarations. Its database and SMTP server come from its environment.
 */
export function packagedHostSource(options: PasswordResetModuleOptions): string {
  return `import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailerModule } from '@nestjs-modules/mailer';
import {
  accountEntities,
  accountMigrations,
  PasswordResetModule,
  PasswordResetModuleOptions,
  passwordResetEntities,
  passwordResetMigrations,
} from 'nest-password-reset';

const resetOptions: PasswordResetModuleOptions = ${JSON.stringify(options, null, 2)};

interface HostEnvironment {
  database: string;
  smtpPort: number;
  smtpUser: string;
  smtpPassword: string;
}

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

@Module({})
class HostModule {
  static forRoot(env: HostEnvironment): DynamicModule {
    return {
      module: HostModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'better-sqlite3',
          database: env.database,
          entities: [...passwordResetEntities, ...accountEntities],
          migrations: [...passwordResetMigrations, ...accountMigrations],
          migrationsRun: true,
        }),
        EventEmitterModule.forRoot(),
        MailerModule.forRoot({
          transport: {
            host: '127.0.0.1',
            port: env.smtpPort,
            secure: false,
            ignoreTLS: true,
            auth: { user: env.smtpUser, pass: env.smtpPassword },
          },
          defaults: { from: '"Packaged Host" <no-reply@packaged.example>' },
        }),
        PasswordResetModule.forRoot(resetOptions),
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
