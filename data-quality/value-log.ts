/**
 * The exact values behind hashed keys, kept on disk so memory stays bounded: a key check appends the
 * canonical text of every tuple it could only hash (with the tuple's ordinal, in ordinal order), and at
 * the end scans them once for the few whose hash repeated, to confirm each candidate duplicate on the
 * values themselves. Records are
 * [ordinal u32][byte length u32][UTF-8 bytes], written through a 1 MiB buffer to one temporary file
 * that dispose() removes. Nothing is written when every key was encoded exactly.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BUFFER = 1 << 20;

export class ValueLog {
  private file?: { dir: string; fd: number; size: number };
  private buf = Buffer.alloc(BUFFER);
  private used = 0;
  /** Records appended so far. */
  records = 0;

  constructor(private readonly parent: string = tmpdir()) {}

  append(ordinal: number, text: string): void {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (this.used + 8 + bytes > this.buf.length) this.flush();
    if (8 + bytes > this.buf.length) this.buf = Buffer.alloc(8 + bytes);
    this.buf.writeUInt32LE(ordinal, this.used);
    this.buf.writeUInt32LE(bytes, this.used + 4);
    this.buf.write(text, this.used + 8, 'utf8');
    this.used += 8 + bytes;
    this.records++;
  }

  /** One pass over the records in the order they were appended: `visit` gets the text of each ordinal `wants`. */
  scan(wants: (ordinal: number) => boolean, visit: (ordinal: number, text: string) => void): void {
    if (this.records === 0) return;
    this.flush();
    const f = this.file!;
    let chunk = Buffer.alloc(BUFFER);
    let have = 0; // bytes of chunk holding unread data, from 0
    let pos = 0; // file position of the next read
    for (;;) {
      const got = pos < f.size ? readSync(f.fd, chunk, have, Math.min(chunk.length - have, f.size - pos), pos) : 0;
      pos += got;
      have += got;
      let at = 0;
      while (have - at >= 8) {
        const len = chunk.readUInt32LE(at + 4);
        if (have - at < 8 + len) break;
        const ord = chunk.readUInt32LE(at);
        if (wants(ord)) visit(ord, chunk.toString('utf8', at + 8, at + 8 + len));
        at += 8 + len;
      }
      chunk.copy(chunk, 0, at, have);
      have -= at;
      if (pos >= f.size) {
        if (have !== 0) throw new Error('value log ended inside a record');
        return;
      }
      if (have === chunk.length) {
        const bigger = Buffer.alloc(chunk.length * 2);
        chunk.copy(bigger, 0, 0, have);
        chunk = bigger;
      }
    }
  }

  /** Removes the file. */
  dispose(): void {
    if (this.file) {
      closeSync(this.file.fd);
      rmSync(this.file.dir, { recursive: true, force: true });
      this.file = undefined;
    }
    this.used = 0;
  }

  private flush(): void {
    if (this.used === 0) return;
    if (!this.file) {
      const dir = mkdtempSync(join(this.parent, 'redshift-loader-keys-'));
      this.file = { dir, fd: openSync(join(dir, 'values.bin'), 'w+'), size: 0 };
    }
    const f = this.file;
    let done = 0;
    while (done < this.used) done += writeSync(f.fd, this.buf, done, this.used - done, f.size + done);
    f.size += this.used;
    this.used = 0;
  }
}
