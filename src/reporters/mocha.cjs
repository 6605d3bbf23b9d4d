/*
 * Self-Heal's mocha reporter: writes what mocha's `json` reporter writes (stats, tests, passes,
 * pending, failures) to the file named by SELF_HEAL_REPORT_FILE. It uses only what mocha 1.x
 * already had (a constructor taking the runner, and its 'pass', 'fail', 'pending' and 'end'
 * events), so it works from mocha 1 to 11; old mocha has no --reporter-option for a file name.
 * Plain CommonJS and no dependencies: it is loaded by path into the user's mocha.
 *
 * Coverage per test, for spectrum-based fault localization: when SELF_HEAL_TEST_COVERAGE_DIR names
 * a folder and the run has NODE_V8_COVERAGE, V8's counters are reset when each test begins and
 * written when it ends, into that folder as N.json, with index.json naming each test. One run then
 * gives every test's lines, where a run per test would pay the suite's start-up again for each
 * (seconds apiece).
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

/**
 * Splits V8 coverage per test; undefined when this run does not ask for it. NODE_V8_COVERAGE makes
 * V8 count blocks from the first line loaded (a reporter is made after the specs are loaded, too
 * late to start counting itself); an inspector session on the same isolate then takes the counts
 * and resets them, in memory. v8.takeCoverage would do the same through a file holding every
 * script and every source map Node loaded, a megabyte per test to write and read back, where the
 * session answers with the few scripts that ran (hessian.js: about 28 ms a test, against 3).
 */
function perTestCoverage() {
  const out = process.env.SELF_HEAL_TEST_COVERAGE_DIR;
  if (!out || !process.env.NODE_V8_COVERAGE) return undefined;
  const inspector = require('inspector');
  const session = new inspector.Session();
  session.connect();
  // A session on the main thread answers before post returns.
  const post = (method, params) => {
    let answer;
    let failure;
    session.post(method, params || {}, (err, res) => {
      failure = err;
      answer = res;
    });
    if (failure) throw failure;
    if (answer === undefined) throw new Error(method + ' did not answer at once');
    return answer;
  };
  post('Profiler.enable');
  post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  fs.mkdirSync(out, { recursive: true });
  const index = [];
  const take = () => post('Profiler.takePreciseCoverage').result;
  // The project's files only, no dependency and no Node internal; a workspace package reached
  // through a node_modules link is the project's (its real path is outside node_modules).
  const verdicts = new Map();
  const ownScript = (script) => {
    if (script.url.indexOf('file://') !== 0) return false;
    if (script.url.indexOf('/node_modules/') < 0) return true;
    if (!verdicts.has(script.url)) {
      let real = '';
      try {
        real = fs.realpathSync(decodeURIComponent(new URL(script.url).pathname));
      } catch (e) {
        real = '/node_modules/';
      }
      verdicts.set(script.url, real.split(path.sep).join('/').indexOf('/node_modules/') < 0);
    }
    return verdicts.get(script.url);
  };
  return {
    begin() {
      take();
    },
    end(test) {
      const own = take().filter(ownScript);
      const n = index.length;
      fs.writeFileSync(path.join(out, `${n}.json`), JSON.stringify({ result: own }));
      index.push({ n, title: test.title, fullTitle: typeof test.fullTitle === 'function' ? test.fullTitle() : test.title, state: test.state });
    },
    finish() {
      fs.writeFileSync(path.join(out, 'index.json'), JSON.stringify(index));
      session.disconnect();
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
