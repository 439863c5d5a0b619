/**
 * Whether a YAML or JSON text may hold a CloudFormation template, decided without parsing it: a template names its
 * format version, or has a `Resources` key and a resource type `AWS::…` or `Alexa::…` (what loadTemplate looks for,
 * in any layout: block or flow style, JSON, nested stacks, SAM, cdk.out). A quoted string can spell a type's `::`
 * with an escape (`\u003a`, `\x3a`) or split it over an escaped line break, so a text with those is parsed to be sure.
 */
export function mayBeTemplate(text: string): boolean {
  if (text.includes('AWSTemplateFormatVersion')) return true;
  if (!text.includes('Resources')) return false;
  return text.includes('AWS::') || text.includes('Alexa::') || /\\[uxU\r\n]/.test(text);
}
