import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_LOCALES } from '../i18n/shipped-locales';
import {
  findLocaleFolders,
  MESSAGES_FILE,
  REQUIRED_TEMPLATE_FILES,
  shippedTemplatesDir,
} from './mail-locales';
import { localeDifferences, templateUses } from './template-variables';

const shipped = shippedTemplatesDir();

/** Rewrites one file of a fixture folder. */
function edit(path: string, change: (content: string) => string): void {
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

describe('email locales', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mail-locales-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe(templateUses.name, () => {
    it('should list the variables, blocks and messages.json keys a template uses', () => {
      const source =
        '{{#preheader}}{{t "a.b"}}{{/preheader}}<a href="{{link}}">{{appName}}</a>' +
        '{{#if x}}{{y.z}}{{/if}}{{t "c"}}{{link}}';

      expect(templateUses(source)).toEqual([
        '{{#if}}',
        '{{#preheader}}',
        '{{appName}}',
        '{{link}}',
        '{{t "a.b"}}',
        '{{t "c"}}',
        '{{x}}',
        '{{y.z}}',
      ]);
    });
  });

  describe(localeDifferences.name, () => {
    it('should report a locale that lacks a file, a messages.json key or a variable another uses', () => {
      cpSync(join(shipped, 'en'), join(dir, 'en'), { recursive: true });
      cpSync(join(shipped, 'en'), join(dir, 'xx'), { recursive: true });
      rmSync(join(dir, 'xx', 'password-changed.text.hbs'));
      edit(join(dir, 'xx', 'password-reset.text.hbs'), (text) => text.replace('{{link}}', ''));
      edit(join(dir, 'xx', MESSAGES_FILE), (text) => {
        const messages = JSON.parse(text) as Record<string, string>;
        delete messages['passwordReset.button'];
        messages['passwordReset.preheader'] = 'Your {{appName}} link.';
        return JSON.stringify(messages);
      });

      expect(
        localeDifferences(
          new Map([
            ['en', join(dir, 'en')],
            ['xx', join(dir, 'xx')],
          ]),
        ),
      ).toEqual([
        'xx lacks messages.json key "passwordReset.button" (en has it)',
        'xx lacks password-changed.text.hbs (en has it)',
        'xx: messages.json key "passwordReset.preheader" lacks {{expiresAt}} (en uses it)',
        'xx: password-reset.text.hbs lacks {{link}} (en uses it)',
      ]);
    });

    it('should report a variable only one locale uses, and a template that does not parse', () => {
      cpSync(join(shipped, 'en'), join(dir, 'en'), { recursive: true });
      cpSync(join(shipped, 'en'), join(dir, 'xx'), { recursive: true });
      edit(join(dir, 'xx', 'layout.hbs'), (text) => text.replace('</body>', '{{extra}}</body>'));
      edit(join(dir, 'xx', 'password-reset.hbs'), (text) => `${text}{{#if}}`);

      const differences = localeDifferences(
        new Map([
          ['en', join(dir, 'en')],
          ['xx', join(dir, 'xx')],
        ]),
      );

      expect(differences).toHaveLength(2);
      expect(differences[0]).toBe('en: layout.hbs lacks {{extra}} (xx uses it)');
      expect(differences[1]).toMatch(
        /^xx: password-reset\.hbs is not valid Handlebars \(Parse error on line \d+:/,
      );
    });

    it('should find no difference between the shipped locales', () => {
      const folders = new Map(SHIPPED_LOCALES.map((locale) => [locale, join(shipped, locale)]));

      expect(localeDifferences(folders)).toEqual([]);
      // Each holds what the module renders, not merely the same as the others.
      for (const folder of folders.values()) {
        expect(
          REQUIRED_TEMPLATE_FILES.filter((file) => !localeFile(folder, file)).map(
            (file) => `${folder}/${file}`,
          ),
        ).toEqual([]);
      }
    });
  });

  describe(findLocaleFolders.name, () => {
    it('should find every shipped locale, each complete', () => {
      const found = findLocaleFolders(undefined, 'en');

      expect(found.problems).toEqual([]);
      expect([...found.folders.keys()].sort()).toEqual([...SHIPPED_LOCALES].sort());
    });

    it("should name the files and keys a host's locale folder lacks beside the default locale", () => {
      mkdirSync(join(dir, 'it'));
      cpSync(join(shipped, 'en', 'layout.hbs'), join(dir, 'it', 'layout.hbs'));
      cpSync(join(shipped, 'en', 'password-reset.hbs'), join(dir, 'it', 'password-reset.hbs'));
      writeFileSync(
        join(dir, 'it', MESSAGES_FILE),
        JSON.stringify({ 'subject.passwordReset': 'Reimposta la password', 'layout.footer': '…' }),
      );

      const found = findLocaleFolders(dir, 'en');

      // Every file and key of en/ but those copied above, in en/'s order (emails join it over time).
      const present = ['layout.hbs', 'password-reset.hbs', MESSAGES_FILE];
      const files = readdirSync(join(shipped, 'en')).filter((file) => !present.includes(file));
      const keys = Object.keys(
        JSON.parse(readFileSync(join(shipped, 'en', MESSAGES_FILE), 'utf8')) as object,
      ).filter((key) => key !== 'subject.passwordReset' && key !== 'layout.footer');
      expect(files).toEqual(
        expect.arrayContaining(['password-changed.hbs', 'password-reset.text.hbs']),
      );
      expect(found.problems).toEqual([
        `the it templates (${join(dir, 'it')}) are incomplete beside the default locale's (en): they lack the files ${files.join(', ')} and the messages.json keys ${keys.map((key) => `"${key}"`).join(', ')}`,
      ]);
    });

    it('should not list every key as missing when the messages.json file itself is missing', () => {
      cpSync(join(shipped, 'en'), join(dir, 'it'), { recursive: true });
      rmSync(join(dir, 'it', MESSAGES_FILE));

      expect(findLocaleFolders(dir, 'en').problems).toEqual([
        `the it templates (${join(dir, 'it')}) are incomplete beside the default locale's (en): they lack the files messages.json`,
      ]);
    });

    it("should take a host's folder over the shipped one of the same tag, and add the host's new ones", () => {
      cpSync(join(shipped, 'de'), join(dir, 'de'), { recursive: true });
      cpSync(join(shipped, 'en'), join(dir, 'pt-BR'), { recursive: true });

      const found = findLocaleFolders(dir, 'en');

      expect(found.problems).toEqual([]);
      expect(Object.fromEntries(found.folders)).toEqual({
        de: join(dir, 'de'),
        en: join(shipped, 'en'),
        es: join(shipped, 'es'),
        fr: join(shipped, 'fr'),
        'pt-BR': join(dir, 'pt-BR'),
      });
    });

    it('should ignore hidden files and folders, such as those file browsers leave behind', () => {
      cpSync(join(shipped, 'en'), join(dir, 'en'), { recursive: true });
      writeFileSync(join(dir, 'en', '.DS_Store'), '');
      mkdirSync(join(dir, '.git'));

      const found = findLocaleFolders(dir, 'en');

      expect(found.problems).toEqual([]);
      expect(found.folders.get('en')).toBe(join(dir, 'en'));
    });

    it.each([
      ['every template', REQUIRED_TEMPLATE_FILES.filter((file) => file.endsWith('.hbs'))],
      ['only one template', ['password-changed.hbs']],
    ])(
      'should refuse a templates folder of the old flat layout (%s) and say how to move it',
      (_, files) => {
        for (const file of files) cpSync(join(shipped, 'en', file), join(dir, file));

        const found = findLocaleFolders(dir, 'en');

        expect(found.problems).toEqual([
          `${dir} holds templates at its top level: it now holds one folder per locale (en/, de/, …), each with the same files and a messages.json; move your templates into ${dir}/en/ and copy messages.json from the shipped en/ folder (${join(shipped, 'en')})`,
        ]);
        // The shipped locales stay; none is taken from the flat folder.
        expect([...found.folders.values()].every((folder) => folder.startsWith(shipped))).toBe(
          true,
        );
      },
    );

    it.each([
      ['partials', 'is not a language tag'],
      ['en_US', 'is not a language tag'],
      ['x', 'is not a language tag'],
    ])('should refuse a folder named %s, which is no language tag', (name, problem) => {
      mkdirSync(join(dir, name));

      expect(findLocaleFolders(dir, 'en').problems).toEqual([
        `${join(dir, name)}: "${name}" ${problem} (BCP 47, such as en, de or pt-BR)`,
      ]);
    });

    it('should ask for the canonical spelling of a tag', () => {
      cpSync(join(shipped, 'en'), join(dir, 'pt-br'), { recursive: true });

      expect(findLocaleFolders(dir, 'en').problems).toEqual([
        `${join(dir, 'pt-br')}: name the folder "pt-BR", the tag's canonical spelling`,
      ]);
    });

    it('should say which locales exist when the default locale has no folder, apart from the other problems', () => {
      mkdirSync(join(dir, 'partials'));

      const found = findLocaleFolders(dir, 'it');

      expect(found.missingDefault).toBe(
        `there is no it/ folder in ${dir} nor among the shipped locales (locales found: de, en, es, fr)`,
      );
      expect(found.problems).toEqual([
        `${join(dir, 'partials')}: "partials" is not a language tag (BCP 47, such as en, de or pt-BR)`,
      ]);
    });
  });
});

function localeFile(folder: string, file: string): boolean {
  try {
    readFileSync(join(folder, file));
    return true;
  } catch {
    return false;
  }
}
