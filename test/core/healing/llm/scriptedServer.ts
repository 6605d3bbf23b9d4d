/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 that plays scripted replies to
 * POST /v1/chat/completions and records every request, so tests exercise the real `openai`
 * client, real sockets, real timeouts and real cancellation — no mocked client.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Scripted =
  /** A normal completion; usage defaults to 100 in / 20 out. */
  | { content: string; usage?: { prompt_tokens: number; completion_tokens: number } }
  /** An HTTP error with an OpenAI-style error body. */
  | { status: number; message?: string; headers?: Record<string, string> }
  /** Never answer (until the client gives up or the server closes). */
  | { hang: true };

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: { model: string; messages: Array<{ role: string; content: string }>; [key: string]: unknown };
  /** system + user text, for assertions about what was sent. */
  text: string;
}

export interface ScriptedServer {
  /** Base URL for the client, ending in /v1. */
  url: string;
  requests: RecordedRequest[];
  /** Append more replies; when the script runs out, the server answers 500. */
  script: Scripted[];
  close(): Promise<void>;
}

export function reply(json: unknown): Scripted {
  return { content: typeof json === 'string' ? json : '```json\n' + JSON.stringify(json, null, 2) + '\n```' };
}

export async function startScriptedServer(script: Scripted[] = []): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const queue = [...script];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      const body = JSON.parse(raw) as RecordedRequest['body'];
      requests.push({ path: req.url, headers: req.headers, body, text: body.messages.map((m) => m.content).join('\n') });
      const next = queue.shift() ?? { status: 500, message: 'the test script ran out of replies' };
      if ('hang' in next) return;
      if ('status' in next) {
        res
          .writeHead(next.status, { 'content-type': 'application/json', ...next.headers })
          .end(JSON.stringify({ error: { message: next.message ?? `scripted ${next.status}`, type: 'scripted' } }));
        return;
      }
      const usage = next.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: next.content } }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: queue,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
