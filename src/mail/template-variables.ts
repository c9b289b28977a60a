import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGES_FILE } from './mail-locales';

/**
 * What a Handlebars template uses, as it is written: `{{link}}` for a value, `{{#preheader}}` for a
 * block, `{{t "key"}}` for a text of `messages.json`. Sorted, each once. Read from the parsed
 * template, so comments and markup that merely look like a variable do not count.
 */
export function templateUses(source: string): string[] {
  const uses = new Set<string>();
  class Collector extends Handlebars.Visitor {
    MustacheStatement(mustache: hbs.AST.MustacheStatement): void {
      const [key] = mustache.params;
      if (isPath(mustache.path, 't') && key?.type === 'StringLiteral') {
        uses.add(`{{t ${JSON.stringify((key as hbs.AST.StringLiteral).value)}}}`);
        return;
      }
      super.MustacheStatement(mustache);
    }

    BlockStatement(block: hbs.AST.BlockStatement): void {
      // The block's name is its helper; what it reads inside and in its parameters still counts.
      if (block.path.type === 'PathExpression') {
        uses.add(`{{#${block.path.original}}}`);
      }
      this.acceptArray(block.params);
      if (block.hash) this.accept(block.hash);
      if (block.program) this.accept(block.program);
      if (block.inverse) this.accept(block.inverse);
    }

    PathExpression(path: hbs.AST.PathExpression): void {
      uses.add(`{{${path.original}}}`);
    }
  }
  new Collector().accept(Handlebars.parse(source));
  return [...uses].sort();
}

function isPath(node: hbs.AST.Node, name: string): boolean {
  return node.type === 'PathExpression' && (node as hbs.AST.PathExpression).original === name;
}

/**
 * What each part of a locale folder uses: every file (a `.hbs` template by {@link templateUses},
 * any other file by its presence), and `messages.json` key by key. Keys name the part as a report
 * does: `password-reset.hbs`, `messages.json key "subject.passwordReset"`.
 */
function partsOf(
  folder: string,
  problems: string[],
  locale: string,
): Map<string, string[] | undefined> {
  // A part that does not parse is reported as such; what it uses is unknown (undefined), not nothing.
  const parts = new Map<string, string[] | undefined>();
  const parsed = (name: string, source: string): string[] | undefined => {
    try {
      return templateUses(source);
    } catch (error) {
      problems.push(`${locale}: ${name} is not valid Handlebars (${(error as Error).message})`);
      return undefined;
    }
  };
  for (const file of readdirSync(folder).filter((name) => !name.startsWith('.'))) {
    const source = readFileSync(join(folder, file), 'utf8');
    if (file === MESSAGES_FILE) {
      parts.set(file, []);
      let messages: Record<string, unknown>;
      try {
        messages = JSON.parse(source) as Record<string, unknown>;
      } catch (error) {
        problems.push(`${locale}: ${file} is not JSON (${(error as Error).message})`);
        continue;
      }
      for (const [key, text] of Object.entries(messages)) {
        const name = `${MESSAGES_FILE} key ${JSON.stringify(key)}`;
        parts.set(name, typeof text === 'string' ? parsed(name, text) : []);
      }
    } else {
      parts.set(file, file.endsWith('.hbs') ? parsed(file, source) : []);
    }
  }
  return parts;
}

/**
 * How locale folders differ from one another: each file or `messages.json` key that one locale has
 * and another lacks, and each variable, block or `{{t}}` key that one locale's version of a part
 * uses and another's does not. Translations must say the same things; a locale that drops
 * `{{expiresAt}}` from a sentence would tell its readers less. Empty when they all match.
 */
export function localeDifferences(folders: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const byLocale = new Map<string, Map<string, string[] | undefined>>();
  for (const [locale, folder] of folders) {
    byLocale.set(locale, partsOf(folder, problems, locale));
  }
  const allParts = new Set([...byLocale.values()].flatMap((parts) => [...parts.keys()]));
  const differences: string[] = [];
  for (const part of allParts) {
    const having = [...byLocale].filter(([, parts]) => parts.has(part)).map(([locale]) => locale);
    for (const [locale, parts] of byLocale) {
      if (!parts.has(part)) {
        differences.push(`${locale} lacks ${part} (${having.join(', ')} has it)`);
        continue;
      }
      const uses = parts.get(part);
      if (!uses) continue;
      const used = new Set(uses);
      const usedElsewhere = new Map<string, string[]>();
      for (const other of having) {
        if (other === locale) continue;
        for (const use of byLocale.get(other)?.get(part) ?? []) {
          if (!used.has(use)) usedElsewhere.set(use, [...(usedElsewhere.get(use) ?? []), other]);
        }
      }
      for (const [use, others] of usedElsewhere) {
        differences.push(`${locale}: ${part} lacks ${use} (${others.join(', ')} uses it)`);
      }
    }
  }
  return [...differences.sort(), ...problems];
}
