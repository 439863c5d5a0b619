// Facts about aws-cdk-lib that a static reader needs (DEPENDENCIES.md "CDK semantics", measured with a real synth).
import type { TargetKind } from '../../model/types.js';

/** A port specification as CDK renders it: protocol, from/to (ICMP: type/code), and the text CDK puts in descriptions. */
export interface PortSpec {
  protocol: string;
  from: number | null;
  to: number | null;
  label: string;
}

const tcp = (p: number, label = String(p)): PortSpec => ({ protocol: 'tcp', from: p, to: p, label });

/** `Port.SSH` and the other static constants that exist in aws-cdk-lib. */
export const PORT_CONSTANTS: Record<string, PortSpec> = {
  SSH: tcp(22),
  SMTP: tcp(25),
  DNS_UDP: { protocol: 'udp', from: 53, to: 53, label: 'UDP 53' },
  DNS_TCP: tcp(53),
  HTTP: tcp(80),
  POP3: tcp(110),
  IMAP: tcp(143),
  HTTPS: tcp(443),
  LDAP: tcp(389),
  SMB: tcp(445),
  IMAPS: tcp(993),
  POP3S: tcp(995),
  MSSQL: tcp(1433),
  NFS: tcp(2049),
  MYSQL_AURORA: tcp(3306),
  RDP: tcp(3389),
  POSTGRES: tcp(5432),
};

/** `Protocol.X` values (Protocol.RDP is IP protocol 27, not TCP 3389). */
export const PROTOCOLS: Record<string, string> = { ALL: '-1', TCP: 'tcp', UDP: 'udp', ICMP: 'icmp', ICMPV6: '58', RDP: '27', GRE: '47', ESP: '50', AH: '51' };

/** Database engine → default port, for `allowDefaultPort*` on databases (CDK renders `!GetAtt Db.Endpoint.Port`). */
export const ENGINE_PORTS: [RegExp, number][] = [
  [/aurora-?postgres|postgres/i, 5432],
  [/aurora-?mysql|aurora\b|mysql|maria/i, 3306],
  [/sqlserver|sql_?server/i, 1433],
  [/oracle/i, 1521],
];

/**
 * L2 constructs that own security groups: the target kind of the attachment, the props that pass groups, whether they
 * create a group of their own when none is passed (and how CDK describes it), and what "default port" means.
 */
export interface ConstructKind {
  /** The CDK modules that define the class (a class name alone is ambiguous: ecs.Cluster has no groups, eks.Cluster has). */
  modules: string[];
  kind: TargetKind;
  groupProps: string[];
  /** Description CDK writes for the group it creates itself; undefined when the construct makes none. */
  ownGroup?: (id: string) => string;
  /** allowAllOutbound of the group the construct creates (aws-cdk-lib: false for load balancers, true otherwise). */
  ownGroupAllowsAllOutbound?: boolean;
  defaultPort?: 'engine' | 'listener' | number;
}

export const CONSTRUCTS: Record<string, ConstructKind> = {
  Instance: { modules: ['aws-ec2'], kind: 'instance', groupProps: ['securityGroup'], ownGroup: (id) => `${id}/InstanceSecurityGroup` },
  LaunchTemplate: { modules: ['aws-ec2'], kind: 'launch-template', groupProps: ['securityGroup'] },
  AutoScalingGroup: { modules: ['aws-autoscaling'], kind: 'launch-configuration', groupProps: ['securityGroup'], ownGroup: (id) => `${id}/InstanceSecurityGroup` },
  ApplicationLoadBalancer: { modules: ['aws-elasticloadbalancingv2'], kind: 'load-balancer', groupProps: ['securityGroup'], ownGroup: (id) => `Automatically created Security Group for ELB ${id}`, ownGroupAllowsAllOutbound: false },
  NetworkLoadBalancer: { modules: ['aws-elasticloadbalancingv2'], kind: 'load-balancer', groupProps: ['securityGroups'] },
  LoadBalancer: { modules: ['aws-elasticloadbalancing'], kind: 'load-balancer', groupProps: ['securityGroup'] },
  DatabaseInstance: { modules: ['aws-rds'], kind: 'db-instance', groupProps: ['securityGroups'], ownGroup: (id) => `Security group for ${id} database`, defaultPort: 'engine' },
  DatabaseInstanceFromSnapshot: { modules: ['aws-rds'], kind: 'db-instance', groupProps: ['securityGroups'], ownGroup: (id) => `Security group for ${id} database`, defaultPort: 'engine' },
  DatabaseCluster: { modules: ['aws-rds'], kind: 'db-cluster', groupProps: ['securityGroups'], ownGroup: () => 'RDS security group', defaultPort: 'engine' },
  ServerlessCluster: { modules: ['aws-rds'], kind: 'db-cluster', groupProps: ['securityGroups'], ownGroup: () => 'RDS security group', defaultPort: 'engine' },
  Function: { modules: ['aws-lambda'], kind: 'lambda-function', groupProps: ['securityGroups'], ownGroup: (id) => `Automatic security group for Lambda Function ${id}` },
  NodejsFunction: { modules: ['aws-lambda-nodejs'], kind: 'lambda-function', groupProps: ['securityGroups'], ownGroup: (id) => `Automatic security group for Lambda Function ${id}` },
  PythonFunction: { modules: ['aws-lambda-python-alpha', 'aws-lambda-python'], kind: 'lambda-function', groupProps: ['securityGroups'], ownGroup: (id) => `Automatic security group for Lambda Function ${id}` },
  FargateService: { modules: ['aws-ecs'], kind: 'ecs-service', groupProps: ['securityGroups'], ownGroup: (id) => `${id}/SecurityGroup` },
  Ec2Service: { modules: ['aws-ecs'], kind: 'ecs-service', groupProps: ['securityGroups'], ownGroup: (id) => `${id}/SecurityGroup` },
  InterfaceVpcEndpoint: { modules: ['aws-ec2'], kind: 'vpc-endpoint', groupProps: ['securityGroups'], ownGroup: (id) => `${id}/SecurityGroup`, defaultPort: 443 },
  FileSystem: { modules: ['aws-efs'], kind: 'network-interface', groupProps: ['securityGroup'], ownGroup: (id) => `${id}/EfsSecurityGroup`, defaultPort: 2049 },
  Cluster: { modules: ['aws-eks'], kind: 'eks-cluster', groupProps: ['securityGroup'] },
  Domain: { modules: ['aws-opensearchservice', 'aws-elasticsearch'], kind: 'other', groupProps: ['securityGroups'] },
};

/** Constructs whose props (when a `vpc` is given) make CDK create a group even for Lambda: only with `vpc`. */
export const NEEDS_VPC_FOR_GROUP = new Set(['Function', 'NodejsFunction', 'PythonFunction']);

/** The cdk.json feature flag that makes `new Vpc()` restrict its default group. */
export const RESTRICT_DEFAULT_SG_FLAG = '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup';

/**
 * Props that pass security groups to a construct the table above does not name (an L1 `Cfn*` resource, another
 * library's or the project's own construct): what it receives there, it carries.
 */
export const GROUP_LIST_PROPS = ['securityGroup', 'securityGroups', 'securityGroupIds', 'vpcSecurityGroupIds', 'vpcSecurityGroups', 'groupSet'];
