import { hashText, TEXT, fmix32 } from '../../data-quality/hash.ts';
const dec = new TextDecoder(), enc = new TextEncoder();
const words = ['furiously', 'carefully', 'blithely', 'final', 'pending', 'ironic', 'regular', 'express', 'deposits', 'requests', 'accounts', 'packages'];
const strs: string[] = [];
for (let i = 0; i < 200000; i++) { let c = ''; for (let w = 0; w < 4 + (i % 10); w++) c += `${words[(i + w * 5) % 12]} `; strs.push(dec.decode(enc.encode(c))); }
let chars = 0; for (const s of strs) chars += s.length;
function fnvOnly(s: string) { let h = 0x811c9dc5; for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193); return fmix32(h); }
for (const [name, f] of [['hashText', hashText], ['fnvOnly', fnvOnly], ['byteLength', (s: string) => Buffer.byteLength(s)]] as const) {
  for (let rep = 0; rep < 3; rep++) {
    let x = 0; const t0 = performance.now();
    for (let k = 0; k < 5; k++) for (const s of strs) x ^= f(s);
    const ms = performance.now() - t0;
    console.log(name, (ms * 1e6 / (chars * 5)).toFixed(2), 'ns/char', x & 1);
  }
}
function mm(s: string) {
  let h = 0x9747b28c | 0, or = 0;
  const n = s.length, even = n & ~1;
  let i = 0;
  for (; i < even; i += 2) {
    const a = s.charCodeAt(i), b = s.charCodeAt(i + 1);
    or |= a | b;
    let k = a | (b << 16);
    k = Math.imul(k, 0xcc9e2d51); k = (k << 15) | (k >>> 17); k = Math.imul(k, 0x1b873593);
    h ^= k; h = (h << 13) | (h >>> 19); h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) { const a = s.charCodeAt(i); or |= a; let k = Math.imul(a, 0xcc9e2d51); k = (k << 15) | (k >>> 17); k = Math.imul(k, 0x1b873593); h ^= k; }
  TEXT.bytes = or < 0x80 ? n : Buffer.byteLength(s, 'utf8');
  return fmix32(h ^ n);
}
for (let rep = 0; rep < 3; rep++) {
  let x = 0; const t0 = performance.now();
  for (let k = 0; k < 5; k++) for (const s of strs) x ^= mm(s);
  const ms = performance.now() - t0;
  console.log('murmur2ch', (ms * 1e6 / (chars * 5)).toFixed(2), 'ns/char', x & 1);
}
function sum(s: string) { let h = 0; for (let i = 0; i < s.length; i++) h = (h + s.charCodeAt(i)) | 0; return h; }
for (let rep = 0; rep < 3; rep++) {
  let x = 0; const t0 = performance.now();
  for (let k = 0; k < 5; k++) for (const s of strs) x ^= sum(s);
  const ms = performance.now() - t0;
  console.log('sum', (ms * 1e6 / (chars * 5)).toFixed(2), 'ns/char', x & 1);
}
let buf = Buffer.allocUnsafeSlow(1 << 16);
let words32 = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
function viaBytes(s: string) {
  if (s.length * 3 + 4 > buf.length) { buf = Buffer.allocUnsafeSlow(s.length * 3 + 8); words32 = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2); }
  const n = buf.utf8Write(s, 0);
  const w = n >>> 2;
  let h = 0x9747b28c | 0;
  for (let i = 0; i < w; i++) {
    let k = words32[i];
    k = Math.imul(k, 0xcc9e2d51); k = (k << 15) | (k >>> 17); k = Math.imul(k, 0x1b873593);
    h ^= k; h = (h << 13) | (h >>> 19); h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let i = n & ~3; i < n; i++) k = (k << 8) | buf[i];
  k = Math.imul(k, 0xcc9e2d51); k = (k << 15) | (k >>> 17); k = Math.imul(k, 0x1b873593); h ^= k;
  TEXT.bytes = n;
  return fmix32(h ^ n);
}
for (let rep = 0; rep < 3; rep++) {
  let x = 0; const t0 = performance.now();
  for (let k = 0; k < 5; k++) for (const s of strs) x ^= viaBytes(s);
  const ms = performance.now() - t0;
  console.log('viaBytes', (ms * 1e6 / (chars * 5)).toFixed(2), 'ns/char', x & 1);
}
