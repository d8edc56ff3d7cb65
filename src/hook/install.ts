// Installs and removes the git pre-commit hook that runs `hfleaks staged`.
// Respects core.hooksPath; an existing hook is left alone unless --force, which keeps
// it and chains it (it runs first); uninstall removes only what install wrote.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { gitEnv, gitMessage, gitOutput } from '../sources/git/run.ts';

export const MARKER = '# hfleaks pre-commit hook';
/** A line holding a digest of the rest of the hook: an edit since install changes it. */
const DIGEST = /^# hfleaks-digest: ([0-9a-f]{16})\n/m;

const digestOf = (script: string) => createHash('sha256').update(script).digest('hex').slice(0, 16);
export const PREVIOUS = 'pre-commit.hfleaks-previous';

export class HookError extends Error {}

/**
 * The hooks directory git uses for this repository: core.hooksPath honoured, and GIT_DIR
 * and GIT_WORK_TREE, as every other command honours them (the hook must go where git
 * will look for it).
 */
export async function hooksDir(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const ctx = { cwd, env: gitEnv(env, false) };
  // (git that can't start at all, not installed or not on PATH, is no fault of the directory.)
  const git = (args: string[]) => gitOutput(ctx, args).catch((e: unknown) => Promise.reject(new HookError((e as Error).message)));
  const out = (r: { stdout: Buffer }) => r.stdout.toString('utf8');
  const rev = await git(['rev-parse', '--git-path', 'hooks']);
  if (rev.code !== 0) {
    const msg = gitMessage(rev.stderr || `exit ${rev.code}`);
    throw new HookError(/not a git repository/i.test(msg) ? `${cwd}: not a git repository` : `${cwd}: ${msg}`);
  }
  const rel = out(rev).trim();
  // Set to nothing, core.hooksPath turns hooks off (git looks for /pre-commit); unset,
  // git config exits 1.
  const config = await git(['config', '--get', 'core.hooksPath']);
  const hooksPath = config.code === 0 ? out(config).replace(/\n$/, '') : undefined;
  if (hooksPath !== undefined && !hooksPath.trim()) {
    throw new HookError('core.hooksPath is set to nothing, which turns git hooks off; unset it (git config --unset core.hooksPath) or name a directory, then install again');
  }
  let dir: string;
  if (isAbsolute(rel)) dir = rel;
  else if (hooksPath && !isAbsolute(hooksPath)) {
    // --git-path answers relative to the working directory, except a relative
    // core.hooksPath, which is relative to the top of the work tree.
    const shown = await git(['rev-parse', '--show-toplevel']);
    const top = shown.code === 0 ? out(shown).trim() : '';
    dir = join(top || cwd, hooksPath);
  } else dir = join(cwd, rel);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new HookError(`git's hooks directory ${dir} is not a directory${hooksPath ? ' (core.hooksPath; /dev/null there turns hooks off)' : ''}; no hook installed`);
  }
  return dir;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The hook script: runs this hfleaks by absolute path, and explains a blocked commit. */
export function hookScript(node: string, cli: string, chained: boolean): string {
  const script = hookBody(node, cli, chained);
  const at = script.indexOf('\n', script.indexOf(MARKER)) + 1;
  return `${script.slice(0, at)}# hfleaks-digest: ${digestOf(script)}\n${script.slice(at)}`;
}

