/**
 * A small JSON Schema (draft 2020-12) checker for exactly the keywords contract.schema.json uses, so the
 * schema stays the one source of truth and no validator dependency is needed. It stops at the first
 * fault and says where it is as a JSON path ($.columns[3].type.bytes) and what the value must be.
 *
 * Keywords: $ref (to #/$defs/…), type, const, enum, properties, required, additionalProperties: false,
 * items, minItems, minLength, maxLength, pattern, minimum, maximum, oneOf (each branch an object told
 * apart by one `const` property, like `kind` or `type`, or a plain alternative; or, beside `properties`,
 * branches of `required` alone: exactly one of those fields, like unique's `column` or `columns`),
 * if/then/else (a field required or forbidden depending on another: the message says which value
 * decided it) and the boolean schema `false` (the field is not allowed there). Annotations ($schema,
 * $id, $defs, title, description, default) are read by editors only.
 */

export type JsonSchema = { [keyword: string]: unknown };

/** Every keyword this checker understands (a test checks the schema uses no other). */
export const CHECKED_KEYWORDS = [
  '$ref', 'type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'minItems',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'oneOf', 'if', 'then', 'else',
] as const;
export const ANNOTATION_KEYWORDS = ['$schema', '$id', '$defs', 'title', 'description', 'default'] as const;

/** A value that breaks the schema: `path` is the JSON path, `message` the whole sentence. */
export interface SchemaFault {
  path: string;
  message: string;
}

export function checkAgainstSchema(value: unknown, schema: JsonSchema | boolean, root: JsonSchema = schema as JsonSchema, path = '$'): SchemaFault | undefined {
  if (schema === true) return undefined;
  if (schema === false) return { path, message: `${path} is not allowed` };
  const s = resolve(schema, root);
  const fault = (must: string): SchemaFault => ({ path, message: `${path} ${must}` });
  const choice = s.oneOf === undefined ? undefined : requiredChoice(s.oneOf as JsonSchema[]);
  if (s.oneOf !== undefined && !choice) return checkOneOf(value, s.oneOf as JsonSchema[], root, path);
  if (s.const !== undefined && value !== s.const) return fault(`must be ${JSON.stringify(s.const)}`);
  if (s.enum !== undefined && !(s.enum as unknown[]).includes(value)) {
    return fault(`must be one of: ${(s.enum as unknown[]).map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => isType(value, t))) return fault(`must be ${expectation(s, root)}`);
  }
  if (typeof value === 'number') {
    if ((s.minimum !== undefined && value < (s.minimum as number)) || (s.maximum !== undefined && value > (s.maximum as number))) {
      return fault(`must be ${expectation(s, root)}`);
    }
  }
  if (typeof value === 'string') {
    const chars = [...value].length;
    if (s.minLength !== undefined && chars < (s.minLength as number)) return fault(`must be ${expectation(s, root)}`);
    if (s.maxLength !== undefined && chars > (s.maxLength as number)) return fault(`must be ${expectation(s, root)}`);
    if (s.pattern !== undefined && !new RegExp(s.pattern as string, 'u').test(value)) return fault(`must match ${s.pattern as string}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < (s.minItems as number)) return fault(`must have at least ${s.minItems as number} item(s)`);
    if (s.items !== undefined) {
      for (let i = 0; i < value.length; i++) {
        const f = checkAgainstSchema(value[i], s.items as JsonSchema, root, `${path}[${i}]`);
        if (f) return f;
      }
    }
  }
  if (isType(value, 'object')) {
    const obj = value as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    for (const k of (s.required ?? []) as string[]) {
      if (!Object.hasOwn(obj, k)) return { path: `${path}.${k}`, message: `${path}.${k} is required` };
    }
    for (const [k, v] of Object.entries(obj)) {
      if (Object.hasOwn(props, k)) {
        const f = checkAgainstSchema(v, props[k], root, `${path}.${k}`);
        if (f) return f;
      } else if (s.additionalProperties === false) {
        const known = Object.keys(props).filter((p) => p !== '$schema');
        return { path: `${path}.${k}`, message: `${path}.${k} is not a known field (known: ${known.join(', ')})` };
      }
    }
    if (choice && choice.filter((fields) => fields.every((f) => Object.hasOwn(obj, f))).length !== 1) {
      return fault(`must have exactly one of: ${choice.map((fields) => fields.join(' + ')).join(', ')}`);
    }
  }
  if (s.if !== undefined) return checkCondition(value, s, root, path);
  return undefined;
}

/**
 * if/then/else: the branch the `if` picks must hold; its fault names the fields that decided, with
 * their values ("$.distKey is not allowed when $.distStyle is \"all\"").
 */
