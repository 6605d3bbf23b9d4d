/**
 * The CI report as SARIF 2.1.0, for code-scanning UIs (GitHub's `upload-sarif`). One result per
 * failure group, placed where the fix changes the code (else the first suspicious location, else
 * the test); a verified fix is attached as a SARIF `fix`. Paths are relative to the repository
 * root, as code scanning expects, with the uriBaseId %SRCROOT%.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { HealOutcome } from '../../core/api';
import type { FailureClass } from '../../core/model';
import { healName, isHealed, lineOf, type CiHeal, type CiRun } from './ciRun';
import { AMBIGUOUS, confidenceText } from '../../core/api';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const RULES: Record<FailureClass, string> = {
  'code-bug': 'A test fails because of a bug in the code under test.',
  'syntax-error': 'A test fails because a file does not parse.',
  'outdated-snapshot': 'A snapshot no longer matches an intended change.',
  'brittle-assertion': 'An assertion is stricter than the behaviour it checks.',
  'async-test': 'A test does not wait for its asynchronous work.',
  flaky: 'A test passes and fails on the same code.',
  infrastructure: 'A test fails because of its environment (a package, a time limit, a variable).',
};

interface SarifRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

const repoPath = (run: CiRun, file: string): string => (run.prefix ? path.posix.join(run.prefix, file) : file);
const artifact = (run: CiRun, file: string): { uri: string; uriBaseId: string } => ({ uri: repoPath(run, file), uriBaseId: '%SRCROOT%' });

/** SARIF columns are 1-based UTF-16 code units, as JavaScript string offsets are. */
function regionOf(text: string, start: number, end: number): SarifRegion {
  const startLine = lineOf(text, start);
  const endLine = lineOf(text, end);
  const column = (offset: number): number => offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1;
  return { startLine, startColumn: column(start), endLine, endColumn: column(end) };
}

function primaryLocation(outcome: HealOutcome): { file: string; region?: SarifRegion } {
  const edit = outcome.fix?.candidate.edits[0];
  if (edit && outcome.fix) return { file: edit.file, region: regionOf(outcome.fix.before[edit.file] ?? '', edit.start, edit.end) };
  const suspect = outcome.diagnosis.locations[0];
  if (suspect) return { file: suspect.file, region: { startLine: suspect.line + 1 } };
  const failure = outcome.failures.find((f) => f.file);
  // Code scanning needs a location; a test command that failed as a whole has only the project.
  return failure?.file ? { file: failure.file, region: failure.line ? { startLine: failure.line } : undefined } : { file: 'package.json' };
}

function message(h: CiHeal): string {
  const { outcome } = h;
  const why = outcome.diagnosis.evidence[0] ?? outcome.failures[0].message.split('\n')[0];
  const failed = `${healName(outcome)} fails (${outcome.diagnosis.class}: ${why.slice(0, 300).replace(/[\s:.]+$/, '')})`;
  // An ambiguous fix says so in the alert itself: the tests did not single it out.
  const ambiguous = outcome.fix?.evidence.confidence?.level === AMBIGUOUS ? ` Confidence: ${confidenceText(outcome.fix.evidence.confidence)}.` : '';
  if (outcome.fix && h.branch)
    return `${failed}. A fix verified by the test suite is on branch ${h.branch.name}: ${outcome.fix.candidate.summary}.${ambiguous}`;
  if (outcome.fix)
    return `${failed}. A verified fix was found (${outcome.fix.candidate.summary}) but not committed: ${h.skipped ?? 'see the report'}.${ambiguous}`;
  return `${failed}. Not healed: ${outcome.reason ?? 'no verified fix'}`;
}

function result(h: CiHeal, run: CiRun, ruleIndex: number): Record<string, unknown> {
  const { outcome } = h;
  const where = primaryLocation(outcome);
  const testFiles = [...new Set(outcome.failures.flatMap((f) => (f.file ? [f.file] : [])))].filter((f) => f !== where.file);
  const fix = outcome.fix;
  return {
    ruleId: outcome.diagnosis.class,
    ruleIndex,
    level: isHealed(h) ? 'warning' : 'error',
    message: { text: message(h) },
    locations: [{ physicalLocation: { artifactLocation: artifact(run, where.file), ...(where.region ? { region: where.region } : {}) } }],
    ...(testFiles.length
      ? {
          relatedLocations: testFiles.map((file, id) => ({
            id,
            physicalLocation: { artifactLocation: artifact(run, file) },
            message: { text: 'the failing test' },
          })),
        }
      : {}),
    // Stable across runs for the same failing tests, so code scanning tracks one alert, not one per run.
    partialFingerprints: {
      'selfHealFailure/v1': createHash('sha256')
        .update(
          outcome.failures
            .map((f) => f.id)
            .sort()
            .join('\n'),
        )
        .digest('hex')
        .slice(0, 32),
    },
    ...(fix
      ? {
          fixes: [
            {
              description: { text: fix.candidate.summary },
              artifactChanges: Object.keys(fix.after).map((file) => ({
                artifactLocation: artifact(run, file),
                replacements: fix.candidate.edits
                  .filter((e) => e.file === file)
                  .map((e) => ({ deletedRegion: regionOf(fix.before[file] ?? '', e.start, e.end), insertedContent: { text: e.newText } })),
              })),
            },
          ],
        }
      : {}),
    properties: {
      healId: outcome.id,
      tests: outcome.failures.map((f) => f.id),
      policy: h.decision.mode,
      ...(fix
        ? {
            engine: fix.candidate.engine,
            operator: fix.candidate.operator,
            ...(fix.evidence.confidence ? { confidence: confidenceText(fix.evidence.confidence) } : {}),
            evidence: fix.evidence,
          }
        : {}),
      ...(h.branch ? { branch: h.branch.name, commit: h.branch.commit } : {}),
    },
  };
}

export function renderSarif(run: CiRun): Record<string, unknown> {
  const classes = [...new Set(run.heals.map((h) => h.outcome.diagnosis.class))];
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Self-Heal',
            version: run.version,
            semanticVersion: run.version,
            rules: classes.map((cls) => ({
              id: cls,
              name: cls.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase()),
              shortDescription: { text: RULES[cls] },
              defaultConfiguration: { level: 'error' },
            })),
          },
        },
        automationDetails: { id: 'self-heal/ci/' },
        ...(run.repoUrl
          ? { versionControlProvenance: [{ repositoryUri: run.repoUrl, revisionId: run.head.commit, ...(run.head.branch ? { branch: run.head.branch } : {}) }] }
          : {}),
        results: run.heals.map((h) => result(h, run, classes.indexOf(h.outcome.diagnosis.class))),
      },
    ],
  };
}