function hookBody(node: string, cli: string, chained: boolean): string {
  return `#!/bin/sh
${MARKER} (installed by \`hfleaks hook install\`; remove with \`hfleaks hook uninstall\`)
# Scans only what this commit adds, offline. Skip it once with: git commit --no-verify
${chained ? `# git runs a hook only if it is executable; so does this chain.\nPREVIOUS="$(dirname "$0")/${PREVIOUS}"\nif [ -x "$PREVIOUS" ]; then "$PREVIOUS" "$@" || exit $?; fi\n` : ''}# The scan is offline, but Node 20 parses every root certificate at start-up when
# NODE_EXTRA_CA_CERTS is set: tens of milliseconds on every commit for nothing.
unset NODE_EXTRA_CA_CERTS
NODE=${q(node)}
[ -x "$NODE" ] || NODE=node
HFLEAKS_CLI=${q(cli)}
if [ -f "$HFLEAKS_CLI" ]; then
  "$NODE" "$HFLEAKS_CLI" staged
elif TOP=$(git rev-parse --show-toplevel 2>/dev/null) && [ -x "$TOP/node_modules/.bin/hfleaks" ]; then
  "$TOP/node_modules/.bin/hfleaks" staged
elif command -v hfleaks >/dev/null 2>&1; then
  hfleaks staged
else
  # No scanner, no scan: say so (exit 2) rather than "token found" or a silent pass.
  echo "hfleaks: not found at $HFLEAKS_CLI, in this project's node_modules or on PATH; commit blocked, nothing was scanned. Run 'hfleaks hook install' again from where hfleaks is installed, or skip the hook once with: git commit --no-verify" >&2
  exit 2
fi
status=$?
if [ "$status" -eq 1 ]; then
  cat >&2 <<'EOF_HFLEAKS'

Commit blocked by hfleaks: it would add the Hugging Face token(s) above.
  - Remove the token from the staged file, then stage the file again.
  - Read the token from the environment instead (HF_TOKEN, or \`hf auth login\`).
  - Not a real token (a test fixture)? Put \`hfleaks:allow\` in a comment on that line.
  - A token that ever left your machine must be revoked: \`hfleaks revoke\` (reads it from stdin).
EOF_HFLEAKS
fi
exit $status
`;
}

/**
 * Whether hfleaks wrote the hook at `path`: 'edited' when its digest says it changed
 * since; 'undigested' when it has none (written before digests were, or its line
 * deleted), which can't tell.
 */
function ours(path: string): 'unedited' | 'edited' | 'undigested' | false {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  if (!text.includes(MARKER)) return false;
  const m = DIGEST.exec(text);
  if (!m) return 'undigested';
  return digestOf(text.replace(DIGEST, '')) === m[1] ? 'unedited' : 'edited';
}

const EDITED = 'was edited after hfleaks installed it; left alone: take the hfleaks lines out (or delete it) yourself';
const UNDIGESTED = "has no digest of what hfleaks wrote, so it can't tell whether you edited it; left alone: delete it yourself if it is hfleaks' own";
const EDITED_COPY = 'pre-commit.hfleaks-edited';

/**
 * Whether husky manages the hooks in `dir`. Its hooks find the user's script by their own
 * name (husky 9: .husky/_/pre-commit runs .husky/pre-commit; husky 4 reads package.json
 * by it): kept under another name to chain it, the user's hook silently stops running.
 */
function huskyManaged(dir: string): boolean {
  // core.hooksPath set to husky's directories (9: .husky/_, 5 to 8: .husky), even where
  // they are gone (a `git clean -dfx`): husky writes them again at its next install.
  if (/(^|[\\/])\.husky([\\/]_)?[\\/]*$/.test(dir)) return true;
  // husky 4 and 9 keep a husky.sh beside their hooks (9's is empty: its script is h),
  // husky 5 to 8 in _/ below the user's scripts.
  if (existsSync(join(dir, 'husky.sh')) || existsSync(join(dir, '_', 'husky.sh'))) return true;
  try {
    return readFileSync(join(dir, 'h'), 'utf8').includes('husky');
  } catch {
    return false;
  }
}

export interface InstallOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  force: boolean;
  node: string;
  cli: string;
}

/** Installs the hook; returns a sentence saying what was done. */
export async function installHook(o: InstallOptions): Promise<string> {
  const dir = await hooksDir(o.cwd, o.env);
  if (huskyManaged(dir)) {
    throw new HookError(`husky manages the git hooks in ${dir}; left alone: add the line \`npx --no-install hfleaks staged\` to .husky/pre-commit instead`);
  }
  mkdirSync(dir, { recursive: true });
  const hook = join(dir, 'pre-commit');
  const previous = join(dir, PREVIOUS);
  let chained = existsSync(previous);
  let what = `installed ${hook}`;
  const mine = ours(hook);
  if (mine === 'edited' && !o.force) throw new HookError(`${hook} ${EDITED} (--force writes hfleaks' own in its place and keeps it as ${EDITED_COPY})`);
  // (One without a digest, an older hfleaks' most likely, is replaced too: kept aside, in case.)
  if (mine === 'edited' || mine === 'undigested') {
    if (existsSync(join(dir, EDITED_COPY))) throw new HookError(`${join(dir, EDITED_COPY)} already exists; move it away first`);
    renameSync(hook, join(dir, EDITED_COPY));
    what = `installed ${hook}; the one before was kept as ${EDITED_COPY}`;
  }
  if (existsSync(hook) && !mine) {
    if (!o.force) {
      throw new HookError(`${hook} exists and is not hfleaks'; left alone (--force keeps it and runs it before hfleaks)`);
    }
    if (chained) throw new HookError(`${previous} already exists; move it away first`);
    renameSync(hook, previous);
    chained = true;
    what = `installed ${hook}; the existing hook was kept as ${PREVIOUS} and runs first`;
  } else if (existsSync(hook)) {
    what = `updated ${hook}`;
  }
  writeFileSync(hook, hookScript(o.node, o.cli, chained), { mode: 0o755 });
  chmodSync(hook, 0o755);
  return what;
}

/** Removes only the hook install wrote, restoring a chained one. */
export async function uninstallHook(cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const dir = await hooksDir(cwd, env);
  const hook = join(dir, 'pre-commit');
  const previous = join(dir, PREVIOUS);
  if (!existsSync(hook)) return `no pre-commit hook in ${dir}; nothing to do`;
  const mine = ours(hook);
  if (!mine) throw new HookError(`${hook} was not installed by hfleaks; left alone`);
  if (mine === 'edited' || mine === 'undigested') throw new HookError(`${hook} ${mine === 'edited' ? EDITED : UNDIGESTED}`);
  rmSync(hook);
  if (existsSync(previous)) {
    renameSync(previous, hook);
    return `removed the hfleaks hook; restored the previous ${hook}`;
  }
  return `removed ${hook}`;
}
