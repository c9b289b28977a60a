import { registerAs } from '@nestjs/config';
import { NodeEnvironment, parseEnvironment } from './environment';

/** HTTP-level settings of the service. */
export interface AppConfig {
  nodeEnv: NodeEnvironment;
  port: number;
  isProduction: boolean;
}

export const appConfig = registerAs('app', (): AppConfig => {
  const env = parseEnvironment(process.env);
  return { nodeEnv: env.NODE_ENV, port: env.PORT, isProduction: env.NODE_ENV === 'production' };
});
