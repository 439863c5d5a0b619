import { Ajv } from 'ajv';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { fullRegistry, lint } from '../../src/api.js';
import { peerTable } from '../../src/docs/peer-table.js';
import { collectPeerDirectives } from '../../src/engine/peers/collect.js';
import { parsePeerComment } from '../../src/engine/peers/comments.js';
import { PEER_CHECKS, PEER_TOOLS, peerCheck, rulesOfTool, type PeerCheck } from '../../src/engine/peers/table.js';
import type { Finding } from '../../src/engine/result.js';
import { inlineSuppression } from '../../src/engine/suppress.js';
import type { Span } from '../../src/model/location.js';
import type { ParsedFile } from '../../src/parsers/types.js';
import { FIXTURE_TODAY } from '../helpers/fixtures.js';
import { runCli, workspace } from '../helpers/workspace.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'fixtures', '_peer-suppressions');
const CASES = join(ROOT, '..', 'shared', 'conformance', 'cases.json');

const at = (line: number, column = 3): Span => ({ file: 'main.tf', start: { line, column }, end: { line, column: column + 5 }, path: '' });
const range = (from: number, to: number, endColumn = 2) => ({ start: { line: from, column: 1 }, end: { line: to, column: endColumn } });

describe('peer suppression comments', () => {
  it.each([
    ['checkov:skip=CKV_AWS_24:break-glass bastion', [{ tool: 'checkov', ids: ['CKV_AWS_24'], placement: 'resource', reason: 'break-glass bastion' }]],
    ['checkov:skip=CKV2_AWS_5', [{ tool: 'checkov', ids: ['CKV2_AWS_5'], placement: 'resource' }]],
    ['bridgecrew:skip=CKV_AWS_23: described elsewhere', [{ tool: 'checkov', ids: ['CKV_AWS_23'], reason: 'described elsewhere' }]],
    ['tfsec:ignore:aws-vpc-no-public-ingress-sgr tfsec:ignore:aws-vpc-no-public-egress-sgr', [{ tool: 'tfsec', ids: ['aws-vpc-no-public-ingress-sgr'], placement: 'target' }, { tool: 'tfsec', ids: ['aws-vpc-no-public-egress-sgr'] }]],
    ['tfsec:ignore:aws-ec2-no-public-ingress-sgr:exp:2027-01-31:ws:prod', [{ tool: 'tfsec', expires: '2027-01-31', workspace: 'prod' }]],
    ['trivy:ignore:AVD-AWS-0107 bastion, see SEC-4', [{ tool: 'trivy', ids: ['AVD-AWS-0107'], reason: 'bastion, see SEC-4' }]],
    ['trivy:ignore:AVD-AWS-0107[from_port=22]', [{ tool: 'trivy', ids: ['AVD-AWS-0107'], unsupported: expect.stringContaining('[from_port=22]') }]],
    ['trivy:ignore:*', [{ tool: 'trivy', ids: [], unsupported: expect.stringContaining("'*'") }]],
    ['tflint-ignore: aws_security_group_invalid_protocol, other_rule # vendor name', [{ tool: 'tflint', ids: ['aws_security_group_invalid_protocol', 'other_rule'], placement: 'line', reason: 'vendor name' }]],
    ['tflint-ignore: aws_security_group_invalid_protocol // vendor name', [{ tool: 'tflint', ids: ['aws_security_group_invalid_protocol'], reason: 'vendor name' }]],
    ['tflint-ignore-file: aws_security_group_invalid_protocol', [{ tool: 'tflint', placement: 'file' }]],
    ['tflint-ignore: all', [{ tool: 'tflint', ids: [], unsupported: expect.stringContaining("'all'") }]],
    ['kics-scan ignore-line', [{ tool: 'kics', ids: null, form: 'ignore-line', placement: 'line' }]],
    ['kics-scan ignore-block: reached through the bastion only', [{ tool: 'kics', ids: null, form: 'ignore-block', placement: 'target', reason: 'reached through the bastion only' }]],
    ['kics-scan disable=65905cec-d691-4320-b320-2000436cb696,4728cd65-a20c-49da-8b31-9c08b423e4db', [{ tool: 'kics', ids: ['65905cec-d691-4320-b320-2000436cb696', '4728cd65-a20c-49da-8b31-9c08b423e4db'], placement: 'file' }]],
    ['kics-scan ignore', [{ tool: 'kics', form: 'ignore', placement: 'file', unsupported: expect.any(String) }]],
  ])('reads %s', (text, want) => {
    expect(parsePeerComment(text)).toMatchObject(want);
  });

  it.each(['sg-lint-ignore ingress-world-admin-port -- reason', 'just a comment about tfsec', 'tfsec:ignore', 'trivy:warn:AVD-AWS-0107', 'kics-scan do-not-ignore', 'kics-scan disable=', 'checkov:skip=lowercase_id', 'tflint-ignore:'])(
    'finds nothing in %s',
    (text) => {
      expect(parsePeerComment(text)).toEqual([]);
    },
  );
});

