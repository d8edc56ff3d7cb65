// The rotation playbook for one leaked secret: ordered steps (revoke, replace with
// least privilege, move out of code, review what it could change, clean up) whose
// wording follows what is known of the token: its kind, whether it works, its role
// and reach, the repositories the code names, and where and when it leaked.
import { GIT_CONFIG, isFilePlace, messageOf } from '../core/places.ts';
import type { Finding } from '../core/types.ts';
import type { Facts } from './facts.ts';
import { factsOf, untick } from './facts.ts';
import { escapeControls } from '../findings/redact.ts';
import { placeHints } from './where.ts';
import { listOf, plural } from '../core/words.ts';


const code = (s: string) => `\`${s}\``;
/**
 * A file name as code. Steps are plain text that the markdown report also prints, so a
 * backtick in a crafted name would close the code span and let the rest of the name
 * become markup: it is shown as a look-alike (ˋ) instead, and control characters escaped.
 */
const codePath = (p: string) => code(untick(escapeControls(p)));

function roleWords(role: string | undefined): string {
  if (!role) return '';
  return role === 'fineGrained' ? 'fine-grained' : role;
}

const REVOKE_CMD = 'anyone who found it pipes it into `hfleaks revoke` (the token on stdin, never on the command line), which invalidates it at once and e-mails its owner';

function dead(x: Facts): boolean {
  return x.status === 'invalid' || (x.expired && x.status !== 'valid');
}

function revokeStep(x: Facts): string {
  const owner = x.owner ? ` (${x.owner})` : '';
  if (x.revoked) {
    return `Revoked by this run: the Hub invalidated it and e-mailed its owner${owner}. Nothing more to revoke; the steps below keep its replacement from leaking the same way.`;
  }
  if (x.expired && x.status !== 'valid') {
    const when = x.expiresAt ? ` on ${x.expiresAt.slice(0, 10)}` : '';
    if (x.kind === 'oauth') {
      return `Nothing to revoke: this OAuth token expired${when} and no longer authenticates. If a refresh token (${code('hf_oauth__refresh_…')}) was stored beside it, revoke the app's access on the Connected Apps page of the owner's Hub settings, or pipe the refresh token into ${code('hfleaks revoke')}.`;
    }
    return `Nothing to revoke: this token expired${when} and no longer authenticates.`;
  }
  if (x.status === 'invalid') {
    return `Nothing to revoke: the Hub rejects this token${x.reason ? ` (${x.reason})` : ''}, so it was already revoked or deleted. Remove it all the same (below), and check that no live token replaced it in the same place.`;
  }
  let why: string;
  if (x.status === 'valid') {
    const role = roleWords(x.role);
    why = `Revoke it now: it works${x.owner ? ` and acts as ${x.owner}` : ''}${role ? ` with a ${role} role` : ''}.`;
  } else if (x.status === 'unknown') {
    why = `Revoke it now and treat it as live: the Hub could not confirm it${x.reason ? ` (${x.reason})` : ''}.`;
  } else {
    why = `Revoke it now and treat it as live (it was not verified: ${code('--verify')} tells whether it works and what it reaches).`;
  }
  const named = x.tokenName ? `the token named "${x.tokenName}"` : 'it';
  switch (x.kind) {
    case 'user':
      return `${why} The owner${owner} deletes ${named} on the Access Tokens page of the Hub settings (${x.endpoint}/settings/tokens), or uses Manage → Refresh to get a new value; ${REVOKE_CMD}.`;
    case 'org':
      return `${why} An admin of the organization${owner} deletes it from the organization's settings; ${REVOKE_CMD}.`;
    case 'oauth':
      return `${why} The owner${owner} revokes the app's access on the Connected Apps page of the Hub settings; ${REVOKE_CMD}.`;
    case 'publisher':
      return `${why} It expires by itself${x.expiresAt ? ` at ${x.expiresAt}` : ', about an hour after it was minted'}; until then it acts for the CI job's identity: ${REVOKE_CMD}.`;
    default:
      return `${why} Revoke it where it was issued${x.owner ? ` (its owner is ${x.owner})` : ''}, or pipe it into ${code('hfleaks revoke')} if the Hub issued it.`;
  }
}

