/**
 * Bugs the harness cannot judge on this machine, found from what the project says about itself,
 * not from a list of bug numbers: a test script that drives a browser, or tests whose failures
 * say they could not reach a server (a database, the network).
 */
import type { TestRun } from '../../src/core/model';

const BROWSER = /\b(karma|phantomjs|puppeteer|playwright|selenium|webdriver|wdio|zuul|testem|nightwatch|cypress)\b/;
const UNREACHABLE =
  /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|getaddrinfo|MongoNetworkError|MongoServerSelectionError|Redis connection|connect ETIMEDOUT)\b/;

/** Why the project's test script cannot run here, or undefined. */
export function browserNeeded(testScript: string | undefined): string | undefined {
  const m = testScript ? BROWSER.exec(testScript) : null;
  return m ? `needs a browser (the test script runs ${m[1]})` : undefined;
}

/** Why failing tests of these runs look like a missing server (database or network), or undefined. */
export function serverNeeded(runs: TestRun[]): string | undefined {
  for (const run of runs) {
    for (const f of run.failures) {
      const m = UNREACHABLE.exec(`${f.message}\n${f.stack.map((s) => s.file).join('\n')}`);
      if (m) return `needs a database or the network (${m[1]} in "${f.name}")`;
    }
  }
  return undefined;
}
