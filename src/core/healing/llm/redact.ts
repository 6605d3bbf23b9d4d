/**
 * Secret redaction before anything leaves the machine (issue 6, "Privacy"). Each secret becomes a
 * stable placeholder `[REDACTED_SECRET_n]`: the model can keep it in code it rewrites, and
 * `restore` puts the real value back locally, so a fix never writes a placeholder into the user's
 * code and the value itself is never sent. Over-redacting costs a little context; under-redacting
 * leaks a credential, so the patterns lean wide.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

const MARKER = /\[REDACTED_SECRET_\d+\]/g;

/** Well-known token shapes: OpenAI/Anthropic, GitHub, AWS, Slack, Google, GitLab, JWT, bearer tokens. */
const TOKEN_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bAIza[0-9A-Za-z_-]{35}/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
];
const PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g;
const BEARER = /\b(Bearer\s+)([A-Za-z0-9._~+/-]{20,}=*)/g;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"`]+:)([^\s@/'"`]+)@/gi;
/** `apiKey = "…"`, `"client_secret": "…"`, `TOKEN: '…'`: the name decides how suspicious the value is. */
const QUOTED_ASSIGNMENT = /\b([A-Za-z_$][\w$-]*)(["']?\s*[:=]\s*)(["'`])([^"'`\r\n]{6,})\3/g;
const BARE_ASSIGNMENT = /\b([A-Za-z_$][\w$-]*)(\s*[:=]\s*)([A-Za-z0-9+/_.-]{20,}=*)(?=[\s,;]|$)/gm;
const SECRET_NAME = /key|token|secret|passw(?:or)?d|pwd|credential|auth/i;
const PASSWORD_NAME = /passw(?:or)?d|pwd|secret/i;

/** Shannon entropy in bits per character. Random keys sit above ~3.5, English words and identifiers below. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / value.length) * Math.log2(n / value.length);
  return bits;
}

function looksRandom(value: string): boolean {
  return value.length >= 16 && /\d/.test(value) && /[A-Za-z]/.test(value) && entropy(value) >= 3.2;
}

export interface EnvSecret {
  name: string;
  value: string;
}

const TRIVIAL = /^(true|false|null|undefined|yes|no|on|off|development|production|test|localhost|\d{1,5})$/i;

/** KEY=value lines of a dotenv file; values too short or too common to identify a secret are skipped. */
export function parseDotenv(text: string): EnvSecret[] {
  const out: EnvSecret[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quoted = /^(['"`])([\s\S]*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, '');
    if (value.length < 6 && !(SECRET_NAME.test(m[1]) && value.length >= 4)) continue;
    if (TRIVIAL.test(value)) continue;
    // A plain word under a harmless name (LOG_LEVEL=warning) would blank that word out of the code too.
    if (/^[A-Za-z]{1,11}$/.test(value) && !SECRET_NAME.test(m[1])) continue;
    out.push({ name: m[1], value });
  }
  return out;
}

/** Values from `.env`, `.env.local`, `.env.production`… in each folder (templates such as `.env.example` hold no secrets). */
export async function envSecrets(dirs: string[]): Promise<EnvSecret[]> {
  const out: EnvSecret[] = [];
  for (const dir of new Set(dirs)) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!/^\.env(\..+)?$/.test(name) || /\.(example|sample|template|dist)$/.test(name)) continue;
      const text = await fs.readFile(path.join(dir, name), 'utf8').catch(() => undefined);
      if (text !== undefined) out.push(...parseDotenv(text));
    }
  }
  return out;
}

export class Redactor {
  private readonly markers = new Map<string, string>();
  private readonly values = new Map<string, string>();
  private readonly envValues: string[];

  constructor(env: EnvSecret[] = []) {
    // Longest first, so a value that contains another is replaced whole.
    this.envValues = [...new Set(env.map((e) => e.value))].sort((a, b) => b.length - a.length);
  }

  /** How many distinct secrets were hidden so far. */
  get count(): number {
    return this.markers.size;
  }

  private mark(value: string): string {
    if (new RegExp(MARKER.source).test(value)) return value;
    let marker = this.markers.get(value);
    if (!marker) {
      marker = `[REDACTED_SECRET_${this.markers.size + 1}]`;
      this.markers.set(value, marker);
      this.values.set(marker, value);
    }
    return marker;
  }

  redact(text: string): string {
    let out = text.replace(PEM, (block) => this.mark(block));
    for (const value of this.envValues) if (out.includes(value)) out = out.split(value).join(this.mark(value));
    for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, (token) => this.mark(token));
    out = out.replace(BEARER, (_, prefix: string, token: string) => prefix + this.mark(token));
    out = out.replace(URL_CREDENTIALS, (_, head: string, secret: string) => `${head}${this.mark(secret)}@`);
    out = out.replace(QUOTED_ASSIGNMENT, (whole, name: string, op: string, quote: string, value: string) => {
      if (!SECRET_NAME.test(name) || /^(process\.env|import\.meta)/.test(value)) return whole;
      const secret = PASSWORD_NAME.test(name) ? !/\s/.test(value) || value.length >= 12 : looksRandom(value);
      return secret ? `${name}${op}${quote}${this.mark(value)}${quote}` : whole;
    });
    out = out.replace(BARE_ASSIGNMENT, (whole, name: string, op: string, value: string) =>
      SECRET_NAME.test(name) && looksRandom(value) ? `${name}${op}${this.mark(value)}` : whole,
    );
    return out;
  }

  /** Put the real values back into text the model wrote (only placeholders this redactor issued). */
  restore(text: string): string {
    return text.replace(MARKER, (marker) => this.values.get(marker) ?? marker);
  }
}
