// The playbook for a kind of token rather than one finding: rule help in SARIF (what
// code scanning shows beside every alert of the rule). Each result's own message
// carries the finding's specific steps.
import { escapeMarkdown } from '../report/markdown-text.ts';
import { DEFAULT_ENDPOINT, type TokenKind, tokenKind } from './facts.ts';

export interface RuleInfo {
  id: string;
  title: string;
  description: string;
}

const REVOKE_ANYONE = 'Anyone who found it pipes it into `hfleaks revoke` (on stdin, never on the command line), which invalidates it at once and e-mails its owner.';

const MOVE =
  'Keep the new token out of code and files: the `HF_TOKEN` environment variable, `hf auth login` once per machine, the CI system\'s secret store, ' +
  'or Trusted Publishers so CI jobs need no stored token at all. One token per app or machine.';

const REVIEW = 'If it could write or administer: review recent commits and tags, repository settings and Space secrets of what it could reach, since the leak\'s first commit.';

const CLEAN =
  'Delete it from the code. Deleting the line does not un-leak a token that was pushed: it stays in git history, clones and forks, so revocation is what protects. ' +
  'Rewrite history (`git filter-repo --replace-text`) only after revoking, if at all.';

const LEAST = 'Replace it with a fine-grained token scoped to what the code does: `repo.content.read` on the repositories it downloads, `repo.write` only where it pushes (each alert names the repositories the code around the leak uses).';

function steps(kind: TokenKind): string[] {
  switch (kind) {
    case 'user':
      return [
        `Revoke it now. The owner deletes it on the Access Tokens page of the Hub settings (${DEFAULT_ENDPOINT}/settings/tokens), or uses Manage → Refresh. ${REVOKE_ANYONE} A token the Hub rejects or that has expired needs no revocation.`,
        LEAST, MOVE, REVIEW, CLEAN,
      ];
    case 'org':
      return [
        `Revoke it now: an admin of the organization deletes it from the organization's settings. ${REVOKE_ANYONE}`,
        `Organization API tokens are no longer issued: ${LEAST.charAt(0).toLowerCase()}${LEAST.slice(1)}`,
        MOVE, REVIEW, CLEAN,
      ];
    case 'oauth':
      return [
        `Revoke it now unless it has expired: the owner revokes the app's access on the Connected Apps page of the Hub settings. ${REVOKE_ANYONE}`,
        'Sign in again for a new token, and have the app ask only for the scopes it uses.',
        'Keep OAuth tokens on the server side of the app, never in code, notebooks, logs or client bundles.',
        'If its scopes allow writing: review what the signed-in user can write since the leak\'s first commit.',
        CLEAN,
      ];
    case 'publisher':
      return [
        `Revoke it unless it has expired: it lasts about an hour after it was minted, and until then acts for the CI job's identity. ${REVOKE_ANYONE}`,
        'Find what exposed it (a step that printed it, wrote it to a file, cache or artifact, or handed it to an untrusted action) and fix that step: Trusted Publisher tokens need no storage.',
        CLEAN,
      ];
    default:
      return ['Revoke it where it was issued.', 'Replace it with a token that has only the permissions the code needs.', MOVE, CLEAN];
  }
}

export function rulePlaybook(ruleId: string): string[] {
  return steps(tokenKind(ruleId));
}

export function ruleHelp(rule: RuleInfo): { text: string; markdown: string } {
  const playbook = rulePlaybook(rule.id);
  const text = [
    `${rule.title}. ${rule.description}`,
    '',
    'What to do when one leaks:',
    ...playbook.map((s, i) => `${i + 1}. ${s.replace(/`/g, '')}`),
  ].join('\n');
  // A config rule's title and description are anyone's text: no markup from them.
  const markdown = [
    `**${escapeMarkdown(rule.title)}.** ${escapeMarkdown(rule.description)}`,
    '',
    '**What to do when one leaks**',
    '',
    ...playbook.map((s, i) => `${i + 1}. ${s}`),
    '',
    'Each alert\'s message adds what is known of that token: whether it works, its owner, role and reach, and where it leaked.',
  ].join('\n');
  return { text, markdown };
}
