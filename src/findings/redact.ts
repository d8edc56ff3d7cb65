// Redaction: every output shows at most the token's prefix and the first and last two
// characters of its body, unless the user opts in with --show-secrets.
import { nextTurn } from '../core/turn.ts';

const PREFIXES = ['hf_oauth__refresh_', 'hf_oauth_', 'hf_jwt_', 'api_org_', 'hf_'];

export function redact(secret: string, prefixes: readonly string[] = PREFIXES): string {
  const prefix = [...prefixes].sort((a, b) => b.length - a.length).find((p) => secret.startsWith(p)) ?? '';
  const body = secret.slice(prefix.length);
  if (body.length < 8) return `${prefix}…`;
  return `${prefix}${body.slice(0, 2)}…${body.slice(-2)}`;
}

/**
 * The forms a secret takes in text someone else wrote: a server that echoes a token back
 * (in a name, in an error message) may give it whole, as base64, or as its body without
 * the prefix.
 */
function echoForms(secret: string): string[] {
  const b64 = Buffer.from(secret).toString('base64');
  const forms = [secret, b64, b64.replace(/=+$/, ''), Buffer.from(secret).toString('base64url')];
  const body = echoedBody(secret);
  if (body !== undefined) forms.push(body);
  return [...new Set(forms)];
}

/**
 * A secret's body without its prefix, as a server may echo it; undefined when too short
 * to tell from ordinary text (real token bodies are 34 characters or more).
 */
function echoedBody(secret: string): string | undefined {
  const prefix = PREFIXES.find((p) => secret.startsWith(p)) ?? '';
  const body = secret.slice(prefix.length);
  return body.length >= 16 ? body : undefined;
}

/**
 * Whether `text` holds the secret, or its body as a server may echo it, in any case:
 * for text that was lowercased on the way (a host name out of a URL parser), out of
 * reach of the scrubbing, which matches the secret as it is.
 */
export function holdsSecretAnyCase(text: string, secret: string): boolean {
  const t = text.toLowerCase();
  const body = echoedBody(secret);
  return t.includes(secret.toLowerCase()) || (body !== undefined && t.includes(body.toLowerCase()));
}

/**
 * The base64 text that every encoding of a longer string holding `plain` contains
 * (`Bearer TOKEN`, `user:TOKEN`), whatever comes before it: one per byte offset modulo
 * 3, without the characters at each end that mix in the neighbouring bytes. In standard
 * and URL-safe base64.
 */
