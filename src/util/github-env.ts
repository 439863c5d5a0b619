import { readFileSync } from 'node:fs';

type Env = Record<string, string | undefined>;

/**
 * The pull request's base as a git revision, when running in a GitHub Actions pull_request (or pull_request_target) job:
 * the event's `pull_request.base.sha`, else `origin/$GITHUB_BASE_REF`. Undefined elsewhere.
 */
export function pullRequestBase(env: Env): string | undefined {
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { base?: { sha?: unknown } } };
      const sha = event.pull_request?.base?.sha;
      if (typeof sha === 'string' && /^[0-9a-f]{7,64}$/i.test(sha)) return sha;
    } catch {
      // no readable event: fall back to the base branch name
    }
  }
  return env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : undefined;
}

/** A link to a line of a file at the commit being checked, on the GitHub server of the run; undefined outside Actions. */
export function blobLinker(env: Env): ((repoPath: string, line: number) => string) | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  if (!server || !repo || !sha) return undefined;
  return (path, line) => `${server}/${repo}/blob/${sha}/${path.split('/').map(encodeURIComponent).join('/')}#L${line}`;
}

/** Workflow-command message escaping (actions/toolkit `escapeData`); the Action's entry point uses it too. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow-command property escaping (actions/toolkit `escapeProperty`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
