// A fake EC2 endpoint on 127.0.0.1 for `sg-lint aws` tests: the EC2 Query protocol (form-encoded POST with
// Action=…&Version=2016-11-15), answering with the XML the AWS SDK's EC2 deserializer reads. Data is given per region
// in the AWS CLI's JSON shape (the export fixtures); the region is read from the request's signature scope.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Item = Record<string, unknown>;

export interface RegionData {
  SecurityGroups?: Item[];
  NetworkInterfaces?: Item[];
  PrefixLists?: Item[];
  /** Entries by prefix list id (get-managed-prefix-list-entries). */
  Entries?: Record<string, Item[]>;
}

export interface FakeError {
  status: number;
  code: string;
  message: string;
}

export interface FakeEc2Options {
  regions: Record<string, RegionData>;
  /** Items per page of every paginated answer (the SDK's MaxResults is ignored, as AWS may). */
  pageSize?: number;
  /** Errors answered, once each and in order, to the next requests of an action. */
  failures?: Record<string, FakeError[]>;
}

export interface FakeRequest {
  action: string;
  region: string;
  params: Record<string, string>;
}

export interface FakeEc2 {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

const LIST_NAMES: Record<string, string> = {
  SecurityGroups: 'securityGroupInfo',
  NetworkInterfaces: 'networkInterfaceSet',
  PrefixLists: 'prefixListSet',
  Entries: 'entrySet',
  Regions: 'regionInfo',
  UserIdGroupPairs: 'groups',
  Tags: 'tagSet',
  GroupSet: 'groupSet',
};

export async function startFakeEc2(options: FakeEc2Options): Promise<FakeEc2> {
  const requests: FakeRequest[] = [];
  const failures = Object.fromEntries(Object.entries(options.failures ?? {}).map(([k, v]) => [k, [...v]]));
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const region = /Credential=[^/]+\/\d{8}\/([^/]+)\/ec2\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unknown';
      const action = params.Action ?? '';
      requests.push({ action, region, params });
      const failure = failures[action]?.shift();
      if (failure) {
        res.writeHead(failure.status, { 'content-type': 'text/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${failure.code}</Code><Message>${escape(failure.message)}</Message></Error></Errors><RequestID>fake-${requests.length}</RequestID></Response>`);
        return;
      }
      const answer = respond(action, params, options.regions[region] ?? {}, options.pageSize ?? 1000, Object.keys(options.regions));
      if (!answer) {
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(`<Response><Errors><Error><Code>InvalidAction</Code><Message>The fake does not know ${escape(action)}</Message></Error></Errors><RequestID>x</RequestID></Response>`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>fake-${requests.length}</requestId>${answer}</${action}Response>`);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((done) => server.close(() => done())) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
  });
}

/** `Name.1`, `Name.2` … (the Query protocol's lists). */
function listParam(params: Record<string, string>, name: string): string[] {
  return Object.keys(params)
    .filter((k) => k.startsWith(`${name}.`) && /^\d+$/.test(k.slice(name.length + 1)))
    .map((k) => params[k]!);
}

function respond(action: string, params: Record<string, string>, data: RegionData, pageSize: number, regions: string[]): string | null {
  const page = (key: string, items: Item[]) => {
    const start = Number(params.NextToken ?? 0);
    const slice = items.slice(start, start + pageSize);
    const next = start + pageSize < items.length ? `<nextToken>${start + pageSize}</nextToken>` : '';
    return xml(key, slice) + next;
  };
  switch (action) {
    case 'DescribeSecurityGroups': {
      const ids = listParam(params, 'GroupId');
      const groups = (data.SecurityGroups ?? []).filter((g) => ids.length === 0 || ids.includes((g as { GroupId: string }).GroupId));
      return page('SecurityGroups', groups.map(({ Description, ...g }) => ({ ...g, GroupDescription: Description })));
    }
    case 'DescribeNetworkInterfaces': {
      const groupFilter = Object.keys(params).find((k) => /^Filter\.\d+\.Name$/.test(k) && params[k] === 'group-id');
      const wanted = groupFilter ? listParam(params, groupFilter.replace(/Name$/, 'Value')) : [];
      const enis = (data.NetworkInterfaces ?? []).filter((e) => wanted.length === 0 || ((e as { Groups: { GroupId: string }[] }).Groups ?? []).some((g) => wanted.includes(g.GroupId)));
      return page('NetworkInterfaces', enis.map(({ Groups, ...e }) => ({ ...e, GroupSet: Groups })));
    }
    case 'DescribeManagedPrefixLists': {
      const ids = listParam(params, 'PrefixListId');
      return page('PrefixLists', (data.PrefixLists ?? []).filter((l) => ids.length === 0 || ids.includes((l as { PrefixListId: string }).PrefixListId)));
    }
    case 'GetManagedPrefixListEntries':
      return page('Entries', data.Entries?.[params.PrefixListId ?? ''] ?? []);
    case 'DescribeRegions':
      return xml('Regions', regions.map((r) => ({ RegionName: r, Endpoint: `ec2.${r}.amazonaws.com`, OptInStatus: 'opt-in-not-required' })));
    default:
      return null;
  }
}

/** A JSON value (AWS CLI shape) as Query protocol XML: lists as `<name><item>…</item></name>`, members lowerCamelCase. */
function xml(key: string, value: unknown): string {
  const name = LIST_NAMES[key] ?? key.charAt(0).toLowerCase() + key.slice(1);
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((item) => itemXml(item)).join('')}</${name}>`;
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => xml(k, v)).join('')}</${name}>`;
  return `<${name}>${escape(String(value))}</${name}>`;
}

function itemXml(item: unknown): string {
  if (item && typeof item === 'object') return `<item>${Object.entries(item).map(([k, v]) => xml(k, v)).join('')}</item>`;
  return `<item>${escape(String(item))}</item>`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
