/**
 * IAM policy documents as plain data. Every policy in the stacks is written with these types and
 * serialised with JSON.stringify, so a reader (and the policy tests) can check each statement.
 */

export type Principal = '*' | { AWS?: string | string[]; Service?: string | string[] };

export type Conditions = Record<string, Record<string, string | string[] | boolean>>;

export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Principal;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Conditions;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

export function policy(...statements: Statement[]): string {
  const doc: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  return JSON.stringify(doc);
}

export function allow(sid: string, action: string[], resource: string[], condition?: Conditions): Statement {
  return { Sid: sid, Effect: 'Allow', Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) };
}

/** A trust policy that lets one AWS service assume the role, for this account only. */
export function trustService(service: string | string[], accountId: string, extra?: Conditions): string {
  return policy({
    Sid: 'AssumedByService',
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': accountId }, ...(extra ?? {}) },
  });
}

/**
 * Terraform reads `${` in any string as an interpolation. IAM policy variables such as `${aws:userid}`
 * are written `$${aws:userid}` so Terraform hands them to IAM unchanged.
 */
export function iamVariable(name: string): string {
  return `$\${${name}}`;
}
