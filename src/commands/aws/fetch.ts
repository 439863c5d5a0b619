// Reads an account read-only with the AWS SDK (only `sg-lint aws` and `drift --live aws` load this module): security
// groups, network interfaces and the prefix lists their rules name, per region, in the AWS CLI's export shape.
import {
  DescribeRegionsCommand,
  EC2Client,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  paginateGetManagedPrefixListEntries,
  type EC2ClientConfig,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';

export interface FetchOptions {
  profile?: string;
  /** Regions to read; none: the region the SDK resolves (AWS_REGION, the profile). */
  regions: string[];
  allRegions: boolean;
  /** Only these group ids (and the interfaces that carry them). */
  groupIds: string[];
  endpoint?: string;
  /** Progress lines (regions, pages), for a terminal. */
  progress?: (message: string) => void;
  /** Tests: a fixed delay between the SDK's retries instead of its backoff. */
  retryDelayMs?: number;
}

/** One region's data, shaped as the AWS CLI prints it (our --save format: entries kept with each prefix list). */
export interface RegionExport {
  region: string;
  /** What could not be read without failing the run (a prefix list's entries, when the policy allows only Describe*). */
  notes: string[];
  data: {
    SecurityGroups: SecurityGroup[];
    NetworkInterfaces: object[];
    PrefixLists: object[];
  };
}

/** A failure that ends the command with exit 2 and one line: credentials missing, expired or refused. */
export class AwsAccessError extends Error {}

const CREDENTIAL_ERRORS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'AuthFailure',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'CredentialsProviderError',
  'TokenProviderError',
]);

export async function fetchAccount(options: FetchOptions): Promise<RegionExport[]> {
  // The SDK warns on Node.js 20 that its releases after January 2027 need Node.js 22; sg-lint pins its SDK version, so
  // the warning says nothing about this run (the variable is the SDK's own switch for it).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = (region?: string) => new EC2Client(clientConfig(options, region));
  try {
    const regions = options.allRegions ? await enabledRegions(client(options.regions[0])) : options.regions.length > 0 ? options.regions : [undefined];
    const out: RegionExport[] = [];
    for (const region of regions) {
      const ec2 = client(region);
      const name = region ?? (await ec2.config.region());
      const notes: string[] = [];
      out.push({ region: name, notes, data: await fetchRegion(ec2, name, options, notes) });
    }
    return out;
  } catch (e) {
    throw accessError(e) ?? e;
  }
}

function clientConfig(options: FetchOptions, region: string | undefined): EC2ClientConfig {
  return {
    ...(region ? { region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.retryDelayMs !== undefined ? { retryStrategy: new ConfiguredRetryStrategy(3, options.retryDelayMs) } : {}),
  };
}

async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  const found = await ec2.send(new DescribeRegionsCommand({}));
  return (found.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
}

async function fetchRegion(ec2: EC2Client, region: string, options: FetchOptions, notes: string[]): Promise<RegionExport['data']> {
  const say = (what: string) => options.progress?.(`${region}: ${what}`);
  const ids = options.groupIds.length > 0 ? { GroupIds: options.groupIds } : {};
  const groups: SecurityGroup[] = [];
  let page = 0;
  for await (const p of paginateDescribeSecurityGroups({ client: ec2 }, ids)) {
    groups.push(...(p.SecurityGroups ?? []));
    say(`security groups, page ${++page} (${groups.length})`);
  }
  const interfaces: object[] = [];
  const filter = options.groupIds.length > 0 ? { Filters: [{ Name: 'group-id', Values: options.groupIds }] } : {};
  page = 0;
  for await (const p of paginateDescribeNetworkInterfaces({ client: ec2 }, filter)) {
    interfaces.push(...(p.NetworkInterfaces ?? []));
    say(`network interfaces, page ${++page} (${interfaces.length})`);
  }
  // Only the prefix lists the rules name, with the entries of those the account manages (AWS-managed ones are
  // known by name, and their entries are long).
  const named = new Set(groups.flatMap((g) => [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])]).flatMap((p) => (p.PrefixListIds ?? []).flatMap((l) => (l.PrefixListId ? [l.PrefixListId] : []))));
  const lists: object[] = [];
  if (named.size > 0) {
    for await (const p of paginateDescribeManagedPrefixLists({ client: ec2 }, { PrefixListIds: [...named].sort() })) {
      for (const list of p.PrefixLists ?? []) {
        if (list.OwnerId === 'AWS' || !list.PrefixListId) {
          lists.push(list);
          continue;
        }
        const entries = await prefixListEntries(ec2, list.PrefixListId);
        if (entries === null) {
          notes.push(`${region}: the entries of prefix list ${list.PrefixListId} were not read (ec2:GetManagedPrefixListEntries is not allowed), so a world CIDR in it is not seen`);
          lists.push(list);
        } else lists.push({ ...list, Entries: entries });
      }
    }
    say(`prefix lists (${lists.length})`);
  }
  return { SecurityGroups: groups, NetworkInterfaces: interfaces, PrefixLists: lists };
}

/** A list's entries; null when the policy does not allow reading them (ec2:Describe* alone does not). */
async function prefixListEntries(ec2: EC2Client, id: string): Promise<object[] | null> {
  const entries: object[] = [];
  try {
    for await (const e of paginateGetManagedPrefixListEntries({ client: ec2 }, { PrefixListId: id })) entries.push(...(e.Entries ?? []));
  } catch (e) {
    if ((e as { name?: string }).name === 'UnauthorizedOperation' || (e as { name?: string }).name === 'AccessDenied') return null;
    throw e;
  }
  return entries;
}

/** The one line for a credentials problem; null for any other failure. */
function accessError(e: unknown): AwsAccessError | null {
  const err = e as { name?: string; Code?: string; message?: string };
  const code = err.Code ?? err.name ?? '';
  if (!CREDENTIAL_ERRORS.has(code) && !/credential/i.test(code)) return null;
  const message = (err.message ?? '').split('\n')[0]!.trim();
  const hint = /expired/i.test(`${code} ${message}`) ? 'refresh them (aws sso login, or new keys) and run again' : 'check AWS_PROFILE / --profile and the access keys';
  return new AwsAccessError(`AWS credentials ${/expired/i.test(`${code} ${message}`) ? 'expired' : 'refused or missing'} (${code}${message ? `: ${message}` : ''}); ${hint}`);
}
