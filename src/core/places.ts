// Places a location can name besides an ordinary file, shared by the sources that make
// them and the reporters and advice that treat them apart.

/** A commit or tag message is in no file: its locations carry one of these paths. */
export const COMMIT_MESSAGE = '<commit message>';
export const tagMessage = (name: string): string => `<tag ${name}>`;

/** What a message location names ("commit message", "tag v1"), or undefined for a file. */
export function messageOf(path: string): string | undefined {
  return MESSAGE.exec(path)?.[1];
}

// (A submodule's places come under its path: `lib/<commit message>`.)
const MESSAGE = /(?:^|\/)<(commit message|tag .*)>$/;
const BLOB = /(?:^|\/)<blob [0-9a-f]+>$/;

/** A blob no ref reaches and no readable commit holds (staged, never committed): its locations carry this path. */
export const unreachableBlob = (oid: string): string => `<blob ${oid.slice(0, 12)}>`;

/** Whether a location path names an unreachable blob no commit holds (`<blob 1a2b3c4d5e6f>`). */
export function isBlobPlace(path: string): boolean {
  return BLOB.test(path);
}

/** Whether a path names a file (not a message, an unreachable blob, or standard input). */
export function isFilePlace(path: string): boolean {
  return path !== '<stdin>' && !MESSAGE.test(path) && !BLOB.test(path);
}

/** A repository's own config file (`.git/config`, where a clone URL can keep a token). */
export const GIT_CONFIG = /(^|\/)\.git\/config$/;
