/*
 * Self-Heal's jest reporter: writes the shape `jest --json` writes (testResults[] of
 * assertionResults[]) to the file named by SELF_HEAL_REPORT_FILE when the run completes. It uses
 * the reporter interface jest has had since 20 (onTestResult, onRunComplete). Plain CommonJS and
 * no dependencies: it is loaded by path into the user's jest, beside its default reporter.
 */
'use strict';

const fs = require('fs');

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

// Only the matcher's compared values: the rest of a failure detail is the error object itself.
const matcherOf = (detail) =>
  detail && detail.matcherResult ? { matcherResult: { expected: detail.matcherResult.expected, actual: detail.matcherResult.actual } } : {};

class SelfHealReporter {
  constructor(globalConfig, options) {
    this.file = (options && options.output) || process.env.SELF_HEAL_REPORT_FILE;
  }

  onRunComplete(contexts, results) {
    const testResults = (results.testResults || []).map((file) => ({
      name: file.testFilePath,
      status: file.numFailingTests > 0 || file.testExecError ? 'failed' : 'passed',
      message: file.failureMessage || (file.testExecError && file.testExecError.message) || '',
      assertionResults: (file.testResults || []).map((test) => ({
        ancestorTitles: test.ancestorTitles,
        fullName: test.fullName,
        title: test.title,
        status: test.status,
        failureMessages: test.failureMessages,
        failureDetails: (test.failureDetails || []).map(matcherOf),
        location: test.location,
      })),
    }));
    const report = {
      numFailedTests: results.numFailedTests,
      numPassedTests: results.numPassedTests,
      numRuntimeErrorTestSuites: results.numRuntimeErrorTestSuites,
      success: results.success,
      testResults,
    };
    if (this.file) fs.writeFileSync(this.file, safeJson(report));
  }
}

module.exports = SelfHealReporter;
