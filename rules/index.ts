import type { RuleModule } from '../src/engine/define-rule.js';
import egressUnrestricted from './egress-unrestricted.js';
import groupDefaultRestrictAll from './group-default-restrict-all.js';
import groupDescriptionInvalid from './group-description-invalid.js';
import groupMissingDescription from './group-missing-description.js';
import ingressBroadSource from './ingress-broad-source.js';
import ingressShadowedRule from './ingress-shadowed-rule.js';
import ingressWorldAdminPort from './ingress-world-admin-port.js';
import ingressWorldAllTraffic from './ingress-world-all-traffic.js';
import ingressWorldIcmp from './ingress-world-icmp.js';
import ingressWorldOpenPort from './ingress-world-open-port.js';
import ingressWorldSensitivePort from './ingress-world-sensitive-port.js';
import ruleDescriptionInvalid from './rule-description-invalid.js';
import ruleMissingDescription from './rule-missing-description.js';
import rulePortRangeWide from './rule-port-range-wide.js';
import ruleShapeInvalid from './rule-shape-invalid.js';
import ruleIpReputation from './rule-ip-reputation.js';
import ruleDuplicate from './rule-duplicate.js';
import groupInlineAndStandaloneRules from './group-inline-and-standalone-rules.js';
import groupRuleQuota from './group-rule-quota.js';
import attachmentGroupQuota from './attachment-group-quota.js';
import groupMixedScope from './group-mixed-scope.js';
import groupRepeatedCidrList from './group-repeated-cidr-list.js';
import ingressPreferGroupReference from './ingress-prefer-group-reference.js';
import groupUnattached from './group-unattached.js';

/**
 * The rule registry, in precedence order: the world-exposure family comes first and in the order RULES.md gives
 * ("No overlap"): all-traffic, admin port, sensitive port, ICMP, open port.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const RULES: RuleModule<any>[] = [
  ingressWorldAllTraffic,
  ingressWorldAdminPort,
  ingressWorldSensitivePort,
  ingressWorldIcmp,
  ingressWorldOpenPort,
  ingressBroadSource,
  ingressShadowedRule,
  egressUnrestricted,
  rulePortRangeWide,
  ruleMissingDescription,
  groupMissingDescription,
  ruleDescriptionInvalid,
  groupDescriptionInvalid,
  groupDefaultRestrictAll,
  ruleShapeInvalid,
  ruleIpReputation,
  ruleDuplicate,
  groupInlineAndStandaloneRules,
  groupRuleQuota,
  attachmentGroupQuota,
  groupMixedScope,
  groupRepeatedCidrList,
  ingressPreferGroupReference,
  groupUnattached,
];
