#!/usr/bin/env node
// The real-VS-Code test layer (see ../shared/notes/real-vscode-tests.md), offline:
//   1. scripts/vscode-setup.sh (idempotent: chromium, Node 24, code-server 4.139.1, playwright-core,
//      cached outside the clone);
//   2. build dist/ when stale, and bundle the mocha suite test/vscode/ into out/vscode-test/;
//   3. the extension-host suite: code-server with the smoke-test driver, mocha inside the extension
//      host, its result through codeAutomationExit and its report through a file;
//   4. the browser E2E on a second server without that flag (it hides notifications), with the
//      extension installed from the VSIX `vsce package` makes (--install-extension): F1 →
//      "Self-Heal: Heal Failing Tests", the summary toast, the history view (distinct icons), its
//      Revert, the lightbulb on the faulty line, the preview and Apply in its toast, with
//      screenshots in test-results/ (and, with --update-screenshots, in media/screenshots/).
// Every server runs in its own process group, and every group is killed at the end.
// The last line is always `vscode: N passed, N failed`.
//
// usage: node scripts/vscode-test.mjs [--host-only | --e2e-only] [--keep] [--update-screenshots]
//        node scripts/vscode-test.mjs --build-only [--prepare-workspace]   (for F5 and .vscode-test.mjs:
//        builds, and with --prepare-workspace copies the fixture to .vscode-test/workspace/calc)
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  browser,
  build,
  cleanup,
  consoleTo,
  installVsix,
  keepLogs,
  lap,
  multiRootWorkspace,
  packageVsix,
  RESULTS,
  ROOT,
  runDir,
  setup,
  startServer,
  SUITE_OUT,
  workspace,
} from './vscode-harness.mjs';

const SCREENSHOTS = path.join(ROOT, 'media', 'screenshots');

const args = new Set(process.argv.slice(2));
const HOST_TIMEOUT_MS = 20 * 60_000;
const E2E_HEAL_TIMEOUT_MS = 5 * 60_000;
// Playwright's 30 s default is too short for the first workbench load on a busy 2-core machine (seen: load 20).
const PAGE_LOAD_TIMEOUT_MS = 3 * 60_000;
/** Lines of the extension's log printed after a failing host suite. */
const LOG_TAIL_LINES = 150;

const started = Date.now();
const tally = { passed: 0, failed: 0 };
const timings = [];

function finish(code) {
  const extra = code !== 0 && tally.failed === 0 ? 1 : 0; // a harness error counts as a failure
  console.log(`vscode: ${tally.passed} passed, ${tally.failed + extra} failed`);
  process.exit(tally.failed + extra > 0 ? 1 : code);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void cleanup().then(() => finish(130));
  });
}

// ---- 3. extension-host suite -----------------------------------------------------------------
/**
 * The suite in one folder (`label` host), or in a multi-root workspace of two (`multi-root`), where
 * test/vscode/index.ts runs the multi-root specs instead.
 */
