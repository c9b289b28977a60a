import { type ConfigFactory, registerAs } from '@nestjs/config';
import { parse } from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  checkPasswordResetOptions,
  type PasswordResetModuleOptions,
} from '../../password-reset.options';
import { type AppConfig, appConfigFrom } from './app.config';
import { type DatabaseConfig, databaseConfigFrom } from './database.config';
import {
  checkServiceVariables,
  ENVIRONMENT_KEYS,
  InvalidEnvironmentError,
  SMTP_SEND_PHASES,
} from './environment';
import { type MailConfig, mailConfigFrom } from './mail.config';
import { passwordResetOptionsFrom, variableOf } from './password-reset-options';

/** Everything the standalone service is configured with, from one reading of its environment. */
export interface StandaloneConfig {
  app: AppConfig;
  database: DatabaseConfig;
  mail: MailConfig;
  /** The options of the module it hosts. */
  passwordReset: PasswordResetModuleOptions;
}

/** The variables the service knows that are set. Empty values count as unset (`SMTP_HOST=`). */
function setVariables(raw: Record<string, string | undefined>): Record<string, string> {
  const set: Record<string, string> = {};
  for (const name of ENVIRONMENT_KEYS) {
    const value = raw[name];
    if (value !== undefined && value !== '') set[name] = value;
  }
  return set;
}

/**
 * Reads and checks the environment, the one time the service does: its own variables against
 * `EnvironmentVariables`, the module's against `PASSWORD_RESET_OPTION_TABLE` (through the module's
 * own check, with each problem named by its variable). Throws one error naming every problem.
 */
export function parseEnvironment(raw: Record<string, string | undefined>): StandaloneConfig {
  const variables = setVariables(raw);
  const { env, problems: serviceProblems } = checkServiceVariables(variables);
  const passwordReset = passwordResetOptionsFrom(variables, env);
  const { settings, problems: optionProblems } = checkPasswordResetOptions(
    passwordReset,
    true,
    variableOf,
  );
  // One problem per variable: a rule of the service (production's, say) says it best.
  const refused = new Set(serviceProblems.map((problem) => problem.variable));
  const problems = serviceProblems.map((problem) => problem.message);
  for (const { path, message } of optionProblems) {
    if (refused.has(variableOf(path))) continue;
    refused.add(variableOf(path));
    problems.push(message);
  }
  // Else another instance could take a claimed email back while this one still sends it.
  if (
    !refused.has('MAIL_CLAIM_TIMEOUT_SECONDS') &&
    !refused.has('SMTP_TIMEOUT_SECONDS') &&
    settings.delivery.claimTimeoutSeconds < SMTP_SEND_PHASES * env.SMTP_TIMEOUT_SECONDS
  ) {
    problems.push(
      `MAIL_CLAIM_TIMEOUT_SECONDS must be at least ${SMTP_SEND_PHASES} × SMTP_TIMEOUT_SECONDS: a claim must outlive one send, or another instance could send the same email`,
    );
  }
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
  return {
    app: appConfigFrom(env),
    database: databaseConfigFrom(env),
    mail: mailConfigFrom(env, settings),
    passwordReset,
  };
}

/**
 * The process environment, with `.env` in the working directory (if `envFile` and there is one)
 * under it: a variable set in the process wins over the file.
 */
export function loadEnvironment(options: { envFile: boolean }): StandaloneConfig {
  const file = resolve('.env');
  const fromFile = options.envFile && existsSync(file) ? parse(readFileSync(file)) : {};
  return parseEnvironment({ ...fromFile, ...process.env });
}

/** The namespaces of `ConfigModule` (`app`, `database`, `mail`): parts of the one reading. */
export function configNamespaces(config: StandaloneConfig): ConfigFactory[] {
  return [
    registerAs('app', () => config.app),
    registerAs('database', () => config.database),
    registerAs('mail', () => config.mail),
  ];
}
