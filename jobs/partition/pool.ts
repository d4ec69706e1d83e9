/**
 * Where units run: worker threads (one unit at a time each, the next unit to the first idle one), or the
 * calling thread when there are none. Either way a unit's result depends only on the unit.
 */
import type { Worker } from 'node:worker_threads';
import { ConfigError, DriftError, LoadError, QualityError, type Where } from '../../core/errors.ts';
import { UnitProcessor, type ParquetFileInfo, type Unit, type UnitConfig, type UnitResult } from './unit.ts';
import type { SerializedError, WorkerMessage, WorkerReply } from './worker.ts';
import { startWorker, takePrewarmed } from './worker-start.ts';

export interface UnitRunner {
  addFile(info: ParquetFileInfo): void;
  dropFile(fileId: number): void;
  run(unit: Unit): Promise<UnitResult>;
  close(): Promise<void>;
}

/** Runs units on the calling thread. */
export class InlineRunner implements UnitRunner {
  private readonly processor: UnitProcessor;
  constructor(config: UnitConfig) {
    this.processor = new UnitProcessor(config);
  }
  addFile(info: ParquetFileInfo): void {
    this.processor.addFile(info);
  }
  dropFile(fileId: number): void {
    this.processor.dropFile(fileId);
  }
  run(unit: Unit): Promise<UnitResult> {
    return this.processor.run(unit);
  }
  async close(): Promise<void> {}
}

/** A worker's error as the typed error it was (one line, exit code), or a plain Error with its stack. */
export function reviveError(s: SerializedError): Error {
  const typed: Record<string, new (message: string, where?: Where, hint?: string) => Error> = {
    QualityError, DriftError, ConfigError, LoadError,
  };
  const Ctor = typed[s.name];
  const e = Ctor ? new Ctor(s.message, (s.where ?? {}), s.hint) : Object.assign(new Error(s.message), { name: s.name });
  if (s.stack) e.stack = s.stack;
  return e;
}

interface Pending {
  unit: Unit;
  resolve: (r: UnitResult) => void;
  reject: (e: unknown) => void;
}

export class WorkerPool implements UnitRunner {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private failure: Error | undefined;
  private closed = false;

  constructor(size: number, config: UnitConfig) {
    const warm = takePrewarmed(size);
    for (let i = 0; i < size; i++) {
      // Prewarmed or new, every worker gets the pass's configuration as its first message.
      const w = i < warm.length ? warm[i] : startWorker({ partitionWorker: true });
      w.postMessage({ type: 'config', config } satisfies WorkerMessage);
      w.on('message', (m: WorkerReply) => this.onReply(w, m));
      w.on('error', (e) => this.onFailure(w, e));
      w.on('exit', (code) => {
        if (!this.closed) this.onFailure(w, new Error(`partition worker exited with code ${code}`));
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  addFile(info: ParquetFileInfo): void {
    this.broadcast({ type: 'file', info });
  }

  dropFile(fileId: number): void {
    this.broadcast({ type: 'drop', fileId });
  }

  run(unit: Unit): Promise<UnitResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private broadcast(m: WorkerMessage): void {
    for (const w of this.workers) w.postMessage(m);
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.shift()!;
      const job = this.queue.shift()!;
      this.running.set(w, job);
      // A plain ArrayBuffer input moves to the worker; a SharedArrayBuffer is shared (and reused by the caller).
      const u = job.unit;
      const transfer = u.kind === 'parquet' && u.bytes instanceof ArrayBuffer ? [u.bytes] : u.kind === 'text' ? [u.range.bytes] : [];
      w.postMessage({ type: 'unit', unit: job.unit } satisfies WorkerMessage, transfer);
    }
  }

  private onReply(w: Worker, m: WorkerReply): void {
    const job = this.running.get(w);
    this.running.delete(w);
    this.idle.push(w);
    if (job) {
      if (m.type === 'result') job.resolve(m.result);
      else job.reject(reviveError(m.error));
    }
    this.dispatch();
  }

  private onFailure(w: Worker, e: Error): void {
    this.failure ??= e;
    const job = this.running.get(w);
    this.running.delete(w);
    job?.reject(e);
    for (const p of this.queue.splice(0)) p.reject(this.failure);
  }
}
