// The report's scrubber (src/findings/redact.ts) looks for the forms of the run's secrets
// by a rolling hash of their first characters. Checked here against a plain model of the
// same rule (every place of every run of token characters, the longest form there), on
// random texts made of secrets' echoes, base64 around them, prose and punctuation.
import { describe, expect, it } from 'vitest';
import { redact, scrub, scrubber, scrubberSoon } from '../../src/findings/redact.ts';
import { seededRandom, tokenGenerator } from '../../src/rules/template.ts';

const gen = tokenGenerator(4242);
const rnd = seededRandom(99);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** The forms the scrubber knows, rebuilt the obvious way: whole echoes and base64 cores. */
function modelForms(secret: string): { form: string; encoded: boolean }[] {
  const body = secret.replace(/^(hf_oauth__refresh_|hf_oauth_|hf_jwt_|api_org_|hf_)/, '');
  const whole = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64').replace(/=+$/, ''), Buffer.from(secret).toString('base64url')];
  if (body.length >= 16 && body !== secret) whole.push(body);
  const cores: string[] = [];
  for (const plain of body !== secret ? [secret, body] : [secret]) {
    for (let offset = 0; offset < 3; offset++) {
      const b64 = Buffer.concat([Buffer.alloc(offset), Buffer.from(plain)]).toString('base64');
      const core = b64.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + plain.length) - 6) / 6) + 1);
      cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...whole.map((form) => ({ form, encoded: false })), ...cores.filter((c) => c.length >= 20).map((form) => ({ form, encoded: true }))];
}

function modelScrub(given: string, secrets: string[]): string {
  const all = secrets.flatMap((s) => modelForms(s).map((f) => ({ ...f, shown: redact(s) })));
  // Forms too short to look up by their first 16 characters, or holding characters runs
  // never hold (a config rule's secret), are replaced whole first, in order.
  const whole = (f: { form: string }) => f.form.length < 16 || !/^[A-Za-z0-9_+/=.-]+$/.test(f.form);
  let text = given;
  for (const f of all.filter(whole)) text = text.split(f.form).join(f.shown);
  const forms = all.filter((f) => !whole(f));
  let result = '';
  let kept = 0;
  for (const run of text.matchAll(/[A-Za-z0-9_+/=.-]{16,}/g)) {
    const end = run.index + run[0].length;
    for (let i = Math.max(run.index, kept); i + 16 <= end; ) {
      const here = forms.filter((f) => text.startsWith(f.form, i)).sort((a, b) => b.form.length - a.form.length)[0];
      if (!here) {
        i++;
        continue;
      }
      let from = i;
      i += here.form.length;
      if (here.encoded) {
        while (from > kept && /[A-Za-z0-9+/_-]/.test(text[from - 1]!)) from--;
        while (i < end && /[A-Za-z0-9+/_-]/.test(text[i]!)) i++;
        while (i < end && text[i] === '=') i++;
      }
      result += text.slice(kept, from) + here.shown;
      kept = i;
    }
  }
  return result + text.slice(kept);
}

/** A piece of text that echoes one of the secrets in some form, or holds none. */
function piece(secrets: string[]): string {
  const s = pick(secrets);
  const body = s.slice(3);
  switch (Math.floor(rnd() * 9)) {
    case 0:
      return s;
    case 1:
      return body;
    case 2:
      return Buffer.from(`${'x'.repeat(Math.floor(rnd() * 4))}Bearer ${s}`).toString(pick(['base64', 'base64url'] as const));
    case 3:
      return Buffer.from(`user:${body}@host`).toString('base64');
    case 4:
      return pick(['huggingface.co/settings/tokens', 'https://huggingface.co/api/whoami-v2', 'hf_hub_download_to_local_dir', 'AAAAAAAAAAAAAAAAAAAAAAAA']);
    case 5:
      return Buffer.from(`${gen.userToken()} unrelated`).toString('base64');
    case 6:
      return s.slice(0, 10 + Math.floor(rnd() * 20)); // a part: not a form
    case 7:
      return pick([' ', ', ', '"', ':', '\n', ' — ', '=', '/', '.']);
    default:
      return pick(['the token', 'was refused by', 'Rotate it at', 'owner alice', '==']);
  }
}

describe('the scrubber against a plain model', () => {
  it('replaces exactly what the model replaces, on 3,000 random texts', () => {
    const secrets = [
      gen.userToken(), gen.userToken(true), gen.orgToken(), gen.oauthToken(), gen.publisherToken(),
      `hf_oauth__refresh_${gen.body(40, true)}`,
      // Secrets of config rules: short, or holding characters token runs don't.
      `pw:${gen.body(8, true)}`, `key$${gen.body(24, true)}!`,
    ];
    const fast = scrubber(secrets);
    for (let n = 0; n < 3000; n++) {
      const text = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => piece(secrets)).join(pick(['', ' ', '']));
      expect(fast(text), text).toBe(modelScrub(text, secrets));
    }
  });

  it('scrubberSoon builds the same scrubber, a slice at a time, and scrubber() then reuses it', async () => {
    const secrets = Array.from({ length: 150 }, () => gen.userToken());
    const soon = await scrubberSoon(secrets, 7);
    expect(scrubber(secrets)).toBe(soon);
    const text = `echo ${Buffer.from(`Bearer ${secrets[149]}`).toString('base64')} and ${secrets[2]} end`;
    expect(soon(text)).toBe(modelScrub(text, secrets));
    expect(scrub(text, secrets.slice(0, 3))).toBe(`echo ${Buffer.from(`Bearer ${secrets[149]}`).toString('base64')} and ${redact(secrets[2]!)} end`);
  });
});