/** A Terraform file holding one peer suppression of `id` for the attribute on line 3 of a resource (lines 1-4). */
function fileSuppressing(check: PeerCheck, id: string): ParsedFile {
  const comment = {
    checkov: `checkov:skip=${id}:reviewed`,
    tfsec: `tfsec:ignore:${id}`,
    trivy: `trivy:ignore:${id}`,
    tflint: `tflint-ignore: ${id}`,
    kics: `kics-scan disable=${id}`,
  }[check.tool as string];
  const base: ParsedFile = {
    path: 'main.tf',
    format: 'terraform',
    text: 'resource "aws_security_group" "g" {\n  # comment\n  a = 1\n}\n',
    comments: [],
    constructs: [range(1, 4), range(3, 3, 8)],
    resources: [range(1, 4)],
    diagnostics: [],
    analyzed: true,
  };
  if (comment === undefined) return { ...base, format: 'cloudformation', peerMarks: [{ tool: check.tool, id, at: range(2, 2), scope: range(1, 4) }] };
  // KICS disable= belongs among a file's first comments; the others go on the line above the attribute.
  const line = check.tool === 'kics' ? 1 : 2;
  const text = check.tool === 'kics' ? `# ${comment}\nresource "aws_security_group" "g" {\n  a = 1\n}\n` : base.text;
  return { ...base, text, comments: [{ text: comment, at: range(line, line, 12), ownLine: true }] };
}

describe('the table of peer checks', () => {
  const known = new Set(fullRegistry().map((r) => r.id));
  const enabled = { today: FIXTURE_TODAY, strict: false, enabled: () => true };

  it('names each check once, and only sg-lint rules that exist', () => {
    const keys = PEER_CHECKS.flatMap((c) => [c.id, ...(c.aliases ?? [])].map((id) => `${c.tool} ${id.toLowerCase()}`));
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of PEER_CHECKS) {
      expect(c.rules.length, c.id).toBeGreaterThan(0);
      for (const rule of c.rules) expect(known.has(rule), `${c.tool} ${c.id} → ${rule}`).toBe(true);
    }
  });

  for (const check of PEER_CHECKS) {
    for (const id of [check.id, ...(check.aliases ?? [])]) {
      it(`${check.tool} ${id} silences ${check.rules.join(', ')} and nothing else`, () => {
        const line = 3;
        const { active, invalid } = collectPeerDirectives([fileSuppressing(check, id)], enabled);
        expect(invalid).toEqual([]);
        for (const rule of check.rules) expect(inlineSuppression(active, rule, at(line)), rule).toMatchObject({ kind: 'peer', origin: { tool: check.tool, id } });
        const other = [...known].find((r) => !check.rules.includes(r) && r !== 'parse-error' && r !== 'suppression-invalid')!;
        expect(inlineSuppression(active, other, at(line))).toBeUndefined();
      });
    }
  }

  it('matches trivy, tfsec and KICS ids without regard to case, checkov and cfn_nag ids exactly', () => {
    expect(peerCheck('trivy', 'avd-aws-0107')?.id).toBe('AVD-AWS-0107');
    expect(peerCheck('tfsec', 'AWS-VPC-NO-PUBLIC-INGRESS-SGR')?.id).toBe('aws-ec2-no-public-ingress-sgr');
    expect(peerCheck('kics', '65905CEC-D691-4320-B320-2000436CB696')).toBeDefined();
    expect(peerCheck('checkov', 'ckv_aws_24')).toBeUndefined();
    expect(peerCheck('cfn_nag', 'w2')).toBeUndefined();
    expect(peerCheck('checkov', 'CKV_AWS_20')).toBeUndefined(); // an S3 check: no counterpart
  });

  it("has KICS's id-less commands cover every rule a KICS query maps to", () => {
    expect(rulesOfTool('kics')).toEqual(expect.arrayContaining(['ingress-world-admin-port', 'egress-unrestricted', 'group-unattached', 'rule-port-range-wide']));
    expect(rulesOfTool('kics')).not.toContain('rule-shape-invalid');
  });

  it.skipIf(!existsSync(CASES))('uses the check ids of the peers whose test cases ../shared/conformance holds', () => {
    const cases = readFileSync(CASES, 'utf8');
    for (const c of PEER_CHECKS.filter((x) => x.tool === 'kics' || x.tool === 'checkov' || x.tool === 'cfn_nag')) {
      expect(cases.includes(`"${PEER_TOOLS[c.tool].name} ${c.id} `), `${c.tool} ${c.id}`).toBe(true);
    }
  });

  it('is rendered in the README (npm run docs)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const m = /<!-- peer-table:start -->\n([\s\S]*?)<!-- peer-table:end -->/.exec(readme);
    expect(m, 'README has no peer-table markers').not.toBeNull();
    expect(m![1]).toBe(peerTable());
  });
});

