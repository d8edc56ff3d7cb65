#!/usr/bin/env node
// `npm run bench`: times `hfleaks scan` against ripgrep and secretlint on a generated
// tree of ML repositories (>= 500 MB), and checks that hfleaks found every planted token.
//
//   npm run bench                        generate the tree once (cached), then time everything
//   npm run bench -- --rounds 7          more timed rounds (default 5)
//   npm run bench -- --secretlint full   run secretlint on the whole tree (default: auto)
//   npm run bench -- --profile           also write a CPU profile of one hfleaks run and summarise it
//   npm run bench -- --regen             regenerate the tree
//   npm run bench -- --generate-only     generate (or keep) the tree and stop
//   npm run bench -- --threads 1         pass --threads to hfleaks
//
// The tree lives in bench/.work/ (gitignored). It holds no .gitignore file, and every
// tool is told to ignore ignore files anyway (rg --no-ignore --hidden, hfleaks --no-ignore,
// secretlint reads none by default), so all three see the same files.
//
// Planted tokens are built here at run time from a seeded generator (the same mulberry32
// algorithm as src/rules/template.ts, which plain Node can't import); no token is ever
// written in the repository, and the manifest keeps only their SHA-256.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { zipSync } from 'fflate';
import { CA_VAR, median, mulberry32, ROOT, snapshotCli, WORK, withoutCa } from './lib.mjs';

/** Bump when the generated tree changes: a cached tree of another version is regenerated. */
const GENERATOR_VERSION = 11;
const SEED = 0x4f1eed;
const REPOS = 10;
const MB = 1 << 20;

const TREE = path.join(WORK, 'tree');
const MANIFEST = path.join(WORK, 'manifest.json');
const OUT = path.join(WORK, 'out');
const RG = fs.existsSync('/usr/bin/rg') ? '/usr/bin/rg' : 'rg';
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const RG_PATTERN = 'hf_[A-Za-z0-9]{34}';

const GOALS = { vsRipgrep: 2, vsSecretlint: 20, rssMB: 200 };

/** The Node baseline with NODE_EXTRA_CA_CERTS unset (when this environment sets it). */
function floorWithoutCa() {
  const [cmd, ...args] = withoutCa([process.execPath, path.join(ROOT, 'bench', 'files-floor.mjs'), TREE]);
  return { label: `the same baseline with ${CA_VAR} unset (this environment sets it)`, cmd, args };
}

// ---------------------------------------------------------------------------------------
// Seeded randomness and tokens


const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const B64URL = LOWER + UPPER + DIGITS + '-_';

function randomness(seed) {
  const rnd = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (alphabet, n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    return s;
  };
  const one = (arr) => arr[Math.floor(rnd() * arr.length)];
  return { rnd, int, pick, one, chance: (p) => rnd() < p };
}

/** Token bodies with the mix a real token has (as tokenGenerator().body in template.ts). */
function tokenBody(r, n, digits) {
  for (;;) {
    const s = r.pick(LOWER + UPPER + (digits ? DIGITS : ''), n);
    const up = s.replace(/[^A-Z]/g, '').length;
    const lo = s.replace(/[^a-z]/g, '').length;
    const dg = s.replace(/[^0-9]/g, '').length;
    if (up >= 6 && lo >= 6 && (!digits || dg >= 2)) return s;
  }
}

const b64url = (s) => Buffer.from(s).toString('base64url');
const sha256 = (s) => createHash('sha256').update(s).digest('hex');

// ---------------------------------------------------------------------------------------
// Vocabulary for realistic ML code, logs and data

const ORGS = ['acme', 'meta-llama', 'mistralai', 'google', 'bigscience', 'EleutherAI', 'tiiuae', 'Qwen', 'microsoft', 'stabilityai', 'sentence-transformers', 'openai-community'];
const MODELS = ['Llama-3.1-8B-Instruct', 'Mistral-7B-v0.3', 'gemma-2-9b', 'bloom-560m', 'pythia-1.4b', 'falcon-7b', 'Qwen2.5-7B', 'phi-3-mini-4k-instruct', 'gpt2', 'stable-diffusion-xl-base-1.0', 'all-MiniLM-L6-v2', 'whisper-large-v3'];
const HUB_FILES = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'model-00001-of-00004.safetensors', 'special_tokens_map.json', 'pytorch_model.bin', 'preprocessor_config.json'];
const WORDS = 'model tokenizer batch loss logits attention embedding layer head hidden state optimizer scheduler warmup epoch step gradient checkpoint shard dataset split train eval test metric accuracy perplexity rouge bleu sample prompt completion reward policy value critic actor buffer cache device dtype precision mixed bf16 fp16 quant lora adapter rank alpha dropout norm residual rotary position vocab padding truncation collator sampler worker prefetch stream upload download revision branch commit repo hub space endpoint inference pipeline generate beam greedy temperature topk topp length stop sequence image audio feature extractor processor vision encoder decoder cross self mask label weight bias init seed config args trainer callback logger writer wandb profile memory throughput latency'.split(' ');
const CAMEL = 'Auto Model For Causal LM Sequence Classification Token Pretrained Config Tokenizer Fast Vision Encoder Decoder Speech Seq2Seq With Value Head Loads Correctly From Hub Cache Snapshot Download Revision Adapter Lora Merged Quantized Checkpoint Sharded Safetensors Pipeline Streaming Dataset'.split(' ');
const REPO_NAMES = ['llm-finetune', 'vision-pretrain', 'speech-asr', 'rag-service', 'diffusion-lab', 'eval-harness', 'data-pipeline', 'rlhf-trainer', 'embeddings-api', 'distill-kit'];
const SUBPACKAGES = ['data', 'models', 'training', 'evaluation', 'utils', 'serving', 'callbacks', 'tokenization'];

function words(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(r.one(WORDS));
  return out.join(' ');
}
const ident = (r, n = 2) => Array.from({ length: n }, () => r.one(WORDS)).join('_');
const camel = (r, n) => Array.from({ length: n }, () => r.one(CAMEL)).join('');
const repoId = (r) => `${r.one(ORGS)}/${r.one(MODELS)}`;

/** `hf_` + a long CamelCase identifier (38+ characters): rg's pattern counts it, it is no token. */
function longHfIdent(r) {
  let s = camel(r, 4);
  while (s.length < 38) s += r.one(CAMEL);
  return `hf_${s}`;
}

/** Placeholders people write in docs and examples: never findings. */
function placeholder(r) {
  return r.one([
    `hf_${'x'.repeat(34)}`,
    `hf_${'X'.repeat(34)}`,
    'hf_your_token_here',
    'hf_...',
    'hf_***',
    'hf_<your token>',
    `hf_${(LOWER + UPPER).slice(0, 34)}`,
  ]);
}

// ---------------------------------------------------------------------------------------
// Generators: Python, notebooks, configs, logs, data, binaries

