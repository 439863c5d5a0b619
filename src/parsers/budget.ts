import type { Span } from '../model/location.js';

/** What one file (a Terraform root module with what it calls) may cost to analyze before the rest is left unresolved. */
export const ANALYSIS_BUDGET = { steps: 20_000_000, ms: 15_000 };

/**
 * Counts evaluation steps against a step limit and a deadline. Once spent it stays spent: every later value is
 * unresolved (rules stay quiet on them) and the place where it ran out is kept for the diagnostic.
 */
export class AnalysisBudget {
  private steps = 0;
  /** The step count at which the clock is read next (every 1,024 steps). */
  private nextClockRead = 1024;
  private readonly deadline: number;
  /** Where the budget ran out, and which limit it was. */
  exceeded?: { at: Span; limit: 'steps' | 'time' };

  constructor(private readonly limits: { steps: number; ms: number } = ANALYSIS_BUDGET) {
    this.deadline = performance.now() + limits.ms;
  }

  /** Counts `steps` steps (one by default) at `at`; false once the budget is spent (the clock is read every 1,024 steps). */
  take(at: Span, steps = 1): boolean {
    if (this.exceeded) return false;
    this.steps += steps;
    if (this.steps > this.limits.steps) this.exceeded = { at, limit: 'steps' };
    else if (this.steps >= this.nextClockRead) {
      this.nextClockRead = this.steps + 1024;
      if (performance.now() > this.deadline) this.exceeded = { at, limit: 'time' };
    }
    return !this.exceeded;
  }

  /** The diagnostic's text once the budget ran out. */
  message(): string {
    const limit = this.exceeded?.limit === 'time' ? `${this.limits.ms / 1000} s` : `${this.limits.steps.toLocaleString('en-US')} evaluation steps`;
    return `analysis stopped here: over its budget of ${limit} for one module; the values after this point are left unresolved`;
  }
}
