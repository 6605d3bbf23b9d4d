/** Localization from a failure: project stack frames, then what the failing test calls. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { localize } from '../../../src/core/analysis/localize';
import type { Failure } from '../../../src/core/model';
import { makeProject } from '../../helpers/repo';
import { fixtureFiles } from './moduleGraphFixtures';

const TEST = `const assert = require('node:assert');
const test = require('node:test');
const { double, half, unused } = require('../src/math');

test('math', () => {
  assert.equal(double(2), 4);
  assert.equal(half(4), 2);
});
`;
const SOURCE = `function double(x) { return x * 2; }
function half(x) { return x / 3; }
function unused(x) { return x; }
module.exports = { double, half, unused };
`;

function failure(stack: Failure['stack']): Failure {
  return {
    id: 'test/math.test.js > math',
    name: 'math',
    file: 'test/math.test.js',
    message: 'Expected values to be strictly equal:\n\n1.3333333333333333 !== 2\n',
    stack,
    source: 'test-run',
    runner: 'node',
  };
}

describe('localize', () => {
  it('ranks the function called on the failing assertion line above the others the test calls', async () => {
    const dir = makeProject({ 'test/math.test.js': TEST, 'src/math.js': SOURCE });
    const read = async (rel: string): Promise<string | undefined> => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    const locations = await localize(dir, [failure([{ file: 'test/math.test.js', line: 7, column: 10 }])], read);
    const names = locations.map((l) => l.why);
    assert.deepEqual(names, [
      'called on the failing assertion line (half)',
      'called by the failing test (double)',
      'in a module the test imports (src/math.js)',
    ]);
    assert.equal(SOURCE.slice(locations[0].start, locations[0].end), 'function half(x) { return x / 3; }');
  });

  it('through a module binding (m.f), ranks f in that module only: tests of many modules call the same name on each', async () => {
    const test = `const assert = require('node:assert');
const test = require('node:test');
const a = require('../src/a');
const b = require('../src/b');

test('sums', () => {
  assert.equal(a.sum(1, 2), 3);
  assert.equal(b.sum(1, 2), 3);
});
`;
    const source = 'function sum(x, y) { return x + y; }\nmodule.exports = { sum };\n';
    const dir = makeProject({ 'test/sum.test.js': test, 'src/a.js': source, 'src/b.js': source.replace('x + y', 'x - y') });
    const read = async (rel: string): Promise<string | undefined> => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    const locations = await localize(dir, [{ ...failure([{ file: 'test/sum.test.js', line: 8, column: 10 }]), file: 'test/sum.test.js' }], read);
    assert.deepEqual(
      locations.map((l) => `${l.file} ${l.score}`),
      ['src/b.js 0.8', 'src/a.js 0.6'],
    );
  });

  it('without a test frame, ranks every function the test calls alike', async () => {
    const dir = makeProject({ 'test/math.test.js': TEST, 'src/math.js': SOURCE });
    const read = async (rel: string): Promise<string | undefined> => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    const locations = await localize(dir, [failure([])], read);
    assert.deepEqual(
      locations.map((l) => l.score),
      [0.6, 0.6, 0.25],
    );
  });

  it("finds a function the test reaches only through require('../'), main and another module, and ranks it below the direct ones", async () => {
    // express's shape: the test requires the package root; the bug is two modules away.
    const dir = makeProject({
      'package.json': '{"name":"web","main":"lib/web.js"}',
      'lib/web.js': "const request = require('./request');\nfunction createApp() { return { request }; }\nmodule.exports = createApp;\n",
      'lib/request.js':
        "function protocol(req) { return req.secure ? 'https' : 'http'; }\nfunction hostname(req) { return req.host; }\nmodule.exports = { protocol, hostname };\n",
      'test/protocol.test.js':
        "const assert = require('node:assert');\nconst test = require('node:test');\nconst web = require('../');\n\ntest('req.protocol', () => {\n  const app = web();\n  assert.equal(app.request.protocol({ secure: true }), 'https');\n});\n",
    });
    const read = async (rel: string): Promise<string | undefined> => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    const failure: Failure = {
      id: 'test/protocol.test.js > req.protocol',
      name: 'req.protocol',
      file: 'test/protocol.test.js',
      message: "'http' !== 'https'",
      stack: [],
      source: 'test-run',
      runner: 'node',
    };
    const locations = await localize(dir, [failure], read);
    assert.deepEqual(
      locations.map((l) => `${l.file} ${l.function} ${l.score}`),
      ['lib/web.js createApp 0.6', 'lib/request.js protocol 0.5', 'lib/request.js hostname 0.2'],
    );
    assert.match(locations[1].why, /named by the failing test \(protocol\), in lib\/request\.js, which the test reaches through 1 other module/);
  });

  it('ranks a function two modules away higher when the module importing it calls it (tsconfig paths, .js for .ts, an index that re-exports)', async () => {
    const dir = makeProject(fixtureFiles('ts-esm-paths'));
    const read = async (rel: string): Promise<string | undefined> => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    const failure: Failure = {
      id: 'a price includes 20% tax',
      name: 'a price includes 20% tax',
      file: 'test/price.test.ts',
      message: '8 !== 12',
      stack: [{ file: 'test/price.test.ts', line: 6 }],
      source: 'test-run',
      runner: 'node',
    };
    const locations = await localize(dir, [failure], read);
    assert.deepEqual(
      locations.map((l) => `${l.file} ${l.function} ${l.score}`),
      ['src/price.ts price 0.8', 'src/math/tax.ts withTax 0.35', 'src/math/round.ts roundCents 0.2'],
    );
    assert.match(locations[1].why, /^called by src\/price\.ts \(withTax\), in src\/math\/tax\.ts/);
  });

  it('follows a monorepo test into the workspace package it imports by name', async () => {
    const dir = makeProject({
      'package.json': '{"private":true,"workspaces":["packages/*"]}',
      'packages/text/package.json': '{"name":"@acme/text","main":"src/index.js"}',
      'packages/text/src/index.js': 'exports.title = function title(s) { return s.toLowerCase(); };\n',
      'packages/report/package.json': '{"name":"@acme/report","dependencies":{"@acme/text":"*"}}',
      'packages/report/src/report.js': "const { title } = require('@acme/text');\nexports.heading = function heading(s) { return '# ' + title(s); };\n",
      'packages/report/test/report.test.js':
        "const assert = require('node:assert');\nconst test = require('node:test');\nconst { heading } = require('../src/report');\n\ntest('heading', () => {\n  assert.equal(heading('hello'), '# Hello');\n});\n",
    });
    const read = async (rel: string): Promise<string | undefined> => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    const failure: Failure = {
      id: 'packages/report/test/report.test.js > heading',
      name: 'heading',
      file: 'packages/report/test/report.test.js',
      message: "'# hello' !== '# Hello'",
      stack: [{ file: 'packages/report/test/report.test.js', line: 6 }],
      source: 'test-run',
      runner: 'node',
    };
    const locations = await localize(dir, [failure], read);
    assert.deepEqual(
      locations.map((l) => `${l.file} ${l.function}`),
      ['packages/report/src/report.js heading', 'packages/text/src/index.js title'],
    );
  });

  it("counts a stack frame through a node_modules link to a workspace package as that package's file", async () => {
    const dir = makeProject({
      'package.json': '{"private":true,"workspaces":["packages/*"]}',
      'packages/text/package.json': '{"name":"@acme/text"}',
      'packages/text/index.js': 'exports.title = function title(s) { return s.trim(); };\n',
    });
    const read = async (rel: string): Promise<string | undefined> => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    const failure: Failure = {
      id: 'x',
      name: 'x',
      message: 'TypeError',
      stack: [{ file: 'node_modules/@acme/text/index.js', line: 1 }],
      source: 'test-run',
      runner: 'node',
    };
    const locations = await localize(dir, [failure], read);
    assert.deepEqual(
      locations.map((l) => `${l.file} ${l.function} ${l.score}`),
      ['packages/text/index.js title 1'],
    );
  });
});
