import type { Span } from './location.js';
import type { Protocol } from './net.js';
import type { Unresolved, Value } from './value.js';

export type SourceFormat = 'terraform' | 'cloudformation' | 'cdk' | 'aws';
export type Direction = 'ingress' | 'egress';

/** A group the model knows, or one it does not define (an id, a name, or an unresolved expression). */
export type GroupRef = { kind: 'model'; id: string } | { kind: 'external'; id: Value<string> };

export type Peer =
  | { kind: 'cidr4'; cidr: Value<string> }
  | { kind: 'cidr6'; cidr: Value<string> }
  /**
   * When the configuration shows which list it is: `weight`, the rule entries it counts for (its max entries, or an
   * AWS-managed list's weight), and `family`, its address family; `entries`, its CIDRs when they are known (an export
   * with the list's entries beside it).
   */
  | { kind: 'prefixList'; id: Value<string>; weight?: Value<number>; family?: 4 | 6; entries?: Value<string>[] }
  | { kind: 'securityGroup'; ref: GroupRef }
  | { kind: 'self' }
  | { kind: 'none' };

/** How the rule was written, so messages and a few format-specific semantics can tell them apart. */
export type RuleOrigin =
  | 'tf-inline'
  | 'tf-sg-rule'
  | 'tf-vpc-rule'
  | 'cfn-inline'
  | 'cfn-standalone'
  | 'cdk-l2'
  | 'cdk-l1'
  | 'cdk-generated'
  | 'aws'
  | 'default';

/** The written entry a rule came from: one entry may list several peers, each of which becomes its own SgRule. */
export interface RuleEntry {
  id: string;
  /** Number of peers the entry certainly lists (an unresolved value may turn out to be null, so it does not count). */
  peerCount: number;
  /** True when AWS or the tool allows only one peer in this kind of entry. */
  singlePeer: boolean;
  /** The entry may not exist at all (e.g. a `dynamic` block over a list that is not known). */
  uncertain?: boolean;
  /** A peer attribute could not be evaluated (e.g. `self = lookup(…)`), so the entry may have more peers than listed. */
  unknownPeers?: boolean;
  /** Conditions under which the entry exists (a CloudFormation resource `Condition`, an `Fn::If` branch). */
  when?: string[];
  at: Span;
}

export interface SgRule {
  id: string;
  /** The group this rule belongs to; null when it cannot be resolved (then the rule is also in Model.orphanRules). */
  group: string | null;
  groupRef: GroupRef | null;
  direction: Direction;
  protocol: Value<Protocol>;
  /** Raw ports as written: TCP/UDP port range, ICMP type (from) and code (to). null when absent. */
  fromPort: Value<number> | null;
  toPort: Value<number> | null;
  peer: Peer;
  /** Span of the peer value (the CIDR string, list element or expression). */
  peerAt: Span;
  description: Value<string> | null;
  origin: RuleOrigin;
  entry: RuleEntry;
  /** Address of the resource block that holds the rule (a standalone rule resource, or the group for inline rules). */
  resource: string;
  /** True for AWS's implicit allow-all egress that no one wrote. */
  implicit: boolean;
  at: Span;
}

export interface SecurityGroup {
  id: string;
  /** Resource address in the format's own style (tf `aws_security_group.web`, cfn logical id, cdk `lib/stack.ts#WebSg`). */
  address: string;
  format: SourceFormat;
  name: Value<string> | null;
  namePrefix: Value<string> | null;
  description: Value<string> | null;
  vpc: Value<string> | null;
  /** A VPC's default security group (Terraform aws_default_security_group, CDK restrictDefaultSecurityGroup: false). */
  isDefault: boolean;
  /** AWS's allow-all egress applies because nothing removed it (CloudFormation, CDK); never for Terraform. */
  implicitEgress: boolean;
  ingress: string[];
  egress: string[];
  /** The description a tool writes when the author gave none (CDK: the construct path), to tell it from a real one. */
  generatedDescription?: string;
  /** Tags as deployed (AWS exports): what `sg-lint drift` matches groups by (`aws:cloudformation:logical-id`, `Name` …). */
  tags?: Record<string, string>;
  /**
   * Terraform: the group's own `ingress`/`egress` rules, as blocks or as the attribute (`ingress = []` included), which
   * make Terraform manage every rule of that direction; `present` is unresolved or has alternatives when the attribute's
   * value does, and is false where a `dynamic` block yields no block.
   */
  inlineRules?: { direction: Direction; present: Value<boolean>; at: Span }[];
  /**
   * Conditions under which the group exists (Terraform `count = c ? 1 : 0` on it or its module, a CloudFormation
   * `Condition`); absent when it always does. Its rules exist only with it: link.ts puts their values under these.
   */
  when?: string[];
  at: Span;
}

