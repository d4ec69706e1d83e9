/**
 * Worker-thread entry of the generator: writes the files it is sent, one at a time, and reports back.
 * Messages in: FileTask. Messages out: WorkerReport.
 */
import { parentPort } from 'node:worker_threads';
import { SupplierGenerator } from './supplier-rows.ts';
import { writeSupplierFile, type FilePlan, type GeneratedFile, type WriteFileOptions } from './write-file.ts';

export interface FileTask {
  scale: number;
  seed: bigint;
  plan: FilePlan;
  /** Includes the temporary path, chosen by the parent so that it can clean up after a worker it stopped. */
  options: Omit<WriteFileOptions, 'onRows'>;
}

export type WorkerReport =
  | { type: 'rows'; index: number; rows: number }
  | { type: 'done'; index: number; file: GeneratedFile }
  | { type: 'failed'; index: number; message: string; stack?: string };

const port = parentPort;
if (port) {
  let generator: SupplierGenerator | undefined;
  port.on('message', (task: FileTask) => {
    const index = task.plan.index;
    const post = (report: WorkerReport): void => port.postMessage(report);
    void (async () => {
      try {
        if (!generator || generator.seed !== task.seed || generator.scale !== task.scale) {
          generator = new SupplierGenerator({ scale: task.scale, seed: task.seed });
        }
        const file = await writeSupplierFile(generator, task.plan, {
          ...task.options,
          onRows: (rows) => post({ type: 'rows', index, rows }),
        });
        post({ type: 'done', index, file });
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        post({ type: 'failed', index, message: error.message, stack: error.stack });
      }
    })();
  });
}
