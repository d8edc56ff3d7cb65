#!/usr/bin/env node
// The floor for `hfleaks staged` in Node: the least any Node program does to answer the
// same question. It asks git what is staged (diff-index against HEAD), reads those blobs
// from one `git cat-file --batch` started at once, counts their bytes and exits: no rules,
// no scanning, no report. CommonJS, as Node starts it fastest (no ES module loader).
// bench/staged.mjs times it beside `hfleaks staged`.
'use strict';
const { spawn } = require('node:child_process');

function run(args) {
  return new Promise((resolve, reject) => {
    const p = spawn('git', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const out = [];
    p.stdout.on('data', (d) => out.push(d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`git ${args[0]} exited ${code}`))));
  });
}

async function main() {
  const cat = spawn('git', ['cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let bytes = 0;
  cat.stdout.on('data', (d) => (bytes += d.length));
  const closed = new Promise((resolve) => cat.on('close', resolve));
  const raw = await run(['diff-index', '--cached', '--raw', '-z', '--no-abbrev', 'HEAD']);
  // :<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0 … (no -M: one path each)
  const fields = raw.toString('latin1').split('\0');
  const oids = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const oid = fields[i].split(' ')[3];
    if (oid && !/^0+$/.test(oid)) oids.push(oid);
  }
  cat.stdin.end(oids.length ? `${oids.join('\n')}\n` : '');
  await closed;
  if (process.argv.includes('--print')) console.log(`${oids.length} blobs, ${bytes} bytes`);
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
