import { readSource } from '../read.js';
import { jsonSyntaxError } from '../../util/json-error.js';

/**
 * A Terraform plan in JSON (`terraform show -json plan.out`): the values Terraform knew at plan time, by resource
 * address (`module.sg.aws_security_group_rule.x["ssh"]`, `data.aws_vpc.main`), and the root variables' values.
 */
export interface PlanValues {
  /** Display path of the plan file. */
  path: string;
  variables: Record<string, unknown>;
  /** Attribute values of managed resources (planned) and data sources (read at plan time), by full address. */
  resources: Map<string, Record<string, unknown>>;
  /** Instance keys (numbers or strings) of every resource by address without its key, as the plan expanded them. */
  instances: Map<string, (number | string)[]>;
  /** Managed resources as planned, in plan order: what sg-lint analyzes when the configuration is not beside the plan. */
  managed: PlannedResource[];
  /** References of each configuration attribute, by resource address without instance keys (`module.sg.aws_x.y`). */
  references: Map<string, Record<string, string[]>>;
}

export interface PlannedResource {
  address: string;
  type: string;
  /** Module path with its instance keys and a trailing dot (`module.sg["a"].`), or "". */
  prefix: string;
  values: Record<string, unknown>;
}

interface ConfigModule {
  resources?: { address?: string; expressions?: Record<string, { references?: string[] }> }[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}

interface PlanModule {
  resources?: { address?: string; mode?: string; type?: string; name?: string; index?: number | string; values?: Record<string, unknown> }[];
  child_modules?: PlanModule[];
}

export type PlanLoad = { plan: PlanValues } | { error: string; line: number };

export function loadPlan(abs: string, display: string): PlanLoad {
  const source = readSource(abs);
  if (source.error) return { error: source.error, line: 1 };
  let json: {
    format_version?: string;
    variables?: Record<string, { value?: unknown }>;
    planned_values?: { root_module?: PlanModule };
    prior_state?: { values?: { root_module?: PlanModule } };
    configuration?: { root_module?: ConfigModule };
  };
  try {
    json = JSON.parse(source.text!) as typeof json;
  } catch (e) {
    const problem = jsonSyntaxError(source.text!, e);
    return { error: `invalid JSON: ${problem.message}`, line: problem.line };
  }
  if (!json || typeof json !== 'object' || typeof json.format_version !== 'string' || !json.planned_values) {
    return { error: 'not a Terraform plan in JSON (expected the output of `terraform show -json plan.out`, with format_version and planned_values)', line: 1 };
  }
  const plan: PlanValues = { path: display, variables: {}, resources: new Map(), instances: new Map(), managed: [], references: new Map() };
  for (const [name, v] of Object.entries(json.variables ?? {})) if (v && 'value' in v) plan.variables[name] = v.value;
  // Data sources read at plan time are in the prior state; planned values win for everything they hold.
  collect(json.prior_state?.values?.root_module, plan, true);
  collect(json.planned_values.root_module, plan, false);
  collectReferences(json.configuration?.root_module, '', plan);
  return { plan };
}

function collect(mod: PlanModule | undefined, plan: PlanValues, dataOnly: boolean): void {
  if (!mod) return;
  for (const r of mod.resources ?? []) {
    if (!r.address || !r.values || (dataOnly && !/(^|\.)data\./.test(r.address))) continue;
    plan.resources.set(r.address, r.values);
    if (!dataOnly && r.mode === 'managed' && r.type && r.name) {
      const at = r.address.lastIndexOf(`${r.type}.${r.name}`);
      plan.managed.push({ address: r.address, type: r.type, prefix: at > 0 ? r.address.slice(0, at) : '', values: r.values });
    }
    if (r.index !== undefined) {
      const base = r.address.slice(0, r.address.lastIndexOf('['));
      const keys = plan.instances.get(base) ?? [];
      if (!keys.includes(r.index)) keys.push(r.index);
      plan.instances.set(base, keys);
    }
  }
  for (const child of mod.child_modules ?? []) collect(child, plan, dataOnly);
}

function collectReferences(mod: ConfigModule | undefined, prefix: string, plan: PlanValues): void {
  if (!mod) return;
  for (const r of mod.resources ?? []) {
    if (!r.address) continue;
    const refs: Record<string, string[]> = {};
    for (const [attr, e] of Object.entries(r.expressions ?? {})) if (e?.references) refs[attr] = e.references;
    plan.references.set(`${prefix}${r.address}`, refs);
  }
  for (const [name, call] of Object.entries(mod.module_calls ?? {})) collectReferences(call.module, `${prefix}module.${name}.`, plan);
}
