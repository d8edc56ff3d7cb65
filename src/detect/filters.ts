// Filters that tell a real token from a placeholder or an identifier. They look only
// at the token's body (what follows the keyword).

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

// Words that make up placeholders such as "yourHuggingFaceTokenGoesHere". One word can
// occur in a random token by chance (about 1 in 6,000 would hold one); two almost never.
const PLACEHOLDER_WORDS = [
  'your', 'token', 'example', 'placeholder', 'dummy', 'fake', 'sample', 'redacted', 'secret', 'changeme', 'insert',
  'replace', 'hugging', 'face', 'here', 'access', 'test', 'goes', 'enter', 'paste', 'mock', 'invalid', 'xxx',
];

function longestRun(s: string, step: (a: number, b: number) => boolean): number {
  let best = s.length ? 1 : 0;
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    run = step(s.charCodeAt(i - 1), s.charCodeAt(i)) ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** The longest run of consecutive characters going up or down (`abcd`, `zyx`, `1234`). */
function alphabetRun(s: string): number {
  return Math.max(longestRun(s, (a, b) => b === a + 1), longestRun(s, (a, b) => b === a - 1));
}

/** At least `n` upper-case and `n` lower-case ASCII letters. */
export function isMixedCase(body: string, n = 3): boolean {
  let up = 0;
  let low = 0;
  for (let i = 0; i < body.length && (up < n || low < n); i++) {
    const c = body.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) up++;
    else if (c >= 0x61 && c <= 0x7a) low++;
  }
  return up >= n && low >= n;
}

// Words of model and pipeline class names (transformers, diffusers, datasets).
const CLASS_WORDS = new Set([
  'Model', 'Models', 'Sequence', 'Classification', 'Token', 'Tokenizer', 'Pretrained', 'Causal', 'Masked', 'Question',
  'Answering', 'Conditional', 'Generation', 'Multiple', 'Choice', 'Config', 'Configuration', 'Processor', 'Feature',
  'Extractor', 'Encoder', 'Decoder', 'Image', 'Vision', 'Audio', 'Speech', 'Segmentation', 'Detection', 'Embedding',
  'Embeddings', 'Pooling', 'Transformer', 'Attention', 'Output', 'Layer', 'Pipeline', 'Trainer', 'Dataset', 'Tensor',
]);
const CLASS_WORD = new RegExp([...CLASS_WORDS].join('|'));

/**
 * A class name (`AutoModelForSequenceClassification` and `DebertaV2ForSequenceClassification`
 * are 34 characters): three or more words in title case, each of three letters or more
 * with a vowel after its capital, among them a word of model class names, and up to five
 * short pieces between (`TF`, `XLM`, `V2`, `Vi`, `Img`). None of 80 million random bodies
 * (letters, or letters and digits) has this shape.
 */
function isClassName(body: string): boolean {
  // (A look for one of the words first: random bodies almost never hold one.)
  if (!CLASS_WORD.test(body)) return false;
  const parts = body.match(/[A-Z][a-z]+|[A-Z]+(?![a-z])|\d+/g);
  if (!parts || parts.join('') !== body) return false;
  let words = 0;
  let others = 0;
  let known = false;
  for (const p of parts) {
    if (/^[A-Z][a-z]{2,}$/.test(p) && /[aeiouy]/.test(p.slice(1))) {
      words++;
      known ||= CLASS_WORDS.has(p);
    } else if (p.length > 5 || ++others > 5) return false;
  }
  return known && words >= 3;
}

/** Two-letter words of names (`UploadFolderToSpace`, `RepoIdOf`). */
const SHORT_WORDS = new Set(['to', 'in', 'of', 'on', 'by', 'at', 'as', 'is', 'or', 'id', 'if', 'up', 'do', 'go', 'no', 'my', 'we', 'be', 'it']);

/** A word as names are made of: a capital or not, then lower case, 3 to 12 letters with a vowel, no four consonants or three vowels in a row; or a two-letter one. */
function isNameWord(p: string): boolean {
  if (p.length === 2) return /^[A-Za-z][a-z]$/.test(p) && SHORT_WORDS.has(p.toLowerCase());
  return /^[A-Za-z][a-z]{2,11}$/.test(p) && /[aeiouy]/i.test(p) && !/[^aeiouy]{4}/i.test(p) && !/[aeiouy]{3}/i.test(p);
}

/**
 * A name made of words, in camel or Pascal case (`hf_ListRepoRefs…ForSpaceRepo`, a
 * function of 37 characters): seven words or more, as isNameWord reads them, and at most
 * one run of one or two digits. None of 80 million random bodies of letters has this
 * shape (with six words, one did in 40 million; letters and digits, none in 40 million).
 */
function isWordsName(body: string): boolean {
  const parts = body.match(/^[a-z]+|[A-Z][a-z]+|[A-Z]+(?![a-z])|\d+/g);
  if (!parts || parts.join('') !== body) return false;
  let words = 0;
  let digits = 0;
  for (const p of parts) {
    if (isNameWord(p)) words++;
    else if (!/^\d{1,2}$/.test(p) || ++digits > 1) return false;
  }
  return words >= 7;
}

/** Rows of keyboards, as people type placeholders (`qwertyuiop…`): seven keys, which a random body holds about once in a few hundred million. */
const KEYBOARD_RUNS = ['qwertyu', 'asdfghj', 'zxcvbnm', 'qwertzu', 'azertyu', 'yxcvbnm'];

/** Whether `s` repeats a pattern of at most `max` characters from start to end. */
function shortPeriod(s: string, max: number): boolean {
  for (let p = 1; p <= max; p++) {
    let ok = true;
    for (let i = p; i < s.length && ok; i++) ok = s[i] === s[i - p];
    if (ok) return true;
  }
  return false;
}

/**
 * Whether a JWT's signature was written by hand. A real one is random base64url, 43
 * characters or more: under 40, a placeholder is one; longer, only a run of one
 * character (a long random one holds an alphabet run or two words now and then).
 */
export function signaturePlaceholder(sig: string): boolean {
  if (sig.length < 40) return placeholderReason(sig) !== undefined;
  return longestRun(sig, (a, b) => a === b) >= 8;
}

/** Why `body` looks like a placeholder rather than a token, or undefined. */
export function placeholderReason(body: string): string | undefined {
  if (body.length === 0) return 'empty';
  const lower = body.toLowerCase();
  if (PLACEHOLDER_WORDS.filter((w) => lower.includes(w)).length >= 2) return 'placeholder words';
  if (longestRun(lower, (a, b) => a === b) >= 6) return 'repeated character';
  if (alphabetRun(lower) >= 6) return 'alphabet run';
  if (KEYBOARD_RUNS.some((k) => lower.includes(k))) return 'keyboard run';
  // The letters alone, each once where doubled (`a1b2c3…`, `AaBbCc…`, `abc123ABC456…`):
  // an alphabet run of 8, or one short pattern over and over. (A random body's letters
  // do either about once in a few hundred million.)
  const letters = lower.replace(/[^a-z]/g, '').replace(/(.)\1+/g, '$1');
  if (alphabetRun(letters) >= 8) return 'alphabet run';
  if (letters.length >= 12 && shortPeriod(letters, 4)) return 'repeated pattern';
  if (isClassName(body)) return 'class name';
  if (isWordsName(body)) return 'a name made of words';
  // Real tokens are random mixed case; identifiers and hex digests are not.
  const upper = body.replace(/[^A-Z]/g, '').length;
  const low = body.replace(/[^a-z]/g, '').length;
  if (upper + low >= 12 && (upper < 3 || low < 3)) return 'single-case identifier or digest';
  return undefined;
}