type Row = [ruleId: string, line: number, suppressedBy: string | null];
const rows = (findings: Finding[]): Row[] =>
  findings.map((f) => [f.ruleId, f.at.start.line, f.suppressed ? (f.suppressed.origin ? `${f.suppressed.origin.tool} ${f.suppressed.origin.id}` : f.suppressed.kind) : null]);

async function lintFixture(path: string, extra: Parameters<typeof lint>[1] = {}): Promise<Finding[]> {
  const result = await lint([path], { cwd: FIXTURES, today: FIXTURE_TODAY, ...extra });
  expect(result.errors).toEqual([]);
  return result.findings;
}

describe('fixtures: each form silences the mapped finding in its format', () => {
  const positive: Record<string, Row[]> = {
    'terraform/checkov-skip.tf': [['ingress-world-admin-port', 12, 'checkov CKV_AWS_24']],
    'terraform/tfsec-ignore.tf': [
      ['ingress-broad-source', 13, 'tfsec aws-vpc-no-public-ingress-sgr'],
      ['ingress-world-admin-port', 29, 'tfsec aws-ec2-no-public-ingress-sgr'],
    ],
    'terraform/trivy-ignore.tf': [
      ['ingress-world-admin-port', 12, 'trivy AVD-AWS-0107'],
      ['egress-unrestricted', 20, 'trivy aws-ec2-no-public-egress-sgr'],
    ],
    'terraform/tflint-ignore.tf': [['rule-shape-invalid', 11, 'tflint aws_security_group_invalid_protocol']],
    'terraform/kics-ignore-line.tf': [['ingress-world-admin-port', 12, 'kics ignore-line']],
    'terraform/kics-ignore-block.tf': [['ingress-world-sensitive-port', 12, 'kics ignore-block']],
    'terraform/kics-disable.tf': [['ingress-world-admin-port', 13, 'kics 65905cec-d691-4320-b320-2000436cb696']],
    'cloudformation/checkov-skip-comment.yaml': [['ingress-world-admin-port', 13, 'checkov CKV_AWS_24']],
    'cloudformation/checkov-metadata.yaml': [['ingress-world-admin-port', 17, 'checkov CKV_AWS_25']],
    'cloudformation/checkov-metadata.json': [['ingress-world-admin-port', 11, 'checkov CKV_AWS_25']],
    'cloudformation/cfn-nag-metadata.yaml': [
      ['egress-unrestricted', 4, 'cfn_nag F1000'],
      ['ingress-world-open-port', 19, 'cfn_nag W2'],
    ],
    'cloudformation/cfn-nag-metadata.json': [
      ['egress-unrestricted', 4, 'cfn_nag F1000'],
      ['ingress-world-open-port', 16, 'cfn_nag W2'],
    ],
    'cloudformation/cfn-lint-metadata.yaml': [['rule-shape-invalid', 14, 'cfn-lint E3687']],
    'cloudformation/cfn-lint-metadata.json': [['rule-shape-invalid', 11, 'cfn-lint E3687']],
    'cloudformation/cfn-lint-template-metadata.yaml': [['group-description-invalid', 11, 'cfn-lint E3031']],
    'cloudformation/trivy-ignore.yaml': [['egress-unrestricted', 11, 'trivy AVD-AWS-0104']],
    'cloudformation/kics-ignore-block.yaml': [['ingress-world-sensitive-port', 13, 'kics ignore-block']],
  };

  for (const [file, want] of Object.entries(positive)) {
    it(file, async () => {
      expect(rows(await lintFixture(file))).toEqual(want);
    });
  }

  it('keeps the peer reason, or says none was given', async () => {
    const [checkov] = await lintFixture('terraform/checkov-skip.tf');
    expect(checkov!.suppressed).toEqual({
      kind: 'peer',
      reason: 'break-glass bastion, reviewed in SEC-42',
      origin: { tool: 'checkov', id: 'CKV_AWS_24', reason: 'break-glass bastion, reviewed in SEC-42', file: 'terraform/checkov-skip.tf', line: 3 },
    });
    const [, tfsec] = await lintFixture('terraform/tfsec-ignore.tf');
    expect(tfsec!.suppressed).toEqual({
      kind: 'peer',
      reason: 'tfsec suppression of aws-ec2-no-public-ingress-sgr, no reason given',
      origin: { tool: 'tfsec', id: 'aws-ec2-no-public-ingress-sgr', file: 'terraform/tfsec-ignore.tf', line: 29 },
    });
    const [broad] = await lintFixture('terraform/tfsec-ignore.tf');
    expect(broad!.suppressed).toMatchObject({ until: '2098-12-31', origin: { expires: '2099-01-01', line: 3 } });
  });

  it('a directive of sg-lint itself wins over a peer suppression of the same finding', async () => {
    const dir = workspace({
      'main.tf': readFileSync(join(FIXTURES, 'terraform/checkov-skip.tf'), 'utf8').replace('    cidr_blocks', '    # sg-lint-ignore ingress-world-admin-port -- our own reason\n    cidr_blocks'),
    });
    const result = await lint(['.'], { cwd: dir, today: FIXTURE_TODAY });
    expect(result.findings.map((f) => f.suppressed)).toEqual([{ kind: 'inline', reason: 'our own reason' }]);
  });
});