function replaceStep(x: Facts, scope: string | undefined): string | undefined {
  if (x.kind === 'publisher') return undefined; // minted per job: nothing to replace
  if (x.kind === 'oauth') {
    return `Sign in again for a new token, and have the app ask only for the scopes it uses (${code('read-repos')} rather than ${code('write-repos')} when it only reads)${scope ? `; the leaked token had the scopes "${scope}"` : ''}.`;
  }
  const fg = 'a fine-grained token (Access Tokens → Create new token → Fine-grained)';
  let s: string;
  if (dead(x)) s = `If the code still needs a token, give it ${fg} scoped to what it does`;
  else if (x.kind === 'org') s = `Organization API tokens are no longer issued: replace it with ${fg}, of a dedicated bot account if no person should own it, scoped to what the code does`;
  else s = `Replace it with ${fg} scoped to what the code does`;
  if (x.repos.length) {
    const them = x.repos.length === 1 ? 'that repository' : 'those repositories';
    s += `: the code around the leak uses ${listOf(x.repos, 6)}, so grant ${code('repo.content.read')} on ${them} and ${code('repo.write')} only where the code pushes, nothing global.`;
  } else {
    s += `: ${code('repo.content.read')} on the repositories it downloads, ${code('repo.write')} only on those it pushes to, nothing global.`;
  }
  if (!dead(x) && x.status === 'valid') {
    if (x.grants.length) {
      s += ` The leaked token granted ${listOf(x.grants, 6)}; leave out what the code does not use.`;
    } else if (x.role === 'write') {
      s += ` The leaked write token could push wherever ${x.owner ?? 'its owner'} can${x.writeTargets.length ? ` (${listOf(x.writeTargets)})` : ''}.`;
    } else if (x.role === 'read') {
      s += ` The leaked read token could read everything ${x.owner ?? 'its owner'} can read${x.readTargets.length > 1 ? ` (${listOf(x.readTargets)})` : ''}, private and gated repositories included.`;
    }
  }
  return s;
}

function moveStep(f: Finding, x: Facts): string {
  const hints = placeHints(f.locations);
  if (x.kind === 'publisher') {
    const ci = hints.filter((h) => !h.includes('Trusted Publishers'));
    return [
      'Find what exposed it: Trusted Publisher tokens are minted for one CI job and need no storage, so a step printed it, wrote it to a file, a cache or an artifact, or handed it to an untrusted action. Fix that step.',
      ...ci,
    ].join(' ');
  }
  if (x.kind === 'oauth') {
    return ['Keep OAuth tokens on the server side of the app (its session store), never in code, notebooks, logs or client bundles.', ...hints].join(' ');
  }
  return [
    `Keep the new token out of code and files: read it from the ${code('HF_TOKEN')} environment variable (huggingface_hub, transformers and datasets pick it up by themselves), log in once per machine with ${code('hf auth login')}, keep it in the CI system's secret store, or use Trusted Publishers so CI jobs need no stored token at all. One token per app or machine, so a leak means one rotation.`,
    ...hints,
  ].join(' ');
}

function since(x: Facts): string {
  if (x.leakDate) return `since ${x.leakDate}, the leak's first commit`;
  return x.unreachableOnly ? 'since it was written (no commit holds it, so git has no date for it)' : 'since the leak was first pushed (`hfleaks history` dates it)';
}

function reachSentence(x: Facts): string {
  if (x.reachTotal === undefined) return '';
  const eg = x.reachExamples.length ? `, for example ${listOf(x.reachExamples, 3)}` : '';
  return ` It reaches ${plural(x.reachTotal, 'repository', 'repositories')} (${x.reachPrivate ?? 0} private)${eg}.`;
}

