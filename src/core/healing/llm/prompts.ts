/**
 * Prompt templates are files (STYLE §5): `prompts/*.md` with named placeholders such as
 * `{{failure}}`, loaded from a folder the host passes in. Default: the package's prompts/ folder,
 * found by walking up from this module — dist/ in the bundles, src/core/healing/llm from source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SelfHealError } from '../../model';

export const PROMPT_NAMES = ['system', 'repair', 'feedback', 'rejected'] as const;
export type PromptName = (typeof PROMPT_NAMES)[number];
export type Prompts = Record<PromptName, string>;

export function defaultPromptsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'prompts');
    if (fs.existsSync(path.join(candidate, 'repair.md'))) return candidate;
    dir = path.dirname(dir);
  }
  return path.join(__dirname, 'prompts');
}

export async function loadPrompts(dir = defaultPromptsDir()): Promise<Prompts> {
  const out: Partial<Prompts> = {};
  for (const name of PROMPT_NAMES) {
    const file = path.join(dir, `${name}.md`);
    try {
      out[name] = await fs.promises.readFile(file, 'utf8');
    } catch {
      throw new SelfHealError(
        'LLM',
        `The LLM prompt template ${file} is missing. Reinstall Self-Heal, or point promptsDir at a folder with ${PROMPT_NAMES.map((n) => `${n}.md`).join(', ')}.`,
      );
    }
  }
  return out as Prompts;
}

/**
 * Fill `{{name}}` placeholders in one pass, so text inside a value (code that happens to contain
 * `{{x}}`) is never expanded. A placeholder without a value is a template bug: say which.
 */
export function render(template: string, values: Record<string, string>, name = 'template'): string {
  return template.replace(/\{\{\s*([A-Za-z][\w]*)\s*\}\}/g, (_, key: string) => {
    if (!(key in values))
      throw new SelfHealError(
        'LLM',
        `The prompt template ${name}.md uses {{${key}}}, which Self-Heal does not provide (known: ${Object.keys(values).join(', ')}).`,
      );
    return values[key];
  });
}
