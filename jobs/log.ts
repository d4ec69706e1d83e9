/**
 * Logs: human lines and a progress bar on a terminal; one JSON object per line otherwise (CloudWatch).
 * Everything goes to stderr except the final summary, so `--json` output on stdout stays parseable.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  /** Progress of a long step; drawn as a bar on a terminal, logged every few seconds otherwise. */
  progress(step: string, done: number, total?: number): void;
  /** Ends a progress bar line. */
  endProgress(): void;
  /** A CloudWatch Embedded Metric Format document (jobs/metrics.ts): a line of its own in JSON mode, nothing on a terminal. */
  metrics?(document: Record<string, unknown>): void;
}

function jsonSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** A field's value on a human line: objects (and null) as JSON, a function as its source, anything else as text. */
function fieldText(v: unknown): string {
  switch (typeof v) {
    case 'object': return JSON.stringify(v, jsonSafe);
    case 'string': return v;
    case 'number': case 'bigint': case 'boolean': case 'undefined': return String(v);
    case 'symbol': case 'function': return v.toString();
  }
}

export interface LoggerOptions {
  json: boolean;
  debug?: boolean;
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Fields added to every JSON line (run id, dataset). */
  context?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions): Logger {
  const out = opts.stream ?? process.stderr;
  const context = opts.context ?? {};
  let barOpen = false;
  let lastProgressLog = 0;
  const clearBar = (): void => {
    if (barOpen) {
      out.write('\r\x1b[K');
      barOpen = false;
    }
  };
  const emit = (level: Level, msg: string, fields: Record<string, unknown> = {}): void => {
    if (level === 'debug' && !opts.debug) return;
    if (opts.json) {
      out.write(`${JSON.stringify({ ts: new Date().toISOString(), level, msg, ...context, ...fields }, jsonSafe)}\n`);
    } else {
      clearBar();
      const extra = Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${fieldText(v)}`)
        .join(' ');
      const tag = level === 'info' ? '' : `${level}: `;
      out.write(`${tag}${msg}${extra ? `  ${extra}` : ''}\n`);
    }
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    debug: (m, f) => emit('debug', m, f),
    progress(step, done, total) {
      if (opts.json || !out.isTTY) {
        const now = Date.now();
        if (now - lastProgressLog < 5000) return;
        lastProgressLog = now;
        emit('info', `${step} progress`, { step, done, total });
        return;
      }
      const width = Math.max(10, Math.min(40, (out.columns ?? 80) - 50));
      const frac = total ? Math.min(1, done / total) : 0;
      const filled = Math.round(frac * width);
      const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0)}%` : '';
      out.write(`\r\x1b[K${step} ${bar} ${done.toLocaleString('en-US')}${total ? `/${total.toLocaleString('en-US')}` : ''} rows`);
      barOpen = true;
    },
    endProgress: clearBar,
    metrics(document) {
      if (opts.json) out.write(`${JSON.stringify({ ts: new Date().toISOString(), level: 'info', msg: 'metrics', ...context, ...document }, jsonSafe)}\n`);
    },
  };
}

/** A logger that drops everything (library callers and tests). */
export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  progress() {},
  endProgress() {},
};