async function hostSuite(env, label = 'host') {
  const t0 = Date.now();
  const dir = runDir(label);
  const multiRoot = label === 'multi-root';
  const ws = multiRoot ? multiRootWorkspace(dir) : workspace(dir);
  const report = path.join(RESULTS, `vscode-${label}-mocha.txt`);
  const metrics = path.join(RESULTS, `vscode-${label}-metrics.txt`);
  fs.rmSync(report, { force: true });
  fs.rmSync(metrics, { force: true });
  const extensionsDir = path.join(dir, 'extensions');
  fs.mkdirSync(extensionsDir);
  const { port } = await startServer(env, dir, ws, {
    smokeDriver: true,
    extensionsDir,
    extraEnv: { SELF_HEAL_MOCHA_REPORT: report, SELF_HEAL_METRICS: metrics },
  });
  lap(`extension-host suite: code-server on port ${port}, workspace ${ws}`);
  const authority = `127.0.0.1:${port}`; // must equal the host the browser uses (code-server's remote authority)
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${ROOT}`],
    ['extensionTestsPath', `vscode-remote://${authority}${path.join(SUITE_OUT, 'index.js')}`],
  ];
  const page = await (await browser(env)).newPage();
  consoleTo(page, path.join(RESULTS, `vscode-${label}-browser.log`));
  let exit;
  const exited = new Promise((resolve) => (exit = resolve));
  await page.exposeFunction('codeAutomationExit', (code) => exit(code));
  await page.goto(
    `http://${authority}/?${multiRoot ? 'workspace' : 'folder'}=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    {
      timeout: PAGE_LOAD_TIMEOUT_MS,
    },
  );
  const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), HOST_TIMEOUT_MS))]);
  const text = fs.existsSync(report)
    ? fs.readFileSync(report, 'utf8')
    : `(no mocha report was written: the suite did not start; see test-results/vscode-${label}-browser.log)\n`;
  process.stdout.write(text);
  if (fs.existsSync(metrics)) process.stdout.write(fs.readFileSync(metrics, 'utf8'));
  const counts = /(\d+) passed, (\d+) failed\s*$/.exec(text);
  if (counts) {
    tally.passed += Number(counts[1]);
    tally.failed += Number(counts[2]);
  }
  if (code === 'timeout') {
    console.log(`extension-host suite timed out after ${HOST_TIMEOUT_MS / 60_000} min`);
    tally.failed += 1;
  } else if (code !== 0 && !(counts && Number(counts[2]) > 0)) {
    console.log(`extension-host suite exited with code ${code}`);
    tally.failed += 1;
  }
  keepLogs(dir, label);
  // CI keeps only what is printed: the extension's own log says what it did around a failure.
  const ownLog = path.join(RESULTS, `vscode-${label}-Self-Heal.log`);
  if ((!counts || Number(counts[2]) > 0 || code !== 0) && fs.existsSync(ownLog)) {
    const lines = fs.readFileSync(ownLog, 'utf8').trimEnd().split('\n');
    process.stdout.write(`--- the last ${Math.min(lines.length, LOG_TAIL_LINES)} lines of the extension's log (${path.relative(ROOT, ownLog)}) ---\n`);
    process.stdout.write(lines.slice(-LOG_TAIL_LINES).join('\n') + '\n---\n');
  }
  timings.push(`extension-host suite${multiRoot ? ' (multi-root)' : ''} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// ---- 4. browser E2E --------------------------------------------------------------------------
/**
 * F1, the command's title, Enter. The palette lists what the `when` clauses allow when it opens; on
 * a busy machine the first F1 can come before the workbench knows them (seen at load 30: the
 * command was missing, and present when the palette was opened again), so reopen it until it shows.
 */
async function runFromPalette(page, title) {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 15_000 });
    await page.keyboard.type(title);
    try {
      await row.waitFor({ timeout: 15_000 });
      break;
    } catch (error) {
      if (attempt === 6) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** The codicon a view-title action shows, e.g. "codicon-refresh". */
async function codiconOf(page, label) {
  const action = page.locator(`.part.sidebar .action-label[aria-label^="${label}"]`).first();
  await action.waitFor({ timeout: 30_000 });
  return /codicon-[\w-]+/.exec((await action.getAttribute('class')) ?? '')?.[0];
}

/** Saves a screenshot in test-results/, and with --update-screenshots also in media/screenshots/ (committed, for the README). */
async function screenshot(page, name, options = {}) {
  const file = path.join(RESULTS, `vscode-e2e-${name}.png`);
  await page.screenshot({ path: file, ...options });
  if (args.has('--update-screenshots')) {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(SCREENSHOTS, `${name}.png`));
  }
  lap(
    `E2E: screenshot ${path.relative(ROOT, file)}${args.has('--update-screenshots') ? ` and ${path.relative(ROOT, path.join(SCREENSHOTS, `${name}.png`))}` : ''}`,
  );
}

async function e2e(env) {
  const t0 = Date.now();
  const dir = runDir('e2e');
  // selfHeal.mode = autoApply applies only fixes that clear the policy's floor (issue 8). The fixture
  // has 2 tests where the default floor asks for 3. The floor's mutation guard stays on: the VSIX
  // carries its instrumenter (dist/instrumenter.mjs), so auto-apply works as installed.
  const ws = workspace(dir, { 'selfHeal.mode': 'autoApply', 'selfHeal.policy': { autoApplyFloor: { minSuiteTests: 2 } } });
  const extensionsDir = path.join(dir, 'extensions');
  const vsix = packageVsix(dir);
  lap(`E2E: packaged ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KB) with vsce`);
  installVsix(env, dir, extensionsDir, vsix);
  lap('E2E: installed it with --install-extension');
  const { port } = await startServer(env, dir, ws, { smokeDriver: false, extensionsDir });
  lap(`browser E2E: code-server on port ${port}`);
  // A modest window: the screenshots go into the README.
  const page = await (await browser(env)).newPage({ viewport: { width: 1200, height: 720 } });
  consoleTo(page, path.join(RESULTS, 'vscode-e2e-browser.log'));
  const step = (name) => lap(`E2E: ${name}`);
  const toastWith = (text) => page.locator('.notification-toast', { hasText: text });
  try {
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`, { timeout: PAGE_LOAD_TIMEOUT_MS });
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    await page.locator('.part.activitybar .action-label[aria-label^="Self-Heal"]').first().waitFor({ timeout: 90_000 });
    step('workbench rendered with the Self-Heal activity-bar entry');
    await runFromPalette(page, 'Self-Heal: Heal Failing Tests');
    const toast = toastWith(/Self-Heal: applied 1 of 1 verified fix/);
    await toast.waitFor({ timeout: E2E_HEAL_TIMEOUT_MS });
    step(`summary notification: "${(await toast.locator('.notification-list-item-message').innerText()).replace(/\s+/g, ' ')}"`);
    await page.locator('.part.activitybar .action-label[aria-label^="Self-Heal"]').first().click();
    const row = page.locator('.part.sidebar .monaco-list-row', { hasText: /src\/math\.js · mutation · ✓ 2\/2 tests/ });
    await row.first().waitFor({ timeout: 30_000 });
    step('the history view lists the heal');
    // Issue 15 §8: Heal and Refresh were two look-alike circular arrows.
    const [heal, refresh] = [await codiconOf(page, 'Heal Failing Tests'), await codiconOf(page, 'Refresh History')];
    if (!heal || !refresh || heal === refresh) throw new Error(`the history's Heal and Refresh show the same icon (${heal}, ${refresh})`);
    step(`the history's title shows distinct icons: Heal ${heal}, Refresh ${refresh}`);
    await row.first().click(); // Show Diff of the applied heal
    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
    step('clicking the heal opens its diff');

    // Revert from the row's inline action: the bug is back, and with it the failure and its fix.
    await row.first().hover();
    await row.first().locator('.action-label[aria-label^="Revert Heal"]').click();
    await toastWith(/Self-Heal reverted /).waitFor({ timeout: 30_000 });
    step('reverted from the history row');
    await page.keyboard.press('Escape');
    await runFromPalette(page, 'View: Close All Editors');
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'detached', timeout: 30_000 });
    await runQuickInput(page, 'Control+P', 'src/math.js', 'math.js');
    const faulty = page.locator('.monaco-editor .view-line', { hasText: 'return a - b;' }).first();
    await faulty.waitFor({ timeout: 30_000 });
    // The faulty line (the top suspect, with a diagnostic of its own): its lightbulb offers the verified fix.
    const menu = page.locator('.action-widget', { hasText: /Self-Heal: replace '-' with '\+' on line 4 \(✓ 2\/2 tests/ });
    // Ctrl+. asks the providers once; the first answer can come before the editor knows the diagnostic, so ask again.
    for (let attempt = 1; ; attempt++) {
      await faulty.click();
      if (attempt === 1) await page.keyboard.press('Control+Period');
      else await runFromPalette(page, 'Quick Fix...');
      try {
        await menu.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        const shown = await page.evaluate(() => [...document.querySelectorAll('.context-view, .action-widget')].map((e) => e.textContent).join(' | '));
        lap(`E2E: no Self-Heal quick fix yet (attempt ${attempt}); shown: ${shown.slice(0, 300) || 'nothing'}`);
        if (attempt === 3) throw error;
        await page.keyboard.press('Escape');
      }
    }
    step(`the quick-fix menu on the faulty line: "${(await menu.innerText()).replace(/\s+/g, ' ').slice(0, 160)}"`);
    await page.waitForTimeout(400); // the menu fades in
    await screenshot(page, 'lightbulb');

    await menu.locator('.monaco-list-row', { hasText: 'Preview fix' }).first().click();
    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
    const question = toastWith(/Apply this fix\?/);
    await question.waitFor({ timeout: 30_000 });
    if (/`/.test(await question.innerText())) throw new Error(`the preview's toast shows backticks: ${await question.innerText()}`);
    step('Preview fix… opens the diff with Apply and Discard');
    await page.waitForTimeout(800); // the toast fades in: too early and it is half transparent
    await screenshot(page, 'preview');

    await question.getByRole('button', { name: 'Apply', exact: true }).click();
    await toastWith(/Self-Heal applied "replace '-' with '\+' on line 4" to src\/math\.js/).waitFor({ timeout: 30_000 });
    step('Apply in the preview’s toast applies it and says so');
    const rows = page.locator('.part.sidebar .monaco-list-row', { hasText: /src\/math\.js · mutation · ✓ 2\/2 tests/ });
    await rows.nth(1).waitFor({ timeout: 30_000 });
    const texts = await rows.allInnerTexts();
    if (texts.filter((text) => /reverted/.test(text)).length !== 1)
      throw new Error(`the history should list one reverted and one applied heal: ${JSON.stringify(texts)}`);
    step('the history lists the reverted heal and the heal applied again');
    // Widen the side bar by its sash, so that a row shows its file, engine and evidence.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + 300);
    await page.mouse.down();
    await page.mouse.move(sidebar.x + 620, sidebar.y + 300, { steps: 8 });
    await page.mouse.up();
    await page.locator('.part.sidebar .monaco-list-row').first().hover();
    await page.waitForTimeout(800);
    await screenshot(page, 'history');
    tally.passed += 1;
    console.log(
      '  ok    E2E: F1 → Heal Failing Tests (auto-applied from the VSIX) → history with distinct icons → Revert → lightbulb on the faulty line → preview → Apply (screenshots)',
    );
  } catch (error) {
    await page.screenshot({ path: path.join(RESULTS, 'vscode-e2e-failure.png') }).catch(() => undefined);
    console.log(`  FAIL  E2E: ${error.message.split('\n')[0]} (screenshot: test-results/vscode-e2e-failure.png)`);
    tally.failed += 1;
  }
  keepLogs(dir, 'e2e');
  timings.push(`browser E2E ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** A quick input opened by `keys` (Ctrl+P, Ctrl+G), `text` typed, and Enter once a row with `row` shows (or at once). */
async function runQuickInput(page, keys, text, row) {
  await page.keyboard.press(keys);
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 15_000 });
  await page.keyboard.type(text);
  if (row) await page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

// ---- main ------------------------------------------------------------------------------------
try {
  fs.mkdirSync(RESULTS, { recursive: true });
  if (args.has('--build-only')) {
    await build();
    if (args.has('--prepare-workspace')) {
      const dir = path.join(ROOT, '.vscode-test', 'workspace');
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      lap(`fixture workspace ${path.relative(ROOT, workspace(dir))}`);
    }
    lap(`built dist/ and ${path.relative(ROOT, SUITE_OUT)}/`);
    process.exit(0);
  }
  let t0 = Date.now();
  const env = setup();
  timings.push(`setup ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  t0 = Date.now();
  await build();
  timings.push(`build ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // One code-server at a time: the machine may have two cores.
  if (!args.has('--e2e-only')) {
    await hostSuite(env);
    await cleanup();
    await hostSuite(env, 'multi-root');
    await cleanup();
  }
  if (!args.has('--host-only')) {
    await e2e(env);
    await cleanup();
  }
  console.log(`timings: ${timings.join('; ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  finish(0);
} catch (error) {
  console.log(`vscode-test: ${error.message}`);
  await cleanup();
  finish(1);
}
