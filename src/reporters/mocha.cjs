/*
 * Self-Heal's mocha reporter: writes what mocha's `json` reporter writes (stats, tests, passes,
 * pending, failures) to the file named by SELF_HEAL_REPORT_FILE. It uses only what mocha 1.x
 * already had (a constructor taking the runner, and its 'pass', 'fail', 'pending' and 'end'
 * events), so it works from mocha 1 to 11; old mocha has no --reporter-option for a file name.
 * Plain CommonJS and no dependencies: it is loaded by path into the user's mocha.
 */
'use strict';

const fs = require('fs');

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

function SelfHealReporter(runner) {
  const tests = [];
  const passes = [];
  const pending = [];
  const failures = [];
  const started = Date.now();
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
    if (file) fs.writeFileSync(file, text);
    else process.stdout.write(`${text}\n`);
  });
}

module.exports = SelfHealReporter;
