// Fault injection for the real CLI: loaded with `node --require` (never inherited by the test
// runs the CLI starts, which get no execArgv), it SIGKILLs the CLI at one named point, or delays
// it there, chosen by SELF_HEAL_CRASH_AT. A random-delay kill rarely lands inside apply, which
// takes a few milliseconds; these points put the kill exactly where atomicity matters.
//
//   apply:temp-written    the new text is in the temp file, before the rename over the source
//   apply:renamed         just after the rename: the source holds the fix
//   apply:ledger-open     as the ledger is opened to append the record
//   apply:ledger-torn     half of the ledger line is written (a torn line)
//   heal:candidate-written  a candidate's text was just written into the sandbox
//   delay:rename=MS       wait MS before the rename (two runs then pass their checks together)
'use strict';
const fsp = require('node:fs/promises');

const point = process.env.SELF_HEAL_CRASH_AT ?? '';
const die = () => process.kill(process.pid, 'SIGKILL');
// Apply's temp file: beside the target (`x.js.self-heal-<pid>.tmp`) or in Self-Heal's own folder (`.self-heal/tmp/…`).
const isTemp = (file) => /\.self-heal-\d+\.tmp$|\/\.self-heal\/tmp\/[^/]+$/.test(String(file));
const isLedger = (file) => String(file).endsWith('ledger.jsonl');
const inSandbox = (file) => String(file).includes('/self-heal-sbx-');

const rename = fsp.rename;
fsp.rename = async function (from, to) {
  if (isTemp(from) && point === 'apply:temp-written') die();
  const delay = /^delay:rename=(\d+)$/.exec(point);
  if (isTemp(from) && delay) await new Promise((resolve) => setTimeout(resolve, Number(delay[1])));
  const result = await rename.call(this, from, to);
  if (isTemp(from) && point === 'apply:renamed') die();
  return result;
};

const open = fsp.open;
fsp.open = async function (file, flags, ...rest) {
  if (isLedger(file) && flags === 'a' && point === 'apply:ledger-open') die();
  const handle = await open.call(this, file, flags, ...rest);
  if (isLedger(file) && flags === 'a' && point === 'apply:ledger-torn') {
    const write = handle.write;
    handle.write = async function (data, ...args) {
      const text = String(data);
      await write.call(this, text.slice(0, Math.floor(text.length / 2)), ...args);
      await handle.sync();
      die();
    };
  }
  return handle;
};

const writeFile = fsp.writeFile;
fsp.writeFile = async function (file, ...rest) {
  const result = await writeFile.call(this, file, ...rest);
  if (point === 'heal:candidate-written' && inSandbox(file)) die();
  return result;
};
