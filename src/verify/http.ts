// One HTTP exchange with the Hub, and nothing more: no redirects followed (a redirect
// would carry the token elsewhere), no proxy (node:http never reads HTTP_PROXY), a hard
// deadline for the whole exchange and a cap on the body. It never throws: every outcome
// is a value the client can classify.
import type { IncomingHttpHeaders } from 'node:http';
import http from 'node:http';
import https from 'node:https';

export type Exchange =
  | { kind: 'response'; status: number; headers: IncomingHttpHeaders; body: Buffer }
  | { kind: 'redirect'; status: number; headers: IncomingHttpHeaders; location?: string }
  | { kind: 'too-large'; status: number; headers: IncomingHttpHeaders }
  | { kind: 'timeout' }
  | { kind: 'network'; code: string }
  | { kind: 'aborted' };

export interface ExchangeOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Buffer;
  /** Deadline for the whole exchange: connect, headers and body. */
  timeoutMs: number;
  /** Bodies longer than this are refused (the connection is dropped). */
  maxBytes: number;
  agent?: http.Agent;
  /** Ends the exchange at once (the client's breaker: the endpoint is down). */
  signal?: AbortSignal;
}

export function exchange(url: URL, opts: ExchangeOptions): Promise<Exchange> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (x: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(x);
    };
    const lib = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body) headers['content-length'] = String(opts.body.length);
    let req: http.ClientRequest;
    try {
      req = lib.request(url, { method: opts.method, headers, agent: opts.agent });
    } catch (e) {
      resolve({ kind: 'network', code: (e as NodeJS.ErrnoException).code ?? 'EREQUEST' });
      return;
    }
    const timer = setTimeout(() => {
      done({ kind: 'timeout' });
      req.destroy();
    }, Math.max(1, opts.timeoutMs));
    const abort = () => {
      done({ kind: 'aborted' });
      req.destroy();
    };
    if (opts.signal?.aborted) abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    req.on('close', () => opts.signal?.removeEventListener('abort', abort));
    req.on('error', (e: NodeJS.ErrnoException) => done({ kind: 'network', code: e.code ?? 'ECONNECTION' }));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        done({ kind: 'redirect', status, headers: res.headers, ...(res.headers.location ? { location: res.headers.location } : {}) });
        res.destroy();
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        done({ kind: 'too-large', status, headers: res.headers });
        res.destroy();
        return;
      }
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) {
          done({ kind: 'too-large', status, headers: res.headers });
          res.destroy();
          return;
        }
        parts.push(chunk);
      });
      res.on('end', () => done({ kind: 'response', status, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', (e: NodeJS.ErrnoException) => done({ kind: 'network', code: e.code ?? 'ECONNRESET' }));
      res.on('close', () => done({ kind: 'network', code: 'ECONNRESET' }));
    });
    req.end(opts.body);
  });
}