describe('fixtures: what a peer suppression must not silence', () => {
  it('an id whose check is about something else, an unknown id, a checkov skip outside the resource', async () => {
    expect(rows(await lintFixture('negative/wrong-id.tf'))).toEqual([
      ['ingress-world-admin-port', 13, null],
      ['ingress-world-admin-port', 27, null],
      ['ingress-world-admin-port', 41, null],
      ['ingress-world-admin-port', 55, null],
    ]);
    expect(rows(await lintFixture('negative/wrong-id.yaml'))).toEqual([['ingress-world-admin-port', 21, null]]);
  });

  it('an expired :exp: date (reported at level note) or one that is not a date (reported at the rule level)', async () => {
    const findings = await lintFixture('negative/expired.tf');
    expect(findings.map((f) => [f.ruleId, f.at.start.line, f.level, Boolean(f.suppressed)])).toEqual([
      ['suppression-invalid', 7, 'note', false],
      ['ingress-world-admin-port', 13, 'error', false],
      ['suppression-invalid', 21, 'warning', false],
      ['ingress-world-admin-port', 27, 'error', false],
    ]);
    expect(findings[0]!.message).toContain('trivy suppression of AVD-AWS-0107 expired on 2020-01-01');
    expect(findings[2]!.message).toContain(':exp:2030-02-30, which is not a valid date');
  });

  it('an :exp: date stops the ignore on that very day, as trivy and tfsec read it', async () => {
    const dir = workspace({ 'main.tf': readFileSync(join(FIXTURES, 'terraform/tfsec-ignore.tf'), 'utf8') });
    const on = async (today: string) => (await lint(['.'], { cwd: dir, today })).findings.filter((f) => f.ruleId === 'ingress-broad-source');
    expect((await on('2098-12-31'))[0]!.suppressed?.kind).toBe('peer');
    expect((await on('2099-01-01'))[0]!.suppressed).toBeUndefined();
  });

  it('forms sg-lint does not honour: passed over, and reported with --strict-suppressions', async () => {
    const plain = await lintFixture('negative/unsupported.tf');
    expect(rows(plain)).toEqual([
      ['ingress-world-admin-port', 13, null],
      ['ingress-world-admin-port', 27, null],
      ['rule-shape-invalid', 41, null],
    ]);
    const strict = await lintFixture('negative/unsupported.tf', { strictSuppressions: true });
    expect(strict.filter((f) => f.ruleId === 'suppression-invalid').map((f) => [f.at.start.line, f.message.replace(/^.*suppresses nothing: /, '')])).toEqual([
      [7, expect.stringContaining('the attribute filter [from_port=22] is not supported')],
      [21, expect.stringContaining("limited to the workspace 'development'")],
      [35, expect.stringContaining("trivy suppression of every check is not honoured: '*' names no rule")],
      [40, expect.stringContaining("tflint suppression of every check is not honoured: 'all' names no rule")],
    ]);
  });

  it('--strict-suppressions: a peer suppression without a reason suppresses nothing and is reported; one with a reason still counts', async () => {
    const withoutReason = await lintFixture('cloudformation/cfn-lint-metadata.yaml', { strictSuppressions: true });
    expect(rows(withoutReason)).toEqual([
      ['rule-shape-invalid', 14, null],
      ['suppression-invalid', 20, null],
    ]);
    expect(withoutReason.find((f) => f.ruleId === 'suppression-invalid')!.message).toContain('cfn-lint suppression of E3687 gives no reason (--strict-suppressions requires one)');
    expect(rows(await lintFixture('terraform/checkov-skip.tf', { strictSuppressions: true }))).toEqual([['ingress-world-admin-port', 12, 'checkov CKV_AWS_24']]);
  });

  it('suppressions.peers: false restores the findings', async () => {
    expect(rows(await lintFixture('negative/peers-off'))).toEqual([
      ['ingress-world-admin-port', 12, null],
      ['egress-unrestricted', 4, null],
      ['ingress-world-open-port', 19, null],
    ]);
  });

  it('a peer comment in a format the tool does not read, or in a CDK source, suppresses nothing', async () => {
    const dir = workspace({
      'template.yaml': readFileSync(join(FIXTURES, 'cloudformation/trivy-ignore.yaml'), 'utf8').replace('trivy:ignore:AVD-AWS-0104', 'tfsec:ignore:aws-ec2-no-public-egress-sgr'),
      'lib/stack.ts': [
        "import * as ec2 from 'aws-cdk-lib/aws-ec2';",
        'declare const vpc: ec2.IVpc;',
        "const sg = new ec2.SecurityGroup(this, 'Sg', { vpc, description: 'web' });",
        '// checkov:skip=CKV_AWS_24:not read by checkov in CDK sources',
        "sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'ssh');",
        '',
      ].join('\n'),
    });
    const result = await lint(['.'], { cwd: dir, today: FIXTURE_TODAY });
    expect(result.findings.map((f) => [f.ruleId, f.at.file, Boolean(f.suppressed)])).toEqual(
      expect.arrayContaining([
        ['ingress-world-admin-port', 'lib/stack.ts', false],
        ['egress-unrestricted', 'template.yaml', false],
      ]),
    );
    expect(result.findings.filter((f) => f.suppressed)).toEqual([]);
  });
});

