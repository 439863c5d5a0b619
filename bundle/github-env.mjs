// Made by scripts/bundle.mjs from src/util/github-env.ts: do not edit.

// dist/src/util/github-env.js
import { readFileSync } from "node:fs";
function pullRequestBase(env) {
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"));
      const sha = event.pull_request?.base?.sha;
      if (typeof sha === "string" && /^[0-9a-f]{7,64}$/i.test(sha))
        return sha;
    } catch {
    }
  }
  return env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : void 0;
}
function blobLinker(env) {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  if (!server || !repo || !sha)
    return void 0;
  return (path, line) => `${server}/${repo}/blob/${sha}/${path.split("/").map(encodeURIComponent).join("/")}#L${line}`;
}
function escapeData(s) {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
export {
  blobLinker,
  escapeData,
  escapeProperty,
  pullRequestBase
};
