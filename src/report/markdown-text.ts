// Text from outside made safe for markdown (the markdown report, SARIF rule help):
// one line, no control characters, no markup. Apart from the reporters, so the advice
// module can use it without loading one.
import { escapeControls } from '../findings/redact.ts';

/**
 * Free text: kept on one line, control characters shown escaped (as the text report
 * shows them: a terminal escape or a right-to-left override in a job summary), HTML and
 * markdown punctuation neutralised.
 */
export function escapeMarkdown(s: string): string {
  return escapeControls(s.replace(/[\r\n]+/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~!])/g, '\\$1');
}

/** An inline code span that holds any text (backticks in it included); `|` escaped in table cells. */
export function inlineCode(s: string, inTable = false): string {
  let text = escapeControls(s.replace(/[\r\n]+/g, '␤'));
  if (inTable) text = text.replace(/\|/g, '\\|');
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * One playbook step as markdown. Steps are plain text (the text and JSON reports print
 * them as they are) where backticks mark commands and file names; the rest can hold what
 * others chose: Hub display names, owner and organization names, scopes from a JWT found
 * in a file, a server's message. So everything outside the code spans is escaped, and
 * each code span is rebuilt so its content stays literal whatever it holds.
 */
export function stepMarkdown(step: string): string {
  const out: string[] = [];
  let last = 0;
  for (const m of step.matchAll(/`([^`\r\n]+)`/g)) {
    out.push(escapeMarkdown(step.slice(last, m.index)), inlineCode(m[1]!));
    last = m.index + m[0].length;
  }
  out.push(escapeMarkdown(step.slice(last)));
  return out.join('');
}
