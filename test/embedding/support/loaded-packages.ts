/**
 * What `nest-password-reset/schema` must not load: a host's TypeORM CLI data source imports only
 * it, and needs neither Nest (nor the mailer, Swagger) nor argon2 nor the worker pool.
 */
export const SCHEMA_ENTRY_FORBIDDEN = /^(@nestjs\/|@nestjs-modules\/|argon2$|piscina$)/;

/** The packages the given module files belong to (`typeorm`, `@nestjs/core`), each once, sorted. */
export function loadedPackages(files: string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    const at = file.lastIndexOf('/node_modules/');
    if (at < 0) continue;
    const [first, second] = file.slice(at + '/node_modules/'.length).split('/');
    names.add(first.startsWith('@') ? `${first}/${second}` : first);
  }
  return [...names].sort();
}
