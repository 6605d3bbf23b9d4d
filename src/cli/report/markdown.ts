/**
 * The CI report in Markdown, written to be posted as a pull-request comment (paper §4.5: the
 * heal goes to review with its evidence). For each failure: what failed, the diagnosis, the
 * verified diff, the evidence, the engine and its tokens, the policy's decision and the branch.
 * GitHub refuses comments over 65,536 characters, so long parts are cut with a note.
 */
import type { HealOutcome } from '../../core/api';
import type { Evidence } from '../../core/model';
import { confidenceText } from '../../core/api';
import { healName, isHealed, type CiHeal, type CiRun } from './ciRun';

/** The first line of every report, so a workflow can find and update its earlier comment. */
export const REPORT_MARKER = '<!-- self-heal:report -->';
const MAX_CHARS = 60_000;
const MAX_MESSAGE_LINES = 20;
const MAX_DIFF_LINES = 120;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const short = (sha: string): string => sha.slice(0, 7);

/** Inline code that survives backticks inside it. */
function code(text: string): string {
  const ticks = '`'.repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return ticks.length > 1 ? `${ticks} ${text} ${ticks}` : `\`${text}\``;
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(text: string, lang: string, maxLines: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  const kept = lines.length > maxLines ? [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`] : lines;
  const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length + 1)));
  return `${fence}${lang}\n${kept.join('\n')}\n${fence}`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function evidenceText(e: Evidence): string {
  const targeted =
    e.targeted.passed === 1 && e.targeted.total === 1 ? '✓ the failing test now passes' : `✓ ${e.targeted.passed}/${e.targeted.total} failing tests now pass`;
  const regressions =
    e.suite.newlyFailing.length === 0 ? 'no test that passed before fails' : `${plural(e.suite.newlyFailing.length, 'test')} that passed before now fail`;
  const guards = (e.guards ?? []).map(
    (g) => `${g.guard} guard: ${g.label ?? 'passed'}${g.mutants ? ` (${g.mutants.killed}/${g.mutants.ran} mutants killed)` : ''}`,
  );
  return [targeted, `${e.suite.passed}/${e.suite.total} tests pass in the full suite`, regressions, ...guards].join('; ');
}

function tokensText(outcome: HealOutcome): string {
  const t = outcome.fix?.candidate.tokens ?? outcome.tokens;
  if (t && t.input + t.output > 0) return `${t.input} in, ${t.output} out`;
  return outcome.fix?.candidate.engine === 'llm' ? 'not reported by the endpoint' : 'none (no model was used)';
}

function branchText(h: CiHeal, run: CiRun): string {
  if (!h.branch) return '';
  const { name, commit, pushed } = h.branch;
  const base = `${code(name)}: commit ${code(short(commit))} on top of ${code(short(run.head.commit))}`;
  if (!pushed) return `${base}, not pushed (rerun with \`--push\` to publish it, or \`git cherry-pick ${short(commit)}\` in this clone).`;
  const compare =
    run.repoUrl && run.head.branch
      ? ` [Open a pull request](${run.repoUrl}/compare/${encodeURIComponent(run.head.branch)}...${encodeURIComponent(name)}?expand=1).`
      : '';
  return `${base}, pushed to ${code(run.remote ?? 'origin')}.${compare} To take it: \`git fetch ${run.remote ?? 'origin'} ${name} && git cherry-pick ${short(commit)}\`.`;
}

/** One failure group; `compact` leaves out the failure output and the diff, for reports that would be too long. */
/** " **Confidence:** verified, ambiguous: …." for a fix ranked among alternatives; nothing for one that never was (a test edit, an old record). */
function confidenceNote(evidence: Evidence): string {
  return evidence.confidence ? ` **Confidence:** ${confidenceText(evidence.confidence)}.` : '';
}

function section(h: CiHeal, run: CiRun, compact: boolean): string {
  const { outcome, decision } = h;
  const healed = isHealed(h);
  const parts: string[] = [`### ${healed ? '✅' : '❌'} ${healName(outcome)}`];
  if (compact) {
    parts.push(
      outcome.fix
        ? `**Fix:** ${outcome.fix.candidate.summary}. **Evidence:** ${evidenceText(outcome.fix.evidence)}.${confidenceNote(outcome.fix.evidence)}`
        : `**Not healed:** ${outcome.reason ?? 'no verified fix'}`,
    );
    if (h.branch) parts.push(`**Branch:** ${branchText(h, run)}`);
    return parts.join('\n\n');
  }
  const files = [...new Set(outcome.failures.map((f) => f.file).filter(Boolean))] as string[];
  parts.push(`**Failure**${files.length ? ` in ${files.map(code).join(', ')}` : ''}:`);
  parts.push(
    fenced(outcome.failures.map((f) => (outcome.failures.length > 1 ? `${f.name}: ${f.message}` : f.message)).join('\n\n'), 'text', MAX_MESSAGE_LINES),
  );
  const suspects = outcome.diagnosis.locations.slice(0, 3).map((l) => `${code(`${l.file}:${l.line + 1}`)} (${l.why})`);
  parts.push(
    `**Diagnosis:** ${outcome.diagnosis.class} — ${outcome.diagnosis.evidence[0] ?? 'no further evidence'}.${suspects.length ? ` Suspicious: ${suspects.join(', ')}.` : ''}`,
  );
  const fix = outcome.fix;
  if (fix) {
    const labels = fix.candidate.labels?.length ? ` Labels: ${fix.candidate.labels.join(', ')}.` : '';
    parts.push(`**Fix:** ${fix.candidate.summary} — engine ${code(fix.candidate.engine)}, operator ${code(fix.candidate.operator)}.${labels}`);
    parts.push(fenced(fix.diff, 'diff', MAX_DIFF_LINES));
    parts.push(
      `**Evidence:** ${evidenceText(fix.evidence)}. ${plural(outcome.candidatesTried, 'candidate')} tried, ${plural(outcome.testRuns, 'test run')}, ${seconds(outcome.ms)}.`,
    );
    if (fix.evidence.confidence) parts.push(confidenceNote(fix.evidence).trim());
  } else {
    parts.push(`**Not healed:** ${outcome.reason ?? 'no verified fix'}`);
    if (outcome.candidatesTried > 0)
      parts.push(`**Search:** ${plural(outcome.candidatesTried, 'candidate')} tried, ${plural(outcome.testRuns, 'test run')}, ${seconds(outcome.ms)}.`);
  }
  parts.push(`**Tokens:** ${tokensText(outcome)}.`);
  parts.push(`**Policy:** ${decision.mode}${decision.mode === 'review' ? ' (needs a careful review)' : ''} — ${decision.reasons.join('; ')}.`);
  if (h.branch) parts.push(`**Branch:** ${branchText(h, run)}`);
  else if (h.skipped) parts.push(`**No branch:** ${h.skipped}`);
  return parts.join('\n\n');
}

function summaryTable(run: CiRun): string {
  const rows = run.heals.map((h) => {
    const fix = h.outcome.fix ? h.outcome.fix.candidate.summary : (h.outcome.reason ?? 'no verified fix').split('. ')[0];
    return `| ${isHealed(h) ? '✅' : '❌'} | ${cell(healName(h.outcome))} | ${h.outcome.diagnosis.class} | ${cell(fix)} | ${h.branch ? code(h.branch.name) : '—'} | ${h.decision.mode} |`;
  });
  return ['| | Failure | Class | Fix | Branch | Policy |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

export function renderMarkdown(run: CiRun): string {
  const full = render(run, false);
  if (full.length <= MAX_CHARS) return full;
  const compact = render(run, true);
  return compact.length <= MAX_CHARS ? compact : `${compact.slice(0, MAX_CHARS)}\n\n… the report was cut at ${MAX_CHARS} characters.\n`;
}

function render(run: CiRun, compact: boolean): string {
  const failing = run.heals.reduce((n, h) => n + h.outcome.failures.length, 0);
  const healed = run.heals.filter(isHealed).reduce((n, h) => n + h.outcome.failures.length, 0);
  const where = run.head.branch ? `${code(short(run.head.commit))} on ${code(run.head.branch)}` : `${code(short(run.head.commit))} (detached HEAD)`;
  const facts = `Commit ${where} · ${code(run.testCommand)}: ${run.baseline.passed} passed, ${run.baseline.failed} failed before healing · engine: ${run.engine} · ${seconds(run.ms)}`;
  const parts: string[] = [REPORT_MARKER];
  if (run.heals.length === 0) {
    parts.push(`## Self-Heal: all ${plural(run.baseline.passed, 'test')} pass`, facts, 'Nothing to heal.');
  } else {
    parts.push(`## Self-Heal: ${healed} of ${plural(failing, 'failing test')} healed`);
    const untouched = `${run.head.branch ? code(run.head.branch) : 'The checked-out commit'} and the working tree were not changed.`;
    parts.push(
      healed > 0
        ? `Each fix below made its failing tests pass without breaking any other test of this repository's suite, run in a sandbox. Each is a commit on a new branch; ${untouched.charAt(0).toLowerCase()}${untouched.slice(1)}`
        : `No fix could be verified by this repository's tests; the details are below. ${untouched}`,
    );
    parts.push(summaryTable(run), facts);
    if (run.uncommitted > 0) parts.push(`> The working tree had ${plural(run.uncommitted, 'uncommitted change')}; they were not part of what was healed.`);
    if (compact) parts.push('> This report is shortened to fit a comment: failure output and diffs are left out (they are on the branches).');
    parts.push(...run.heals.map((h) => section(h, run, compact)));
  }
  if (run.policy.problems.length > 0)
    parts.push(`**Policy problems** (those parts fell back to their defaults):\n\n${run.policy.problems.map((p) => `- ${p}`).join('\n')}`);
  parts.push(`<sub>Self-Heal ${run.version} · \`self-heal ci\` · policy from ${run.policy.source}</sub>`);
  return parts.join('\n\n') + '\n';
}

/** The report when the heal could not run at all (no tests, no git, a timeout of the baseline). */
export function renderErrorMarkdown(message: string, version: string): string {
  return `${REPORT_MARKER}\n\n## Self-Heal could not run\n\n${message}\n\n<sub>Self-Heal ${version} · \`self-heal ci\`</sub>\n`;
}
