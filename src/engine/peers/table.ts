import type { SourceFormat } from '../../model/types.js';
import type { PeerTool } from '../../parsers/types.js';

/**
 * Other scanners' security-group checks and the sg-lint rules that report the same problem: a suppression written for
 * the peer check silences those rules' findings in its scope. Where the peer check is broader than one of our rules (any
 * ingress from the world), it maps to every rule that reports a part of it; where it is narrower (only port 22), to the
 * rule that reports that part. Peer ids not listed here suppress nothing. README "Migrating from other scanners" is
 * rendered from this table (src/docs/peer-table.ts).
 */
export interface PeerCheck {
  tool: PeerTool;
  id: string;
  /** Other ids the tool accepts for the same check (trivy's long ids and tfsec-era names). */
  aliases?: string[];
  title: string;
  rules: string[];
}

export interface PeerToolInfo {
  name: string;
  /** The formats whose comments the tool reads (its Metadata forms are CloudFormation's). */
  commentFormats: SourceFormat[];
  /** Ids compare without regard to case (trivy and tfsec do). */
  caseInsensitive?: boolean;
}

export const PEER_TOOLS: Record<PeerTool, PeerToolInfo> = {
  checkov: {
    name: 'checkov',
    commentFormats: ['terraform', 'cloudformation'],
  },
  tfsec: {
    name: 'tfsec',
    commentFormats: ['terraform'],
    caseInsensitive: true,
  },
  trivy: {
    name: 'trivy',
    commentFormats: ['terraform', 'cloudformation'],
    caseInsensitive: true,
  },
  tflint: {
    name: 'tflint',
    commentFormats: ['terraform'],
  },
  kics: {
    name: 'KICS',
    commentFormats: ['terraform', 'cloudformation'],
    caseInsensitive: true,
  },
  cfn_nag: {
    name: 'cfn_nag',
    commentFormats: [],
  },
  'cfn-lint': {
    name: 'cfn-lint',
    commentFormats: [],
  },
};

const WORLD_INGRESS = ['ingress-world-all-traffic', 'ingress-world-admin-port', 'ingress-world-sensitive-port', 'ingress-world-icmp', 'ingress-world-open-port'];
const ADMIN = ['ingress-world-admin-port'];
const ADMIN_OR_SENSITIVE = ['ingress-world-admin-port', 'ingress-world-sensitive-port'];
const DESCRIPTIONS = ['rule-missing-description', 'group-missing-description'];

