import type { Provider, Type } from '@nestjs/common';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { MailerModuleMailer } from './mailer-module.mailer';
import { PasswordResetMailer } from './password-reset-mailer';

type MailerPackage = typeof import('@nestjs-modules/mailer');

/** The start-up error of a host that gave the module no way to send. */
export const MISSING_MAILER =
  'PasswordResetModule needs a mailer: give forRoot/forRootAsync a `mailer` (your class extending PasswordResetMailer), or import MailerModule.forRoot({ transport, defaults: { from } }) from @nestjs-modules/mailer in the host application';

/**
 * The module's {@link PasswordResetMailer}: the host's class when it gives one, else the default
 * over the host's `MailerModule`. `@nestjs-modules/mailer` is an optional peer: it is loaded here,
 * when the host calls `forRoot`, and only for a host that gave no mailer, so a host with its own
 * need not install it.
 */
export function mailerProviders(mailer: Type<PasswordResetMailer> | undefined): Provider[] {
  if (mailer) {
    return [
      mailer,
      {
        provide: PasswordResetMailer,
        inject: [mailer, PASSWORD_RESET_SETTINGS],
        useFactory: (hostMailer: PasswordResetMailer, settings: PasswordResetSettings) => {
          // Ignoring it would send from an address the host did not choose without a word.
          if (settings.from !== undefined) {
            throw new Error(
              `PasswordResetModule: the \`from\` option is for the default mailer (MailerModule); with \`mailer\` given, your PasswordResetMailer chooses the sender: remove \`from\``,
            );
          }
          return hostMailer;
        },
      },
    ];
  }
  const loaded = loadMailerPackage();
  if ('problem' in loaded) {
    return [
      {
        provide: PasswordResetMailer,
        useFactory: () => {
          throw new Error(loaded.problem);
        },
      },
    ];
  }
  return [
    {
      provide: PasswordResetMailer,
      inject: [
        { token: loaded.mailerPackage.MailerService, optional: true },
        PASSWORD_RESET_SETTINGS,
      ],
      useFactory: (
        service: InstanceType<MailerPackage['MailerService']> | undefined,
        settings: PasswordResetSettings,
      ) => {
        if (!service) throw new Error(MISSING_MAILER);
        return new MailerModuleMailer(service, settings.from);
      },
    },
  ];
}

/** `@nestjs-modules/mailer`, or why it cannot be used. */
function loadMailerPackage(): { mailerPackage: MailerPackage } | { problem: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only for the hosts that use it
    return { mailerPackage: require('@nestjs-modules/mailer') as MailerPackage };
  } catch (error) {
    if (isNotInstalled(error, '@nestjs-modules/mailer')) return { problem: MISSING_MAILER };
    // Installed but broken (a dependency of its own missing, say): say so rather than "add it".
    return {
      problem: `PasswordResetModule could not load @nestjs-modules/mailer: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function isNotInstalled(error: unknown, name: string): boolean {
  return (
    error instanceof Error &&
    (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' &&
    error.message.includes(`'${name}'`)
  );
}
