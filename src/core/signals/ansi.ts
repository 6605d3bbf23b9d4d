/**
 * Terminal noise removal. Output reaches the signals stage from a pipe (clean), from a task,
 * or from the integrated terminal, where VS Code shell integration wraps every prompt and
 * command in OSC 633 sequences (`ESC ] 633 ; A BEL`, `ESC ] 633 ; E ; cmd ESC \`) and runners
 * that think they own a TTY add colours. Parsers only ever see text after `stripAnsi`.
 */

/**
 * Operating System Commands: `ESC ]` … terminated by BEL or ST (`ESC \`). This covers OSC 633
 * (VS Code shell integration), OSC 133 (other shells' integration), OSC 8 hyperlinks and window
 * titles; none of them carries text a parser needs.
 */
const OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
/** Control Sequence Introducer (colours, cursor moves, erase-line), 7-bit and 8-bit forms. */
const CSI = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]/g;
/** Remaining short escapes: charset selection (`ESC ( B`), reset (`ESC c`), save cursor (`ESC 7`). */
const SHORT_ESCAPE = /\u001b(?:[()][0-9A-Za-z]|[@-Z\\^_`a-z0-9=>])/g;

/**
 * Remove colour codes, OSC sequences and carriage returns. A lone `\r` (a progress line being
 * redrawn) becomes a line break rather than vanishing, so two redraws never fuse into one line
 * that looks like neither.
 */
export function stripAnsi(text: string): string {
  return text.replace(OSC, '').replace(CSI, '').replace(SHORT_ESCAPE, '').replace(/\r\n/g, '\n').replace(/\r/g, '\n');
}