export const PEER_CHECKS: PeerCheck[] = [
  // checkov (ids from its check sources, bridgecrewio/checkov@03d5fda)
  { tool: 'checkov', id: 'CKV_AWS_23', title: 'every security group and rule has a description', rules: DESCRIPTIONS },
  { tool: 'checkov', id: 'CKV_AWS_24', title: 'no ingress from 0.0.0.0/0 to port 22', rules: ADMIN },
  { tool: 'checkov', id: 'CKV_AWS_25', title: 'no ingress from 0.0.0.0/0 to port 3389', rules: ADMIN },
  { tool: 'checkov', id: 'CKV_AWS_260', title: 'no ingress from 0.0.0.0/0 to port 80', rules: ['ingress-world-open-port'] },
  { tool: 'checkov', id: 'CKV_AWS_277', title: 'no ingress from 0.0.0.0/0 on all ports and protocols', rules: ['ingress-world-all-traffic'] },
  { tool: 'checkov', id: 'CKV_AWS_382', title: 'no egress to 0.0.0.0/0 on all ports and protocols', rules: ['egress-unrestricted'] },
  { tool: 'checkov', id: 'CKV2_AWS_5', title: 'security groups are attached to a resource', rules: ['group-unattached'] },
  { tool: 'checkov', id: 'CKV2_AWS_12', title: "every VPC's default security group restricts all traffic", rules: ['group-default-restrict-all'] },
  // tfsec (legacy; its ingress check fires on any public CIDR wider than one address)
  { tool: 'tfsec', id: 'aws-ec2-no-public-ingress-sgr', aliases: ['aws-vpc-no-public-ingress-sgr', 'aws-vpc-no-public-ingress-sg'], title: 'no ingress from a public CIDR', rules: [...WORLD_INGRESS, 'ingress-broad-source'] },
  { tool: 'tfsec', id: 'aws-ec2-no-public-egress-sgr', aliases: ['aws-vpc-no-public-egress-sgr', 'aws-vpc-no-public-egress-sg'], title: 'no egress to a public CIDR', rules: ['egress-unrestricted'] },
  { tool: 'tfsec', id: 'aws-ec2-add-description-to-security-group', aliases: ['aws-vpc-add-description-to-security-group'], title: 'security group has a description', rules: ['group-missing-description'] },
  { tool: 'tfsec', id: 'aws-ec2-add-description-to-security-group-rule', aliases: ['aws-vpc-add-description-to-security-group-rule'], title: 'security group rule has a description', rules: ['rule-missing-description'] },
  { tool: 'tfsec', id: 'aws-vpc-disallow-mixed-sgr', title: 'inline rules and security group rule resources are not mixed', rules: ['group-inline-and-standalone-rules'] },
  // trivy (short AVD ids, long ids and the tfsec-era aliases it accepts)
  { tool: 'trivy', id: 'AVD-AWS-0107', aliases: ['aws-ec2-no-public-ingress-sgr', 'aws-vpc-no-public-ingress-sgr'], title: 'no unrestricted ingress to SSH or RDP, or on all protocols', rules: ['ingress-world-admin-port', 'ingress-world-all-traffic'] },
  { tool: 'trivy', id: 'AVD-AWS-0104', aliases: ['aws-ec2-no-public-egress-sgr', 'aws-vpc-no-public-egress-sgr'], title: 'no unrestricted egress', rules: ['egress-unrestricted'] },
  { tool: 'trivy', id: 'AVD-AWS-0099', aliases: ['aws-ec2-add-description-to-security-group', 'aws-vpc-add-description-to-security-group'], title: 'security group has a description', rules: ['group-missing-description'] },
  { tool: 'trivy', id: 'AVD-AWS-0124', aliases: ['aws-ec2-add-description-to-security-group-rule', 'aws-vpc-add-description-to-security-group-rule'], title: 'security group rule has a description', rules: ['rule-missing-description'] },
  { tool: 'trivy', id: 'AVD-AWS-0173', aliases: ['aws-ec2-restrict-all-in-default-sg'], title: 'default security group restricts all traffic', rules: ['group-default-restrict-all'] },
  // tflint-ruleset-aws
  { tool: 'tflint', id: 'aws_security_group_invalid_protocol', title: 'inline rule protocol is valid', rules: ['rule-shape-invalid'] },
  { tool: 'tflint', id: 'aws_security_group_rule_invalid_protocol', title: 'rule resource protocol is valid', rules: ['rule-shape-invalid'] },
  // KICS (query ids of Checkmarx/kics@2e3a47b; Terraform and CloudFormation queries have their own ids)
  { tool: 'kics', id: '65905cec-d691-4320-b320-2000436cb696', title: 'Security Group With Unrestricted Access To SSH (Terraform)', rules: ADMIN },
  { tool: 'kics', id: '6e856af2-62d7-4ba2-adc1-73b62cef9cc1', title: 'Security Group With Unrestricted Access To SSH (CloudFormation)', rules: ADMIN },
  { tool: 'kics', id: '151187cb-0efc-481c-babd-ad24e3c9bc22', title: 'Remote Desktop Port Open To Internet (Terraform)', rules: ADMIN },
  { tool: 'kics', id: 'c9846969-d066-431f-9b34-8c4abafe422a', title: 'Remote Desktop Port Open To Internet (CloudFormation)', rules: ADMIN },
  { tool: 'kics', id: '3ae83918-7ec7-4cb8-80db-b91ef0f94002', title: 'Security Group Unrestricted Access To RDP (CloudFormation)', rules: ADMIN },
  { tool: 'kics', id: 'cdbb0467-2957-4a77-9992-7b55b29df7b7', title: 'Security Groups With Exposed Admin Ports (CloudFormation)', rules: ADMIN_OR_SENSITIVE },
  { tool: 'kics', id: '381c3f2a-ef6f-4eff-99f7-b169cda3422c', title: 'Sensitive Port Is Exposed To Entire Network (Terraform)', rules: ADMIN_OR_SENSITIVE },
  { tool: 'kics', id: '494b03d3-bf40-4464-8524-7c56ad0700ed', title: 'EC2 Sensitive Port Is Publicly Exposed (CloudFormation)', rules: ADMIN_OR_SENSITIVE },
  { tool: 'kics', id: '78055456-f670-4d2e-94d5-392d1cf4f5e4', title: 'ELB Sensitive Port Is Exposed To Entire Network (CloudFormation)', rules: ADMIN_OR_SENSITIVE },
  { tool: 'kics', id: '54c417bf-c762-48b9-9d31-b3d87047e3f0', title: 'SQL Analysis Services Port 2383 Is Publicly Accessible (Terraform)', rules: ['ingress-world-sensitive-port'] },
  { tool: 'kics', id: '4728cd65-a20c-49da-8b31-9c08b423e4db', title: 'Unrestricted Security Group Ingress (Terraform)', rules: WORLD_INGRESS },
  { tool: 'kics', id: '4a1e6b34-1008-4e61-a5f2-1f7c276f8d14', title: 'Unrestricted Security Group Ingress (CloudFormation)', rules: WORLD_INGRESS },
  { tool: 'kics', id: '590d878b-abdc-428f-895a-e2b68a0e1998', title: 'Unknown Port Exposed To Internet (Terraform)', rules: ['ingress-world-open-port'] },
  { tool: 'kics', id: '829ce3b8-065c-41a3-ad57-e0accfea82d2', title: 'Unknown Port Exposed To Internet (CloudFormation)', rules: ['ingress-world-open-port'] },
  { tool: 'kics', id: 'ffac8a12-322e-42c1-b9b9-81ff85c39ef7', title: 'HTTP Port Open To Internet (Terraform)', rules: ['ingress-world-open-port'] },
  { tool: 'kics', id: 'ddfc4eaa-af23-409f-b96c-bf5c45dc4daa', title: 'HTTP Port Open To Internet (CloudFormation)', rules: ['ingress-world-open-port'] },
  { tool: 'kics', id: 'adcd0082-e90b-4b63-862b-21899f6e6a48', title: 'Security Groups With Meta IP (CloudFormation)', rules: ['ingress-world-all-traffic'] },
  { tool: 'kics', id: 'e415f8d3-fc2b-4f52-88ab-1129e8c8d3f5', title: 'Fully Open Ingress (CloudFormation)', rules: ['ingress-world-all-traffic'] },
  { tool: 'kics', id: '1a427b25-2e9e-4298-9530-0499a55e736b', title: 'Security Group Ingress With All Protocols (CloudFormation)', rules: ['ingress-world-all-traffic'] },
  { tool: 'kics', id: 'e35c16a2-d54e-419d-8546-a804d8e024d0', title: 'Sensitive Port Is Exposed To Small Public Network (Terraform)', rules: ['ingress-broad-source'] },
  { tool: 'kics', id: '92fe237e-074c-4262-81a4-2077acb928c1', title: 'Sensitive Port Is Exposed To Wide Private Network (Terraform)', rules: ['ingress-broad-source'] },
  { tool: 'kics', id: '1cc2fbd7-816c-4fbf-ad6d-38a4afa4312a', title: 'Security Group Egress CIDR Open To World (CloudFormation)', rules: ['egress-unrestricted'] },
  { tool: 'kics', id: '66f2d8f9-a911-4ced-ae27-34f09690bb2c', title: 'Security Groups Allows Unrestricted Outbound Traffic (CloudFormation)', rules: ['egress-unrestricted'] },
  { tool: 'kics', id: 'ee464fc2-54a6-4e22-b10a-c6dcd2474d0c', title: 'Security Group Egress With All Protocols (CloudFormation)', rules: ['egress-unrestricted'] },
  { tool: 'kics', id: '87482183-a8e7-4e42-a566-7a23ec231c16', title: 'Security Group Ingress With Port Range (CloudFormation)', rules: ['rule-port-range-wide'] },
  { tool: 'kics', id: 'dae9c373-8287-462f-8746-6f93dad93610', title: 'Security Group Egress With Port Range (CloudFormation)', rules: ['rule-port-range-wide'] },
  { tool: 'kics', id: '46883ce1-dc3e-4b17-9195-c6a601624c73', title: 'Default Security Groups With Unrestricted Traffic (Terraform)', rules: ['group-default-restrict-all'] },
  { tool: 'kics', id: '9a4ef195-74b9-4c58-b8ed-2b2fe4353a75', title: 'VPC Default Security Group Accepts All Traffic (Terraform)', rules: ['group-default-restrict-all'] },
  { tool: 'kics', id: 'ea33fcf7-394b-4d11-a228-985c5d08f205', title: 'Default Security Groups With Unrestricted Traffic (CloudFormation)', rules: ['group-default-restrict-all'] },
  { tool: 'kics', id: '4849211b-ac39-479e-ae78-5694d506cb24', title: 'Security Group Not Used (Terraform)', rules: ['group-unattached'] },
  { tool: 'kics', id: '68eb4bf3-f9bf-463d-b5cf-e029bb446d2e', title: 'Security Group Rule Without Description (Terraform)', rules: ['rule-missing-description'] },
  { tool: 'kics', id: '5e6c9c68-8a82-408e-8749-ddad78cbb9c5', title: 'Security Group Rule Without Description (CloudFormation)', rules: ['rule-missing-description'] },
  { tool: 'kics', id: 'cb3f5ed6-0d18-40de-a93d-b3538db31e8c', title: 'Security Group Without Description (Terraform)', rules: ['group-missing-description'] },
  // cfn_nag (stelligent/cfn_nag@8b5f03d)
  { tool: 'cfn_nag', id: 'W2', title: 'ingress open to the world', rules: WORLD_INGRESS },
  { tool: 'cfn_nag', id: 'W5', title: 'egress open to the world', rules: ['egress-unrestricted'] },
  { tool: 'cfn_nag', id: 'W9', title: 'ingress CIDR that is not a single host', rules: ['ingress-broad-source'] },
  { tool: 'cfn_nag', id: 'W27', title: 'ingress on a port range', rules: ['rule-port-range-wide'] },
  { tool: 'cfn_nag', id: 'W29', title: 'egress on a port range', rules: ['rule-port-range-wide'] },
  { tool: 'cfn_nag', id: 'W36', title: 'rule without a description', rules: ['rule-missing-description'] },
  { tool: 'cfn_nag', id: 'W40', title: 'egress on all protocols (IpProtocol -1)', rules: ['egress-unrestricted'] },
  { tool: 'cfn_nag', id: 'W42', title: 'ingress on all protocols (IpProtocol -1)', rules: ['ingress-world-all-traffic'] },
  { tool: 'cfn_nag', id: 'F1000', title: 'no egress rule, so all outbound traffic is allowed', rules: ['egress-unrestricted'] },
  // cfn-lint
  { tool: 'cfn-lint', id: 'E3687', title: 'TCP, UDP and ICMP rules need FromPort and ToPort', rules: ['rule-shape-invalid'] },
  { tool: 'cfn-lint', id: 'E3688', title: 'ICMP type and code -1 go together', rules: ['rule-shape-invalid'] },
  { tool: 'cfn-lint', id: 'E1153', title: 'security group name pattern', rules: ['group-description-invalid'] },
  { tool: 'cfn-lint', id: 'E3031', title: 'value matches its pattern (descriptions, group names)', rules: ['group-description-invalid', 'rule-description-invalid'] },
  { tool: 'cfn-lint', id: 'E3033', title: 'string length within limits (descriptions, group names)', rules: ['group-description-invalid', 'rule-description-invalid'] },
];

const norm = (tool: PeerTool, id: string) => (PEER_TOOLS[tool].caseInsensitive ? id.toLowerCase() : id);

const BY_ID = new Map<string, PeerCheck>();
for (const check of PEER_CHECKS) for (const id of [check.id, ...(check.aliases ?? [])]) BY_ID.set(`${check.tool}\0${norm(check.tool, id)}`, check);

/** The peer check a tool's id names (an alias included), if sg-lint has a counterpart. */
export function peerCheck(tool: PeerTool, id: string): PeerCheck | undefined {
  return BY_ID.get(`${tool}\0${norm(tool, id.trim())}`);
}

/** Every sg-lint rule some check of the tool maps to: what an id-less suppression of that tool (KICS ignore-line) covers. */
export function rulesOfTool(tool: PeerTool): string[] {
  return [...new Set(PEER_CHECKS.filter((c) => c.tool === tool).flatMap((c) => c.rules))];
}
