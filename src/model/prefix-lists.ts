/**
 * AWS-managed prefix lists and their weights: how many rule entries a reference to one counts for in a security group
 * (Amazon VPC User Guide, "AWS-managed prefix list weight"). `<region>` names stand for every Region.
 */
const WEIGHTS: [RegExp, number][] = [
  [/^com\.amazonaws\.global\.(ipv6\.)?cloudfront\.origin-facing$/, 55],
  [/^com\.amazonaws\.global\.groundstation$/, 5],
  [/^com\.amazonaws\.[a-z0-9-]+\.(ipv6\.)?route53-healthchecks$/, 25],
  [/^com\.amazonaws\.[a-z0-9-]+\.(ipv6\.)?vpc-lattice$/, 10],
  [/^com\.amazonaws\.[a-z0-9-]+\.s3express$/, 6],
  [/^com\.amazonaws\.[a-z0-9-]+\.(ipv6\.)?ec2-instance-connect$/, 2],
  [/^com\.amazonaws\.[a-z0-9-]+\.(s3|dynamodb)$/, 1],
];

export function awsManagedPrefixListWeight(name: string): number | undefined {
  return WEIGHTS.find(([pattern]) => pattern.test(name.trim()))?.[1];
}

/** The address family an AWS-managed list's name gives (`com.amazonaws.global.ipv6.cloudfront.origin-facing`). */
export function awsManagedPrefixListFamily(name: string): 4 | 6 {
  return /\.ipv6\./.test(name) ? 6 : 4;
}

/** "IPv4"/"IPv6" as Terraform, CloudFormation and CDK write a prefix list's address family. */
export function addressFamilyOf(text: string): 4 | 6 | undefined {
  const t = text.replace(/[^a-z0-9]/gi, '').toLowerCase();
  return t === 'ipv4' ? 4 : t === 'ipv6' ? 6 : undefined;
}
