// The config file: `--config FILE`, else `.hfleaks.json` at the scanned root.
//   { "rules": [ ...rules in the rules/ format... ],
//     "disableRules": ["rule-id"],
//     "maxFileSize": "512MB",
//     "archiveDepth": 3 }
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { displayPath, outside, readSettingsFile } from './core/files.ts';
import { parseJson } from './core/json-error.ts';
import type { Rule } from './core/types.ts';
import { isArchiveDepth } from './detect/content.ts';
import { createDetector } from './detect/detector.ts';
import { scanWhole } from './detect/scanner.ts';
import { builtinRules } from './rules/builtin.ts';
import { RuleError, mergeRules, parseRule } from './rules/load.ts';
import { expandTemplate, tokenGenerator } from './rules/template.ts';

export interface Config {
  rules: Rule[];
  maxFileSize?: number;
  archiveDepth?: number;
  /** Where the config came from, if anywhere. */
  file?: string;
  /** Found in a directory above the scan root (said in a note: it decides what is looked for). */
  above?: boolean;
  /** Built-in rules the config turns off (said in a warning: a repository's own config can). */
  disabledBuiltins?: string[];
}

export const DEFAULT_CONFIG_NAMES = ['.hfleaks.json'];

/** Files and blobs larger than this are skipped (and listed) unless --max-file-size says otherwise. */
const DEFAULT_MAX_FILE_SIZE = 512 << 20;

/** The size cap: --max-file-size, else the config file's maxFileSize, else the default. */
export function maxFileSizeOf(flag: string | undefined, config: Config): number {
  return flag !== undefined ? parseSize(flag, '--max-file-size') : config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
}

