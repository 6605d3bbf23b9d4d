// The user, acting while Self-Heal verifies a candidate: required by a project's test file, it
// runs RELIABILITY_USER_ACTION (a shell command) in the user's workspace once, on the 4th load of
// that test file inside a sandbox (1: the baseline run; 2–3: the screen's warm-up; 4: the first
// candidate being screened). The count lives in RELIABILITY_ACTION_COUNTER, outside both trees.
'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');

const { RELIABILITY_USER_ACTION: action, RELIABILITY_USER_DIR: dir, RELIABILITY_ACTION_COUNTER: counter } = process.env;
if (action && dir && counter && process.cwd().includes('self-heal-sbx-')) {
  const loads = Number(fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8') : '0') + 1;
  fs.writeFileSync(counter, String(loads));
  if (loads === 4) {
    const env = { ...process.env, GIT_AUTHOR_NAME: 'user', GIT_AUTHOR_EMAIL: 'user@example.invalid', GIT_COMMITTER_NAME: 'user', GIT_COMMITTER_EMAIL: 'user@example.invalid' };
    execSync(action, { cwd: dir, env, stdio: 'ignore', shell: '/bin/sh' });
    fs.writeFileSync(`${counter}.done`, '');
  }
}
