// --reach: what the leaked token can list on the Hub, for its owner and each of the
// owner's organizations: models, datasets and spaces, following `Link: <…>; rel="next"`
// pages, bounded in requests. Private repositories show only to a token that can read them.
import type { Reach } from '../core/types.ts';
import type { HubClient } from './client.ts';
import { hostShown, MAX_LIST_BYTES } from './client.ts';
import { isUnderEndpoint } from './endpoint.ts';
import { clean } from './whoami.ts';
import { plural } from '../core/words.ts';

export const KINDS = [
  ['models', 'model'],
  ['datasets', 'dataset'],
  ['spaces', 'space'],
] as const;

export interface ReachOptions {
  /** Pages followed per listing (default 10). */
  maxPages?: number;
  /** Requests per token, all listings together (default 60). */
  maxRequests?: number;
  /** Repository names kept as examples (default 5, private ones first). */
  examples?: number;
}

/** The `rel="next"` target of a Link header, resolved against the page's URL. */
export function nextLink(header: string | string[] | undefined, base: URL): URL | undefined {
  const v = Array.isArray(header) ? header.join(', ') : header;
  if (!v) return undefined;
  for (const part of v.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (!m) continue;
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s,]+))/i.exec(m[2]!);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (!rels.includes('next')) continue;
    try {
      return new URL(m[1]!, base);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export async function listReach(client: HubClient, token: string, authors: string[], opts: ReachOptions = {}): Promise<Reach> {
  const maxPages = opts.maxPages ?? 10;
  const maxRequests = opts.maxRequests ?? 60;
  const nExamples = opts.examples ?? 5;
  let requests = 0;
  // Counted as they come, with only the first names in order kept for the examples: a
  // listing can hold millions of repositories, and sorting them all for five names would
  // outlast the time budget.
  const seen = new Set<string>();
  const byType = { model: 0, dataset: 0, space: 0 };
  let priv = 0;
  const privateNames: string[] = [];
  const publicNames: string[] = [];
  const problems: string[] = [];
  let truncated = false;

  /** Keeps `name` among the first `n` of `list` in sort order. */
  function keepFirst(list: string[], name: string): void {
    if (list.length >= nExamples && !(name < list[list.length - 1]!)) return;
    let i = list.length;
    while (i > 0 && name < list[i - 1]!) i--;
    list.splice(i, 0, name);
    if (list.length > nExamples) list.pop();
  }

  /** Stops a listing at the end of the time budget: it bounds reading the pages too. */
  function outOfTime(path: string, author: string): boolean {
    const why = client.overBudget();
    if (!why) return false;
    truncated = true;
    problems.push(`${path} of ${author}: ${why}`);
    return true;
  }

  async function listing(path: string, type: 'model' | 'dataset' | 'space', author: string): Promise<void> {
    let url: URL | undefined = new URL(`${client.endpoint}/api/${path}?author=${encodeURIComponent(author)}`);
    for (let page = 0; url; page++) {
      if (page >= maxPages || requests >= maxRequests) {
        truncated = true;
        return;
      }
      requests++;
      const a = await client.request({ method: 'GET', url, token, maxBytes: MAX_LIST_BYTES, json: true });
      if (!a.ok) {
        truncated = true;
        problems.push(`${path} of ${author}: ${a.reason}`);
        return;
      }
      if (!Array.isArray(a.json)) {
        truncated = true;
        problems.push(`${path} of ${author}: the answer was not a list`);
        return;
      }
      const entries: unknown[] = a.json;
      for (let i = 0; i < entries.length; i++) {
        if (i % 1024 === 0 && outOfTime(path, author)) return;
        const r = entries[i];
        if (typeof r !== 'object' || r === null) continue;
        const id = clean((r as { id?: unknown }).id);
        if (!id) continue;
        const key = `${type}:${id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        byType[type]++;
        const shown = type === 'model' ? id : `${type}s/${id}`;
        if ((r as { private?: unknown }).private === true) {
          priv++;
          keepFirst(privateNames, shown);
        } else keepFirst(publicNames, shown);
      }
      const next = nextLink(a.headers.link, url);
      if (next && !isUnderEndpoint(next, client.endpoint)) {
        truncated = true;
        problems.push(`${path} of ${author}: the next page is on ${hostShown(next.host, token)}; not followed`);
        return;
      }
      url = next;
    }
  }

  const unique = [...new Set(authors.filter(Boolean))];
  // Reading the pages is verification's time too, between the requests as during them.
  const release = client.hold();
  try {
    await Promise.all(unique.flatMap((author) => KINDS.map(([path, type]) => listing(path, type, author))));
  } finally {
    release();
  }

  const reach: Reach = {
    total: seen.size,
    private: priv,
    byType,
    examples: [...privateNames, ...publicNames].slice(0, nExamples),
    truncated,
  };
  if (problems.length) reach.reason = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
  return reach;
}

/** The reach in one sentence. */
export function reachSentence(r: Reach): string {
  const parts = [plural(r.byType.model, 'model'), plural(r.byType.dataset, 'dataset'), plural(r.byType.space, 'space')];
  let s = `It sees ${r.truncated ? 'at least ' : ''}${plural(r.total, 'repository', 'repositories')} (${r.private} private; ${parts.join(', ')})`;
  if (r.examples.length) s += `, e.g. ${r.examples.join(', ')}`;
  if (r.reason) s += ` [listing incomplete: ${r.reason}]`;
  else if (r.truncated) s += ' [listing stopped at the request bound]';
  return `${s}.`;
}
