// A tiny OpenAI-compatible chat-completions server for the e2e suite, on
// 127.0.0.1 (plain JSON and SSE streaming, as app/assist's own test fake
// speaks them). Every request gets the answer the test scripts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAI {
  url: string;
  requests: any[];
  answer: string;
  close(): Promise<void>;
}

export async function fakeAI(): Promise<FakeAI> {
  const f: FakeAI = { url: '', requests: [], answer: '{"suggestions":[]}', close: async () => {} };
  const srv: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"no such route"}}');
        return;
      }
      const r = JSON.parse(body);
      f.requests.push(r);
      const usage = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };
      if (r.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
        const half = Math.ceil(f.answer.length / 2);
        for (const [i, piece] of [f.answer.slice(0, half), f.answer.slice(half)].entries()) {
          send({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: piece } : { content: piece } }] });
        }
        send({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
        send({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [], usage });
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-1', object: 'chat.completion', model: 'test-model',
          choices: [{ index: 0, message: { role: 'assistant', content: f.answer }, finish_reason: 'stop' }], usage,
        }),
      );
    });
  });
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  f.url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1`;
  f.close = () => new Promise((ok) => srv.close(() => ok()));
  return f;
}
