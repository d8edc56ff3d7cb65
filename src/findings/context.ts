// Repositories named in the code around a leak (from_pretrained("org/name"),
// repo_id="org/name", huggingface.co/org/name), so advice can name what the
// replacement token needs to reach.

const PATTERNS = [
  /from_pretrained\(\s*["']([\w.-]+\/[\w.-]+)["']/g,
  /repo_id\s*[=:]\s*["']([\w.-]+\/[\w.-]+)["']/g,
  /(?:hf_hub_download|snapshot_download|load_dataset|create_repo|upload_folder|upload_file|push_to_hub)\(\s*["']([\w.-]+\/[\w.-]+)["']/g,
  /huggingface\.co\/(?:datasets\/|spaces\/)?([\w.-]+\/[\w.-]+)/g,
];

export function reposNear(context: string): string[] {
  const out = new Set<string>();
  for (const re of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(context); m; m = re.exec(context)) {
      const name = m[1]!.replace(/\.git$/, '');
      if (!/^(api|docs|settings|blog|models|datasets|spaces)\//.test(name)) out.add(name);
    }
  }
  return [...out];
}
