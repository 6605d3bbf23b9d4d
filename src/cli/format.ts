/** What the CLI prints: human text with diffs and evidence, or the documented JSON shape. */
import type { HealOutcome, HealReport } from '../core/api';
import type { Evidence, HealRecord } from '../core/model';
import { suspectsOf, suspectText, confidenceText } from '../core/api';

export function evidenceLine(e: Evidence): string {
  const suite = `${e.suite.passed}/${e.suite.total} suite`;
  return `✓ ${e.targeted.passed}/${e.targeted.total} failing now pass, ${suite}`;
}

export function formatHeal(h: HealOutcome, applied?: string): string {
  const name = h.failures.length === 1 ? h.failures[0].name : `${h.failures.length} failing tests in ${h.failures[0].file ?? h.failures[0].name}`;
  // Where it looked, so a user can take over where Self-Heal stopped.
  const looked = suspectsOf(h.diagnosis.locations, 3)
    .map((s) => `\n  suspect: ${suspectText(s)}`)
    .join('');
  if (!h.fix)
    return `✗ ${name}\n  ${h.reason ?? 'not healed'}\n  (${h.candidatesTried} candidate(s), ${h.testRuns} test run(s), ${(h.ms / 1000).toFixed(1)} s)${looked}\n`;
  const status = applied ? `  ${applied}\n` : '  (not applied: rerun with --apply to write it)\n';
  const labels = h.fix.candidate.labels?.length ? `  labels: ${h.fix.candidate.labels.join(', ')}\n` : '';
  // Only fixes ranked among alternatives carry a confidence (not test edits, not old records).
  const confidence = h.fix.evidence.confidence ? `  confidence: ${confidenceText(h.fix.evidence.confidence)}\n` : '';
  const guards = (h.fix.evidence.guards ?? []).flatMap((g) => g.findings.map((f) => `  ${g.guard} guard: ${f}\n`)).join('');
  const tokens = h.tokens && h.tokens.input + h.tokens.output > 0 ? `, ${h.tokens.input} + ${h.tokens.output} tokens` : '';
  return `● ${name}\n  fix: ${h.fix.candidate.summary} [${h.fix.candidate.engine}${tokens}, ${h.id}]\n  ${evidenceLine(h.fix.evidence)}; ${h.candidatesTried} candidate(s) tried in ${(h.ms / 1000).toFixed(1)} s\n${confidence}${labels}${guards}${status}\n${h.fix.diff}`;
}

export function healJson(report: HealReport, applied: Map<string, string>): unknown {
  return {
    baseline: { passed: report.baseline.passed, failed: report.baseline.failed },
    heals: report.heals
      .filter((h) => h.fix)
      .map((h) => ({
        id: h.id,
        file: Object.keys(h.fix!.after)[0],
        summary: h.fix!.candidate.summary,
        diff: h.fix!.diff,
        engine: h.fix!.candidate.engine,
        tokens: h.tokens,
        labels: h.fix!.candidate.labels ?? [],
        // "verified" or "verified, ambiguous: …"; the same fields, structured, are in evidence.confidence.
        confidence: confidenceText(h.fix!.evidence.confidence),
        guards: h.fix!.evidence.guards ?? [],
        evidence: h.fix!.evidence,
        diagnosis: { class: h.diagnosis.class, evidence: h.diagnosis.evidence },
        suspects: suspectsOf(h.diagnosis.locations),
        candidatesTried: h.candidatesTried,
        testRuns: h.testRuns,
        applied: applied.get(h.id) === 'applied',
        ms: h.ms,
      })),
    unhealed: report.heals
      .filter((h) => !h.fix)
      .flatMap((h) =>
        h.failures.map((f) => ({ test: f.id, reason: h.reason ?? 'not healed', class: h.diagnosis.class, suspects: suspectsOf(h.diagnosis.locations) })),
      ),
    sandboxMs: report.sandboxMs,
    ms: report.ms,
  };
}

export function formatHistory(records: HealRecord[]): string {
  if (records.length === 0) return 'No heals recorded yet.\n';
  const reverted = new Set(records.filter((r) => r.kind === 'revert').map((r) => r.reverts));
  return (
    records
      .filter((r) => r.kind === 'apply')
      .reverse()
      .map(
        (r) =>
          `${r.id}  ${r.at.slice(0, 19).replace('T', ' ')}  ${r.file}  ${r.summary}  [${r.engine}${r.tokens ? `, ${r.tokens.input + r.tokens.output} tokens` : ''}] ${evidenceLine(r.evidence)}${r.evidence.confidence?.level === 'ambiguous' ? `  (${confidenceText(r.evidence.confidence)})` : ''}${reverted.has(r.id) ? '  (reverted)' : ''}`,
      )
      .join('\n') + '\n'
  );
}
