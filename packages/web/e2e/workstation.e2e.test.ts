/**
 * End-to-end: the main path in headless Chromium (Debian's chromium driven by
 * playwright-core; no browser download). Log in, open an encounter, see the
 * evidence highlighted, accept codes, fix an edit, finalize, audit it; the
 * dashboard. Screenshots of the main screens go to artifacts/screenshots.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CodeSets, parse837 } from '@medcoder/engine';
import { connect, defaultWebDir, seedDemo, startServer, ensureAdmin, type RunningServer } from '@medcoder/server';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const SHOTS = process.env['MEDCODER_SCREENSHOTS'] ?? join(ROOT, 'artifacts', 'screenshots');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const PASSWORD = 'e2e demo password';

if (!existsSync(CHROMIUM) && process.env['CI']) throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium`);
if (!existsSync(join(defaultWebDir(), 'index.html'))) throw new Error(`the web app is not built (${defaultWebDir()}): npm run build`);

describe('coder workstation in the browser', { skip: !existsSync(CHROMIUM) && 'no chromium (apt-get install chromium)' }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let base = '';
  let dir = '';

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'medcoder-e2e-'));
    const home = process.env['MEDCODER_TEST_HOME'] ?? process.env['MEDCODER_HOME'];
    const codeSets = await CodeSets.open(home ? { home } : {});
    const db = await connect({ url: join(dir, 'e2e.sqlite') });
    await ensureAdmin(db, { MEDCODER_ADMIN_PASSWORD: PASSWORD }); // before the server makes one with a one-time password
    server = await startServer({ db, codeSets, port: 0, workers: 2, pollMs: 50 });
    await seedDemo(server.ctx, { password: PASSWORD });
    await server.ctx.pool.drain(120_000);
    base = server.url!;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await server?.ctx.db.close().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
  /** A test step that leaves a screenshot of the page when it fails. */
  const step = (name: string, fn: () => Promise<void>) =>
    test(name, async () => {
      try {
        await fn();
      } catch (e) {
        await page.screenshot({ path: join(SHOTS, `failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`) }).catch(() => undefined);
        throw e;
      }
    });

  async function login(username: string) {
    await page.goto(`${base}/login`);
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
  }

  async function logout() {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  }

  step('log in: a wrong password is refused, the right one opens the worklist', async () => {
    await page.goto(`${base}/`);
    await page.locator('input[name=username]').fill('coder');
    await page.locator('input[name=password]').fill('not the password');
    await shot('01-login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('login-error').waitFor();
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('encounter-row-DEMO-001').waitFor();
    assert.equal(await page.locator('[data-testid^="encounter-row-"]').count(), 5);
    await shot('02-worklist');
  });

  step('worklist filters by setting', async () => {
    await page.getByPlaceholder('Setting').click();
    await page.getByRole('option', { name: 'Inpatient' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="encounter-row-"]').length === 2);
    await page.getByPlaceholder('Setting').click();
    await page.getByRole('option', { name: 'Inpatient' }).click(); // deselect
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="encounter-row-"]').length === 5);
  });

  step('open an encounter: clicking a suggested code scrolls to its highlighted evidence', async () => {
    await page.getByTestId('encounter-row-DEMO-005').click();
    await page.locator('mark.ev').first().waitFor();
    const rows = page.locator('[data-testid^="suggestion-"]');
    assert.ok((await rows.count()) >= 2, 'suggestions are listed');
    // the last suggestion: its evidence is further down
    const last = rows.last();
    const code = (await last.getAttribute('data-testid'))!.replace('suggestion-', '');
    await last.click();
    const mark = page.locator('mark.ev.selected').first();
    await mark.waitFor();
    await page.waitForFunction(() => {
      const m = document.querySelector('mark.ev.selected');
      const v = document.querySelector('[data-testid="documents"] .mantine-ScrollArea-viewport');
      if (!m || !v) return false;
      const a = m.getBoundingClientRect();
      const b = v.getBoundingClientRect();
      return a.top >= b.top && a.bottom <= b.bottom;
    });
    assert.match((await mark.getAttribute('class')) ?? '', /flash/);
    assert.match((await mark.getAttribute('title')) ?? '', new RegExp(code.replace('.', '\\.')));
    await shot('03-encounter-evidence');
  });

  step('suppressed mentions are viewable with their reason', async () => {
    const toggle = page.getByTestId('show-suppressed');
    if (await toggle.count()) {
      await toggle.click();
      await page.getByTestId('suppressed').waitFor();
      await shot('04-suppressed');
      await toggle.click();
    }
  });

  step('accept codes, reject one with a reason, fix an edit, finalize', async () => {
    const rows = page.locator('[data-testid^="accept-"]');
    const n = await rows.count();
    assert.ok(n >= 2);
    // accept the first two, reject the next one
    for (let i = 0; i < 2; i++) {
      const before = await page.locator('[data-testid^="final-"]').count();
      await page.locator('[data-testid^="accept-"]').first().click();
      await page.waitForFunction((b) => document.querySelectorAll('[data-testid^="final-"]').length === b + 1, before);
    }
    if (n > 2) {
      await page.locator('[data-testid^="reject-"]').first().click();
      await page.getByTestId('confirm-reject').click();
      await page.getByText(/Rejected:/).first().waitFor();
    }
    // a code that is not billable: the edits find it and offer the codes below
    await page.getByTestId('add-code-input').fill('E11.2');
    await page.getByTestId('add-code').click();
    await page.getByTestId('final-E11.2').waitFor();
    await page.getByTestId('finalize').click();
    await page.getByTestId('error').filter({ hasText: /edits to resolve/ }).waitFor();
    await page.getByRole('tab', { name: /Edits/ }).click();
    await page.getByTestId('run-edits').click();
    // the claim scrubber's finding, with its layer, advice and fixes
    const finding = page.locator('[data-testid="finding-validity.dx-invalid"]').filter({ hasText: 'E11.2' });
    await finding.waitFor();
    await finding.getByTestId('finding-advice').waitFor();
    await shot('05-edits');
    await finding.getByRole('button', { name: /Replace with E11\.22/ }).click();
    await page.getByTestId('notice').filter({ hasText: /Fixed: Replace with E11\.22/ }).waitFor();
    // the other errors the scrubber finds on this stay (POA indicators, …): take each one's first fix
    for (let i = 0; i < 25; i++) {
      const open = page.locator('[data-testid^="finding-"]').filter({ has: page.locator('[data-testid^="fix-"]') }).filter({ hasText: 'error' });
      if (!(await open.count())) break;
      const fixes = await page.locator('[data-testid^="fix-"]').count();
      await open.first().locator('[data-testid^="fix-"]').first().click();
      // the finding is resolved and the edits run again: fewer fixes on offer
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="fix-"]').length < n, fixes);
    }
    await page.getByRole('tab', { name: /Codes/ }).click();
    await page.getByTestId('final-E11.22').waitFor();
    await page.getByTestId('finalize').click();
    await page.getByTestId('notice').filter({ hasText: 'Finalized.' }).waitFor();
    await page.getByText('Finalized', { exact: true }).first().waitFor();
    // no claim details were given for this stay: the 837I button is off and says what is missing
    await page.getByTestId('claim-missing').waitFor();
    await shot('06-finalized');
  });

  step('the encoder side panel searches and walks the hierarchy', async () => {
    await page.getByRole('tab', { name: 'Encoder' }).click();
    await page.getByTestId('search-input').fill('diabetes chronic kidney');
    await page.getByTestId('search-results').getByText('E11.22').first().click();
    await page.getByTestId('code-detail').waitFor();
    await shot('07-encoder');
  });

  step('a provider query from a code', async () => {
    await page.goto(`${base}/worklist`);
    await page.getByTestId('encounter-row-DEMO-002').click();
    await page.getByRole('tab', { name: /Queries/ }).click();
    await page.getByTestId('query-text').fill('Please document whether the obesity is a clinical diagnosis and its class.');
    await page.getByTestId('send-query').click();
    await page.getByTestId('notice').filter({ hasText: 'Query sent' }).waitFor();
    await page.goto(`${base}/queries`);
    await page.getByTestId('queries').getByText('Please document whether').waitFor();
    await shot('08-queries');
    await logout();
  });

  step('an auditor samples the finalized encounter and re-codes it blind', async () => {
    await login('auditor');
    await page.goto(`${base}/audits`);
    await page.getByTestId('draw-sample').click();
    await page.getByTestId('audit-notice').filter({ hasText: /1 encounters sampled/ }).waitFor();
    const review = page.locator('[data-testid^="review-"]').first();
    await review.click();
    await page.getByTestId('audit-code-input').waitFor();
    for (const code of ['I50.33', 'E11.22']) {
      await page.getByTestId('audit-code-input').fill(code);
      await page.getByTestId('audit-add-code').click();
    }
    await shot('09-audit-blind');
    await page.getByTestId('submit-audit').click();
    await page.getByTestId('audit-notice').filter({ hasText: /precision/ }).waitFor();
    await page.getByRole('tab', { name: /Completed/ }).or(page.getByText('Completed', { exact: true })).first().click();
    await page.getByTestId('accuracy').getByText('Casey Coder').waitFor();
    await shot('10-audits');
    await logout();
  });

  step('the manager dashboard shows throughput, acceptance, accuracy and edits', async () => {
    await login('manager');
    await page.goto(`${base}/dashboard`);
    await page.getByTestId('status-cards').waitFor();
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    await shot('11-dashboard');
    await logout();
  });

  step('a finalized professional visit: download its 837P and CMS-1500 from the encounter view', async () => {
    await login('coder');
    await page.goto(`${base}/worklist`);
    await page.getByTestId('encounter-row-DEMO-004').click();
    await page.locator('[data-testid^="accept-"]').first().waitFor();
    while (await page.locator('[data-testid^="accept-"]').count()) {
      const before = await page.locator('[data-testid^="final-"]').count();
      await page.locator('[data-testid^="accept-"]').first().click();
      await page.waitForFunction((b) => document.querySelectorAll('[data-testid^="final-"]').length === b + 1, before);
    }
    await page.getByTestId('finalize').click();
    await page.getByTestId('notice').filter({ hasText: 'Finalized.' }).waitFor();
    const button = page.getByTestId('download-837');
    await button.filter({ hasText: '837P' }).waitFor();
    await page.getByTestId('edits-tab').or(page.getByRole('tab', { name: /Edits/ })).first().click();
    await shot('13-claim-download');
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    assert.match(download.suggestedFilename(), /^encounter-\d+-837P\.x12$/);
    const parsed = parse837(readFileSync((await download.path())!, 'utf8'));
    assert.equal(parsed.claims.length, 1);
    assert.equal(parsed.claims[0]!.id, 'DEMO-004');
    assert.ok(parsed.claims[0]!.lines.length >= 1);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-cms1500').click()]);
    assert.ok(readFileSync((await pdf.path())!).subarray(0, 5).toString() === '%PDF-');
    await logout();
  });

  step('an administrator manages users', async () => {
    await login('admin');
    await page.goto(`${base}/users`);
    await page.getByText('Casey Coder').waitFor();
    await shot('12-users');
  });
});
