import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc/index.js';
import { Subnet } from '@cdktf/provider-aws/lib/subnet/index.js';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table/index.js';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association/index.js';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint/index.js';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { StackContext } from './context.ts';
import { allow, policy, trustService } from './iam.ts';

/** Interface endpoints (private DNS) the data plane reaches AWS through; S3 has a gateway endpoint. */
export const INTERFACE_ENDPOINTS = [
  'secretsmanager',
  'redshift-data',
  'glue',
  'ecr.api',
  'ecr.dkr',
  'logs',
  'sts',
  'kms',
  'sns',
] as const;

export const REDSHIFT_PORT = 5439;

/** The i-th /20 of a /16 (10.40.0.0/16 -> 10.40.16.0/20 for i = 1). */
export function subnetCidr(vpcCidr: string, index: number): string {
  const m = /^(\d+)\.(\d+)\.0\.0\/16$/.exec(vpcCidr);
  if (!m) throw new Error(`vpcCidr ${vpcCidr} must be a /16 ending in .0.0`);
  if (index < 0 || index > 15) throw new Error('at most 16 subnets');
  return `${m[1]}.${m[2]}.${index * 16}.0/20`;
}

/**
 * A VPC with private subnets only: no internet gateway, no NAT, no public IPs. AWS is reached through a
 * gateway endpoint (S3) and interface endpoints (the rest). Flow logs go to an encrypted log group.
 * Three security groups, each rule described: Batch jobs, the warehouse, the endpoints.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly privateSubnetIds: string[];
  readonly batchSecurityGroup: SecurityGroup;
  readonly warehouseSecurityGroup: SecurityGroup;
  readonly endpointSecurityGroup: SecurityGroup;
  readonly s3Endpoint: VpcEndpoint;
  readonly interfaceEndpoints: Record<string, VpcEndpoint> = {};
  readonly flowLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, ctx: StackContext, keyArn: string) {
    super(scope, id);
    const { names, settings } = ctx;
    const tags = (name: string) => ({ ...ctx.tags, Name: name });

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: settings.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: tags(names.of('vpc')),
    });

    // The default security group keeps no rules: nothing may use it by accident.
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: this.vpc.id, ingress: [], egress: [], tags: tags(names.of('default-sg-unused')) });

    const routeTables: RouteTable[] = [];
    this.privateSubnetIds = settings.availabilityZones.map((az, i) => {
      const subnet = new Subnet(this, `private-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: subnetCidr(settings.vpcCidr, i),
        mapPublicIpOnLaunch: false,
        assignIpv6AddressOnCreation: false,
        tags: { ...tags(names.of('private', az)), Tier: 'private' },
      });
      // Only the local route and the S3 gateway endpoint: no route to the internet.
      const rt = new RouteTable(this, `private-rt-${i}`, { vpcId: this.vpc.id, tags: tags(names.of('private-rt', az)) });
      new RouteTableAssociation(this, `private-rta-${i}`, { subnetId: subnet.id, routeTableId: rt.id });
      routeTables.push(rt);
      return subnet.id;
    });

    const sg = (sgId: string, name: string, description: string) =>
      new SecurityGroup(this, sgId, { name, description, vpcId: this.vpc.id, tags: tags(name) });
    this.batchSecurityGroup = sg('batch-sg', names.of('batch'), `Batch jobs of ${settings.name}: no ingress; egress to AWS endpoints and Redshift only`);
    this.warehouseSecurityGroup = sg('warehouse-sg', names.of('redshift'), `Redshift of ${settings.name}: ${REDSHIFT_PORT} from the Batch jobs only`);
    this.endpointSecurityGroup = sg('endpoint-sg', names.of('endpoints'), `Interface endpoints of ${settings.name}: HTTPS from the Batch jobs only`);

    // S3 gateway endpoint, limited to this environment's buckets (principals of this account) and
    // the ECR layer bucket Fargate pulls image layers from.
    this.s3Endpoint = new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${ctx.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: routeTables.map((rt) => rt.id),
      policy: policy(
        {
          Sid: 'ThisEnvironmentsBucketsOnly',
          Effect: 'Allow',
          Principal: '*',
          Action: [
            's3:GetObject',
            's3:GetObjectVersion',
            's3:PutObject',
            's3:DeleteObject',
            's3:AbortMultipartUpload',
            's3:ListMultipartUploadParts',
            's3:ListBucket',
            's3:ListBucketMultipartUploads',
            's3:GetBucketLocation',
          ],
          Resource: [`arn:${ctx.partition}:s3:::${names.of('')}*`],
          Condition: { StringEquals: { 'aws:PrincipalAccount': ctx.accountId } },
        },
        {
          Sid: 'EcrImageLayers',
          Effect: 'Allow',
          Principal: '*',
          Action: ['s3:GetObject'],
          Resource: [`arn:${ctx.partition}:s3:::prod-${ctx.region}-starport-layer-bucket/*`],
        },
      ),
      tags: tags(names.of('s3-endpoint')),
    });

    for (const service of INTERFACE_ENDPOINTS) {
      this.interfaceEndpoints[service] = new VpcEndpoint(this, `endpoint-${service.replace('.', '-')}`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${ctx.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: this.privateSubnetIds,
        securityGroupIds: [this.endpointSecurityGroup.id],
        tags: tags(names.of('endpoint', service.replace('.', '-'))),
      });
    }

    const https = { ipProtocol: 'tcp', fromPort: 443, toPort: 443 };
    const redshift = { ipProtocol: 'tcp', fromPort: REDSHIFT_PORT, toPort: REDSHIFT_PORT };
    new VpcSecurityGroupIngressRule(this, 'endpoints-from-batch', {
      securityGroupId: this.endpointSecurityGroup.id,
      referencedSecurityGroupId: this.batchSecurityGroup.id,
      description: 'HTTPS to the interface endpoints from the Batch jobs',
      ...https,
    });
    new VpcSecurityGroupIngressRule(this, 'redshift-from-batch', {
      securityGroupId: this.warehouseSecurityGroup.id,
      referencedSecurityGroupId: this.batchSecurityGroup.id,
      description: `Redshift ${REDSHIFT_PORT} from the Batch jobs only`,
      ...redshift,
    });
    new VpcSecurityGroupEgressRule(this, 'batch-to-endpoints', {
      securityGroupId: this.batchSecurityGroup.id,
      referencedSecurityGroupId: this.endpointSecurityGroup.id,
      description: 'Batch jobs to the interface endpoints (HTTPS)',
      ...https,
    });
    new VpcSecurityGroupEgressRule(this, 'batch-to-s3', {
      securityGroupId: this.batchSecurityGroup.id,
      prefixListId: this.s3Endpoint.prefixListId,
      description: 'Batch jobs to S3 through the gateway endpoint (HTTPS)',
      ...https,
    });
    new VpcSecurityGroupEgressRule(this, 'batch-to-redshift', {
      securityGroupId: this.batchSecurityGroup.id,
      referencedSecurityGroupId: this.warehouseSecurityGroup.id,
      description: `Batch jobs to Redshift on ${REDSHIFT_PORT}`,
      ...redshift,
    });
    new VpcSecurityGroupEgressRule(this, 'redshift-to-s3', {
      securityGroupId: this.warehouseSecurityGroup.id,
      prefixListId: this.s3Endpoint.prefixListId,
      description: 'Redshift COPY from S3 through the gateway endpoint (enhanced VPC routing)',
      ...https,
    });

    // VPC flow logs: every accepted and rejected flow, to a log group encrypted with the key.
    this.flowLogGroup = new CloudwatchLogGroup(this, 'flow-log-group', {
      name: names.logGroup('vpc-flow-logs'),
      kmsKeyId: keyArn,
      retentionInDays: settings.retention.logDays,
      tags: ctx.tags,
    });
    const flowRole = new IamRole(this, 'flow-log-role', {
      name: names.of('vpc-flow-logs'),
      description: 'VPC flow logs deliver to their log group',
      assumeRolePolicy: trustService('vpc-flow-logs.amazonaws.com', ctx.accountId, {
        ArnLike: { 'aws:SourceArn': `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:vpc-flow-log/*` },
      }),
      tags: ctx.tags,
    });
    new IamRolePolicy(this, 'flow-log-policy', {
      name: names.of('deliver-flow-logs'),
      role: flowRole.name,
      policy: policy(
        allow(
          'WriteFlowLogs',
          ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
        ),
      ),
    });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: flowRole.arn,
      maxAggregationInterval: 60,
      tags: tags(names.of('flow-log')),
    });
  }
}
