/** Localization from a failure: project stack frames, then what the failing test calls. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { definingTestFile, localize } from '../../../src/core/analysis/localize';
import { ProcessTestRunner } from '../../../src/core/verify/testRunner';
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

/**
 * An entry spec that requires the real specs (`mocha test/index.js`, as hexo runs its suite):
 * mocha names the entry as every test's file, and the entry's imports are only more specs.
 */
describe('localize, when the runner names an entry spec that requires the real ones', () => {
  const ENTRY = `describe('App', function () {
  require('./scripts/models');
});
`;
  const MODELS = `describe('Models', function () {
  require('./post');
  require('./tag');
});
`;
  // Two failures: an assertion in the spec (its frame names the spec), and an error with no
  // frame at all (fs's promises reject with a bare message), so only the title finds the spec.
  const POST_SPEC = `const assert = require('assert');
const fs = require('fs');
describe('Post', function () {
  const post = require('../../../lib/models/post');
  it('default', function () { assert.deepEqual(post.slugOf('A b'), 'a-b'); });
  it('setTags() - empty tag', function () { assert.deepEqual(post.setTags(['a', '']), ['a']); });
  it('source', function () { return fs.promises.readFile(post.sourceOf('hello')); });
});
`;
  const TAG_SPEC = `const assert = require('assert');
describe('Tag', function () {
  const tag = require('../../../lib/models/tag');
  it('default', function () { assert.equal(tag.nameOf(' a '), 'a'); });
});
`;
  const POST = `const path = require('path');
function slugOf(title) { return title.toLowerCase().replace(/ /g, '-'); }
function setTags(tags) { return tags.map((t) => String(t)); }
function sourceOf(slug) { return path.join(__dirname, slug + '.md'); }
module.exports = { slugOf, setTags, sourceOf };
`;
  const TAG = `function nameOf(name) { return name.trim(); }
module.exports = { nameOf };
`;
  const files = {
    'package.json': JSON.stringify({ name: 'entry-spec', scripts: { test: 'mocha test/index.js' } }),
    'test/index.js': ENTRY,
    'test/scripts/models/index.js': MODELS,
    'test/scripts/models/post.js': POST_SPEC,
    'test/scripts/models/tag.js': TAG_SPEC,
    'lib/models/post.js': POST,
    'lib/models/tag.js': TAG,
  };
  const reader =
    (dir: string) =>
    (rel: string): Promise<string | undefined> =>
      fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);

  it('reads the spec that defines the failing test, so the function it calls ranks first', async () => {
    const dir = makeProject(files, { linkNodeModules: true });
    const run = await new ProcessTestRunner().run({ cwd: dir, command: 'npm test', timeoutMs: 60_000 });
    const failed = (name: string): Failure => {
      const found = run.failures.find((f) => f.name === name);
      assert.ok(found, `mocha reported no failure "${name}":\n${run.output}`);
      return found;
    };
    // What the real runner says: the entry, for tests written in test/scripts/models/post.js.
    assert.equal(failed('setTags() - empty tag').file, 'test/index.js');
    assert.equal(failed('setTags() - empty tag').id, 'App Models Post > setTags() - empty tag');
    const top = async (name: string): Promise<string> => {
      const first = (await localize(dir, [failed(name)], reader(dir)))[0];
      return `${first?.file} ${first?.function}: ${first?.why}`;
    };
    assert.equal(await top('setTags() - empty tag'), 'lib/models/post.js setTags: called on the failing assertion line (setTags)');
    assert.deepEqual(
      failed('source').stack.filter((f) => !f.file.startsWith('node:')),
      [],
    );
    // No frame to single one out: every function the spec calls ranks alike, sourceOf among them.
    const called = (await localize(dir, [failed('source')], reader(dir))).filter((l) => l.score === 0.6).map((l) => `${l.file} ${l.function}`);
    assert.deepEqual(called.sort(), ['lib/models/post.js setTags', 'lib/models/post.js slugOf', 'lib/models/post.js sourceOf']);
  });

  it("tells apart specs that share a title by the suites the failure's id names", async () => {
    const dir = makeProject(files);
    const failure = { id: 'App Models Tag > default', name: 'default', file: 'test/index.js', stack: [] };
    assert.equal(await definingTestFile(dir, failure, reader(dir)), 'test/scripts/models/tag.js');
    assert.equal(await definingTestFile(dir, { ...failure, id: 'App Models Post > default' }, reader(dir)), 'test/scripts/models/post.js');
  });

  it("keeps the runner's file when it defines the test itself, or when no spec holds the title", async () => {
    const dir = makeProject(files);
    assert.equal(
      await definingTestFile(dir, { id: 'Post > default', name: 'default', file: 'test/scripts/models/post.js', stack: [] }, reader(dir)),
      undefined,
    );
    assert.equal(
      await definingTestFile(dir, { id: 'App > made at run time', name: 'made at run time', file: 'test/index.js', stack: [] }, reader(dir)),
      undefined,
    );
  });
});
