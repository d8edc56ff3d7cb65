// Errors the user sees as one line on stderr with exit code 2. Kept in a module of their
// own so the CLI's entry can recognise them without loading the code that throws them.

/** Bad usage or a runtime problem the user can fix. */
export class UsageError extends Error {}

/** A malformed rule or config file (the message names the file and the field). */
export class RuleError extends Error {}

/** A path the user named that doesn't exist or can't be scanned. */
export class PathError extends Error {}
