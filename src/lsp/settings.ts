// The server's settings: from initializationOptions, workspace/didChangeConfiguration (section `sgLint`) or
// workspace/configuration. Anything malformed keeps the previous value.

export interface Settings {
  /** Run the online pass (IP reputation) from the editor; off unless the workspace setting turns it on. */
  online: boolean;
  /** Quiet time after the last edit before a buffer is analyzed again. */
  debounceMs: number;
  /** One config for every file (as `-c`), relative to the project root; by default the nearest .sg-lint.yml. */
  configFile?: string;
}

export const DEFAULT_SETTINGS: Settings = { online: false, debounceMs: 300 };

export const SETTING_KEYS: readonly (keyof Settings)[] = ['online', 'debounceMs', 'configFile'];

export function readSettings(raw: unknown, previous: Settings): Settings {
  if (!raw || typeof raw !== 'object') return previous;
  const r = raw as Record<string, unknown>;
  const next: Settings = { ...previous };
  if (typeof r.online === 'boolean') next.online = r.online;
  if (typeof r.debounceMs === 'number' && Number.isFinite(r.debounceMs) && r.debounceMs >= 0) next.debounceMs = Math.min(r.debounceMs, 10_000);
  if (typeof r.configFile === 'string') {
    if (r.configFile.trim() === '') delete next.configFile;
    else next.configFile = r.configFile;
  }
  return next;
}