describe('JSON and SARIF list peer suppressions with their origin', () => {
  const Ajv04 = Ajv04Module.default;
  const addFormats = addFormatsModule.default;

  it('as suppressed kind peer (JSON) and inSource suppressions with the origin and its location (SARIF), both valid', async () => {
    const dir = workspace({});
    cpSync(FIXTURES, join(dir, 'infra'), { recursive: true });
    writeFileSync(join(dir, 'infra/negative/peers-off/.sg-lint.yml'), 'suppressions:\n  peers: false\n');
    const run = await runCli(dir, ['infra', '-f', 'json=report.json', '-f', 'sarif=report.sarif', '--fail-on', 'none']);
    expect(run.code, run.stderr).toBe(0);

    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const validateJson = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8')));
    expect(validateJson(report), JSON.stringify(validateJson.errors)).toBe(true);
    const peer = (report.findings as { file: string; suppressed?: { kind: string; origin?: { tool: string } } }[]).filter((f) => f.suppressed?.kind === 'peer');
    expect(new Set(peer.map((f) => f.suppressed!.origin!.tool))).toEqual(new Set(['checkov', 'tfsec', 'trivy', 'tflint', 'kics', 'cfn_nag', 'cfn-lint']));
    expect(peer.filter((f) => f.file.startsWith('infra/negative/'))).toEqual([]);
    expect(report.findings.find((f: { file: string }) => f.file === 'infra/cloudformation/checkov-metadata.json').suppressed).toEqual({
      kind: 'peer',
      reason: 'Windows jump host behind the VPN concentrator, reviewed in SEC-11',
      origin: { tool: 'checkov', id: 'CKV_AWS_25', reason: 'Windows jump host behind the VPN concentrator, reviewed in SEC-11', file: 'infra/cloudformation/checkov-metadata.json', line: 7 },
    });

    const sarif = JSON.parse(readFileSync(join(dir, 'report.sarif'), 'utf8')) as Sarif.Log;
    const ajv = new Ajv04({ allErrors: true, unicodeRegExp: false, strict: false });
    addFormats(ajv);
    const validateSarif = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test', 'data', 'sarif-2.1.0-rtm.5.json'), 'utf8')));
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 5))).toBe(true);
    const suppressed = sarif.runs[0]!.results!.filter((r) => r.suppressions?.[0]?.properties?.sgLintKind === 'peer');
    expect(suppressed.length).toBe(peer.length);
    const kics = suppressed.find((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri === 'infra/terraform/kics-ignore-block.tf')!;
    expect(kics.suppressions).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'the database is reached through a bastion only, reviewed in SEC-3',
        location: { physicalLocation: { artifactLocation: { uri: 'infra/terraform/kics-ignore-block.tf' }, region: { startLine: 2, startColumn: 1 } } },
        properties: {
          sgLintKind: 'peer',
          origin: { tool: 'kics', id: 'ignore-block', reason: 'the database is reached through a bastion only, reviewed in SEC-3', file: 'infra/terraform/kics-ignore-block.tf', line: 2 },
        },
      },
    ]);
  });
});

