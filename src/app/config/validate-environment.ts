import { parseEnvironment } from './environment';

/**
 * For `ConfigModule.forRoot({ validate })`: fails start-up with one message naming every bad or
 * missing variable. The raw values pass through; the typed namespaces parse them again.
 */
export function validateEnvironment(raw: Record<string, unknown>): Record<string, unknown> {
  parseEnvironment(raw);
  return raw;
}