function checkCondition(value: unknown, s: JsonSchema, root: JsonSchema, path: string): SchemaFault | undefined {
  const condition = s.if as JsonSchema;
  const holds = checkAgainstSchema(value, condition, root, path) === undefined;
  const branch = (holds ? s.then : s.else) as JsonSchema | boolean | undefined;
  if (branch === undefined) return undefined;
  const f = checkAgainstSchema(value, branch, root, path);
  if (!f) return undefined;
  const obj = isType(value, 'object') ? (value as Record<string, unknown>) : {};
  const props = (condition.properties ?? {}) as Record<string, JsonSchema>;
  const why = Object.keys(props).map((k) => {
    if (Object.hasOwn(obj, k)) return `${path}.${k} is ${JSON.stringify(obj[k])}`;
    const dflt = (resolve((s.properties as Record<string, JsonSchema> | undefined)?.[k] ?? {}, root)).default;
    return `${path}.${k} is absent${dflt === undefined ? '' : ` (default ${JSON.stringify(dflt)})`}`;
  });
  return why.length === 0 ? f : { path: f.path, message: `${f.message} when ${why.join(' and ')}` };
}

/** The field sets of a oneOf whose branches say only `required` (exactly one of them must be present), else undefined. */
function requiredChoice(branches: JsonSchema[]): string[][] | undefined {
  if (!branches.every((b) => Object.keys(b).length === 1 && Array.isArray(b.required))) return undefined;
  return branches.map((b) => b.required as string[]);
}

function resolve(s: JsonSchema, root: JsonSchema): JsonSchema {
  if (typeof s !== 'object') return {};
  let cur = s;
  while (typeof cur.$ref === 'string') {
    const m = /^#\/\$defs\/(.+)$/.exec(cur.$ref);
    const target = m ? (root.$defs as Record<string, JsonSchema> | undefined)?.[m[1]] : undefined;
    if (!target) throw new Error(`contract schema: unresolvable $ref ${cur.$ref}`);
    cur = target;
  }
  return cur;
}

function isType(v: unknown, t: string): boolean {
  switch (t) {
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    case 'integer': return Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'null': return v === null;
    default: return typeof v === t;
  }
}

/** The branch a discriminating property (`kind`, `type`) picks, or an error listing every choice. */
function checkOneOf(value: unknown, branches: JsonSchema[], root: JsonSchema, path: string): SchemaFault | undefined {
  const resolved = branches.map((b) => resolve(b, root));
  const tag = discriminator(resolved);
  if (tag !== undefined && isType(value, 'object')) {
    const v = (value as Record<string, unknown>)[tag];
    const choices = resolved.map((b) => ((b.properties as Record<string, JsonSchema>)[tag]).const);
    const i = choices.indexOf(v);
    if (i < 0) {
      const at = `${path}.${tag}`;
      return { path: at, message: `${at} must be one of: ${choices.map((c) => JSON.stringify(c)).join(', ')}` };
    }
    return checkAgainstSchema(value, resolved[i], root, path);
  }
  if (resolved.some((b) => checkAgainstSchema(value, b, root, path) === undefined)) return undefined;
  return { path, message: `${path} must be ${resolved.map((b) => expectation(b, root)).join(' or ')}` };
}

/** The property every branch fixes with `const` (a tagged union), if there is one. */
function discriminator(branches: JsonSchema[]): string | undefined {
  const first = branches[0]?.properties as Record<string, JsonSchema> | undefined;
  if (!first) return undefined;
  return Object.keys(first).find((k) => branches.every((b) => (b.properties as Record<string, JsonSchema> | undefined)?.[k]?.const !== undefined));
}

/** What a value must be, in words: "an integer from 1 to 65535", "a string", "\"max\"". */
function expectation(s0: JsonSchema, root: JsonSchema): string {
  const s = resolve(s0, root);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum !== undefined) return `one of: ${(s.enum as unknown[]).map((e) => JSON.stringify(e)).join(', ')}`;
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  const words = types.map((t) => {
    if (t === 'integer' || t === 'number') {
      const noun = t === 'integer' ? 'an integer' : 'a number';
      if (s.minimum !== undefined && s.maximum !== undefined) return `${noun} from ${s.minimum as number} to ${s.maximum as number}`;
      if (s.minimum !== undefined) return `${noun} of at least ${s.minimum as number}`;
      if (s.maximum !== undefined) return `${noun} of at most ${s.maximum as number}`;
      return noun;
    }
    if (t === 'string') {
      if (s.minLength !== undefined && s.maxLength !== undefined && s.minLength === s.maxLength) return `a string of ${s.minLength as number} character(s)`;
      if (s.minLength !== undefined) return 'a non-empty string';
      return 'a string';
    }
    return { object: 'an object', array: 'an array', boolean: 'true or false', null: 'null' }[t] ?? t;
  });
  return words.join(' or ') || 'valid';
}
