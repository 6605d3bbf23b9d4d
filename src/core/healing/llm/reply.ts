/**
 * The model's reply is untrusted data (STYLE §5): one JSON object, validated with zod, accepted
 * bare or inside a ```json fence. A reply that fails is an invalid attempt with a reason the next
 * prompt repeats to the model, never a crash.
 */
import { z } from 'zod';

export const LlmEdit = z
  .object({
    /** Workspace-relative path, as shown in the prompt. */
    file: z.string().min(1),
    /** Replace this whole function (as shown, declaration included) with newText. */
    functionName: z.string().min(1).optional(),
    /** Or replace these lines (1-based, inclusive) with newText. */
    range: z.object({ startLine: z.number().int().min(1), endLine: z.number().int().min(1) }).optional(),
    newText: z.string(),
    /** Why this edit must be outside the suspicious functions (otherwise it is refused). */
    outOfScopeReason: z.string().min(1).optional(),
  })
  .refine((e) => (e.functionName === undefined) !== (e.range === undefined), { message: 'each edit needs exactly one of functionName or range' })
  .refine((e) => !e.range || e.range.startLine <= e.range.endLine, { message: 'range.startLine must not be after range.endLine' });
export type LlmEdit = z.infer<typeof LlmEdit>;

export const LlmReply = z.object({
  explanation: z.string().min(1),
  outOfScopeReason: z.string().min(1).optional(),
  edits: z.array(LlmEdit).min(1, { message: 'the reply proposes no edit' }).max(20),
});
export type LlmReply = z.infer<typeof LlmReply>;

export type ParsedReply = { ok: true; reply: LlmReply } | { ok: false; reason: string };

function preview(text: string): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

/** The JSON candidates in a reply: the whole text, each fenced block, then the outermost braces. */
function jsonCandidates(text: string): string[] {
  const out = [text.trim()];
  for (const m of text.matchAll(/```(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)```/g)) out.push(m[1].trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first !== -1 && last > first) out.push(text.slice(first, last + 1));
  return out;
}

export function parseReply(text: string): ParsedReply {
  if (text.trim() === '') return { ok: false, reason: 'the reply is empty' };
  let json: unknown;
  let found = false;
  for (const candidate of jsonCandidates(text)) {
    try {
      json = JSON.parse(candidate);
      found = true;
      break;
    } catch {
      // try the next way of reading it
    }
  }
  if (!found) return { ok: false, reason: `the reply is not a JSON object ("${preview(text)}")` };
  const parsed = LlmReply.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, reason: `the reply does not follow the schema (${where}${issue.message})` };
  }
  return { ok: true, reply: parsed.data };
}
