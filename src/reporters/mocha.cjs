/*
 * Self-Heal's mocha reporter: writes what mocha's `json` reporter writes (stats, tests, passes,
 * pending, failures) to the file named by SELF_HEAL_REPORT_FILE. It uses only what mocha 1.x
 * already had (a constructor taking the runner, and its 'pass', 'fail', 'pending' and 'end'
 * events), so it works from mocha 1 to 11; old mocha has no --reporter-option for a file name.
 * Plain CommonJS and no dependencies: it is loaded by path into the user's mocha.
 *
 * Coverage per test, for spectrum-based fault localization: when SELF_HEAL_TEST_COVERAGE_DIR names
 * a folder and the run has NODE_V8_COVERAGE, V8's counters are reset when each test begins
 * (v8.takeCoverage writes what ran so far and starts counting afresh) and written when it ends,
 * into that folder as N.json, with index.json naming each test. One run then gives every test's
 * lines, where a run per test would pay the suite's start-up again for each (seconds apiece).
 */
'use strict';

const fs = require('fs');
const path = require('path');

function errorJson(err) {
  const out = {};
  if (!err || typeof err !== 'object') return { message: String(err) };
  for (const key of Object.getOwnPropertyNames(err)) out[key] = err[key];
  for (const key of ['name', 'message', 'stack', 'expected', 'actual', 'showDiff', 'code']) if (key in err) out[key] = err[key];
  return out;
}

// Values in assertions may be cyclic or huge: keep them printable and finite.
function safeJson(value) {
  const seen = [];
  return JSON.stringify(value, (key, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function') return `[Function ${v.name || 'anonymous'}]`;
    if (v && typeof v === 'object') {
      if (seen.indexOf(v) >= 0) return '[Circular]';
      seen.push(v);
    }
    return v;
  });
}

/** Splits V8 coverage per test; undefined when this run does not ask for it (or the Node is too old for v8.takeCoverage). */
function perTestCoverage() {
  const out = process.env.SELF_HEAL_TEST_COVERAGE_DIR;
  const raw = process.env.NODE_V8_COVERAGE;
  let v8;
  try {
    v8 = require('v8');
  } catch (e) {
    return undefined;
  }
  if (!out || !raw || typeof v8.takeCoverage !== 'function') return undefined;
  fs.mkdirSync(out, { recursive: true });
  fs.mkdirSync(raw, { recursive: true });
  const index = [];
  // The file v8.takeCoverage writes is named by pid, time and a counter: the new one is the one not seen before.
  const take = () => {
    const before = new Set(fs.readdirSync(raw));
    v8.takeCoverage();
    return fs.readdirSync(raw).filter((name) => !before.has(name) && name.endsWith('.json'));
  };
  return {
    begin() {
      for (const name of take()) fs.unlinkSync(path.join(raw, name));
    },
    end(test) {
      const written = take();
      if (written.length !== 1) return;
      const n = index.length;
      fs.renameSync(path.join(raw, written[0]), path.join(out, `${n}.json`));
      index.push({ n, title: test.title, fullTitle: typeof test.fullTitle === 'function' ? test.fullTitle() : test.title, state: test.state });
    },
    finish() {
      fs.writeFileSync(path.join(out, 'index.json'), JSON.stringify(index));
    },
  };
}

function SelfHealReporter(runner) {
  const tests = [];
  const passes = [];
  const pending = [];
  const failures = [];
  const started = Date.now();
  let coverage;
  try {
    coverage = perTestCoverage();
  } catch (e) {
    // Coverage is a bonus (see below): an unwritable folder leaves the report as it was.
    coverage = undefined;
  }
  if (coverage) {
    // Coverage is a bonus: a failure here must never cost the report (no index.json means "none").
    let broken = false;
    const guarded = (f) => (test) => {
      if (broken) return;
      try {
        f(test);
      } catch (e) {
        broken = true;
      }
    };
    runner.on(
      'test',
      guarded(() => coverage.begin()),
    );
    runner.on(
      'test end',
      guarded((test) => coverage.end(test)),
    );
    coverage.finish = guarded(coverage.finish);
  }
  const clean = (test, err) => ({
    title: test.title,
    fullTitle: typeof test.fullTitle === 'function' ? test.fullTitle() : test.title,
    file: test.file,
    duration: test.duration,
    err: err ? errorJson(err) : {},
  });
  runner.on('pass', (test) => {
    tests.push(clean(test));
    passes.push(clean(test));
  });
  runner.on('pending', (test) => {
    tests.push(clean(test));
    pending.push(clean(test));
  });
  runner.on('fail', (test, err) => {
    // A failing hook is reported here only; it is a failure all the same.
    if (test.type !== 'hook') tests.push(clean(test, err));
    failures.push(clean(test, err));
  });
  runner.on('end', () => {
    const stats = { tests: tests.length, passes: passes.length, pending: pending.length, failures: failures.length, duration: Date.now() - started };
    const file = process.env.SELF_HEAL_REPORT_FILE;
    const text = safeJson({ stats, tests, pending, failures, passes });
    // Written synchronously: old mocha calls process.exit right after 'end'.
    if (coverage) coverage.finish();
    if (file) fs.writeFileSync(file, text);
    else process.stdout.write(`${text}\n`);
  });
}

module.exports = SelfHealReporter;
