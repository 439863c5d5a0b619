import type { LevelSetting, RuleModule } from '../src/engine/define-rule.js';

export type PresetName = 'recommended' | 'strict' | 'all';
export const PRESETS: readonly PresetName[] = ['recommended', 'strict', 'all'];

/** Per preset, the rules whose level differs from their default. Online rules stay off until --online. */
const ADJUSTMENTS: Record<PresetName, Record<string, LevelSetting>> = {
  recommended: { 'group-unattached': 'off' },
  strict: { 'ingress-world-open-port': 'error', 'rule-missing-description': 'error' },
  all: {},
};

/** Built-ins off by default: `unresolved-value` is turned on by --report-unresolved. */
const OFF_BY_DEFAULT = new Set(['unresolved-value']);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function presetLevels(preset: PresetName, registry: readonly RuleModule<any>[], online = false): Map<string, LevelSetting> {
  const adjust = ADJUSTMENTS[preset];
  return new Map(
    registry.map((rule) => {
      const level: LevelSetting = (rule.online && !online) || OFF_BY_DEFAULT.has(rule.id) ? 'off' : (adjust[rule.id] ?? rule.level);
      return [rule.id, level];
    }),
  );
}

/** The presets a rule is on in, for --list-rules and the README table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function presetsOf(rule: RuleModule<any>): PresetName[] {
  return PRESETS.filter((p) => (ADJUSTMENTS[p][rule.id] ?? rule.level) !== 'off' && !OFF_BY_DEFAULT.has(rule.id));
}