function pyBlock(r) {
  const name = ident(r);
  const repo = repoId(r);
  switch (r.int(0, 7)) {
    case 0:
      return [
        `def load_${name}(repo_id: str = "${repo}", revision: str = "main") -> str:`,
        `    """Download the ${words(r, 3)} from the Hub (cached locally)."""`,
        '    token = os.environ.get("HF_TOKEN")',
        `    local_path = hf_hub_download(repo_id=repo_id, filename="${r.one(HUB_FILES)}", revision=revision, token=token)`,
        '    logger.info("downloaded %s@%s to %s", repo_id, revision, local_path)',
        '    return local_path',
      ];
    case 1: {
      const cls = camel(r, 2);
      const fields = Array.from({ length: r.int(4, 12) }, () => `    ${ident(r)}: ${r.one(['int', 'float', 'str', 'bool'])} = ${r.one(['0', '1e-4', '"auto"', 'True', 'None', '512', '0.1'])}`);
      return ['@dataclass', `class ${cls}Config:`, `    """${words(r, 8)}."""`, '', ...fields];
    }
    case 2:
      return [
        `def train_${name}(model, loader, optimizer, scheduler, *, max_steps: int = ${r.int(100, 100000)}, grad_accum: int = ${r.int(1, 16)}):`,
        '    model.train()',
        '    for step, batch in enumerate(loader):',
        '        outputs = model(**{k: v.to(model.device) for k, v in batch.items()})',
        '        loss = outputs.loss / grad_accum',
        '        loss.backward()',
        '        if (step + 1) % grad_accum == 0:',
        `            torch.nn.utils.clip_grad_norm_(model.parameters(), ${r.one(['1.0', '0.5', '2.0'])})`,
        '            optimizer.step()',
        '            scheduler.step()',
        '            optimizer.zero_grad(set_to_none=True)',
        '        if step >= max_steps:',
        '            break',
        `    logger.info("${words(r, 4)}: %.4f", loss.item())`,
      ];
    case 3:
      return [
        'def hf_hub_download_to_local_dir(repo_id: str, local_dir: str, *, hf_token: str | None = None) -> str:',
        '    hf_api = HfApi(token=hf_token or os.getenv("HF_TOKEN"))',
        `    url = hf_hub_url(repo_id, filename="${r.one(HUB_FILES)}")`,
        '    if hf_transfer_available():',
        '        os.environ["HF_HUB_ENABLE_HF_TRANSFER"] = "1"',
        '    info = hf_api.model_info(repo_id, files_metadata=True)',
        '    logger.debug("fetching %s (%d files)", url, len(info.siblings))',
        '    return snapshot_download(repo_id, local_dir=local_dir, token=hf_token)',
      ];
    case 4:
      return [
        `def push_${name}(folder: str, repo_id: str = "${repo}") -> None:`,
        '    """Upload a folder to the Hub.',
        '',
        `    Set a write token first, e.g. \`\`export HF_TOKEN=${placeholder(r)}\`\`.`,
        '    """',
        '    api = HfApi()',
        '    api.create_repo(repo_id, exist_ok=True, private=True)',
        `    api.upload_folder(folder_path=folder, repo_id=repo_id, commit_message="${words(r, 4)}")`,
      ];
    case 5:
      return [
        `def test_${longHfIdent(r)}():`,
        `    path = hf_hub_download("${repo}", "${r.one(HUB_FILES)}")`,
        '    assert os.path.exists(path)',
        '',
        `def test_${ident(r)}_${ident(r)}(tmp_path):`,
        `    cfg = ${camel(r, 2)}Config()`,
        `    assert cfg is not None, "${words(r, 5)}"`,
      ];
    case 6:
      return [
        'def parse_args(argv=None):',
        `    parser = argparse.ArgumentParser(description="${words(r, 6)}")`,
        `    parser.add_argument("--model_name_or_path", default="${repo}")`,
        '    parser.add_argument("--hf_token", type=str, default=None, help="Hub token (hf_...); defaults to $HF_TOKEN")',
        `    parser.add_argument("--${ident(r)}", type=int, default=${r.int(1, 4096)})`,
        `    parser.add_argument("--${ident(r)}", type=float, default=${r.rnd().toFixed(4)})`,
        '    parser.add_argument("--push_to_hub", action="store_true")',
        '    return parser.parse_args(argv)',
      ];
    default: {
      const lines = [`def compute_${name}(${ident(r, 1)}, ${ident(r, 1)}):`];
      for (let i = 0, n = r.int(3, 14); i < n; i++) lines.push(`    ${ident(r)} = ${ident(r, 1)}.${ident(r, 1)}(${r.int(0, 512)}) * ${r.rnd().toFixed(3)}  # ${words(r, 4)}`);
      lines.push(`    return ${ident(r, 1)}`);
      return lines;
    }
  }
}

const PY_HEADER = [
  'from __future__ import annotations',
  '',
  'import argparse',
  'import logging',
  'import os',
  'from dataclasses import dataclass',
  '',
  'import torch',
  'from huggingface_hub import HfApi, hf_hub_download, hf_hub_url, snapshot_download',
  'from huggingface_hub.utils import hf_raise_for_status',
  'from transformers import AutoModelForCausalLM, AutoTokenizer',
  'from transformers.utils import is_hf_transfer_available as hf_transfer_available',
  '',
  'logger = logging.getLogger(__name__)',
];

function pyModule(r, target, extra = []) {
  const lines = [`"""${words(r, 6)}."""`, ...PY_HEADER, ''];
  let size = 600;
  let placed = 0;
  while (size < target) {
    const block = pyBlock(r);
    // Planted lines go somewhere in the middle of the module.
    if (placed < extra.length && size > target / 3) lines.push(...extra[placed++], '', '');
    lines.push(...block, '', '');
    size += block.reduce((n, l) => n + l.length + 1, 2);
  }
  while (placed < extra.length) lines.push(...extra[placed++], '');
  return lines.join('\n');
}

function pngBase64(r, bytes) {
  const body = Buffer.alloc(bytes);
  fillRandom(r, body);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), body]).toString('base64');
}

/**
 * A Jupyter notebook (nbformat 4, indent 1 as Jupyter writes it). `plantSource` lines go
 * into a code cell's source half-way through; `plantOutput` lines into a last cell's output.
 */