function base64Cores(plain: string): string[] {
  const bytes = Buffer.from(plain);
  // Two zero bytes, then `plain`: offset k encodes from 2 - k.
  const padded = Buffer.alloc(bytes.length + 2);
  bytes.copy(padded, 2);
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const b64 = padded.toString('base64', 2 - offset);
    // A base64 character holds 6 bits: keep those whose bits all come from `plain`.
    const first = Math.ceil((8 * offset) / 6);
    const last = Math.floor((8 * (offset + bytes.length) - 6) / 6);
    const core = b64.slice(first, last + 1);
    cores.push(core, core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return cores;
}

/** The base64 echoes of a secret inside longer encoded text: of the token whole and of its body. */
function embeddedForms(secret: string): string[] {
  const body = echoedBody(secret);
  const forms = base64Cores(secret);
  if (body !== undefined && body !== secret) forms.push(...base64Cores(body));
  // Too short a core could turn up by chance.
  return [...new Set(forms)].filter((f) => f.length >= 20);
}

/** Forms are looked up by their first KEY characters, so the cost doesn't grow with the number of secrets. */
const KEY = 16;
/** The characters tokens, their base64 and base64url forms are made of. */
const FORM_CHARS = /^[A-Za-z0-9_+/=.-]+$/;
const RUN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=.-') RUN_CHAR[c.charCodeAt(0)] = 1;
const runChar = (s: string, i: number): boolean => RUN_CHAR[s.charCodeAt(i)] === 1; // (undefined past 127)

// Keys are first looked for by a hash of KEY characters, rolled along the text one
// character at a time: no string is cut out at each place, only where a key may start.
const MUL = 0x01000193;
let MUL_TOP = 1; // MUL ** (KEY - 1), 32-bit
for (let k = 1; k < KEY; k++) MUL_TOP = Math.imul(MUL_TOP, MUL);
function keyHash(s: string, i: number): number {
  let h = 0;
  for (let k = 0; k < KEY; k++) h = (Math.imul(h, MUL) + s.charCodeAt(i + k)) | 0;
  return h;
}
/** keyHash(s, i + 1) from keyHash(s, i). */
function rollHash(h: number, s: string, i: number): number {
  return (Math.imul((h - Math.imul(s.charCodeAt(i), MUL_TOP)) | 0, MUL) + s.charCodeAt(i + KEY)) | 0;
}

interface Form {
  form: string;
  shown: string;
  /** Found inside base64 text: the whole base64 run around it is replaced. */
  encoded?: boolean;
}

const B64_CHAR = /[A-Za-z0-9+/_-]/;

/**
 * A function that redacts every form of the given secrets in free text (error messages,
 * logs, what the Hub says back). Made once for many texts: a report can hold thousands of
 * secrets and of strings, most of them repeated (a playbook's steps, an owner's name), so
 * each distinct text is scrubbed once.
 */
export function scrubber(secrets: Iterable<string>): (text: string) => string {
  const list = [...secrets];
  // The report's end asks twice for the same secrets (what the Hub said, then the
  // report's free text): a thousand tokens' forms cost about 50 ms to build.
  const id = JSON.stringify(list);
  if (last?.id !== id) {
    const forms = newFormIndex();
    for (const s of list) addForms(forms, s);
    last = { id, scrub: scrubWith(forms) };
  }
  return last.scrub;
}

/**
 * scrubber(), built a slice of secrets at a time with the event loop let through between
 * slices: verification builds it while the Hub's answers come in, instead of holding
 * them up (or the report's end) for the tens of milliseconds a thousand secrets take.
 * Later calls of scrubber() with the same secrets get this one.
 */
export async function scrubberSoon(secrets: Iterable<string>, slice = 64): Promise<(text: string) => string> {
  const list = [...secrets];
  const id = JSON.stringify(list);
  if (last?.id === id) return last.scrub;
  const forms = newFormIndex();
  for (let i = 0; i < list.length; i += slice) {
    if (i > 0) await nextTurn();
    for (const s of list.slice(i, i + slice)) addForms(forms, s);
  }
  last = { id, scrub: scrubWith(forms) };
  return last.scrub;
}

/** The last scrubber built, by the secrets it was built for. */
let last: { id: string; scrub: (text: string) => string } | undefined;

/** The forms of secrets to look for: long ones by their first KEY characters, the rest whole. */
interface FormIndex {
  byKey: Map<string, Form[]>;
  /** keyHash of every key of byKey. */
  hashes: Set<number>;
  short: Form[];
}

function newFormIndex(): FormIndex {
  return { byKey: new Map(), hashes: new Set(), short: [] };
}

function addForms({ byKey, hashes, short }: FormIndex, s: string): void {
  if (!s) return;
  const shown = redact(s);
  const forms: Form[] = [...echoForms(s).map((form) => ({ form, shown })), ...embeddedForms(s).map((form) => ({ form, shown, encoded: true }))];
  for (const f of forms) {
    const { form } = f;
    // (A form with a character runs never hold, from a config rule, is looked for whole.)
    if (form.length < KEY || !FORM_CHARS.test(form)) short.push(f);
    else {
      const key = form.slice(0, KEY);
      const bucket = byKey.get(key);
      if (bucket) bucket.push(f);
      else {
        byKey.set(key, [f]);
        hashes.add(keyHash(key, 0));
      }
    }
  }
}

function scrubWith({ byKey, hashes, short }: FormIndex): (text: string) => string {
  const done = new Map<string, string>();
  return (text) => {
    let out = done.get(text);
    if (out === undefined) done.set(text, (out = scrubOnce(text)));
    return out;
  };
  function scrubOnce(text: string): string {
    let out = text;
    for (const f of short) if (out.includes(f.form)) out = out.split(f.form).join(f.shown);
    if (!byKey.size || out.length < KEY) return out;
    // Every form is made of token characters: only runs of them long enough are looked
    // at (prose has few), left to right, the longest form that starts at each place.
    let result = '';
    let kept = 0;
    const longestAt = (i: number): Form | undefined =>
      byKey
        .get(out.slice(i, i + KEY))
        ?.filter((f) => out.startsWith(f.form, i))
        .reduce<Form | undefined>((a, b) => (a && a.form.length >= b.form.length ? a : b), undefined);
    for (let start = 0; start < out.length; ) {
      if (!runChar(out, start)) {
        start++;
        continue;
      }
      let end = start;
      while (end < out.length && runChar(out, end)) end++;
      let i = Math.max(start, kept);
      let h = i + KEY <= end ? keyHash(out, i) : 0;
      while (i + KEY <= end) {
        const hit = hashes.has(h) ? longestAt(i) : undefined;
        if (!hit) {
          if (i + KEY < end) h = rollHash(h, out, i);
          i++;
          continue;
        }
        let from = i;
        i += hit.form.length;
        if (hit.encoded) {
          // The characters around a base64 echo still encode bits of the token: the whole
          // encoded run goes.
          while (from > kept && B64_CHAR.test(out[from - 1]!)) from--;
          while (i < end && B64_CHAR.test(out[i]!)) i++;
          while (i < end && out[i] === '=') i++;
        }
        result += out.slice(kept, from) + hit.shown;
        kept = i;
        if (i + KEY <= end) h = keyHash(out, i);
      }
      start = end;
    }
    return result + out.slice(kept);
  }
}

/** Replaces every form of the given secrets in free text (see scrubber). */
export function scrub(text: string, secrets: Iterable<string>): string {
  return scrubber(secrets)(text);
}

/** A defensive pass over any text: redacts whatever still looks like a token. */
export function scrubTokenShapes(text: string): string {
  return text.replace(/(hf_oauth_|hf_jwt_|api_org_|hf_)([A-Za-z0-9_.-]{20,})/g, (m) => redact(m));
}

/**
 * Redacts token-shaped runs in a path (a file named after a token): the detector's
 * boundaries would let `cache_hf_…` pass as glued to a word, and a loose pattern would
 * redact ordinary names like `hf_hub_download.py`, so the token's own shape is matched,
 * wherever it starts.
 */
export function scrubPathTokens(path: string): string {
  if (!path.includes('hf_') && !path.includes('api_org_')) return path;
  return path
    .replace(/(?:hf_oauth_|hf_jwt_)eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, (m) => redact(m))
    .replace(/(?:api_org_|hf_)[A-Za-z0-9]{34}(?![A-Za-z0-9])/g, (m) => redact(m));
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Removes e-mail addresses from free text (an author name or a Hub full name can be one). */
export function removeEmails(s: string): string {
  // (Most texts hold no @: the pattern, tried at every letter, is what costs.)
  return s.includes('@') ? s.replace(EMAIL, '[e-mail removed]') : s;
}

/**
 * Control characters (C0, DEL, C1), line separators and the bidirectional embedding,
 * override and isolate controls (which reorder what follows them on screen), shown escaped.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text from outside (file names, git authors, Hub names) made safe to print on one line:
 * a crafted name can't start a new line (a fake report line, or a GitHub workflow
 * command such as `::error::`), drive the terminal with escape sequences, or reverse
 * the text after it.
 */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, (ch) => NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A message that names things from outside (files, paths, git's words), made safe to
 * print on one line: a token's own shape redacted (a loose pattern would also redact
 * `hf_hub_download_utils.py`, the file the user needs named), control characters escaped.
 */
export function shownText(text: string): string {
  return escapeControls(scrubPathTokens(text));
}

/** A plain value (strings, arrays, objects) with every string in it passed through `f`. */
export function mapStrings<T>(value: T, f: (s: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return f(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
