/**
 * A loopback stand-in for the HuggingFace hub: serves folders at /{repo}/resolve/{revision}/{file} on 127.0.0.1,
 * records the requests, and can misbehave on purpose (cut a transfer, lie about Content-Length, answer 401 …).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

export type Fault =
  /** Send half of the body, then destroy the socket. */
  | 'cut'
  /** Declare a Content-Length larger than the body, send the body, close the connection. */
  | 'short'
  /** Answer with this status; with `times`, only for that many requests (then serve normally). */
  | { status: number; errorCode?: string; times?: number }
  /** Stalls (the connection stays open until the server closes): no headers ever; headers then no byte; half the body then nothing. */
  | 'stall-headers'
  | 'stall-body'
  | 'stall-mid'
  /** Send the body in `chunks` pieces, one every `everyMs` (slow but steady: must not time out). */
  | { trickle: { chunks: number; everyMs: number } };

export interface HubServer {
  /** http://127.0.0.1:PORT — use as endpoint / HF_ENDPOINT. */
  readonly endpoint: string;
  /** Paths requested so far (e.g. "/org/name/resolve/main/config.json"). */
  readonly requests: string[];
  /** `repo@revision` → folder. */
  readonly repos: Map<string, string>;
  /** `repo@revision/file` → fault. */
  readonly faults: Map<string, Fault>;
  close(): Promise<void>;
}

export interface HubHandler {
  readonly requests: string[];
  readonly repos: Map<string, string>;
  readonly faults: Map<string, Fault>;
  /** Handles the request when its path starts with the prefix; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/** The hub's request handler, mountable under a path prefix of another server (e.g. serveStatic's `extra`). */
export function createHubHandler(repos: Record<string, string> = {}, prefix = ''): HubHandler {
  const map = new Map(Object.entries(repos));
  const faults = new Map<string, Fault>();
  const requests: string[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const pathname = url.pathname.slice(prefix.length);
    requests.push(pathname);
    const m = /^\/((?:[^/]+\/)?[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(pathname);
    if (!m) return void res.writeHead(404, { 'x-error-code': 'RepoNotFound' }).end('Repository not found');
    const repo = m[1] as string;
    const revision = decodeURIComponent(m[2] as string);
    const file = (m[3] as string).split('/').map(decodeURIComponent).join('/');
    const folder = map.get(`${repo}@${revision}`);
    if (!folder) {
      const repoKnown = [...map.keys()].some((k) => k.startsWith(`${repo}@`));
      res.writeHead(404, { 'x-error-code': repoKnown ? 'RevisionNotFound' : 'RepoNotFound' });
      return void res.end(repoKnown ? 'Invalid rev id' : 'Repository not found');
    }
    const fault = faults.get(`${repo}@${revision}/${file}`);
    if (fault === 'stall-headers') return; // never answers
    if (typeof fault === 'object' && 'status' in fault && fault.times !== undefined && --fault.times < 0) {
      faults.delete(`${repo}@${revision}/${file}`);
    } else if (typeof fault === 'object' && 'status' in fault) {
      const headers: Record<string, string> = {};
      if (fault.errorCode) headers['x-error-code'] = fault.errorCode;
      return void res.writeHead(fault.status, headers).end(`error ${fault.status}`);
    }
    const p = path.join(folder, ...file.split('/'));
    if (!p.startsWith(folder + path.sep)) return void res.writeHead(400).end('bad path');
    let bytes: Buffer;
    try {
      if (!(await stat(p)).isFile()) throw new Error('not a file');
      bytes = await readFile(p);
    } catch {
      return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
    }
    if (fault === 'cut') {
      res.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream' });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (fault === 'stall-body') {
      res.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream' });
      res.flushHeaders();
      return;
    }
    if (fault === 'stall-mid') {
      res.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream' });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      return;
    }
    if (typeof fault === 'object' && 'trickle' in fault) {
      const { chunks, everyMs } = fault.trickle;
      res.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream' });
      const step = Math.ceil(bytes.length / chunks);
      let at = 0;
      const next = () => {
        const end = Math.min(bytes.length, at + step);
        res.write(bytes.subarray(at, end));
        at = end;
        if (at < bytes.length) setTimeout(next, everyMs);
        else res.end();
      };
      next();
      return;
    }
    if (fault === 'short') {
      res.writeHead(200, { 'content-length': String(bytes.length + 1000), connection: 'close' });
      res.write(bytes, () => res.socket?.end());
      return;
    }
    res.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream' });
    res.end(bytes);
  }

  return {
    requests,
    repos: map,
    faults,
    handle(req, res) {
      if (!(req.url ?? '').startsWith(prefix + '/')) return false;
      handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(e));
      });
      return true;
    },
  };
}

export async function startHubServer(repos: Record<string, string> = {}): Promise<HubServer> {
  const hub = createHubHandler(repos);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (!hub.handle(req, res)) res.writeHead(404).end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: hub.requests,
    repos: hub.repos,
    faults: hub.faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