function notebook(r, target, plantSource = [], plantOutput = []) {
  const cells = [];
  let size = 0;
  let execution = 1;
  let planted = plantSource.length === 0;
  while (size < target || !planted) {
    const source = pyBlock(r).map((l) => `${l}\n`);
    if (!planted && size >= target / 2) {
      source.unshift(...plantSource);
      planted = true;
    }
    const outputs = [];
    if (r.chance(0.5)) {
      const text = Array.from({ length: r.int(2, 30) }, () => `{'loss': ${(r.rnd() * 3).toFixed(4)}, 'learning_rate': ${(r.rnd() * 1e-4).toExponential(2)}, 'epoch': ${(r.rnd() * 3).toFixed(2)}}\n`);
      outputs.push({ name: 'stdout', output_type: 'stream', text });
    }
    if (r.chance(0.12)) {
      outputs.push({
        data: { 'image/png': pngBase64(r, r.int(20_000, 90_000)), 'text/plain': ['<Figure size 640x480 with 1 Axes>'] },
        metadata: {},
        output_type: 'display_data',
      });
    }
    const cell = { cell_type: 'code', execution_count: execution++, metadata: {}, outputs, source };
    cells.push(cell);
    size += JSON.stringify(cell).length;
    if (r.chance(0.3)) cells.push({ cell_type: 'markdown', metadata: {}, source: [`## ${words(r, 4)}\n`, '\n', `${words(r, 30)}\n`] });
  }
  if (plantOutput.length) {
    cells.push({ cell_type: 'code', execution_count: execution++, metadata: {}, outputs: [{ name: 'stdout', output_type: 'stream', text: plantOutput }], source: ['print(session.describe())\n'] });
  }
  const nb = {
    cells,
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python', version: '3.11.8' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

function timestamp(r, i) {
  const s = 1_715_000_000 + i * 3;
  const d = new Date(s * 1000).toISOString().replace('T', ' ').replace('Z', '');
  return `${d.slice(0, 19)},${String(r.int(0, 999)).padStart(3, '0')}`;
}

function logLine(r, i) {
  switch (r.int(0, 19)) {
    case 0:
      return `${timestamp(r, i)} - WARNING - huggingface_hub.file_download - hf_hub_download: resuming download of ${r.one(HUB_FILES)} from ${repoId(r)} (${r.int(1, 9000)} MB)`;
    case 1:
      return `${timestamp(r, i)} - DEBUG - urllib3.connectionpool - https://huggingface.co:443 "GET /api/models/${repoId(r)}/revision/main HTTP/1.1" 200 ${r.int(200, 90000)}`;
    case 2:
      return `Downloading shards: ${r.int(0, 100)}%|${'█'.repeat(r.int(0, 10))}${' '.repeat(r.int(0, 10))}| ${r.int(0, 4)}/4 [00:${String(r.int(10, 59))}<00:${String(r.int(10, 59))},  ${(r.rnd() * 9).toFixed(2)}s/it]`;
    case 3:
      return `${timestamp(r, i)} - INFO - accelerate.utils - hf_transfer not installed; set HF_HUB_ENABLE_HF_TRANSFER=1 after pip install hf_transfer for faster downloads`;
    case 4:
      return `[rank${r.int(0, 7)}]:[W${String(r.int(100, 999))}] ${words(r, 9)} (function ${ident(r)})`;
    default:
      return `${timestamp(r, i)} - INFO - transformers.trainer - {'loss': ${(r.rnd() * 3).toFixed(4)}, 'grad_norm': ${(r.rnd() * 9).toFixed(4)}, 'learning_rate': ${(r.rnd() * 1e-4).toExponential(3)}, 'epoch': ${(r.rnd() * 3).toFixed(2)}, 'step': ${i}}`;
  }
}

/**
 * Writes a log of `bytes` bytes. `plants` puts lines at byte offsets: each is
 * { at, before, token, after }, the token starts exactly at byte `at`, and the plant
 * gets its 1-based `line` and `column`.
 */
function writeLog(r, file, bytes, plants = []) {
  const fd = fs.openSync(file, 'w');
  const queue = [...plants].sort((a, b) => a.at - b.at);
  let written = 0;
  let lines = 0;
  let parts = [];
  let pending = 0;
  const flush = () => {
    if (parts.length) fs.writeSync(fd, parts.join(''));
    parts = [];
    pending = 0;
  };
  const emit = (s) => {
    parts.push(s);
    const n = Buffer.byteLength(s);
    written += n;
    pending += n;
    if (s.endsWith('\n')) lines++; // every piece is at most one line
    if (pending > MB) flush();
  };
  for (let i = 0; written < bytes || queue.length; i++) {
    const next = queue[0];
    if (next) {
      const line = `${logLine(r, i)}\n`;
      const lineStart = written;
      const tokenAt = next.at;
      // A filler line ends just where the planted line must start.
      const room = tokenAt - lineStart - Buffer.byteLength(next.before);
      if (room < Buffer.byteLength(line) + 2) {
        let filler = '';
        if (room > 0) filler = `${'#'.repeat(Math.max(0, room - 1))}\n`;
        if (room === 1) filler = '\n';
        if (room < 0) throw new Error(`log plant at ${tokenAt} can't be placed`);
        emit(filler);
        queue.shift();
        next.line = lines + 1;
        next.column = next.before.length + 1;
        emit(`${next.before}${next.token}${next.after}\n`);
        continue;
      }
      emit(line);
      continue;
    }
    emit(`${logLine(r, i)}\n`);
  }
  flush();
  fs.closeSync(fd);
}

function csvData(r, target, plantRow) {
  const lines = ['run_id,model,split,metric,value,step,notes'];
  let size = 0;
  let planted = !plantRow;
  for (let i = 0; size < target || !planted; i++) {
    let line = `${r.pick(DIGITS + LOWER, 8)},${repoId(r)},${r.one(['train', 'validation', 'test'])},${r.one(['loss', 'accuracy', 'rouge1', 'bleu', 'perplexity'])},${r.rnd().toFixed(6)},${i},"${words(r, r.int(0, 8))}"`;
    if (!planted && size > target / 2) {
      line = plantRow;
      planted = true;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

function jsonlData(r, target, plantText) {
  const lines = [];
  let size = 0;
  let planted = !plantText;
  for (let i = 0; size < target || !planted; i++) {
    let text = `${words(r, r.int(10, 80))}.\n\n${words(r, r.int(5, 40))}?`;
    if (r.chance(0.05)) text += `\n\`\`\`python\nfrom huggingface_hub import hf_hub_download\npath = hf_hub_download("${repoId(r)}", "${r.one(HUB_FILES)}")\n\`\`\``;
    if (!planted && size > target / 2) {
      text = plantText;
      planted = true;
    }
    const line = JSON.stringify({ id: `${i}`, source: r.one(['forum', 'docs', 'github', 'stackoverflow']), text, meta: { lang: 'en', tokens: r.int(20, 900) } });
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

/** Pseudo-random bytes from a seeded generator (fast: 32 bits a call). */
function fillRandom(r, buf) {
  const words32 = Math.floor(buf.length / 4);
  for (let i = 0; i < words32; i++) buf.writeUInt32LE((r.rnd() * 4294967296) >>> 0, i * 4);
  for (let i = words32 * 4; i < buf.length; i++) buf[i] = r.int(0, 255);
  return buf;
}

/**
 * What `torch.save(training_args)` writes: a zip (members stored, not deflated) whose
 * data.pkl is a pickled TrainingArguments; it stores `hub_token`.
 */
function trainingArgsBin(r, token) {
  const parts = [Buffer.from('\x8c\x1ctransformers.training_args\x94\x8c\x11TrainingArguments\x94\x93\x94)\x81\x94}\x94(', 'latin1')];
  const field = (k, v) => {
    parts.push(Buffer.from([0x8c, k.length]), Buffer.from(k, 'latin1'), Buffer.from([0x94]));
    if (v === null) parts.push(Buffer.from('N', 'latin1'));
    else if (typeof v === 'number') parts.push(Buffer.from([0x4b, v & 0xff]));
    else parts.push(Buffer.from([0x8c, v.length]), Buffer.from(v, 'latin1'), Buffer.from([0x94]));
  };
  field('output_dir', `outputs/${ident(r)}`);
  field('hub_model_id', repoId(r));
  field('hub_strategy', 'every_save');
  field('hub_token', token ?? null);
  field('report_to', 'wandb');
  for (let i = 0; i < 60; i++) field(ident(r), r.chance(0.5) ? r.int(0, 255) : `${r.int(0, 99999)}`);
  parts.push(Buffer.from('ub.', 'latin1'));
  const body = Buffer.concat(parts);
  const frame = Buffer.alloc(8);
  frame.writeBigUInt64LE(BigInt(body.length));
  const pkl = Buffer.concat([Buffer.from([0x80, 0x04, 0x95]), frame, body]);
  return {
    member: 'training_args/data.pkl',
    pkl,
    zip: Buffer.from(zipSync({
      'training_args/data.pkl': [pkl, { level: 0 }],
      'training_args/byteorder': [Buffer.from('little'), { level: 0 }],
      'training_args/version': [Buffer.from('3\n'), { level: 0 }],
    })),
  };
}

function safetensors(r, bytes) {
  const header = JSON.stringify({ __metadata__: { format: 'pt' }, 'model.embed_tokens.weight': { dtype: 'BF16', shape: [32000, 4096], data_offsets: [0, bytes] } });
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, Buffer.from(header), fillRandom(r, Buffer.alloc(bytes))]);
}

// ---------------------------------------------------------------------------------------
// The tree

/** What `np.save` writes for a 1-D array of strings `<U{width}`: a 128-byte header, then each string in UTF-32LE, NUL-padded to the width. */
function npyStrings(cells, width) {
  const header = `{'descr': '<U${width}', 'fortran_order': False, 'shape': (${cells.length},), }`;
  const pad = 128 - 10 - header.length - 1;
  const head = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY\x01\x00', 'latin1'), Buffer.from([header.length + pad + 1, 0]), Buffer.from(`${header}${' '.repeat(pad)}\n`)]);
  const data = Buffer.from(cells.map((c) => [...c.padEnd(width, '\0')].map((ch) => `${ch}\0\0\0`).join('')).join(''), 'latin1');
  return Buffer.concat([head, data]);
}

function lineCol(text, index) {
  const nl = text.lastIndexOf('\n', index - 1);
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return { line, column: index - nl };
}

function generate() {
  console.log(`generating the benchmark tree in ${path.relative(ROOT, TREE)} (generator v${GENERATOR_VERSION}) ...`);
  const t0 = Date.now();
  fs.rmSync(TREE, { recursive: true, force: true });
  fs.rmSync(MANIFEST, { force: true });
  const tokRng = randomness(SEED ^ 0x70c3);
  /** Planted secrets: rule, raw token (never written to the manifest), expected locations. */
  const planted = [];
  let serial = 0;
  const newToken = (rule = 'hf-user-access-token') => {
    const digits = serial++ % 3 === 1;
    let token;
    if (rule === 'hf-org-api-token') token = `api_org_${tokenBody(tokRng, 34, false)}`;
    else if (rule === 'hf-oauth-access-token') {
      const claims = { exp: 4102444800, scope: 'openid profile read-repos', iss: 'https://huggingface.co', sub: tokRng.pick(DIGITS, 12) };
      token = `hf_oauth_${b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.${b64url(tokRng.pick(B64URL, 64))}`;
    } else token = `hf_${tokenBody(tokRng, 34, digits)}`;
    const p = { rule, token, digits: rule === 'hf-user-access-token' && digits, locations: [], how: [] };
    planted.push(p);
    return p;
  };
  const stats = { files: 0, bytes: 0, byKind: {} };
  const count = (kind, n) => {
    stats.files++;
    stats.bytes += n;
    const k = (stats.byKind[kind] ??= { files: 0, bytes: 0 });
    k.files++;
    k.bytes += n;
  };
  const write = (rel, data, kind) => {
    const abs = path.join(TREE, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, data);
    count(kind, Buffer.byteLength(data));
  };
  /** Writes text and records where each planted token lies in it (it must appear literally). */
  const writeText = (rel, text, kind, plants = [], how = 'plain') => {
    for (const p of plants) {
      const i = text.indexOf(p.token);
      if (i === -1) throw new Error(`generator bug: planted token missing from ${rel}`);
      p.locations.push({ path: rel, ...lineCol(text, i) });
      p.how.push(how);
    }
    write(rel, text, kind);
  };

  for (let k = 0; k < REPOS; k++) {
    const r = randomness(SEED + 1000 * k);
    const repo = `${String(k).padStart(2, '0')}-${REPO_NAMES[k]}`;
    const pkg = REPO_NAMES[k].replace(/-/g, '_');
    const at = (p) => `${repo}/${p}`;

    // Python: a package of subpackages, tests, scripts (~9 MB a repo).
    const cfgTok = newToken();
    const scriptTok = newToken();
    for (const sub of SUBPACKAGES) {
      write(at(`src/${pkg}/${sub}/__init__.py`), `"""${words(r, 5)}."""\n`, 'python');
      for (let i = 0; i < 90; i++) {
        const rel = at(`src/${pkg}/${sub}/${ident(r)}_${i}.py`);
        write(rel, pyModule(r, r.int(3_000, 17_000)), 'python');
      }
    }
    writeText(at(`src/${pkg}/config.py`), pyModule(r, 6_000, [['# TODO: move to a secret store before release', `HF_TOKEN = "${cfgTok.token}"`]]), 'python', [cfgTok]);
    for (let i = 0; i < 120; i++) write(at(`tests/test_${ident(r)}_${i}.py`), pyModule(r, r.int(2_000, 8_000)), 'python');
    const scriptLine = k % 2 ? `    login(token='${scriptTok.token}')` : `    api = HfApi(token="${scriptTok.token}")`;
    writeText(at('scripts/push_to_hub.py'), pyModule(r, 4_000, [['def main():', scriptLine, '    api = HfApi()', '    api.upload_folder(folder_path="outputs", repo_id=REPO_ID)']]), 'python', [scriptTok]);
    for (let i = 0; i < 25; i++) write(at(`scripts/${ident(r)}.py`), pyModule(r, r.int(2_000, 9_000)), 'python');

    // Notebooks (~7 MB a repo), a few with base64 PNG outputs.
    const nbEnv = newToken();
    const nbCli = newToken();
    for (let i = 0; i < 50; i++) {
      const rel = at(`notebooks/${String(i).padStart(2, '0')}-${ident(r)}.ipynb`);
      if (i === 7) writeText(rel, notebook(r, 80_000, ['import os\n', `os.environ["HF_TOKEN"] = "${nbEnv.token}"\n`]), 'notebook', [nbEnv], 'notebook-source');
      else if (i === 23) writeText(rel, notebook(r, 60_000, [`!huggingface-cli login --token ${nbCli.token}\n`]), 'notebook', [nbCli], 'notebook-source');
      else write(rel, notebook(r, r.int(30_000, 160_000)), 'notebook');
    }

    // Configs, CI, env files, docs.
    const envTok = newToken();
    writeText(at('.env'), `# local settings\nHF_HOME=/data/hf-cache\nWANDB_API_KEY=${r.pick('0123456789abcdef', 40)}\nHF_TOKEN=${envTok.token}\nCUDA_VISIBLE_DEVICES=0,1\n`, 'config', [envTok]);
    write(at('.env.example'), `HF_HOME=/data/hf-cache\nHF_TOKEN=${placeholder(r)}\nWANDB_API_KEY=\n`, 'config');
    const ciTok = newToken();
    const workflow = (hard) =>
      `name: eval\non:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  eval:\n    runs-on: ubuntu-latest\n    env:\n      HF_HUB_ENABLE_HF_TRANSFER: "1"\n      HF_TOKEN: ${hard ?? '${{ secrets.HF_TOKEN }}'}\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v5\n        with:\n          python-version: "3.11"\n      - run: pip install -e .[dev] hf_transfer\n      - run: python -m ${pkg}.evaluation.run --model ${repoId(r)} --limit ${r.int(10, 1000)}\n`;
    writeText(at('.github/workflows/eval.yml'), workflow(ciTok.token), 'config', [ciTok]);
    write(at('.github/workflows/ci.yml'), workflow(), 'config');
    for (let i = 0; i < 60; i++) {
      const yaml = [`# ${words(r, 6)}`, `model_name_or_path: ${repoId(r)}`, `revision: main`, 'training:'];
      for (let j = 0, n = r.int(10, 60); j < n; j++) yaml.push(`  ${ident(r)}: ${r.one(['true', 'false', '0.0001', '8', '"bf16"', 'null', '512'])}`);
      yaml.push('hub:', '  push_to_hub: true', `  hub_model_id: ${repoId(r)}`, '  hub_token: null  # read from HF_TOKEN');
      write(at(`configs/${ident(r)}_${i}.yaml`), `${yaml.join('\n')}\n`, 'config');
    }
    write(at('requirements.txt'), 'torch==2.3.1\ntransformers==4.44.2\nhuggingface_hub[hf_transfer]==0.24.6\ndatasets==2.21.0\naccelerate==0.33.0\n', 'config');
    for (let i = 0; i < 30; i++) {
      const md = [`# ${words(r, 4)}`, '', words(r, 60), '', '```sh', `export HF_TOKEN=${placeholder(r)}`, `huggingface-cli download ${repoId(r)} --include "*.safetensors"`, '```', '', words(r, 120)];
      write(at(`docs/${ident(r)}.md`), `${md.join('\n')}\n`, 'docs');
    }

    // Logs (~23 MB a repo): one big (streamed by hfleaks in 1 MiB pieces), four medium.
    const bigRel = at('logs/train-full.log');
    const cloneLine = (t, at) => ({
      at, token: t.token, tok: t,
      before: `${timestamp(r, 0)} - INFO - git - Cloning into 'model'... remote: https://user:`, after: `@huggingface.co/${repoId(r)}`,
    });
    const bigPlants = [];
    if (k === 0) {
      // Chunk edges: across the 1 MiB read boundary, exactly on the 2 MiB boundary, and
      // across the end of the first scan window (1 MiB + the detector's overlap).
      bigPlants.push(cloneLine(newToken(), MB - 17), cloneLine(newToken(), 2 * MB), cloneLine(newToken(), 3 * MB + 16_448 - 20));
      // A look-alike glued to the letters before it, exactly on a boundary: no finding.
      bigPlants.push({ at: 4 * MB, token: `hf_${tokenBody(r, 34, false)}`, before: `${timestamp(r, 0)} - DEBUG - cache - key=v2x`, after: ' hit' });
    } else {
      bigPlants.push(cloneLine(newToken(), r.int(2 * MB, 10 * MB)));
    }
    fs.mkdirSync(path.dirname(path.join(TREE, bigRel)), { recursive: true });
    writeLog(r, path.join(TREE, bigRel), 14 * MB, bigPlants);
    count('log', fs.statSync(path.join(TREE, bigRel)).size);
    for (const p of bigPlants) {
      if (!p.tok) continue;
      p.tok.locations.push({ path: bigRel, line: p.line, column: p.column });
      p.tok.how.push(k === 0 ? 'log-chunk-edge' : 'log-url-credentials');
    }
    const bearerTok = newToken();
    for (let i = 0; i < 4; i++) {
      const rel = at(`logs/eval-${i}.log`);
      const abs = path.join(TREE, rel);
      const plants = i === 2 ? [{ at: r.int(MB / 2, 3 * MB / 2), token: bearerTok.token, before: `${timestamp(r, 9)} - DEBUG - requests - send: b'GET /api/whoami-v2 HTTP/1.1\\r\\nAuthorization: Bearer `, after: "\\r\\n'" }] : [];
      writeLog(r, abs, 2 * MB, plants);
      count('log', fs.statSync(abs).size);
      for (const p of plants) {
        bearerTok.locations.push({ path: rel, line: p.line, column: p.column });
        bearerTok.how.push('log-bearer');
      }
    }

    // Data (~14 MB a repo).
    const jsonlTok = newToken();
    const csvTok = newToken();
    writeText(at('data/train.jsonl'), jsonlData(r, 3.5 * MB, `Paste your token:\n${jsonlTok.token}\nthen run the cell.`), 'data', [jsonlTok], 'json-escaped');
    write(at('data/validation.jsonl'), jsonlData(r, 3.5 * MB), 'data');
    writeText(at('data/runs.csv'), csvData(r, 3.5 * MB, `abc12345,${repoId(r)},train,loss,0.5,1,"pushed with ${csvTok.token}"`), 'data', [csvTok]);
    write(at('data/metrics.csv'), csvData(r, 3.5 * MB), 'data');

    // Binaries (~3.5 MB random a repo) and archives.
    write(at('checkpoints/pytorch_model-00001-of-00002.bin'), fillRandom(r, Buffer.alloc(1_200_000)), 'binary');
    write(at('checkpoints/pytorch_model-00002-of-00002.bin'), fillRandom(r, Buffer.alloc(1_200_000)), 'binary');
    write(at('checkpoints/model.safetensors'), safetensors(r, 1_000_000), 'binary');
    const argsTok = k === 2 ? newToken() : undefined;
    const targs = trainingArgsBin(r, argsTok?.token);
    write(at('checkpoints/training_args.bin'), targs.zip, 'binary');
    if (argsTok) {
      argsTok.locations.push({ path: at(`checkpoints/training_args.bin!${targs.member}`) });
      argsTok.how.push('pickle');
    }
    const zipTok = k === 3 ? newToken() : undefined;
    const members = {
      'export/README.md': [Buffer.from(`# export\n\n${words(r, 200)}\n`), { level: 6 }],
      'export/config.json': [Buffer.from(JSON.stringify({ model_type: 'llama', hidden_size: 4096, _name_or_path: repoId(r) }, null, 2)), { level: 6 }],
      'export/weights.bin': [fillRandom(r, Buffer.alloc(600_000)), { level: 0 }],
    };
    const memberText = pyModule(r, 200_000, zipTok ? [[`HUB_TOKEN = "${zipTok.token}"`]] : []);
    members['export/upload.py'] = [Buffer.from(memberText), { level: 6 }];
    if (zipTok) {
      zipTok.locations.push({ path: at('artifacts/export.zip!export/upload.py'), ...lineCol(memberText, memberText.indexOf(zipTok.token)) });
      zipTok.how.push('zip-member');
    }
    write(at('artifacts/export.zip'), Buffer.from(zipSync(members)), 'binary');
    const gzTok = k === 4 ? newToken() : undefined;
    {
      const tmp = path.join(WORK, 'tmp.log');
      // The member is decompressed and scanned in pieces: the token sits exactly on a 1 MiB window edge.
      const plants = gzTok ? [{ at: 3 * MB, token: gzTok.token, before: `${timestamp(r, 3)} - INFO - huggingface_hub - token=`, after: ' (from --hub_token)' }] : [];
      writeLog(r, tmp, 4 * MB, plants);
      write(at('logs/old-run.log.gz'), zlib.gzipSync(fs.readFileSync(tmp)), 'binary');
      fs.rmSync(tmp);
      if (gzTok) {
        gzTok.locations.push({ path: at('logs/old-run.log.gz!old-run.log'), line: plants[0].line, column: plants[0].column });
        gzTok.how.push('gzip-member');
      }
    }

    // One special way a token hides, per repo.
    const secretYaml = (value) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${REPO_NAMES[k]}-hub\ntype: Opaque\ndata:\n  WANDB_API_KEY: ${Buffer.from(r.pick('0123456789abcdef', 40)).toString('base64')}\n  HF_TOKEN: ${value}\n`;
    if (k === 0) {
      const t = newToken();
      const b64 = Buffer.from(t.token).toString('base64');
      const text = secretYaml(b64);
      write(at('deploy/k8s/secret.yaml'), text, 'config');
      t.locations.push({ path: at('deploy/k8s/secret.yaml'), ...lineCol(text, text.indexOf(b64)) });
      t.how.push('base64');
    } else {
      write(at('deploy/k8s/secret.yaml'), secretYaml(Buffer.from('${HF_TOKEN}').toString('base64')), 'config');
    }
    if (k === 1) {
      const t = newToken();
      const enc = encodeURIComponent(`token=${t.token}`).replace(/_/g, '%5F');
      const text = `${timestamp(r, 1)} - INFO - uvicorn.access - 10.0.3.7:5123 - "GET /callback?state=${r.pick(LOWER + DIGITS, 16)}&next=%2Fspaces%3F${enc}&x=1 HTTP/1.1" 302\n`;
      const pre = Array.from({ length: 500 }, (_, i) => `${logLine(r, i)}\n`).join('');
      const full = pre + text + Array.from({ length: 500 }, (_, i) => `${logLine(r, i)}\n`).join('');
      write(at('logs/access.log'), full, 'log');
      t.locations.push({ path: at('logs/access.log'), line: 501 });
      t.how.push('percent');
    }
    if (k === 3) {
      // numpy's `<U` string arrays are UTF-32LE: a list of run settings saved with np.save.
      const t = newToken();
      const cells = ['meta-llama/Llama-3.1-8B', 'bf16', t.token, 'cosine'];
      write(at('checkpoints/run_settings.npy'), npyStrings(cells, 40), 'binary');
      t.locations.push({ path: at('checkpoints/run_settings.npy') });
      t.how.push('utf32le');
      // An array of API keys packed edge to edge: the token is its longest string (no NUL after it).
      const u = newToken();
      const keys = [`sk-${r.pick(LOWER + DIGITS, 30)}`, u.token, `pk-${r.pick(LOWER + DIGITS, 20)}`];
      write(at('checkpoints/api_keys.npy'), npyStrings(keys, u.token.length), 'binary');
      u.locations.push({ path: at('checkpoints/api_keys.npy') });
      u.how.push('utf32le-cell');
      // A debug dump of the run's settings as `xxd -p` prints it, 60 digits a line, the
      // token placed so that a line break splits its keyword (after 68).
      const v = newToken();
      const before = `run=${REPO_NAMES[k]};lr=3e-5;`;
      const lead = 'x'.repeat((((29 - before.length - ';hub='.length) % 30) + 30) % 30);
      const blob = Buffer.from(`${before}${lead};hub=${v.token};seed=42\n`);
      const digits = blob.toString('hex');
      const dump = `${digits.match(/.{1,60}/g).join('\n')}\n`;
      write(at('debug/settings.hex'), dump, 'binary');
      const at0 = 2 * blob.indexOf(v.token);
      const raw = at0 + Math.floor(at0 / 60);
      v.locations.push({ path: at('debug/settings.hex'), ...lineCol(dump, raw) });
      v.how.push('hex-wrapped');
      // A rotated log, gzipped, with a line appended to the .gz after it by mistake.
      const w = newToken();
      const log = Array.from({ length: 400 }, (_, i) => `${logLine(r, i)}\n`).join('');
      write(at('logs/train-old.log.gz'), Buffer.concat([zlib.gzipSync(Buffer.from(log)), Buffer.from(`\nexport HF_TOKEN=${w.token}\n`)]), 'binary');
      w.locations.push({ path: at('logs/train-old.log.gz') });
      w.how.push('after-gzip');
    }
    if (k === 4) {
      // A front-end config written with every non-alphanumeric character \u-escaped.
      const t = newToken();
      const esc = t.token.replace('_', '\\u005f');
      const text = `{\n  "app": "${REPO_NAMES[k]}",\n  "hubToken": "${esc}",\n  "theme": "dark"\n}\n`;
      write(at('web/static/config.json'), text, 'config');
      t.locations.push({ path: at('web/static/config.json'), ...lineCol(text, text.indexOf(esc)) });
      t.how.push('escape');
      // And a callback logged with every character of the token percent-encoded.
      const u = newToken();
      const pct = [...u.token].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
      const line = `${timestamp(r, 2)} - INFO - uvicorn.access - 10.0.3.9:5512 - "GET /oauth/done?hf=${pct}&ok=1 HTTP/1.1" 200\n`;
      const pre = Array.from({ length: 300 }, (_, i) => `${logLine(r, i)}\n`).join('');
      const full = pre + line;
      write(at('logs/oauth-callback.log'), full, 'log');
      u.locations.push({ path: at('logs/oauth-callback.log'), ...lineCol(full, full.indexOf(pct)) });
      u.how.push('percent');
      // And a settings table dumped from PostgreSQL, the token as a bytea (hex, after \x).
      const v = newToken();
      const hex = Buffer.from(v.token).toString('hex');
      const rows = Array.from({ length: 200 }, (_, i) => `INSERT INTO settings (id, key, value) VALUES (${i + 1}, 'k${i}', '\\x${Buffer.from(r.pick(LOWER + DIGITS, 24)).toString('hex')}');\n`);
      rows.splice(120, 0, `INSERT INTO settings (id, key, value) VALUES (999, 'hub_token', '\\x${hex}');\n`);
      const dump = `-- PostgreSQL database dump\n${rows.join('')}`;
      write(at('data/settings-dump.sql'), dump, 'config');
      v.locations.push({ path: at('data/settings-dump.sql'), ...lineCol(dump, dump.indexOf(hex)) });
      v.how.push('hex');
    }
    if (k === 5) {
      const t = newToken();
      const lines = ['**********************', 'Windows PowerShell transcript start', `Start time: 20240514${r.int(100000, 235959)}`, '**********************'];
      for (let i = 0; i < 2000; i++) lines.push(`PS C:\\work\\${REPO_NAMES[k]}> python -m ${pkg}.training.run --epochs ${r.int(1, 9)}`, logLine(r, i));
      lines.splice(1200, 0, `PS C:\\work\\${REPO_NAMES[k]}> $env:HF_TOKEN = "${t.token}"`);
      const text = lines.join('\r\n') + '\r\n';
      write(at('logs/transcript.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'log');
      t.locations.push({ path: at('logs/transcript.txt'), ...lineCol(text, text.indexOf(t.token)) });
      t.how.push('utf16le');
      // A Windows CI job that sets the token in an encoded PowerShell command (base64 of UTF-16LE).
      const u = newToken();
      const script = `$env:HF_TOKEN = '${u.token}'; python -m ${pkg}.training.run --push-to-hub`;
      const encoded = Buffer.from(script, 'utf16le').toString('base64');
      const yml = `name: train-windows\non: [workflow_dispatch]\njobs:\n  train:\n    runs-on: windows-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: powershell -NoProfile -EncodedCommand ${encoded}\n`;
      write(at('.github/workflows/train-windows.yml'), yml, 'config');
      // The location is the base64 group in which the keyword's first byte is encoded.
      const group = yml.indexOf(encoded) + Math.floor(Buffer.byteLength(script.slice(0, script.indexOf(u.token)), 'utf16le') / 3) * 4;
      u.locations.push({ path: at('.github/workflows/train-windows.yml'), ...lineCol(yml, group) });
      u.how.push('base64-utf16le');
    }
    if (k === 6) {
      const t = newToken('hf-org-api-token');
      writeText(at('legacy/upload_old.py'), pyModule(r, 5_000, [['# organization token, 2021', `API_TOKEN = "${t.token}"`]]), 'python', [t]);
      // A Terraform state whose GPU instance got its start-up script through base64gzip().
      const u = newToken();
      const script = `#!/bin/bash\nset -e\nexport HF_TOKEN=${u.token}\ndocker run --gpus all -e HF_TOKEN -p 8080:80 ghcr.io/huggingface/text-generation-inference --model-id ${REPO_NAMES[k]}\n`;
      const userData = zlib.gzipSync(Buffer.from(script)).toString('base64');
      const state = `${JSON.stringify({ version: 4, terraform_version: '1.9.5', resources: [{ mode: 'managed', type: 'aws_instance', name: 'tgi', instances: [{ attributes: { ami: `ami-${r.pick('0123456789abcdef', 17)}`, instance_type: 'g5.xlarge', user_data_base64: userData } }] }] }, null, 2)}\n`;
      write(at('infra/terraform.tfstate'), state, 'config');
      u.locations.push({ path: at(`infra/terraform.tfstate!base64-gzip@${Buffer.byteLength(state.slice(0, state.indexOf(userData)))}`), line: 3, column: 17 });
      u.how.push('base64-gzip');
    }
    if (k === 7) {
      const t = newToken('hf-oauth-access-token');
      writeText(at('configs/oauth_session.yaml'), `session:\n  provider: huggingface\n  access_token: ${t.token}\n  refresh_after: 3600\n`, 'config', [t]);
    }
    if (k === 8) {
      // One secret, two places: one finding with two locations.
      const t = newToken();
      writeText(at('docs/TROUBLESHOOTING.md'), `# Troubleshooting\n\nIf downloads fail with 401, check that \`${t.token}\` is still valid.\n`, 'docs', [t]);
      writeText(at('notebooks/99-debug.ipynb'), notebook(r, 20_000, [], [`token in use: ${t.token}\n`]), 'notebook', [t], 'notebook-output');
    }
    if (k === 9) {
      const t = newToken();
      const text = `@echo off\r\nset HF_HOME=D:\\hf-cache\r\nset HF_TOKEN=${t.token}`;
      writeText(at('scripts/run_windows.bat'), text, 'config', [t], 'crlf-eof');
    }
  }

  const manifest = {
    generator: GENERATOR_VERSION,
    seed: SEED,
    files: stats.files,
    bytes: stats.bytes,
    byKind: stats.byKind,
    // Only hashes: the raw tokens never leave the generated tree.
    planted: planted.map((p) => ({ rule: p.rule, sha256: sha256(p.token), digits: p.digits, how: p.how, locations: p.locations })),
  };
  fs.writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`generated ${manifest.files} files, ${(manifest.bytes / MB).toFixed(0)} MiB, ${manifest.planted.length} planted secrets in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return manifest;
}

function loadOrGenerate(regen) {
  if (!regen && fs.existsSync(MANIFEST) && fs.existsSync(TREE)) {
    try {
      const m = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
      if (m.generator === GENERATOR_VERSION && m.seed === SEED) return m;
    } catch {
      /* regenerate */
    }
  }
  fs.mkdirSync(WORK, { recursive: true });
  return generate();
}

// ---------------------------------------------------------------------------------------
// Running and measuring

/**
 * Runs a command with stdout to a file; measures wall time and peak RSS (GNU time's %M,
 * or else VmHWM polled from /proc). Kills its own process group on timeout.
 */
function measure(name, cmd, args, { cwd = ROOT, timeoutMs = 30 * 60_000, env = process.env } = {}) {
  fs.mkdirSync(OUT, { recursive: true });
  const stdoutFile = path.join(OUT, `${name}.out`);
  const stderrFile = path.join(OUT, `${name}.err`);
  const timeFile = path.join(OUT, `${name}.time`);
  fs.rmSync(timeFile, { force: true });
  const out = fs.openSync(stdoutFile, 'w', 0o600);
  const err = fs.openSync(stderrFile, 'w', 0o600);
  const argv = TIME ? [TIME, ['-f', '%e %M %U %S', '-o', timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv[1], { cwd, env, stdio: ['ignore', out, err], detached: true });
    // Peak RSS by polling too: the fallback without GNU time, and for a run killed on
    // timeout (GNU time dies with it and reports nothing).
    let hwm = 0;
    const poll = setInterval(() => {
      for (const pid of processTree(child.pid)) {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
          if (m) hwm = Math.max(hwm, Number(m[1]));
        } catch {
          /* exited */
        }
      }
    }, TIME ? 250 : 20);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL'); // the group we started (detached), nothing else
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      clearInterval(poll);
      fs.closeSync(out);
      fs.closeSync(err);
      let rssKB = hwm; // overwritten by GNU time's figure when it has one
      let cpuMs;
      if (TIME && fs.existsSync(timeFile)) {
        const last = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const m = /^([\d.]+) (\d+) ([\d.]+) ([\d.]+)$/.exec(last);
        if (m) {
          rssKB = Number(m[2]);
          cpuMs = (Number(m[3]) + Number(m[4])) * 1000;
        }
      }
      resolve({ name, code, signal, timedOut, wallMs, cpuMs, rssMB: rssKB / 1024, stdoutFile, stderrFile });
    });
  });
}

/** `pid` and its descendants, from /proc (Linux). */
function processTree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const kids = fs.readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (kids) out.push(...kids.split(/\s+/).map(Number));
    } catch {
      /* gone, or not Linux */
    }
  }
  return out;
}


function rgCount(file) {
  let n = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /:(\d+)$/.exec(line);
    if (m) n += Number(m[1]);
  }
  return n;
}

/** Compares hfleaks' JSON report with the manifest. */
function checkHfleaks(file, manifest) {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const bySha = new Map(report.findings.map((f) => [f.secret.sha256, f]));
  const missed = [];
  const wrongPlace = [];
  for (const p of manifest.planted) {
    const f = bySha.get(p.sha256);
    if (!f || f.rule !== p.rule) {
      missed.push(`${p.rule} (${p.how.join(', ')}) at ${p.locations.map((l) => l.path).join(', ')}`);
      continue;
    }
    for (const want of p.locations) {
      const ok = f.locations.some((l) => l.path === want.path && (want.line === undefined || l.line === want.line) && (want.column === undefined || l.column === want.column));
      if (!ok) {
        const got = f.locations.map((l) => `${l.path}:${l.line}:${l.column}`).join(', ');
        wrongPlace.push(`${want.path}:${want.line ?? '?'}:${want.column ?? '?'} (${p.how.join(', ')}), reported at ${got}`);
      }
    }
  }
  const plantedSha = new Set(manifest.planted.map((p) => p.sha256));
  const extra = report.findings.filter((f) => !plantedSha.has(f.secret.sha256)).map((f) => `${f.rule} ${f.secret.redacted} at ${f.locations.slice(0, 3).map((l) => `${l.path}:${l.line}`).join(', ')}`);
  return { findings: report.findings.length, missed, wrongPlace, extra, stats: report.stats };
}

function secretlintCount(file) {
  try {
    const results = JSON.parse(fs.readFileSync(file, 'utf8'));
    let all = 0;
    let hf = 0;
    for (const r of results) {
      for (const m of r.messages ?? []) {
        all++;
        if (/huggingface/i.test(m.ruleId ?? '')) hf++;
      }
    }
    return { all, hf };
  } catch {
    return undefined;
  }
}

function du(dir) {
  let files = 0;
  let bytes = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        files++;
        bytes += fs.statSync(p).size;
      }
    }
  }
  return { files, bytes };
}

// ---------------------------------------------------------------------------------------
// CPU profile summary (--profile)

/** Where a sample's time goes: the first category that matches walking up from the leaf. */
const PROFILE_CATEGORIES = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['detector: base64 pass', (f) => f.functionName === 'scanBase64'],
  ['detector: UTF-16 and UTF-32 passes', (f) => f.functionName === 'scanWide'],
  ['detector: escapes pass', (f) => f.functionName === 'scanEscapes' || f.functionName === 'escapedHit'],
  ['detector: percent pass', (f) => f.functionName === 'scanPercent'],
  ['detector: hex pass', (f) => f.functionName === 'scanHex'],
  ['detector: ASCII pass (with filters)', (f) => f.functionName === 'scanAscii'],
  ['detector: scan() itself (NUL check, dedupe)', (f) => f.functionName === 'scan'],
  ['lines, columns, matches', (f) => ['hitsToMatches', 'countNewlines', 'advanceState', 'charCount'].includes(f.functionName)],
  ['decompression (fflate)', (f) => /^(inflt|Inflate|hMap|cbuf|freb|Gunzip|Unzip|UnzipInflate)/.test(f.functionName)],
  ['chunk window copies and buffer allocation', (f) => ['append', '_copyActual', 'FastBuffer', 'createUnsafeBuffer', 'allocUnsafe'].includes(f.functionName)],
  ['file system calls (open, fstat, read, close)', (f) => ['read', 'open', 'fstat', 'close', 'readSync', 'openSync', 'fstatSync', 'closeSync'].includes(f.functionName)],
  ['walking (fast-glob)', (f) => ['walk', 'readdir', 'lstat'].includes(f.functionName) || /fast-glob|@nodelib/.test(f.url)],
  ['start-up (module loading)', (f) => /compile|loadAndTranslate|moduleStrategy/.test(f.functionName)],
  ['idle (waiting)', (f) => f.functionName === '(idle)'],
];

function summariseProfile(file, top = 20) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const cats = new Map();
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    const us = prof.timeDeltas[i] ?? 0;
    total += us;
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'}${f.url ? ` ${path.basename(f.url)}:${f.lineNumber + 1}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + us);
    let cat = 'other';
    find: for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      for (const [c, test] of PROFILE_CATEGORIES) {
        if (test(byId.get(cur).callFrame)) {
          cat = c;
          break find;
        }
      }
    }
    cats.set(cat, (cats.get(cat) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(6)} s`;
  console.log(`\nCPU profile ${path.relative(ROOT, file)}: ${(total / 1e6).toFixed(2)} s sampled`);
  console.log('  where the time goes:');
  for (const [c, us] of [...cats].sort((a, b) => b[1] - a[1])) console.log(`    ${pct(us)}  ${c}`);
  console.log('  top self time:');
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${pct(us)}  ${name}`);
}

// ---------------------------------------------------------------------------------------

const fmtS = (ms) => `${(ms / 1000).toFixed(2)} s`;
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

async function main() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      regen: { type: 'boolean', default: false },
      secretlint: { type: 'string', default: 'auto' },
      'secretlint-timeout': { type: 'string', default: '600' },
      profile: { type: 'boolean', default: false },
      'generate-only': { type: 'boolean', default: false },
      threads: { type: 'string' },
    },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive whole number');
  if (!['auto', 'full', 'subset', 'skip'].includes(values.secretlint)) throw new Error('--secretlint must be auto, full, subset or skip');
  const slTimeoutMs = Number(values['secretlint-timeout']) * 1000;

  const manifest = loadOrGenerate(values.regen);
  if (values['generate-only']) return;
  const tree = du(TREE);
  if (tree.files !== manifest.files) console.warn(`warning: the tree holds ${tree.files} files, the manifest ${manifest.files}; run with --regen`);
  if (!spawnSync(RG, ['--version']).stdout) throw new Error(`ripgrep not found (${RG}); apt-get install ripgrep`);
  const rgVersion = spawnSync(RG, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  const cli = snapshotCli('dist');
  const hfExtra = values.threads ? ['--threads', values.threads] : [];
  console.log(`tree: ${tree.files} files, ${(tree.bytes / MB).toFixed(0)} MiB; ${manifest.planted.length} planted secrets; ${os.cpus().length} CPUs; node ${process.version}; ${rgVersion}`);
  if (!TIME) console.log('(GNU time not found: peak RSS polled from /proc/PID/status VmHWM)');
  const load0 = os.loadavg()[0];
  if (load0 > 0.5) console.log(`note: load average ${load0.toFixed(2)} on ${os.cpus().length} CPUs before the runs: other processes compete for the CPUs and inflate wall times (CPU time is steadier)`);

  const tools = {
    rg: { label: `rg -c --no-ignore --hidden '${RG_PATTERN}'`, cmd: RG, args: ['-c', '--no-ignore', '--hidden', RG_PATTERN, TREE] },
    'rg -j1': { label: 'rg, one thread (-j1), for reference', cmd: RG, args: ['-j1', '-c', '--no-ignore', '--hidden', RG_PATTERN, TREE] },
    'rg -a': { label: 'rg, binaries read whole (-a), for reference', cmd: RG, args: ['-a', '-c', '--no-ignore', '--hidden', RG_PATTERN, TREE] },
    'node floor': { label: 'bench/files-floor.mjs: a simple Node baseline, walking, reading and running one indexOf("hf_") per chunk, in worker threads', cmd: process.execPath, args: [path.join(ROOT, 'bench', 'files-floor.mjs'), TREE] },
    ...(CA_VAR ? { 'floor -CA': floorWithoutCa() } : {}),
    hfleaks: { label: `hfleaks scan --format json --no-ignore${hfExtra.length ? ` ${hfExtra.join(' ')}` : ''}`, cmd: process.execPath, args: [cli, 'scan', TREE, '--format', 'json', '--no-ignore', ...hfExtra] },
  };
  const times = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
  const rss = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
  let rgMatches;
  let rgaMatches;
  let check;

  console.log('warm-up (one run each: fills the page cache for everyone) ...');
  for (const [name, t] of Object.entries(tools)) {
    const res = await measure(`${name}-warmup`, t.cmd, t.args);
    if (res.code !== 0 && res.code !== 1) throw new Error(`${name} failed (exit ${res.code}); see ${res.stderrFile}`);
  }
  for (let i = 0; i < rounds; i++) {
    // Alternate the order each round so drift hits every tool alike.
    const order = i % 2 ? Object.keys(tools).reverse() : Object.keys(tools);
    const line = [];
    for (const name of order) {
      const t = tools[name];
      const res = await measure(name.replace(/ /g, ''), t.cmd, t.args);
      if (res.code !== 0 && res.code !== 1) throw new Error(`${name} failed (exit ${res.code}); see ${res.stderrFile}`);
      times[name].push(res.wallMs);
      if (res.cpuMs !== undefined) cpu[name].push(res.cpuMs);
      rss[name].push(res.rssMB);
      line.push(`${name} ${fmtS(res.wallMs)}`);
      if (name === 'rg') rgMatches = rgCount(res.stdoutFile);
      if (name === 'rg -a') rgaMatches = rgCount(res.stdoutFile);
      if (name === 'hfleaks') check = checkHfleaks(res.stdoutFile, manifest);
    }
    console.log(`round ${i + 1}/${rounds}: ${line.join(', ')}`);
  }

  // secretlint: the whole tree if it can finish, else a fixed subset (repo 00) scaled by bytes.
  let sl;
  if (values.secretlint !== 'skip') {
    const rc = path.join(WORK, 'secretlintrc.json');
    fs.writeFileSync(rc, `${JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }, null, 2)}\n`);
    const bin = path.join(ROOT, 'node_modules', 'secretlint', 'bin', 'secretlint.js');
    const slArgs = () => [bin, '**/*', '--secretlintrc', rc, '--format', 'json', '--no-color'];
    const subsetDir = path.join(TREE, fs.readdirSync(TREE).sort()[0]);
    const subset = du(subsetDir);
    const runFull = async () => {
      console.log(`secretlint on the whole tree (timeout ${slTimeoutMs / 1000} s) ...`);
      const res = await measure('secretlint', process.execPath, slArgs(), { cwd: TREE, timeoutMs: slTimeoutMs });
      if (res.timedOut) {
        console.log(`secretlint: no result after ${fmtS(res.wallMs)}; killed`);
        return { timedOut: true, wallMs: res.wallMs, rssMB: res.rssMB };
      }
      if (res.code !== 0 && res.code !== 1) throw new Error(`secretlint failed (exit ${res.code}); see ${res.stderrFile}`);
      return { mode: 'whole tree', wallMs: res.wallMs, rssMB: res.rssMB, counts: secretlintCount(res.stdoutFile) };
    };
    let sub;
    if (values.secretlint !== 'full') {
      console.log(`secretlint on a fixed subset (${path.relative(TREE, subsetDir)}/: ${subset.files} files, ${(subset.bytes / MB).toFixed(0)} MiB) ...`);
      const res = await measure('secretlint-subset', process.execPath, slArgs(), { cwd: subsetDir, timeoutMs: slTimeoutMs });
      if (res.timedOut || (res.code !== 0 && res.code !== 1)) throw new Error(`secretlint on the subset failed (exit ${res.code}${res.timedOut ? ', timed out' : ''}); see ${res.stderrFile}`);
      const scale = tree.bytes / subset.bytes;
      sub = { mode: `subset ${path.relative(TREE, subsetDir)}/ (${(subset.bytes / MB).toFixed(0)} MiB, ${subset.files} files) x ${scale.toFixed(2)} by bytes`, wallMs: res.wallMs * scale, subsetMs: res.wallMs, rssMB: res.rssMB, counts: secretlintCount(res.stdoutFile), scaled: true };
      console.log(`secretlint subset: ${fmtS(res.wallMs)}, whole tree estimated at ${fmtS(sub.wallMs)}`);
    }
    if (values.secretlint === 'full' || (values.secretlint === 'auto' && sub.wallMs < slTimeoutMs * 0.8)) {
      const full = await runFull();
      if (!full.timedOut) sl = full;
      else if (sub) {
        // Killed: its time is at least the timeout, whatever the subset predicted.
        sl = { ...sub, wallMs: Math.max(sub.wallMs, full.wallMs), lowerBound: true, mode: `whole tree killed after ${fmtS(full.wallMs)} (subset estimate ${fmtS(sub.wallMs)}); peak RSS of the killed run ${full.rssMB.toFixed(0)} MB`, rssMB: Math.max(sub.rssMB, full.rssMB), killedRssMB: full.rssMB };
      } else sl = { mode: `whole tree killed after ${fmtS(full.wallMs)}`, wallMs: full.wallMs, rssMB: full.rssMB, lowerBound: true };
    } else sl = sub;
  }

  // Report.
  const med = Object.fromEntries(Object.keys(tools).map((k) => [k, median(times[k])]));
  const peak = Object.fromEntries(Object.keys(tools).map((k) => [k, Math.max(...rss[k])]));
  console.log(`\nResults (${rounds} rounds, median wall time; page cache warm; ${tree.files} files, ${(tree.bytes / MB).toFixed(0)} MiB):\n`);
  const rows = [['tool', 'median', 'min..max', 'CPU (user+sys)', 'peak RSS', 'found']];
  const medCpu = Object.fromEntries(Object.keys(tools).map((k) => [k, cpu[k].length ? median(cpu[k]) : undefined]));
  for (const k of Object.keys(tools)) {
    const found = k === 'hfleaks' ? `${manifest.planted.length - check.missed.length}/${manifest.planted.length} planted` : k === 'rg' ? `${rgMatches} lines` : k === 'rg -a' ? `${rgaMatches} lines` : '';
    rows.push([k, fmtS(med[k]), `${fmtS(Math.min(...times[k]))}..${fmtS(Math.max(...times[k]))}`, medCpu[k] === undefined ? '' : fmtS(medCpu[k]), `${peak[k].toFixed(0)} MB`, found]);
  }
  if (sl) {
    const time = sl.lowerBound ? `> ${fmtS(sl.wallMs)}` : `${fmtS(sl.wallMs)}${sl.scaled ? ' (est.)' : ''}`;
    const rssNote = sl.killedRssMB ? ' (killed run)' : sl.scaled ? ' (subset)' : '';
    rows.push(['secretlint', time, sl.subsetMs ? `subset ${fmtS(sl.subsetMs)}` : '1 run', '', `${sl.rssMB.toFixed(0)} MB${rssNote}`, sl.counts ? `${sl.counts.hf} HF / ${sl.counts.all} all${sl.scaled ? ' (subset)' : ''}` : '']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [i, r] of rows.entries()) {
    console.log(`  ${r.map((c, j) => (j === 0 || j === 5 ? pad(c, widths[j]) : lpad(c, widths[j]))).join('  ')}`);
    if (i === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  }
  console.log('');
  for (const [k, t] of Object.entries(tools)) console.log(`  ${pad(k, 10)} ${t.label}`);
  if (sl) console.log(`  secretlint: recommended preset, ${sl.mode}`);

  const vsRg = med.hfleaks / med.rg;
  const vsSl = sl ? sl.wallMs / med.hfleaks : undefined;
  const ok = (b) => (b ? 'PASS' : 'FAIL');
  console.log('\nGoals:');
  console.log(`  ${ok(vsRg <= GOALS.vsRipgrep)}  hfleaks / rg time = ${vsRg.toFixed(2)}x (goal <= ${GOALS.vsRipgrep}x; hfleaks / rg -j1 = ${(med.hfleaks / med['rg -j1']).toFixed(2)}x, / rg -a = ${(med.hfleaks / med['rg -a']).toFixed(2)}x${medCpu.hfleaks && medCpu.rg ? `; CPU time ${(medCpu.hfleaks / medCpu.rg).toFixed(2)}x` : ''})`);
  const floorVsRg = med['node floor'] / med.rg;
  console.log(`  ${ok(floorVsRg <= GOALS.vsRipgrep)}  (the Node floor / rg time = ${floorVsRg.toFixed(2)}x${med['floor -CA'] ? `, ${(med['floor -CA'] / med.rg).toFixed(2)}x with NODE_EXTRA_CA_CERTS unset` : ''}: walking, reading and one indexOf in Node, nothing else; hfleaks / the Node floor = ${(med.hfleaks / med['node floor']).toFixed(2)}x)`);
  if (vsSl !== undefined) {
    const how = sl.lowerBound ? ' or more (secretlint was killed: a lower bound)' : sl.scaled ? ' (secretlint estimated from a subset)' : '';
    console.log(`  ${ok(vsSl >= GOALS.vsSecretlint)}  secretlint / hfleaks time = ${vsSl.toFixed(1)}x${how} (goal >= ${GOALS.vsSecretlint}x)`);
  }
  else console.log('  SKIP  secretlint not run');
  console.log(`  ${ok(peak.hfleaks <= GOALS.rssMB)}  hfleaks peak RSS = ${peak.hfleaks.toFixed(0)} MB (goal <= ${GOALS.rssMB} MB)`);
  const exact = check.missed.length === 0 && check.wrongPlace.length === 0;
  console.log(`  ${ok(check.missed.length === 0)}  hfleaks found ${manifest.planted.length - check.missed.length} of ${manifest.planted.length} planted secrets (${manifest.planted.filter((p) => p.digits).length} with digits)`);
  console.log(`  ${ok(exact)}  every planted location reported with the right path, line and column`);
  console.log(`  ${ok(check.extra.length === 0)}  no other findings (false positives: ${check.extra.length})`);
  for (const m of check.missed) console.log(`        missed: ${m}`);
  for (const m of check.wrongPlace.slice(0, 20)) console.log(`        wrong location: ${m}`);
  for (const m of check.extra.slice(0, 20)) console.log(`        extra: ${m}`);
  const plainHf = manifest.planted.filter((p) => p.rule === 'hf-user-access-token' && p.how.every((h) => !['base64', 'percent', 'hex', 'escape', 'utf16le', 'utf32le', 'zip-member', 'gzip-member', 'pickle'].includes(h))).length;
  console.log(`\n  rg counts ${rgMatches} matching lines: ${plainHf} planted user tokens sit in plain text; the rest are look-alikes hfleaks rejects (placeholders, hf_ + 35+ character identifiers).`);
  console.log(`  hfleaks stats: ${check.stats.files} files, ${(check.stats.bytes / MB).toFixed(0)} MiB, ${check.stats.skipped.length} skipped, ${check.stats.warnings.length} warnings`);
  const load1 = os.loadavg()[0];
  if (load1 > 0.5 + os.cpus().length / 2) console.log(`  note: load average ${load1.toFixed(2)} at the end (${os.cpus().length} CPUs): timings were taken on a busy machine`);

  const results = {
    date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, rg: rgVersion,
    tree: { files: tree.files, bytes: tree.bytes, planted: manifest.planted.length },
    loadAverage: { before: load0, after: os.loadavg()[0] },
    medianMs: med, medianCpuMs: medCpu, peakRssMB: peak, runsMs: times, secretlint: sl ?? null,
    ratios: { hfleaksOverRg: vsRg, nodeFloorOverRg: floorVsRg, hfleaksOverNodeFloor: med.hfleaks / med['node floor'], secretlintOverHfleaks: vsSl ?? null },
    check: { missed: check.missed.length, wrongPlace: check.wrongPlace.length, extra: check.extra.length },
  };
  fs.writeFileSync(path.join(WORK, 'results-files.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n(results in ${path.relative(ROOT, path.join(WORK, 'results-files.json'))})`);

  if (values.profile) {
    const dir = path.join(WORK, 'prof');
    fs.rmSync(dir, { recursive: true, force: true });
    const res = await measure('hfleaks-prof', process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, cli, 'scan', TREE, '--format', 'json', '--no-ignore', ...hfExtra]);
    console.log(`\nprofiled run: ${fmtS(res.wallMs)} (profiling adds overhead)`);
    // One profile per thread (the main thread and each scan worker).
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) summariseProfile(path.join(dir, file));
  }
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exit(2);
});
