/**
 * Worker-thread entry of the partition pass: runs the units it is sent (unit.ts) one at a time.
 * Messages in: WorkerMessage. Messages out: WorkerReply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UnitProcessor, type ParquetFileInfo, type Unit, type UnitConfig, type UnitResult } from './unit.ts';

export type WorkerMessage =
  /** The pass's configuration: every worker's first message (a prewarmed one starts before it is known). */
  | { type: 'config'; config: UnitConfig }
  | { type: 'file'; info: ParquetFileInfo }
  | { type: 'drop'; fileId: number }
  | { type: 'unit'; unit: Unit };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  where?: unknown;
  hint?: string;
}

export type WorkerReply = { type: 'result'; result: UnitResult } | { type: 'error'; id: number; error: SerializedError };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const u = e as Error & { where?: unknown; hint?: string };
    return { name: e.name, message: e.message, stack: e.stack, where: u.where, hint: u.hint };
  }
  return { name: 'Error', message: String(e) };
}

/** The ArrayBuffers a result can hand over without copying. */
export function transferables(result: UnitResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const b of result.blocks) {
    if (b.bytes.byteOffset !== 0 || b.bytes.byteLength !== b.bytes.buffer.byteLength || !(b.bytes.buffer instanceof ArrayBuffer)) {
      b.bytes = new Uint8Array(b.bytes); // a copy that owns its buffer
    }
    out.push(b.bytes.buffer as ArrayBuffer);
  }
  for (const k of result.quality.keys) if (k) out.push(k.hi.buffer as ArrayBuffer, k.lo.buffer as ArrayBuffer, k.ord.buffer as ArrayBuffer);
  for (const c of result.quality.columns) out.push(c.hll.buffer as ArrayBuffer);
  return out;
}

const port = parentPort;
if (port && (workerData as { partitionWorker?: boolean } | undefined)?.partitionWorker) {
  let processor: UnitProcessor | undefined;
  let queue = Promise.resolve();
  const broken = new Map<number, unknown>();
  port.on('message', (m: WorkerMessage) => {
    queue = queue.then(async () => {
      if (m.type === 'config') {
        processor = new UnitProcessor(m.config);
        return;
      }
      if (!processor) throw new Error(`partition worker got a ${m.type} message before its configuration`);
      if (m.type === 'file') {
        try {
          processor.addFile(m.info);
        } catch (e) {
          broken.set(m.info.fileId, e);
        }
      } else if (m.type === 'drop') {
        processor.dropFile(m.fileId);
        broken.delete(m.fileId);
      } else {
        try {
          if (m.unit.kind === 'parquet' && broken.has(m.unit.fileId)) throw broken.get(m.unit.fileId);
          const result = await processor.run(m.unit);
          port.postMessage({ type: 'result', result } satisfies WorkerReply, transferables(result));
        } catch (e) {
          port.postMessage({ type: 'error', id: m.unit.id, error: serializeError(e) } satisfies WorkerReply);
        }
      }
    });
  });
}
