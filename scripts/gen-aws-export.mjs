// A generated describe-security-groups export of an account with many groups (npm run bench): web, app, data and
// admin tiers that reference each other, office and partner CIDRs, IPv6, prefix lists, the default egress rule, and
// now and then a world-open admin port or an undescribed rule, as accounts collect them. Deterministic.
const OWNER = '111122223333';

export function generateExport(count) {
  const id = (i) => `sg-0${(0x1a2b3c4d000 + i).toString(16).padStart(16, '0')}`;
  const tiers = ['web', 'app', 'data', 'admin'];
  const range = (cidr, description) => (description ? { CidrIp: cidr, Description: description } : { CidrIp: cidr });
  const perm = (proto, from, to, peers) => ({ IpProtocol: proto, ...(from === undefined ? {} : { FromPort: from, ToPort: to }), UserIdGroupPairs: [], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], ...peers });
  const groups = [];
  for (let i = 0; i < count; i++) {
    const tier = tiers[i % tiers.length];
    const vpc = `vpc-0${(0xabc00 + Math.floor(i / 100)).toString(16).padStart(16, '0')}`;
    const upstream = id(i - 1 < 0 ? count - 1 : i - 1);
    const ingress =
      tier === 'web'
        ? [perm('tcp', 443, 443, { IpRanges: [range('0.0.0.0/0', 'HTTPS')], Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'HTTPS over IPv6' }] }), perm('tcp', 80, 80, { IpRanges: [range('0.0.0.0/0', 'HTTP redirect')] })]
        : tier === 'app'
          ? [perm('tcp', 8080, 8080, { UserIdGroupPairs: [{ Description: 'From the web tier', GroupId: upstream, UserId: OWNER }] }), perm('tcp', 9000, 9100, { IpRanges: [range(`10.${i % 256}.0.0/16`, 'Metrics from the VPC')] })]
          : tier === 'data'
            ? [perm('tcp', 5432, 5432, { UserIdGroupPairs: [{ Description: 'From the app tier', GroupId: upstream, UserId: OWNER }], IpRanges: [range(`10.${i % 256}.${i % 200}.0/24`, i % 7 === 0 ? undefined : 'BI tools')] })]
            : [perm('tcp', 22, 22, { IpRanges: [range(i % 50 === 3 ? '0.0.0.0/0' : '198.51.100.0/24', 'SSH for operators'), range(`203.0.113.${i % 250}/32`, 'On-call laptop')], PrefixListIds: [{ PrefixListId: 'pl-0b1c2d3e4f5a60001', Description: 'Office networks' }] }), perm('icmp', 8, -1, { IpRanges: [range('198.51.100.0/24', 'Ping from the office')] })];
    const egress = i % 3 === 0 ? [perm('tcp', 443, 443, { IpRanges: [range('0.0.0.0/0', 'HTTPS out')] })] : [perm('-1', undefined, undefined, { IpRanges: [range('0.0.0.0/0')] })];
    groups.push({
      GroupId: id(i),
      IpPermissionsEgress: egress,
      Tags: [{ Key: 'Name', Value: `${tier}-${i}` }, { Key: 'team', Value: `team-${i % 12}` }],
      VpcId: vpc,
      SecurityGroupArn: `arn:aws:ec2:eu-west-1:${OWNER}:security-group/${id(i)}`,
      OwnerId: OWNER,
      GroupName: `${tier}-${i}`,
      Description: `${tier} tier ${i}`,
      IpPermissions: ingress,
    });
  }
  return JSON.stringify({ SecurityGroups: groups }, null, 4) + '\n';
}