export type TargetKind =
  | 'instance'
  | 'network-interface'
  | 'launch-template'
  | 'launch-configuration'
  | 'load-balancer'
  | 'db-instance'
  | 'db-cluster'
  | 'cache-cluster'
  | 'cache-replication-group'
  | 'lambda-function'
  | 'ecs-service'
  | 'eks-cluster'
  | 'vpc-endpoint'
  | 'other';

export interface AttachedGroup {
  ref: GroupRef;
  at: Span;
  /** Conditions under which the group is attached (an `Fn::If` item, a conditional list, a resource that exists only under a condition); absent when it always is. */
  when?: string[];
  /** The target's network interface that carries the group, when the target lists interfaces with groups of their own. */
  networkInterface?: string;
}

export interface Attachment {
  target: { kind: TargetKind; address: string; at: Span };
  groups: AttachedGroup[];
  /** False when part of the group list could not be resolved (e.g. a function call), so counts are lower bounds. */
  complete: boolean;
  /** Whether this attachment adds to the target's groups (e.g. aws_network_interface_sg_attachment) or lists them. */
  additive: boolean;
  at: Span;
}

/**
 * A mention of a group outside its own definition and its own rules: an attribute of another resource, a module call
 * argument or output, another group's rule, a data source, a CloudFormation `Ref`/`GetAtt`/`Sub` or `Outputs` entry, a
 * CDK construct receiving the group or a property exporting it. What makes a group *used* besides attachments and peers.
 */
export interface GroupReference {
  ref: GroupRef;
  at: Span;
}

export interface SourceFile {
  path: string;
  format: SourceFormat;
  /** The deployment unit when it is not the format's default (model/roots.ts): a CDK source's app directory. */
  root?: string;
}

export interface Model {
  groups: Map<string, SecurityGroup>;
  rules: Map<string, SgRule>;
  attachments: Attachment[];
  references: GroupReference[];
  /** Rules whose group could not be resolved or is not defined in the analyzed configuration. */
  orphanRules: string[];
  /** Unknowns outside any rule that kept whole parts of the configuration from being analyzed (a remote nested stack). */
  unresolved: Unresolved[];
  files: SourceFile[];
}

export function emptyModel(): Model {
  return { groups: new Map(), rules: new Map(), attachments: [], references: [], orphanRules: [], unresolved: [], files: [] };
}

/** What one front end produces for its files; model/link.ts merges facts into a Model. */
export interface Facts {
  groups: SecurityGroup[];
  rules: SgRule[];
  attachments: Attachment[];
  references: GroupReference[];
  files: SourceFile[];
  unresolved: Unresolved[];
}

/** The value that names a peer (CIDR, prefix list id, external group id); null for model groups, self and none. */
export function peerValue(peer: Peer): Value<string> | null {
  switch (peer.kind) {
    case 'cidr4':
    case 'cidr6':
      return peer.cidr;
    case 'prefixList':
      return peer.id;
    case 'securityGroup':
      return peer.ref.kind === 'external' ? peer.ref.id : null;
    default:
      return null;
  }
}

/** The peer with its value (CIDR, prefix list id, external group id) passed through `guard`. */
export function guardPeer(peer: Peer, guard: <T>(v: Value<T>) => Value<T>): Peer {
  switch (peer.kind) {
    case 'cidr4':
    case 'cidr6':
      return { ...peer, cidr: guard(peer.cidr) };
    case 'prefixList':
      return { ...peer, id: guard(peer.id) };
    case 'securityGroup':
      return peer.ref.kind === 'external' ? { ...peer, ref: { ...peer.ref, id: guard(peer.ref.id) } } : peer;
    default:
      return peer;
  }
}
