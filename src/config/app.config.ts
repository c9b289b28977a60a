import { registerAs } from '@nestjs/config';
import { loadEnvironment, NodeEnvironment } from './environment';

/** HTTP-level settings of the service. */
export interface AppConfig {
  nodeEnv: NodeEnvironment;
  port: number;
  isProduction: boolean;
}

export const appConfig = registerAs('app', (): AppConfig => {
  const env = loadEnvironment();
  return { nodeEnv: env.NODE_ENV, port: env.PORT, isProduction: env.NODE_ENV === 'production' };
});
