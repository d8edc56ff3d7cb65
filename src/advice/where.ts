// Where a token leaked says how it should have been kept: a CI file wants the CI
// system's secret store (or no token at all), a notebook wants a login prompt, a
// Dockerfile wants a build secret. One sentence per kind of place, each at most once.
import { GIT_CONFIG } from '../core/places.ts';
import type { Location } from '../core/types.ts';

interface Place {
  test: (path: string, l: Location) => boolean;
  hint: string;
}

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

const PLACES: Place[] = [
  {
    test: (p) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(p),
    hint:
      'In GitHub Actions keep it in the repository\'s secrets (Settings → Secrets and variables → Actions) and read it as `${{ secrets.HF_TOKEN }}`; ' +
      'a job that publishes to the Hub can use Trusted Publishers instead and store no token at all.',
  },
  {
    test: (p) => /(^|\/)(\.gitlab-ci\.ya?ml|\.circleci\/[^/]+|Jenkinsfile|azure-pipelines\.ya?ml|\.travis\.ya?ml|bitbucket-pipelines\.ya?ml|\.buildkite\/[^/]+|\.drone\.ya?ml)$/.test(p),
    hint: 'In CI keep it in the CI system\'s secret store (a masked, protected variable), or use Trusted Publishers so the job needs no stored token at all.',
  },
  {
    test: (p) => /\.ipynb$/i.test(p),
    hint: 'Notebooks save their code and outputs in the file: log in with `huggingface_hub.notebook_login()` or the platform\'s secrets (Colab, Kaggle), and clear outputs before committing.',
  },
  {
    test: (p) => /^\.env(\..+)?$|^.+\.env$/.test(base(p)) && !/\.(example|sample|template)$/.test(p),
    hint: '`.env` files belong in `.gitignore`; commit a `.env.example` without values instead.',
  },
  {
    test: (p) => /^training_args\.bin$/.test(base(p.slice(p.lastIndexOf('!') + 1))),
    hint:
      '`training_args.bin` is a pickle of `TrainingArguments`, `hub_token` included: stop passing `hub_token=` (the Trainer uses `HF_TOKEN` or the stored login) ' +
      'and delete the uploaded file or replace it with one saved without the token.',
  },
  {
    test: (p) => /(^|\/)(Dockerfile|Containerfile)(\.[^/]*)?$|\.dockerfile$/i.test(p),
    hint: 'Never bake it into an image (`ENV` and `ARG` values stay in its layers): pass it when the container runs, or as a build secret (`RUN --mount=type=secret,id=hf_token`).',
  },
  {
    test: (p, l) => /\.ya?ml$/i.test(p) && (l.decoding ?? []).includes('base64'),
    hint: 'A Kubernetes Secret\'s `data:` is base64, not encryption: keep the manifest out of git and use a secret manager (External Secrets, Sealed Secrets, SOPS).',
  },
  {
    test: (p) => GIT_CONFIG.test(p),
    hint: 'A remote URL held it (`git clone https://<user>:<token>@huggingface.co/...` writes it into `.git/config`, and `git remote -v` shows it): clone from the plain URL and let git ask the credential helper, which `hf auth login` can fill.',
  },
  {
    test: (p) => /\.(log|out)$/i.test(p) || /(^|\/)logs?\//i.test(p),
    hint: "It was written to a log: find what printed it (verbose HTTP logging, `print(token)`, `set -x`), stop it, and keep logs out of git.",
  },
];

/** Hints for the places this secret was found, in a fixed order, each once. */
export function placeHints(locations: readonly Location[]): string[] {
  const out: string[] = [];
  for (const place of PLACES) {
    if (locations.some((l) => place.test(l.path, l))) out.push(place.hint);
  }
  return out;
}

/** The location is in a CI configuration file. */
export function isCiPath(path: string): boolean {
  return PLACES[0]!.test(path, { path, line: 0, column: 0 }) || PLACES[1]!.test(path, { path, line: 0, column: 0 });
}
