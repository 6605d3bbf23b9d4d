import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initTreeSitter } from '../../../../src/core/analysis/treeSitter';
import { asyncCandidates, asyncNames, lateActivityTests } from '../../../../src/core/healing/tests/asyncTests';
import { Failure } from '../../../../src/core/model';
import { healWorkspace } from '../../../../src/core/heal';
import { DiskFiles } from '../../../../src/cli/adapters/files';
import { exampleProject, fingerprint, makeProject } from '../../../helpers/repo';
import { healTestsIn, testProblemProject } from './heal';

const NODE = '{"scripts":{"test":"node --test"}}';
const STORE =
  'function createStore() {\n  const data = new Map();\n  return {\n    async set(key, value) {\n      data.set(key, value);\n    },\n    async get(key) {\n      return data.get(key);\n    },\n  };\n}\nmodule.exports = { createStore };\n';

describe('unhandled async tests', () => {
  it('names the failure the unhandled-async-test example was hiding, and changes no assertion', async () => {
    const healed = await healTestsIn(exampleProject('unhandled-async-test'));
    assert.equal(healed.diagnosis.class, 'async-test');
    assert.equal(healed.found, undefined);
    assert.match(
      healed.reason ?? '',
      /Once the test waits \(return the promise from "get returns what set stored"[^)]*\), its assertion runs and fails: "get returns what set stored" — expected 2, got 1\. The test was hiding a failure/,
    );
  });

  it('awaits a floating promise, so the test closes the store after it and not before', async () => {
    const dir = makeProject({
      'package.json': NODE,
      'src/store.js':
        "function createStore() {\n  const data = new Map();\n  let closed = false;\n  return {\n    async save(key, value) {\n      await new Promise((resolve) => setTimeout(resolve, 5));\n      if (closed) throw new Error('store is closed');\n      data.set(key, value);\n    },\n    has: (key) => data.has(key),\n    close() {\n      closed = true;\n    },\n  };\n}\nmodule.exports = { createStore };\n",
      'test/store.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { createStore } = require('../src/store');\n\ntest('saves', () => {\n  const store = createStore();\n  store.save('a', 1).then(() => assert.ok(store.has('a')));\n  store.close();\n});\n",
    });
    const healed = await healTestsIn(dir);
    assert.equal(healed.diagnosis.class, 'async-test', healed.diagnosis.evidence.join());
    assert.ok(healed.found, healed.reason);
    assert.equal(healed.found.candidate.operator, 'await-promise');
    assert.match(healed.after['test/store.test.js'], /test\('saves', async \(\) => \{\n {2}const store = createStore\(\);\n {2}await store\.save\('a', 1\)/);
    assert.deepEqual(healed.found.candidate.labels, ['test edit']);
  });

  it('awaits floating calls to async functions in an async test, and reports what that reveals', async () => {
    const dir = makeProject({
      'package.json': NODE,
      'src/store.js': STORE,
      'test/store.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { createStore } = require('../src/store');\n\ntest('counts', async () => {\n  const store = createStore();\n  store.set('n', 1);\n  store.get('n').then((n) => assert.strictEqual(n, 1)).then(() => { throw new Error('after the test'); });\n  assert.ok(store);\n});\n",
    });
    const healed = await healTestsIn(dir);
    assert.equal(healed.diagnosis.class, 'async-test', healed.diagnosis.evidence.join());
    assert.match(healed.reason ?? '', /await the 2 promises in "counts"/i);
  });

  it('awaits an assert.rejects the test left floating, so it checks before the test closes what the call needs', async () => {
    const dir = testProblemProject('unawaited-rejects');
    const before = fingerprint(dir);
    const [heal] = (await healWorkspace({ files: new DiskFiles(dir) })).heals;
    assert.equal(heal.diagnosis.class, 'async-test', heal.diagnosis.evidence.join());
    assert.ok(heal.fix, heal.reason);
    assert.equal(heal.fix.candidate.operator, 'await-promise');
    assert.deepEqual(heal.fix.candidate.labels, ['test edit']);
    assert.deepEqual(Object.keys(heal.fix.after), ['test/users.test.js']);
    assert.match(
      heal.fix.after['test/users.test.js'],
      /test\('find rejects an unknown user', async \(\) => \{\n {2}const users = openUsers\(\[\{ name: 'ada' \}\]\);\n {2}await assert\.rejects\(users\.find\('bob'\), \/no user bob\/\);\n {2}users\.close\(\);/,
    );
    assert.deepEqual(heal.fix.evidence.suite.newlyFailing, []);
    assert.equal(fingerprint(dir), before);
  });

  it('says that a floating assert.rejects never checked anything, and that once awaited it fails: maybe a real bug in the code', async () => {
    const [heal] = (await healWorkspace({ files: new DiskFiles(testProblemProject('unawaited-rejects-bug')) })).heals;
    assert.equal(heal.diagnosis.class, 'async-test', heal.diagnosis.evidence.join());
    assert.equal(heal.fix, undefined, 'no assertion is changed to make it pass');
    assert.doesNotMatch(heal.reason ?? '', /No test edit is known/);
    assert.match(
      heal.reason ?? '',
      /^The test ended before its assertion ran, so it never really checked anything \(Test "withdraw refuses more than the balance" at test\/account\.test\.js:5:1 generated asynchronous activity after the test ended\)\. Once the test waits \(return the promise from "withdraw refuses more than the balance", so the test waits for it\), its assertion runs and fails: "withdraw refuses more than the balance" — Missing expected rejection\. The test was hiding a failure, so this may be a real bug in the code/,
    );
  });

  it('heals a jest test whose done is never called', async () => {
    const dir = makeProject(
      {
        'package.json': '{"scripts":{"test":"jest"}}',
        'timer.test.js':
          "test('fires later', (done) => {\n  setTimeout(() => {\n    expect(1 + 1).toBe(2);\n  }, 10);\n}, 1000);\n\ntest('other', () => {});\n",
      },
      { linkNodeModules: true },
    );
    const healed = await healTestsIn(dir);
    assert.equal(healed.diagnosis.class, 'async-test', healed.diagnosis.evidence.join());
    assert.ok(healed.found, healed.reason);
    assert.equal(healed.found.candidate.operator, 'call-done');
    assert.match(healed.after['timer.test.js'], /expect\(1 \+ 1\)\.toBe\(2\);\n {4}done\(\);\n {2}\}, 10\);/);
    assert.equal(healed.found.comparison.evidence.guards?.[0].label, undefined);
  });

  it('reads the tests node:test names in its late-activity notes', () => {
    const output = '# Error: Test "a \\"b\\"" at test/x.test.js:5:1 generated asynchronous activity after the test ended. This activity created the error';
    assert.deepEqual(lateActivityTests(output), [{ name: 'a \\"b\\"', file: 'test/x.test.js', line: 5 }]);
  });

  it('knows that assertions on promises return promises: assert.rejects, t.assert.doesNotReject, expect(p).resolves and .rejects', async () => {
    await initTreeSitter();
    const files: Record<string, string> = {
      'n.test.js':
        "test('a', () => {\n  assert.rejects(load(), /x/);\n  done = true;\n});\ntest('b', (t) => {\n  t.assert.doesNotReject(load());\n  done = true;\n});\n",
      'j.test.js':
        "test('c', () => {\n  expect(load()).resolves.toBe(1);\n  done = true;\n});\ntest('d', () => {\n  expect(load()).rejects.not.toThrow();\n  done = true;\n});\ntest('e', () => {\n  expect(load()).toBe(1);\n  done = true;\n});\n",
    };
    const failure = (name: string, file: string, runner: string): Failure => Failure.parse({ id: `${file} > ${name}`, name, file, message: 'x', runner });
    const failures = [
      failure('a', 'n.test.js', 'node'),
      failure('b', 'n.test.js', 'node'),
      ...['c', 'd', 'e'].map((name) => failure(name, 'j.test.js', 'jest')),
    ];
    const made = await asyncCandidates('/nowhere', failures, '', async (file) => files[file], []);
    assert.deepEqual(
      made.map((c) => c.summary),
      ['a', 'b', 'c', 'd'].map((name) => `Await the promise in "${name}" (and make it async)`),
    );
  });

  it('knows which calls return promises from async declarations', () => {
    assert.deepEqual([...asyncNames(['async function load() {}', 'const save = async () => 1;', 'obj = { async get(k) {} }'])].sort(), ['get', 'load', 'save']);
  });
});