/** Parses sizes such as 512MB, 1GiB, 1048576. */
export function parseSize(v: string | number, what: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(String(v));
  if (!m) throw new RuleError(`${what}: "${v}" is not a size (try 100MB)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

/** A config file is a few rules: anything larger than MAX_SETTINGS_BYTES is not one. */
const readConfig = (path: string, shown: string): string => readSettingsFile(path, shown, 'config')!;

/**
 * The default config's place (or, with `names`, another file's, such as .hfleaksignore):
 * `.hfleaks.json` in the scan root, else in the nearest directory above it up to the top
 * of its git work tree (`scan src` in a project reads the project's config), or up to
 * `cwd` outside a repository.
 */
export function findConfig(root: string, cwd: string, names = DEFAULT_CONFIG_NAMES): { path: string; shown: string; above: boolean } | undefined {
  // (Shown as a path from the working directory, where the user can open it.)
  const tree = workTreeTop(root);
  // (Someone else's checkout named as the root: its config, nothing above it.)
  const stop = tree.top ?? tree.foreign ?? (outside(relative(cwd, root)) ? root : resolve(cwd));
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    // Someone else's repository: nothing at its top or above it decides this scan, but
    // the directory the user named (a checkout mounted into a container, `sudo`).
    if (dir === tree.foreign && dir !== resolve(root)) return undefined;
    for (const name of names) {
      const path = join(dir, name);
      // (`above`: in a directory above the root, the project's around it.)
      if (existsSync(path)) return { path, shown: displayPath(resolve(cwd), path), above: dir !== resolve(root) };
    }
    if (dir === stop || dirname(dir) === dir) return undefined;
  }
}


/**
 * The git work tree holding `dir`: the nearest directory above it with a `.git` that is a
 * repository (a directory with HEAD, or a gitfile), as `top` when this user owns it, as
 * `foreign` when someone else does. Anyone can create /tmp/.git; a config found through
 * one must not decide this scan (git itself refuses such repositories since
 * CVE-2022-24765).
 */
function workTreeTop(dir: string): { top?: string; foreign?: string } {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const git = join(d, '.git');
    try {
      const st = statSync(git);
      const real = st.isDirectory() ? existsSync(join(git, 'HEAD')) : readFileSync(git, 'utf8').startsWith('gitdir:');
      const mine = process.getuid === undefined || st.uid === process.getuid();
      if (real) return mine ? { top: d } : { foreign: d };
    } catch {
      /* no .git here */
    }
    if (dirname(d) === d) return {};
  }
}

export function loadConfig(root: string, explicit: string | undefined, cwd = root): Config {
  let file: string | undefined;
  let text: string | undefined;
  let above = false;
  if (explicit) {
    file = explicit;
    text = readConfig(resolve(cwd, explicit), explicit);
  } else {
    const found = findConfig(root, cwd);
    if (found) {
      file = found.shown;
      text = readConfig(found.path, found.shown);
      above = found.above;
    }
  }
  if (text === undefined || file === undefined) return { rules: builtinRules() };
  const data = parseJson(text, (problem) => new RuleError(`${file}: ${problem}`));
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new RuleError(`${file}: must hold a JSON object`);
  const o = data as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['rules', 'disableRules', 'maxFileSize', 'archiveDepth', '$schema'].includes(k)) {
      throw new RuleError(`${file}: field "${k}" is not a known config field (rules, disableRules, maxFileSize, archiveDepth)`);
    }
  }
  if (o.rules !== undefined && !Array.isArray(o.rules)) throw new RuleError(`${file}: field "rules" must be a list of rules`);
  const own = ((o.rules as unknown[] | undefined) ?? []).map((r, i) => {
    try {
      return parseRule(r, file!);
    } catch (e) {
      throw new RuleError((e as Error).message.replace(`${file}: `, `${file}: rules[${i}]: `));
    }
  });
  checkExamples(file, own);
  let rules = mergeRules(builtinRules(), own);
  let disabledBuiltins: string[] = [];
  if (o.disableRules !== undefined) {
    if (!Array.isArray(o.disableRules) || o.disableRules.some((x) => typeof x !== 'string')) {
      throw new RuleError(`${file}: field "disableRules" must be a list of rule ids`);
    }
    const off = new Set(o.disableRules as string[]);
    for (const id of off) if (!rules.some((r) => r.id === id)) throw new RuleError(`${file}: field "disableRules": no rule "${id}"`);
    disabledBuiltins = rules.filter((r) => r.trusted && off.has(r.id)).map((r) => r.id);
    rules = rules.filter((r) => !off.has(r.id));
    if (!rules.length) throw new RuleError(`${file}: field "disableRules" turns off every rule: nothing would be looked for`);
  }
  const cfg: Config = { rules, file, ...(above ? { above: true } : {}), ...(disabledBuiltins.length ? { disabledBuiltins } : {}) };
  if (o.maxFileSize !== undefined) {
    if (typeof o.maxFileSize !== 'string' && typeof o.maxFileSize !== 'number') throw new RuleError(`${file}: field "maxFileSize" must be a size ("100MB") or a number of bytes`);
    cfg.maxFileSize = parseSize(o.maxFileSize, `${file}: field "maxFileSize"`);
  }
  if (o.archiveDepth !== undefined) {
    if (!isArchiveDepth(o.archiveDepth)) {
      throw new RuleError(`${file}: field "archiveDepth" must be a whole number from 0 to 10`);
    }
    cfg.archiveDepth = o.archiveDepth;
  }
  return cfg;
}

/**
 * A config rule's own examples must hold when it loads, as the built-in rules' do in the
 * test suite: a rule that misses its positive example would otherwise scan for nothing,
 * silently. Messages name the example by index, never its (expanded) text.
 */
function checkExamples(file: string, own: Rule[]): void {
  own.forEach((rule, i) => {
    const detector = createDetector([rule]);
    const check = (list: readonly string[], want: boolean, which: string) =>
      list.forEach((template, k) => {
        let text: string;
        try {
          text = expandTemplate(template, tokenGenerator(1000 + k));
        } catch (e) {
          throw new RuleError(`${file}: rules[${i}] ("${rule.id}"): examples.${which}[${k}]: ${(e as Error).message}`);
        }
        const hit = scanWhole(detector, Buffer.from(text)).some((m) => m.ruleId === rule.id);
        if (hit !== want) {
          throw new RuleError(`${file}: rules[${i}] ("${rule.id}"): examples.${which}[${k}] ${want ? 'is not found' : 'is found'}; fix the pattern, keywords or filters, or the example`);
        }
      });
    check(rule.examples.positive, true, 'positive');
    check(rule.examples.negative, false, 'negative');
  });
}
