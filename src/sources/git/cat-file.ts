// A long-lived `git cat-file` process that streams objects to their consumers. Each
// answer's bytes are handed over as slices of the pipe's own read buffers: no copy of a
// whole object, no process per object. Requests are answered in order.
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** Where one object's bytes go. */
export interface ObjectStream {
  push(piece: Buffer): void;
  end(): void;
}

export interface ObjectRequest {
  /** The header arrived: return where the object's bytes go, or undefined to discard them. */
  start(type: string, size: number): ObjectStream | undefined;
  /** The object is not in the repository. */
  missing(): void;
}

export interface CatFileOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Use `--batch-command --buffer` (git 2.36+): answers are written in large blocks and
   * flushed once per burst of requests. Otherwise `--batch`, flushed per object.
   */
  batchCommand?: boolean;
}

const enum State {
  Header,
  Content,
  Trailer,
}

/** Requests written before a flush (batch-command mode). */
const BURST = 512;

export class CatFileError extends Error {}

export class CatFile {
  private readonly proc: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly queue: (ObjectRequest | undefined)[] = [];
  private head = 0;
  private state = State.Header;
  private headerParts: Buffer[] = [];
  private current: ObjectStream | undefined;
  private remaining = 0;
  private writeBuf = '';
  private unflushed = 0;
  private scheduled = false;
  private failure: Error | undefined;
  private stderr = '';
  private readonly exited: Promise<number>;
  private waiters: { below: number; resolve: () => void }[] = [];
  private readonly batchCommand: boolean;

  constructor(opts: CatFileOptions) {
    this.batchCommand = opts.batchCommand !== false;
    const args = this.batchCommand ? ['cat-file', '--batch-command', '--buffer'] : ['cat-file', '--batch'];
    this.proc = spawn('git', args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (chunk: Buffer) => this.parse(chunk));
    this.proc.stderr.on('data', (d: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += d.toString('utf8');
    });
    this.proc.stdin.on('error', () => undefined); // reported through the exit status
    this.exited = new Promise((resolve) => {
      this.proc.on('error', (e) => {
        this.fail(new CatFileError(`cannot run git cat-file (${e.message})`));
        resolve(-1);
      });
      this.proc.on('close', (code) => {
        if (this.pending > 0 || this.state !== State.Header) {
          this.fail(new CatFileError(`git cat-file stopped early (exit ${code})${this.stderr ? `: ${this.stderr.trim().split('\n')[0]}` : ''}`));
        }
        resolve(code ?? -1);
      });
    });
  }

  /** Requests answered so far subtracted from requests made. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** Asks for an object (a full object id). */
  request(oid: string, req: ObjectRequest): void {
    if (this.failure) throw this.failure;
    this.queue.push(req);
    this.writeBuf += this.batchCommand ? `contents ${oid}\n` : `${oid}\n`;
    if (++this.unflushed >= BURST) this.flushWrites();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushWrites());
    }
  }

  /** Resolves once fewer than `below` requests are unanswered (or the process failed). */
  waitBelow(below: number): Promise<void> {
    if (this.pending < below || this.failure) return Promise.resolve();
    this.flushWrites();
    return new Promise((resolve) => this.waiters.push({ below, resolve }));
  }

  /** Resolves when every request has been answered; rejects if the process failed. */
  async drain(): Promise<void> {
    await this.waitBelow(1);
    if (this.failure) throw this.failure;
  }

  /** Ends the process once every answer is in. */
  async close(): Promise<void> {
    this.flushWrites();
    this.proc.stdin.end();
    await this.exited;
    if (this.failure) throw this.failure;
  }

  /** Stops the process at once (on errors). */
  kill(): void {
    this.proc.kill();
  }

  private flushWrites(): void {
    this.scheduled = false;
    if (!this.writeBuf || this.failure) return;
    const text = this.batchCommand ? `${this.writeBuf}flush\n` : this.writeBuf;
    this.writeBuf = '';
    this.unflushed = 0;
    this.proc.stdin.write(text);
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  private answered(): void {
    this.queue[this.head++] = undefined;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.waiters.length) {
      const n = this.pending;
      this.waiters = this.waiters.filter((w) => (n < w.below ? (w.resolve(), false) : true));
    }
  }

  private parse(chunk: Buffer): void {
    let off = 0;
    const len = chunk.length;
    while (off < len) {
      if (this.state === State.Content) {
        const n = Math.min(this.remaining, len - off);
        if (n > 0) {
          this.current?.push(off === 0 && n === len ? chunk : chunk.subarray(off, off + n));
          off += n;
          this.remaining -= n;
        }
        if (this.remaining === 0) this.state = State.Trailer;
      } else if (this.state === State.Trailer) {
        off++; // the newline after the content
        const out = this.current;
        this.current = undefined;
        this.state = State.Header;
        this.answered();
        out?.end();
      } else {
        const nl = chunk.indexOf(10, off);
        if (nl === -1) {
          this.headerParts.push(chunk.subarray(off));
          return;
        }
        let header: string;
        if (this.headerParts.length) {
          this.headerParts.push(chunk.subarray(off, nl));
          header = Buffer.concat(this.headerParts).toString('latin1');
          this.headerParts = [];
        } else header = chunk.toString('latin1', off, nl);
        off = nl + 1;
        this.onHeader(header);
      }
    }
  }

  private onHeader(header: string): void {
    const req = this.queue[this.head];
    if (!req) {
      this.fail(new CatFileError(`git cat-file: unexpected output "${header.slice(0, 80)}"`));
      this.proc.kill();
      return;
    }
    const sp2 = header.lastIndexOf(' ');
    const sp1 = header.indexOf(' ');
    if (sp1 === sp2) {
      // `<oid> missing` (or `ambiguous`, impossible with full ids)
      this.answered();
      req.missing();
      return;
    }
    const type = header.slice(sp1 + 1, sp2);
    const size = Number(header.slice(sp2 + 1));
    this.current = req.start(type, size);
    this.remaining = size;
    this.state = size === 0 ? State.Trailer : State.Content;
  }
}
