import { parse } from 'dotenv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  optionRow,
  type OptionPath,
  PASSWORD_RESET_OPTION_TABLE,
  type PasswordResetOptionRow,
} from '../../password-reset.option-table';
import { ENVIRONMENT_KEYS, EnvironmentVariables } from './environment';
import { OPTION_VARIABLES, type OptionVariable } from './password-reset-options';

/**
 * The README's options and environment tables and `.env.example` are written for people; this holds
 * them to the definitions: every option and variable, nothing else, each with its default (and, for
 * an option, its range) as the code has it.
 */

const ROOT = join(__dirname, '..', '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The rows of the first table after `heading`, as cells (the header and its rule left out). */
function tableAfter(heading: string): string[][] {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}" section`);
  const lines = README.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const table = lines.slice(
    first,
    lines.findIndex((line, i) => i > first && !line.startsWith('|')),
  );
  return table.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim()),
  );
}

/** The `code` spans at the start of a cell: `` `5`, `900` and more `` → ['5', '900']. */
function leadingCode(cell: string): string[] {
  const match = /^(`[^`]*`(, `[^`]*`)*)/.exec(cell);
  return match ? [...match[1].matchAll(/`([^`]*)`/g)].map((code) => code[1]) : [];
}

/** Every `code` span in a cell. */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]*)`/g)].map((code) => code[1]);
}

/** The default as the docs write it, when it is one plain value. */
function shown(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

const SERVICE_DEFAULTS = new EnvironmentVariables() as unknown as Record<string, unknown>;

/** A variable's default: its option's for those that set one, else the service's own. */
function variableDefault(name: string): string | undefined {
  const path = OPTION_VARIABLES[name as OptionVariable] as OptionPath | undefined;
  return shown(path ? (optionRow(path) as PasswordResetOptionRow).default : SERVICE_DEFAULTS[name]);
}

describe("The README's options table", () => {
  const rows = tableAfter('### Options');

  it('should list every option of the table once, one a row, and nothing else', () => {
    const listed = rows.map(([option]) => codeSpans(option));
    expect(listed.filter((names) => names.length !== 1)).toEqual([]);
    expect(listed.flat()).toEqual(PASSWORD_RESET_OPTION_TABLE.map((row) => row.path));
  });

  it.each(rows.map((cells) => [codeSpans(cells[0])[0], cells]))(
    'should give %s the default and range of the table',
    (path, [, defaultCell, rangeCell]) => {
      const row: PasswordResetOptionRow = optionRow(path as OptionPath) ?? {};
      const byDefault = shown(row.default);
      if (byDefault !== undefined) expect(leadingCode(defaultCell)[0]).toBe(byDefault);
      expect(rangeCell).toBe(
        row.min !== undefined
          ? `${row.min} to ${row.max}`
          : row.maxLength !== undefined
            ? `1 to ${row.maxLength} characters`
            : '',
      );
    },
  );
});

describe("The README's environment table", () => {
  const rows = tableAfter('## Configuration');
  const named = rows.map((cells) => ({ names: codeSpans(cells[0]), cells }));

  it('should list every variable the service reads once, and nothing else', () => {
    const listed = named.flatMap(({ names }) => names);
    expect([...listed].sort()).toEqual([...ENVIRONMENT_KEYS].sort());
  });

  it.each(named.map(({ names, cells }) => [names.join(', '), names, cells]))(
    'should give %s the default of its definition',
    (_label, names, [, defaultCell, meaningCell]) => {
      const defaults = names.map(variableDefault);
      if (defaults.some((value) => value !== undefined)) {
        expect(leadingCode(defaultCell).slice(0, defaults.length)).toEqual(
          defaults.map((value, i) => value ?? leadingCode(defaultCell)[i]),
        );
      }
      // A variable that sets an option says which: the option's row has its range.
      for (const name of names) {
        const path = OPTION_VARIABLES[name as OptionVariable] as string | undefined;
        if (path) expect(codeSpans(meaningCell)).toContain(path);
      }
    },
  );
});

describe('.env.example', () => {
  const example = parse(readFileSync(join(ROOT, '.env.example')));

  it('should hold every variable the service reads, and nothing else', () => {
    expect(Object.keys(example).sort()).toEqual([...ENVIRONMENT_KEYS].sort());
  });

  it.each(ENVIRONMENT_KEYS.map((name) => [name]))(
    'should give %s its default, or leave it empty when it has none',
    (name) => {
      expect(example[name]).toBe(variableDefault(name) ?? '');
    },
  );
});
