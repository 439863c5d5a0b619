import type { Level, RuleModule } from '../engine/define-rule.js';

/** What reporters say about a rule: its metadata, plus where its documentation is and (for SARIF `help`) what it says. */
export interface RuleInfo {
  id: string;
  title: string;
  description: string;
  level: Level;
  securitySeverity?: number;
  tags: string[];
  messages: Record<string, string>;
  /** The doc page in the repository (`rules/<id>.md`); absent for plugin rules. */
  helpUri?: string;
  /** The doc page's markdown without its frontmatter. */
  helpMarkdown?: string;
}

/** Rule metadata for reporters; `doc(id)` gives a rule's documentation page when it has one (built-in rules do). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ruleInfos(rules: RuleModule<any>[], doc: (id: string) => { uri: string; markdown: string } | undefined): RuleInfo[] {
  return rules.map((r) => {
    const page = doc(r.id);
    return {
      id: r.id,
      title: r.title,
      description: r.description,
      level: r.level,
      ...(r.securitySeverity !== undefined ? { securitySeverity: r.securitySeverity } : {}),
      tags: [...r.tags],
      messages: { ...r.messages },
      ...(page ? { helpUri: page.uri, helpMarkdown: stripFrontmatter(page.markdown) } : {}),
    };
  });
}

export function stripFrontmatter(markdown: string): string {
  const m = /^---\r?\n[\s\S]*?\r?\n---\r?\n+/.exec(markdown);
  return m ? markdown.slice(m[0].length) : markdown;
}
