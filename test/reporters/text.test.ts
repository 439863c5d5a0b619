import { describe, expect, it } from 'vitest';
import { lint } from '../../src/api.js';
import { formatText, frameWindow } from '../../src/reporters/text.js';
import { workspace } from '../helpers/workspace.js';

describe('text code frames', () => {
  it('shows a short line whole, with the caret under the span', () => {
    expect(frameWindow('  cidr_blocks = ["0.0.0.0/0"]', 18, 29)).toEqual({ text: '  cidr_blocks = ["0.0.0.0/0"]', caretAt: 17, caretLength: 11 });
  });

  it('cuts a long line after 160 characters when the span starts early, and underlines the `...` of a span that goes on', () => {
    const line = `description = "${'x'.repeat(300)}"`;
    const shown = frameWindow(line, 15, line.length + 1);
    expect(shown.text).toBe(`${line.slice(0, 157)}...`);
    expect([shown.caretAt, shown.caretLength]).toEqual([14, 160 - 14]);
  });

  it('shows a window around a span far into a long line', () => {
    const line = `${'a'.repeat(100_000)}"CidrIp":"0.0.0.0/0"${'b'.repeat(100_000)}`;
    const column = 100_000 + 10;
    const shown = frameWindow(line, column, column + 11);
    expect(shown.text.length).toBe(160);
    expect(shown.text.startsWith('...') && shown.text.endsWith('...')).toBe(true);
    expect(shown.text.slice(shown.caretAt, shown.caretAt + shown.caretLength)).toBe('"0.0.0.0/0"');
  });

  it('keeps the report of a minified one-line template small', async () => {
    const resources: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) resources[`Param${i}`] = { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x'.repeat(40) } };
    resources.Web = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'web', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0', Description: 'ssh' }] } };
    const dir = workspace({ 'min.json': JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }) });
    const result = await lint(['min.json'], { cwd: dir });
    const text = formatText(result, { color: false, codeFrames: true });
    const admin = text.split('\n').findIndex((l) => l.includes('ingress-world-admin-port'));
    expect(admin).toBeGreaterThan(-1);
    const [source, caret] = text.split('\n').slice(admin + 1, admin + 3) as [string, string];
    expect(source.length).toBeLessThan(200);
    expect(source.slice(caret.indexOf('^'), caret.lastIndexOf('^') + 1)).toBe('"0.0.0.0/0"');
    expect(text.length).toBeLessThan(5000);
  });
});
