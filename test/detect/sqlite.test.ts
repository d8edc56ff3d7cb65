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

  it('finds a whole value past the first 262,144 values, in a database read in 1 MB pieces', () => {
    const t = gen.userToken();
    const script = 'db.executemany("insert into t values (?)", (("row %07d %s" % (i, "x" * 20),) for i in range(300000)))\ndb.execute("insert into t values (?)", (T[0],))';
    const db = database('large', `db.execute("create table t(v text)")\n${script}`, [t]);
    expect(db.length).toBeGreaterThan(8 << 20);
    expect(scan(db, 1 << 20).map((m) => m.secret)).toEqual([t]);
  });

  it('finds a whole value in a write-ahead log (-wal) not yet written back to the database', () => {
    const t = gen.userToken();
    const script = [
      'db.execute("pragma journal_mode=wal")',
      'db.execute("create table t(service text, token text)")',
      'db.execute("insert into t values (?, ?)", ("huggingface", T[0]))',
      'db.commit()',
      'import shutil; shutil.copy(sys.argv[1] + "-wal", sys.argv[1] + ".wal")',
    ].join('\n');
    database('wal', script, [t]);
    const wal = readFileSync(join(dir, 'wal.db.wal'));
    expect(wal.readUInt32BE(0) >>> 1).toBe(0x377f0682 >>> 1);
    expect(scan(wal).map((m) => m.secret)).toEqual([t]);
  });

  it('does not end a token where a value goes on to an overflow page', () => {
    // A look-alike whose first 37 bytes are all of its value this page holds: the rest,
    // more letters, is on an overflow page. Found at the split, it would be a false finding.
    const t = gen.userToken();
    // On 4,096-byte pages the 4,733-byte payload keeps 641 bytes here: its 4-byte header,
    // the 600-byte blob (ending in a letter, so only the cell's reading could find the
    // look-alike) and the first 37 bytes of the text.
    const script = 'db.execute("create table t(a blob, b text)")\ndb.execute("insert into t values (?, ?)", (b"a" * 600, T[0] + "x" * 4092))';
    const db = database('overflow', script, [t]);
    expect(scan(db)).toEqual([]);
  });

  it('does not take a look-alike whose 37th character is the last byte on the page, though a NUL follows there', () => {
    const t = gen.userToken();
    // The value's local part is measured first (a probe of the same length), then the
    // look-alike (a token and three more letters) placed to end the local part with its 37th.
    const script = [
      'import random, string',
      'probe = "".join(random.Random(1).choice(string.ascii_letters) for _ in range(10000))',
      'db.execute("create table p(id integer primary key, v text)")',
      'db.execute("insert into p(v) values (?)", (probe,))',
      'db.commit()',
      'data = open(sys.argv[1], "rb").read()',
      'i = data.find(probe[:50].encode()); j = i',
      'while data[j] == ord(probe[j - i]): j += 1',
      'local = j - i',
      'db.execute("drop table p")',
      'db.execute("create table t(id integer primary key, v text)")',
      'db.execute("insert into t(v) values (?)", ("." * (local - 37) + T[0] + "Xy9" + "." * (10000 - local - 3),))',
    ].join('\n');
    const db = database('overflow-nul', script, [t]);
    expect(scan(db)).toEqual([]);
  });

  it('survives a crafted page whose pointers all lead to one record of thousands of values', () => {
    const t = gen.userToken();
    const page = Buffer.alloc(65536);
    page.write('SQLite format 3\0', 0, 'latin1');
    page.writeUInt16BE(1, 16); // 65,536-byte pages
    page.writeUInt32BE(1, 56); // UTF-8
    page[100] = 13; // a table leaf
    const count = 15000;
    page.writeUInt16BE(count, 103);
    const record = 108 + 2 * count + 8;
    for (let k = 0; k < count; k++) page.writeUInt16BE(record, 108 + 2 * k);
    const values = 1500;
    // payload size, rowid, the header's size (2 + values bytes, a 2-byte varint), then a text of 16 bytes each
    const headerSize = 2 + values;
    Buffer.from([0x82, 0x80, 0x01, 0x80 | (headerSize >> 7), headerSize & 0x7f]).copy(page, record);
    page.fill(45, record + 5, record + 5 + values);
    const file = Buffer.concat([page, Buffer.from(`\ntoken: ${t}\n`)]);
    expect(scan(file).map((m) => m.secret)).toEqual([t]);
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
