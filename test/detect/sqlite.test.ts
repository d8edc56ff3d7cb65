// SQLite databases: a token that is a whole value, whatever the values around it. The
// databases are made at run time by python3's sqlite3 module (the real file format, as
// applications write it), from tokens the seeded generator builds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Match } from '../../src/core/types.ts';
import { DEFAULT_CONTENT_OPTIONS, openContent } from '../../src/detect/content.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { sqliteValues } from '../../src/detect/sqlite.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import { tokenGenerator } from '../../src/rules/template.ts';

const detector = createDetector(builtinRules());
const gen = tokenGenerator(31);
const dir = mkdtempSync(join(tmpdir(), 'hfleaks-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database made by running `script` (Python: `db` is an open connection, `T` the list of values given). */
function database(name: string, script: string, values: string[], pageSize = 4096): Buffer {
  const file = join(dir, `${name}.db`);
  const py = `import sqlite3, sys, json\nT = json.loads(sys.argv[2])\ndb = sqlite3.connect(sys.argv[1])\ndb.execute('pragma page_size=${pageSize}')\n${script}\ndb.commit()\ndb.close()\n`;
  const r = spawnSync('python3', ['-c', py, file, JSON.stringify(values)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 could not make the database: ${r.stderr}`);
  return readFileSync(file);
}

function scan(buf: Buffer, piece = buf.length): Match[] {
  const found: Match[] = [];
  const s = openContent(detector, 'app.db', { match: (_p, m) => found.push(m), warn: () => undefined, skip: () => undefined }, DEFAULT_CONTENT_OPTIONS);
  for (let i = 0; i < buf.length; i += piece) s.push(Buffer.from(buf.subarray(i, i + piece)));
  s.end();
  return found;
}

describe('SQLite databases', () => {
  it.each([
    ['a table of one column', 'db.execute("create table t(token text)")\ndb.execute("insert into t values (?)", (T[0],))'],
    ['after an integer key', 'db.execute("create table t(id integer primary key, token text)")\ndb.execute("insert into t(token) values (?)", (T[0],))'],
    ['before a date', 'db.execute("create table t(token text, created text)")\ndb.execute("insert into t values (?, ?)", (T[0], "2026-11-29 10:00:00"))'],
    ['after a name', 'db.execute("create table t(service text, token text)")\ndb.execute("insert into t values (?, ?)", ("huggingface", T[0]))'],
    ['in a key-value table whose key names no token', 'db.execute("create table kv(key text primary key, value text)")\ndb.execute("insert into kv values (?, ?)", ("secret://hf.api_key", T[0]))'],
    ['as a blob', 'db.execute("create table t(name text, v blob)")\ndb.execute("insert into t values (?, ?)", ("laptop", T[0].encode()))'],
  ])('finds a token that is a whole value: %s', (_name, script) => {
    const t = gen.userToken();
    const db = database(_name.replace(/\W+/g, '-'), script, [t]);
    expect(scan(db).map((m) => m.secret)).toEqual([t]);
    expect(scan(db, 1000).map((m) => m.secret)).toEqual([t]);
  });

  it('finds every row of a table spread over many pages, an organization token, and a value running onto an overflow page', () => {
    const tokens = Array.from({ length: 300 }, (_, i) => gen.userToken(i % 3 === 0));
    const org = gen.orgToken();
    const long = gen.userToken();
    const script = [
      'db.execute("create table creds(origin text, username text, password text)")',
      'for i, t in enumerate(T[:-2]): db.execute("insert into creds values (?, ?, ?)", ("https://huggingface.co/%d" % i, "user%d" % i, t))',
      'db.execute("insert into creds values (?, ?, ?)", ("legacy", "org", T[-2]))',
      // The token starts a value of 10 KB: its first part on the page, the rest on overflow pages.
      'db.execute("insert into creds values (?, ?, ?)", ("notes", "me", T[-1] + " " + "x" * 10000))',
    ].join('\n');
    const db = database('many', script, [...tokens, org, long], 1024);
    const found = new Set(scan(db).map((m) => m.secret));
    expect([...tokens, org, long].filter((t) => !found.has(t))).toEqual([]);
    expect(found.size).toBe(tokens.length + 2);
  });

  it('still rejects a look-alike glued to letters inside a value', () => {
    const t = gen.userToken();
    const db = database('glued', 'db.execute("create table t(a text)")\ndb.execute("insert into t values (?)", ("x" + T[0],))', [t]);
    expect(scan(db)).toEqual([]);
  });

  it('lists nothing for what is no SQLite database, or one in UTF-16', () => {
    expect(sqliteValues(Buffer.from('SQLite format 2\0'.padEnd(200, ' ')))).toBeUndefined();
    const utf16 = database('utf16', 'db.execute("pragma encoding=\'UTF-16le\'")\ndb.execute("create table t(a text)")\ndb.execute("insert into t values (?)", ("y" * 40,))', []);
    expect(sqliteValues(utf16)).toBeUndefined();
  });
});
