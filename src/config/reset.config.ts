import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './environment';

/** How reset links are built and how long they live. */
export interface ResetConfig {
  /** Origin of the page that shows the reset form; never taken from a request. */
  frontendUrl: string;
  resetPath: string;
  tokenTtlMinutes: number;
}

export const resetConfig = registerAs('reset', (): ResetConfig => {
  const env = loadEnvironment();
  return {
    frontendUrl: (env.FRONTEND_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    resetPath: env.RESET_PASSWORD_PATH,
    tokenTtlMinutes: env.RESET_TOKEN_TTL_MINUTES,
  };
});