describe('the command line and the config', () => {
  it('--strict-suppressions turns a reason-less peer suppression into a suppression-invalid finding and a failing run', async () => {
    const dir = workspace({ 'template.yaml': readFileSync(join(FIXTURES, 'cloudformation/cfn-lint-metadata.yaml'), 'utf8') });
    const plain = await runCli(dir, ['.', '-f', 'json']);
    expect(plain.code).toBe(0);
    const strict = await runCli(dir, ['.', '-f', 'json', '--strict-suppressions']);
    expect(strict.code).toBe(1);
    expect(strict.json().findings.map((f) => [f.ruleId, Boolean(f.suppressed)])).toEqual([
      ['rule-shape-invalid', false],
      ['suppression-invalid', false],
    ]);
  });

  it('validates suppressions.peers: a boolean, and no other key', async () => {
    const template = readFileSync(join(FIXTURES, 'cloudformation/cfn-lint-metadata.yaml'), 'utf8');
    const notBoolean = await runCli(workspace({ '.sg-lint.yml': 'suppressions:\n  peers: "no"\n', 'template.yaml': template }), ['.']);
    expect(notBoolean.code).toBe(2);
    expect(notBoolean.stderr).toContain("line 2: suppressions.peers: must be boolean");
    const unknownKey = await runCli(workspace({ '.sg-lint.yml': 'suppressions:\n  peer: false\n', 'template.yaml': template }), ['.']);
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toMatch(/suppressions.*peer/);
    const off = await runCli(workspace({ '.sg-lint.yml': 'suppressions:\n  peers: false\n', 'template.yaml': template }), ['.', '-f', 'json']);
    expect(off.code).toBe(1);
    expect(off.json().findings.map((f) => [f.ruleId, Boolean(f.suppressed)])).toEqual([['rule-shape-invalid', false]]);
  });
});
