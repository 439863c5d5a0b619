import type { Data, EV } from './values.js';

/**
 * What one branch of a condition tells about the values it compares (README "Conditions narrow values"): inside
 * `!If [HasCidr, !Ref Cidr, …]` with `HasCidr: !Not [!Equals [!Ref Cidr, disabled]]`, `Cidr` is not `disabled`. An
 * alternative of a value that the branch rules out does not exist in that branch.
 */
export type Scalar = string | number | boolean | null;

/** The value is one of `among`, or none of `except`. */
export type Constraint = { among: Scalar[] } | { except: Scalar[] };

/** Constraints by what they are about: a parameter's name, a reference (`var.cidr`). */
export type Narrowing = ReadonlyMap<string, Constraint>;

/** How the front end compares values in a condition: null when it cannot tell. */
export type Equality = (a: Scalar, b: Scalar) => boolean | null;

export const NO_NARROWING: Narrowing = new Map();

export const among = (key: string, values: Scalar[]): Narrowing => new Map([[key, { among: values }]]);
export const except = (key: string, values: Scalar[]): Narrowing => new Map([[key, { except: values }]]);

const maybeIn = (v: Scalar, set: Scalar[], eq: Equality) => set.some((x) => eq(v, x) !== false);
const surelyIn = (v: Scalar, set: Scalar[], eq: Equality) => set.some((x) => eq(v, x) === true);

/** Both hold (`And`, `&&`, nested branches). */
export function allOf(parts: Narrowing[], eq: Equality): Narrowing {
  const out = new Map<string, Constraint>();
  for (const part of parts) for (const [key, c] of part) out.set(key, out.has(key) ? meet(out.get(key)!, c, eq) : c);
  return out;
}

/** One of them holds (`Or`, `||`): only what every part says about a value stays. */
export function anyOf(parts: Narrowing[], eq: Equality): Narrowing {
  if (parts.length === 0) return NO_NARROWING;
  const out = new Map<string, Constraint>();
  for (const [key, first] of parts[0]!) {
    let c: Constraint | undefined = first;
    for (const part of parts.slice(1)) {
      const other = part.get(key);
      c = c && other ? join(c, other, eq) : undefined;
    }
    if (c) out.set(key, c);
  }
  return out;
}

function meet(a: Constraint, b: Constraint, eq: Equality): Constraint {
  if ('among' in a && 'among' in b) return { among: a.among.filter((v) => maybeIn(v, b.among, eq)) };
  if ('among' in a && 'except' in b) return { among: a.among.filter((v) => !surelyIn(v, b.except, eq)) };
  if ('except' in a && 'among' in b) return meet(b, a, eq);
  return { except: [...(a as { except: Scalar[] }).except, ...(b as { except: Scalar[] }).except] };
}

function join(a: Constraint, b: Constraint, eq: Equality): Constraint | undefined {
  if ('among' in a && 'among' in b) return { among: [...a.among, ...b.among] };
  if ('except' in a && 'except' in b) return { except: a.except.filter((v) => surelyIn(v, b.except, eq)) };
  if ('among' in a && 'except' in b) return { except: b.except.filter((v) => !maybeIn(v, a.among, eq)) };
  return join(b, a, eq);
}

const isScalar = (d: Data): d is Scalar => d === null || typeof d !== 'object';

/** False only when the constraint surely rules the value out. */
function admits(c: Constraint, v: Data, eq: Equality): boolean {
  if (!isScalar(v)) return true;
  return 'among' in c ? maybeIn(v, c.among, eq) : !surelyIn(v, c.except, eq);
}

/** The alternatives of a value the constraint leaves; null when none is left. Unknown values stay. */
function prune(value: EV, c: Constraint, eq: Equality): EV | null {
  if (value.k === 'known') return admits(c, value.v, eq) ? value : null;
  if (value.k === 'unresolved') return value;
  const options = value.options.flatMap((o) => {
    const v = prune(o.value, c, eq);
    return v ? [{ when: o.when, value: v }] : [];
  });
  return options.length > 0 ? { ...value, options } : null;
}

/**
 * The value as the branch sees it. When the branch rules out every alternative (a default it contradicts), the value is
 * whatever the deployment gives instead: `ruledOut` says how that unknown value reads.
 */
export function narrow(value: EV, c: Constraint | undefined, eq: Equality, ruledOut: () => EV): EV {
  return c ? (prune(value, c, eq) ?? ruledOut()) : value;
}
