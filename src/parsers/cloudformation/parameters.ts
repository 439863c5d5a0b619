import { ConfigError } from '../../config/load.js';
import { readTextFile } from '../../util/files.js';
import { jsonSyntaxError } from '../../util/json-error.js';

/**
 * A parameters file: `Key=Value` lines (blank lines and `#` comments allowed), or the AWS CLI's JSON list
 * `[{ "ParameterKey": "…", "ParameterValue": "…" }]`. An unreadable or malformed file is a usage error (exit 2).
 */
export function readParametersFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (e) {
    throw new ConfigError(`cannot read parameters file ${file}: ${(e as Error).message}`, file);
  }
  if (/^\s*\[/.test(text)) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (e) {
      const problem = jsonSyntaxError(text, e);
      throw new ConfigError(`parameters file ${file} is not valid JSON (line ${problem.line}): ${problem.message}`, file);
    }
    const entries = Array.isArray(list) ? list : [];
    const bad = entries.findIndex((e) => !e || typeof e !== 'object' || typeof (e as Record<string, unknown>).ParameterKey !== 'string');
    if (!Array.isArray(list) || bad >= 0) throw new ConfigError(`parameters file ${file}: expected [{ "ParameterKey": …, "ParameterValue": … }]${bad >= 0 ? ` (entry ${bad} is not)` : ''}`, file);
    return Object.fromEntries(entries.map((e: Record<string, unknown>) => [e.ParameterKey as string, String(e.ParameterValue ?? '')]));
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new ConfigError(`parameters file ${file}, line ${i + 1}: expected Key=Value`, file);
    out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  });
  return out;
}
