import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripAnsi } from '../../../src/core/signals/ansi';

const ESC = '\u001b';
const BEL = '\u0007';

describe('stripAnsi', () => {
  it('removes colour and style codes', () => {
    assert.equal(stripAnsi(`${ESC}[31m✖${ESC}[39m ${ESC}[1madds${ESC}[22m ${ESC}[2m(1ms)${ESC}[0m`), '✖ adds (1ms)');
  });

  it('removes VS Code shell-integration sequences ended by BEL or by ESC \\', () => {
    const marked = `${ESC}]633;A${BEL}$ ${ESC}]633;B${BEL}npm test${ESC}]633;E;npm test;nonce${ESC}\\${ESC}]633;C${BEL}\nok 1 - adds\n${ESC}]633;D;0${BEL}`;
    assert.equal(stripAnsi(marked), '$ npm test\nok 1 - adds\n');
  });

  it('removes hyperlinks and other OSC sequences but keeps their text', () => {
    assert.equal(stripAnsi(`${ESC}]8;;file:///a.js${ESC}\\a.js${ESC}]8;;${ESC}\\:3`), 'a.js:3');
  });

  it('turns carriage returns into line breaks so redrawn lines do not fuse', () => {
    assert.equal(stripAnsi('a\r\nb\rc'), 'a\nb\nc');
  });

  it('leaves plain text alone', () => {
    assert.equal(stripAnsi('plain ✔ text [1] (x)'), 'plain ✔ text [1] (x)');
  });
});
