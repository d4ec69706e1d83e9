/**
 * Checks a PostgreSQL-wire warehouse URI (`postgres://`, `postgresql://`, `redshift://`) before anything
 * opens it, so a typo is a ConfigError (exit 2, never retried) saying what to write — not an
 * "unexpected error: Invalid URL" (exit 1, retried by AWS Batch for nothing). The password is never
 * echoed: messages show the URI through redactUri, or only what is wrong with it.
 *
 * It parses the way the `pg` driver does (pg-connection-string: WHATWG URL, with an empty host after
 * `user@` allowed), checks the port, and checks that the certificate files the driver would read at
 * connect time (sslcert, sslkey, sslrootcert) can be read.
 */
import { accessSync, constants } from 'node:fs';
import { ConfigError } from '../../core/errors.ts';
import { redactUri } from './redact.ts';

const SHAPE = 'write postgres://user:password@host:5432/db (a socket: postgres://user@localhost/db?host=/var/run/postgresql)';
const CERT_PARAMS = ['sslcert', 'sslkey', 'sslrootcert'] as const;

function parse(uri: string): URL | undefined {
  for (const candidate of [uri, uri.replace('@/', '@___DUMMY___/')]) {
    try {
      return new URL(candidate);
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** What is wrong with a URI the URL parser refused, without repeating any of its secrets. */
function diagnose(uri: string): string {
  // The user's part ends at the LAST "@" before the query: a password may hold "/" or "@".
  const beforeQuery = uri.replace(/^[a-z]+:\/\//i, '').split('?')[0];
  const at = beforeQuery.lastIndexOf('@');
  const host = (at >= 0 ? beforeQuery.slice(at + 1) : beforeQuery).split(/[/#]/)[0] ?? '';
  if (host.startsWith('[') && !host.includes(']')) return 'its IPv6 host is not closed with "]" (write [::1]:5432)';
  const port = /:(\d+)$/.exec(host)?.[1] ?? /\]:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `port ${port} is out of range (1–65535)`;
  const userinfo = at >= 0 ? beforeQuery.slice(0, at) : '';
  if (/[/?#@]/.test(userinfo) || /:.*:/.test(userinfo)) {
    return 'the user or password holds a character a URI reserves: percent-encode it (/ as %2F, @ as %40, : as %3A, # as %23, ? as %3F, % as %25)';
  }
  if (/:[^\d\]]/.test(host) || /:$/.test(host)) return 'the port after ":" must be a number from 1 to 65535';
  return 'it is not a valid URI; percent-encode reserved characters in the user and password (/ as %2F, @ as %40, : as %3A)';
}

export function checkPostgresUri(uri: string): void {
  const u = parse(uri);
  if (!u) throw new ConfigError(`bad warehouse URI: ${diagnose(uri)}`, {}, SHAPE);
  if (u.port !== '' && (Number(u.port) < 1 || Number(u.port) > 65535)) {
    throw new ConfigError(`bad warehouse URI ${redactUri(uri)}: port ${u.port} is out of range (1–65535)`, {}, SHAPE);
  }
  for (const param of CERT_PARAMS) {
    const file = u.searchParams.get(param);
    if (file === null) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (e) {
      throw new ConfigError(
        `cannot read the ${param} file ${file} the warehouse URI names (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`,
        {},
        `fix the path in ?${param}= or leave the parameter out`,
      );
    }
  }
}
