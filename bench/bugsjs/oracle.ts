/**
 * Pipeline ceiling (oracle model): a real OpenAI-compatible HTTP server on 127.0.0.1 whose "model"
 * answers every prompt with the reference fix in the LLM reply format. Self-Heal talks to it with
 * its real client, so the measure covers the whole LLM path (context, reply parsing, AST
 * constraint, apply, sandbox verification, time) on real code. It says nothing about a model's
 * skill: the answer is known in advance.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OracleServer {
  /** Base URL for the client, ending in /v1. */
  url: string;
  /** The user prompt of each request, in order. */
  prompts: string[];
  close(): Promise<void>;
}

/** `answer` turns the user prompt into the reply text (JSON in the reply format). */
export async function startOracleServer(answer: (prompt: string) => string): Promise<OracleServer> {
  const prompts: string[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      const body = JSON.parse(raw) as { model: string; messages: Array<{ role: string; content: string }> };
      const prompt = body.messages
        .filter((m) => m.role === 'user')
        .map((m) => m.content)
        .join('\n');
      prompts.push(prompt);
      const content = answer(prompt);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `oracle-${prompts.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
          usage: {
            prompt_tokens: Math.ceil(prompt.length / 4),
            completion_tokens: Math.ceil(content.length / 4),
            total_tokens: Math.ceil((prompt.length + content.length) / 4),
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    prompts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