function reviewStep(x: Facts, scope: string | undefined): string | undefined {
  if (dead(x)) return undefined;
  const step = reviewChanges(x, scope);
  // Inference permissions spend the owner's money rather than change repositories.
  if (!x.grants.some((g) => g.startsWith('inference.'))) return step;
  const billing = `Check ${x.owner ? `${x.owner}'s` : "the owner's"} inference usage and billing ${since(x)}: the token could call paid inference.`;
  return step ? `${step} ${billing}` : billing;
}

function reviewChanges(x: Facts, scope: string | undefined): string | undefined {
  const what = 'recent commits and tags of models, datasets and Spaces, repository settings (visibility, gating, collaborators, webhooks), and Space secrets and variables';
  const admin = x.adminOrgs.length ? `; in ${listOf(x.adminOrgs)} also members, invitations, tokens and resource groups` : '';
  const start = x.repos.length ? ` Start with the repositories the code uses: ${listOf(x.repos, 6)}.` : '';
  if (x.writes === true) {
    const targets = x.writeTargets.length ? listOf(x.writeTargets, 6) : 'everything it could write';
    const verb = x.adminOrgs.length ? `write and administer` : 'write';
    return `It could ${verb}: review ${targets} for changes ${since(x)}: ${what}${admin}.${reachSentence(x)}${start}`;
  }
  if (x.writes === false) {
    if (!x.readsPrivate) return undefined;
    const what = x.readTargets.length ? `the private and gated content of ${listOf(x.readTargets)}` : `what ${x.owner ?? 'its owner'} can read privately`;
    return `It could read private or gated content: treat ${what} as exposed ${since(x)}: weights, datasets, Space code, and any credential stored in them (rotate those too).${reachSentence(x)}`;
  }
  // Not known whether it writes.
  if (x.kind === 'publisher') return undefined;
  if (x.kind === 'oauth') {
    if (!scope || !/write|manage|admin/.test(scope)) return undefined;
    return `Its scopes ("${scope}") allow writing: review what the signed-in user can write for changes ${since(x)}: ${what}.${start}`;
  }
  return `If it could write (a write token, or fine-grained with write permissions; ${code('--verify')} tells), review the repositories its owner can write for changes ${since(x)}: ${what}.${start}`;
}


/** What the report is about: the staged change of a commit not made yet (`hfleaks staged`), or anything else. */
export interface AdviceContext {
  staged?: boolean;
}

/** The clean-up step for a token in what the next commit would add: nothing is committed yet. */
function stagedStep(x: Facts): string {
  const files = x.reachablePaths.filter(isFilePlace);
  const where = files.length ? listOf(files.map(codePath), 3) : 'the staged files';
  const tail = dead(x) ? ' It no longer works, but a dead token in code still gets copied and flagged.' : '';
  return `It is not committed yet: take it out of ${where} and stage ${files.length === 1 ? 'the file' : 'them'} again (${code('git add')}), or unstage (${code('git restore --staged FILE')}), before committing. Once committed, it would stay in git history however it is deleted later, and a push would send it.${tail}`;
}

function historyStep(x: Facts): string | undefined {
  const commits = x.commits.length ? `${plural(x.commits.length, 'commit')}, first ${x.commits[0]}${x.firstDate ? ` on ${x.firstDate}` : ''}` : '';
  // Files, and commit or tag messages (`<commit message>`, `<tag v1>`): no files, they are
  // rewritten with --replace-message, never edited. (Tokens read from stdin sit in neither,
  // and what no ref reaches is pruned, not edited.)
  const all = x.reachablePaths.filter(isFilePlace);
  const messages = x.reachablePaths.some((p) => messageOf(p) !== undefined);
  // filter-repo has nothing to rewrite where no branch or tag holds it: pruning does it.
  const prune = `${code('git reflog expire --expire=now --expire-unreachable=now --all && git gc --prune=now')}, run in the repository that holds it (a submodule's own, for one in a submodule), deletes it from that clone; it also empties every reflog and the stash list, so apply or keep what you still need first`;
  // A blob no commit holds may still be staged: the index keeps it through any prune.
  const staged = x.neverCommitted ? ` If the file is still staged (${code('git status')} lists it), unstage it first (${code('git restore --staged FILE')}): the index keeps what it holds.` : '';
  if (x.unreachableOnly) {
    const held = commits ? ` (${commits})` : '';
    if (dead(x)) return `It is only in objects no branch, tag or stash reaches${held}, and it no longer works. If you want it gone: ${prune}.${staged}`;
    return `It is only in objects no branch, tag or stash reaches${held}: a commit amended, reset or rebased away, a dropped stash, a deleted tag, or a file staged and never committed. Pushing from here does not send it, but a push made before the rewrite did (a remote keeps a force-pushed commit, reachable by its id), and whatever copies this .git directory copies it (an archive, a container image, a backup). After revoking it: ${prune}.${staged}`;
  }
  const step = reachableHistoryStep(x, commits, all, messages);
  if (!x.unreachable) return step;
  const also = `Copies also sit in objects no branch, tag or stash reaches: a history rewrite with filter-repo prunes them too; otherwise ${prune}.${staged}`;
  return step ? `${step} ${also}` : also;
}

