import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const ROOT = join(__dirname, '..', '..', '..');
/** Where every step's screenshot goes (gitignored). */
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'browser');
/** The README's pictures, refreshed from the screenshots with UPDATE_DOCS_IMAGES=1. */
const DOCS_IMAGES_DIR = join(ROOT, 'docs', 'images');

/**
 * `describe` when Chromium is installed. Without it the block is skipped with the reason printed,
 * except under `CI=true`, where a missing browser fails the run instead of passing it quietly.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  const missing = `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('should have Chromium to run in (CI=true)', () => {
        throw new Error(`Browser tests cannot run: ${missing}`);
      });
    });
    return;
  }
  console.warn(`Browser tests skipped: ${missing}`);
  describe.skip(name, body);
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile of its own, removed again on close. */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'npr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    viewport: { width: 960, height: 720 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Screenshots of the steps: `test-output/browser/<name>.png`, and optionally the README's copy. */
export class Screenshots {
  constructor() {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }

  /** Saves what the page shows; `docsName` also copies it to `docs/images/` when asked to. */
  async take(page: Page, name: string, docsName?: string): Promise<void> {
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    if (docsName && process.env.UPDATE_DOCS_IMAGES === '1') {
      mkdirSync(DOCS_IMAGES_DIR, { recursive: true });
      copyFileSync(path, join(DOCS_IMAGES_DIR, docsName));
    }
  }
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on what the page shows now and fails on any serious or critical violation, each
 * printed with the elements it concerns. axe goes in through the DevTools protocol (`evaluate`), not
 * a `<script>` tag: the page's policy refuses inline scripts, and it must stay on for the test.
 */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run(): Promise<{ violations: AxeViolation[] }> };
    };
    return (await axe.run()).violations;
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}\n` +
        v.nodes
          .map((node) => `  - ${node.target.join(' ')}\n    ${node.failureSummary ?? ''}`)
          .join('\n'),
    )
    .join('\n');
  expect({ state, violations: report }).toEqual({ state, violations: '' });
}
