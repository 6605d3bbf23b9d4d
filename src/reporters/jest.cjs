/*
 * Self-Heal's jest reporter: writes the shape `jest --json` writes (testResults[] of
 * assertionResults[]) to the file named by SELF_HEAL_REPORT_FILE when the run completes. It uses
 * the reporter interface jest has had since 20 (onTestResult, onRunComplete). Plain CommonJS and
 * no dependencies: it is loaded by path into the user's jest, beside its default reporter.
 */
'use strict';

const fs = require('fs');

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
    if (this.file) fs.writeFileSync(this.file, JSON.stringify(report));
  }
}

module.exports = SelfHealReporter;
