/**
 * The body of an object-store write, owned by the write from its first moment.
 *
 * A store's write may wait (for a folder, a connection, a multipart upload) before it starts reading its
 * body. Whoever feeds the body may meanwhile give up and destroy it (PartSet.abort after a quality
 * failure): a stream destroyed with an error and nobody listening is an unhandled 'error' event that
 * kills the process. So every store claims the body synchronously, before its first await: from then on
 * the body's errors are the write's, reported by its promise and nowhere else.
 */
import type { Readable } from 'node:stream';

export interface ClaimedBody {
  readonly stream: Readable;
  /** Why the body cannot be written any more (an error, or destroyed before it ended), if it cannot. */
  failure(): Error | undefined;
  /** Gives the body up: destroys it so whoever feeds it stops (a no-op once it is destroyed). */
  release(): void;
}

/** Call before the first await of a write. */
export function claimBody(stream: Readable): ClaimedBody {
  let error: Error | undefined;
  stream.on('error', (e: Error) => {
    error ??= e;
  });
  return {
    stream,
    failure() {
      if (error) return error;
      const errored = stream.errored;
      if (errored) return errored instanceof Error ? errored : new Error(String(errored));
      if (stream.destroyed && !stream.readableEnded) return new Error('the body was closed before it ended');
      return undefined;
    },
    release() {
      if (!stream.destroyed) stream.destroy();
    },
  };
}
