/**
 * Worker-thread entry of the generator: writes the files it is sent, one at a time, and reports back.
 * Messages in: FileTask (the table by name: the worker finds it in the same registry). Messages out: WorkerReport.
 */
import { parentPort } from 'node:worker_threads';
import type { TpchRowGenerator } from './table.ts';
import { tpchTable } from './tables.ts';
import { writeTableFile, type FilePlan, type GeneratedFile, type WriteFileOptions } from './write-file.ts';

export interface FileTask {
  /** The table's name in tpchTables. */
  table: string;
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
  /** The last generator, reused while the tasks keep the same table, scale and seed. */
  let current: { id: string; generator: TpchRowGenerator } | undefined;
  port.on('message', (task: FileTask) => {
    const index = task.plan.index;
    const post = (report: WorkerReport): void => port.postMessage(report);
    void (async () => {
      try {
        const table = tpchTable(task.table);
        const id = `${task.table}:${task.scale}:${task.seed}`;
        if (current?.id !== id) current = { id, generator: table.generator({ scale: task.scale, seed: task.seed }) };
        const file = await writeTableFile(table, current.generator, task.plan, {
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
