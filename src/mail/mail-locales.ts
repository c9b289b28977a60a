import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalLocale } from '../i18n/locale-tags';
import type { PasswordResetMailKind } from './password-reset-mailer';

/** Every email the module sends; each has an HTML body (`<kind>.hbs`) and a text part (`<kind>.text.hbs`). */
export const MAIL_KINDS: readonly PasswordResetMailKind[] = [
  'password-reset',
  'password-changed',
  'invite',
  'sign-up-attempt',
  'unknown-recipient',
];

/** The file of a locale's subjects and short texts: one JSON object of flat keys to Handlebars text. */
export const MESSAGES_FILE = 'messages.json';

/** What every locale folder must hold for the module to send its emails. */
export const REQUIRED_TEMPLATE_FILES: readonly string[] = [
  'layout.hbs',
  ...MAIL_KINDS.flatMap((kind) => [`${kind}.hbs`, `${kind}.text.hbs`]),
  MESSAGES_FILE,
];

/** The subject key of each email in `messages.json`. */
export const SUBJECT_KEYS: Readonly<Record<PasswordResetMailKind, string>> = {
  'password-reset': 'subject.passwordReset',
  'password-changed': 'subject.passwordChanged',
  invite: 'subject.invite',
  'sign-up-attempt': 'subject.signUpAttempt',
  'unknown-recipient': 'subject.unknownRecipient',
};

/**
 * The package's own templates: `dist/templates` when built (the build copies them there), the
 * project's `templates/` when running from the sources. One folder per locale.
 */
export function shippedTemplatesDir(): string {
  const built = resolve(__dirname, '..', 'templates');
  return existsSync(built) ? built : resolve(__dirname, '..', '..', 'templates');
}

/** The locales found, each with its folder, and what is wrong with them. */
export interface LocaleFolders {
  /** Locale tag → its folder; the host's folders replace the shipped ones of the same tag. */
  folders: Map<string, string>;
  problems: string[];
  /** Set when no folder serves the default locale: why (the other checks then could not run). */
  missingDefault?: string;
}

/**
 * The locales of the shipped templates and, over them, those of the host's `templatesDir` (one folder
 * per locale, named by its tag: `en`, `de`, `pt-BR`), each checked against the default locale's
 * folder: every file it has, and every key of its `messages.json`. The default locale's own folder
 * must hold every file the module renders ({@link REQUIRED_TEMPLATE_FILES}).
 */
export function findLocaleFolders(
  templatesDir: string | undefined,
  defaultLocale: string,
): LocaleFolders {
  const problems: string[] = [];
  const folders = new Map<string, string>();
  const shipped = shippedTemplatesDir();
  for (const dir of templatesDir && resolve(templatesDir) !== shipped
    ? [shipped, resolve(templatesDir)]
    : [shipped]) {
    for (const [locale, folder] of localeFoldersIn(dir, problems)) folders.set(locale, folder);
  }
  const reference = folders.get(defaultLocale);
  if (!reference) {
    const missingDefault = `there is no ${defaultLocale}/ folder in ${templatesDir ?? shipped}${
      templatesDir && resolve(templatesDir) !== shipped ? ' nor among the shipped locales' : ''
    } (locales found: ${[...folders.keys()].sort().join(', ') || 'none'})`;
    return { folders, problems, missingDefault };
  }
  const referenceFiles = filesIn(reference);
  const missingRequired = REQUIRED_TEMPLATE_FILES.filter((file) => !referenceFiles.includes(file));
  if (missingRequired.length > 0) {
    problems.push(
      `the ${defaultLocale} templates (${reference}) lack ${missingRequired.join(', ')}`,
    );
    return { folders, problems };
  }
  const referenceKeys = Object.keys(readMessages(reference, problems) ?? {});
  for (const [locale, folder] of folders) {
    if (locale === defaultLocale) continue;
    const files = filesIn(folder);
    const missingFiles = referenceFiles.filter((file) => !files.includes(file));
    // Without the file, "lacks messages.json" says it all: no need to list every key too.
    const messages = files.includes(MESSAGES_FILE) ? readMessages(folder, problems) : undefined;
    const missingKeys = messages
      ? referenceKeys.filter((key) => typeof messages[key] !== 'string')
      : [];
    const missing = [
      ...(missingFiles.length > 0 ? [`the files ${missingFiles.join(', ')}`] : []),
      ...(missingKeys.length > 0
        ? [`the ${MESSAGES_FILE} keys ${missingKeys.map((key) => `"${key}"`).join(', ')}`]
        : []),
    ];
    if (missing.length > 0) {
      problems.push(
        `the ${locale} templates (${folder}) are incomplete beside the default locale's (${defaultLocale}): they lack ${missing.join(' and ')}`,
      );
    }
  }
  return { folders, problems };
}

/** A locale's short texts: the flat object of its `messages.json`, or undefined (with a problem) if unreadable. */
export function readMessages(
  folder: string,
  problems: string[],
): Record<string, string> | undefined {
  const path = join(folder, MESSAGES_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(
      `${path} is not readable JSON (${error instanceof Error ? error.message : String(error)})`,
    );
    return undefined;
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.values(parsed).some((value) => typeof value !== 'string')
  ) {
    problems.push(`${path} must be one JSON object whose values are all text (flat keys)`);
    return undefined;
  }
  return parsed as Record<string, string>;
}

function localeFoldersIn(dir: string, problems: string[]): [string, string][] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    problems.push(`the templates folder ${dir} cannot be read`);
    return [];
  }
  // Hidden entries (.git, .DS_Store) are a tool's, not a locale.
  entries = entries.filter((entry) => !entry.startsWith('.'));
  // Any template at the top: the old layout, whichever templates the host had replaced.
  if (entries.some((entry) => entry.endsWith('.hbs'))) {
    problems.push(
      `${dir} holds templates at its top level: it now holds one folder per locale (en/, de/, …), each with the same files and a ${MESSAGES_FILE}; move your templates into ${dir}/en/ and copy messages.json from the shipped en/ folder (${join(shippedTemplatesDir(), 'en')})`,
    );
    return [];
  }
  const found: [string, string][] = [];
  for (const entry of entries.sort()) {
    const folder = join(dir, entry);
    // A broken link is no folder (statSync would throw rather than say so).
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
    // Intl takes any 5 to 8 letters (`partials`, `images`) as a language; real ones have 2 or 3.
    const locale = /^[a-z]{2,3}(-|$)/i.test(entry) ? canonicalLocale(entry) : undefined;
    if (locale === undefined) {
      problems.push(
        `${folder}: "${entry}" is not a language tag (BCP 47, such as en, de or pt-BR)`,
      );
    } else if (locale !== entry) {
      problems.push(`${folder}: name the folder "${locale}", the tag's canonical spelling`);
    } else {
      found.push([locale, folder]);
    }
  }
  return found;
}

function filesIn(folder: string): string[] {
  return readdirSync(folder).filter(
    (file) =>
      !file.startsWith('.') && statSync(join(folder, file), { throwIfNoEntry: false })?.isFile(),
  );
}