/** The clean-up step for the locations a ref reaches. */
function reachableHistoryStep(x: Facts, commits: string, all: string[], messages: boolean): string | undefined {
  if (x.historyOnly) {
    if (dead(x)) return `It is only in git history (${commits}) and no longer works, so rewriting history is optional hygiene.`;
    const rewrite = messages ? `${code('git filter-repo --replace-message')} for commit and tag messages${all.length ? `, ${code('--replace-text')} for files` : ''}` : code('git filter-repo --replace-text');
    return `It is only in git history now (${commits}): deleting the line did not un-leak it, because every clone, fork and cached copy still has it, so revocation is what protects. Once it is revoked, rewrite history if you want it gone: ${rewrite} (or BFG), force-push every branch and tag, and have collaborators re-clone; on GitHub old commits stay reachable from forks and pull requests until GitHub Support purges them.`;
  }
  if (!all.length && !x.inHistory) return undefined;
  // A repository's own .git/config (a remote URL) is never committed: it is edited, not deleted.
  const configs = all.filter((p) => GIT_CONFIG.test(p));
  const files = all.filter((p) => !GIT_CONFIG.test(p));
  // The remote and its URL are in .git/config, not in the finding: git remote -v shows them.
  const remote = configs.length
    ? `Take it out of the remote URL in ${listOf(configs.map(codePath), 3)}: ${code('git remote set-url REMOTE URL')}, with the REMOTE and URL ${code('git remote -v')} shows holding it, less the ${code('user:token@')} part, then let git's credential helper hold the token. `
    : '';
  if (!files.length && !x.inHistory) {
    return `${remote}It was never committed, but whatever copies this clone (an archive, a container image, a shared disk) copies the token.`;
  }
  const where = remote + (files.length ? `Delete it from ${listOf(files.map(codePath), 3)} and commit the fix.` : configs.length ? '' : 'Delete it wherever you copied it from.');
  const already = x.inHistory && commits ? ` It is already in ${commits}.` : '';
  if (dead(x)) return `${where}${already} It no longer works, so rewriting history is optional.`;
  const rewrite = messages ? `${code('git filter-repo --replace-text')}, and ${code('--replace-message')} for commit and tag messages` : code('git filter-repo --replace-text');
  return `${where} Deleting the line does not un-leak a token that was pushed: it stays in git history, clones and forks.${already} Revocation is what protects; rewrite history (${rewrite}) only after revoking, if at all.`;
}

/** The ordered steps for one finding (the reporters number them). */
export function adviseFinding(f: Finding, ctx: AdviceContext = {}): string[] {
  const x = factsOf(f);
  const scope = f.jwt?.scope === undefined ? undefined : untick(f.jwt.scope);
  const steps = [revokeStep(x), replaceStep(x, scope), moveStep(f, x), reviewStep(x, scope), ctx.staged ? stagedStep(x) : historyStep(x)];
  return steps.filter((s): s is string => Boolean(s));
}
