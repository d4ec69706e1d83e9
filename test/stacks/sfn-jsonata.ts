/**
 * A small interpreter for the JSONata states our machines use (Pass, Task, Choice, Fail, Succeed), so
 * tests evaluate the definition's expressions with the jsonata library Step Functions runs, instead of
 * only comparing their text. It follows the Step Functions JSONata rules the definitions rely on:
 * `{% … %}` strings are expressions, `$states.input` / `$states.result` / `$states.errorOutput` /
 * `$states.context`, `Assign` sees the variables as they were before the state, a state's output is its
 * `Output` (default: a Task's result, a Pass's input), and a Catch's `Output` becomes the next input.
 * Tasks are answered by the test (`tasks`), keyed by resource.
 */
import jsonata from 'jsonata';

export interface TaskCall {
  state: string;
  resource: string;
  arguments: unknown;
}

/** A Task's failure, as Step Functions reports it to a Catch: an error name and a cause. */
export class TaskFailure extends Error {
  readonly error: string;
  readonly reason: string;
  constructor(error: string, reason: string) {
    super(`${error}: ${reason}`);
    this.error = error;
    this.reason = reason;
  }
}

export interface Execution {
  /** The states entered, in order. */
  path: string[];
  calls: TaskCall[];
  variables: Record<string, unknown>;
  /** The terminal state's type and, for Fail, its error. */
  end: { state: string; type: 'Succeed' | 'Fail' | 'End'; error?: string };
}

interface StateDef {
  Type: string;
  Next?: string;
  End?: boolean;
  Assign?: Record<string, unknown>;
  Output?: unknown;
  Arguments?: unknown;
  Resource?: string;
  Choices?: Array<{ Condition: string; Next: string }>;
  Default?: string;
  Catch?: Array<{ ErrorEquals: string[]; Next: string; Output?: unknown }>;
  Error?: string;
}

interface MachineDef {
  QueryLanguage?: string;
  StartAt: string;
  States: Record<string, StateDef>;
}

/** Functions Step Functions adds to JSONata that the machines use ($parse: a JSON string to a value). */
const STEP_FUNCTIONS_EXTRAS: Record<string, (text: string) => unknown> = {
  parse: (text: string): unknown => JSON.parse(text),
};

const EXPRESSION = /^\{%([\s\S]*)%\}$/;

async function resolve(value: unknown, bindings: Record<string, unknown>): Promise<unknown> {
  if (typeof value === 'string') {
    const m = EXPRESSION.exec(value);
    if (!m) return value;
    const expression = jsonata(m[1]);
    for (const [fname, fn] of Object.entries(STEP_FUNCTIONS_EXTRAS)) expression.registerFunction(fname, fn);
    return expression.evaluate({}, bindings);
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolve(v, bindings)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolve(v, bindings);
    return out;
  }
  return value;
}

/** Runs `definition` (the JSON text or object) on `input` until a terminal state; at most `maxSteps` states. */
export async function execute(
  definition: string | MachineDef,
  input: unknown,
  tasks: (call: TaskCall) => unknown,
  context: { Execution: { Name: string; StartTime: string } } = { Execution: { Name: 'test-execution', StartTime: '2026-12-02T02:00:00.000Z' } },
  maxSteps = 50,
): Promise<Execution> {
  const machine = (typeof definition === 'string' ? JSON.parse(definition) : definition) as MachineDef;
  if (machine.QueryLanguage !== 'JSONata') throw new Error('the machine does not declare QueryLanguage JSONata');
  const variables: Record<string, unknown> = {};
  const path: string[] = [];
  const calls: TaskCall[] = [];
  let name = machine.StartAt;
  let current: unknown = input;
  for (let step = 0; step < maxSteps; step++) {
    const state = machine.States[name];
    if (!state) throw new Error(`state ${name} is not in the machine`);
    path.push(name);
    const bindings = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...variables, states: { input: current, context, ...extra } });
    if (state.Type === 'Fail') return { path, calls, variables, end: { state: name, type: 'Fail', error: state.Error } };
    if (state.Type === 'Succeed') return { path, calls, variables, end: { state: name, type: 'Succeed' } };
    if (state.Type === 'Choice') {
      let next = state.Default;
      for (const c of state.Choices ?? []) {
        if ((await resolve(c.Condition, bindings())) === true) {
          next = c.Next;
          break;
        }
      }
      if (!next) throw new Error(`Choice ${name}: no condition matched and no Default`);
      name = next;
      continue;
    }
    let result: unknown;
    let output: unknown;
    if (state.Type === 'Pass') {
      result = current;
    } else if (state.Type === 'Task') {
      const args = await resolve(state.Arguments, bindings());
      const call = { state: name, resource: state.Resource ?? '', arguments: args };
      calls.push(call);
      try {
        result = tasks(call);
      } catch (e) {
        if (!(e instanceof TaskFailure)) throw e;
        const handler = (state.Catch ?? []).find((c) => c.ErrorEquals.includes('States.ALL') || c.ErrorEquals.includes(e.error));
        if (!handler) return { path, calls, variables, end: { state: name, type: 'Fail', error: e.error } };
        const errorOutput = { Error: e.error, Cause: e.reason };
        current = handler.Output === undefined ? errorOutput : await resolve(handler.Output, bindings({ errorOutput }));
        name = handler.Next;
        continue;
      }
    } else {
      throw new Error(`state ${name}: type ${state.Type} is not interpreted here`);
    }
    const after = bindings({ result });
    if (state.Assign) {
      const assigned = (await resolve(state.Assign, after)) as Record<string, unknown>;
      output = state.Output === undefined ? result : await resolve(state.Output, after);
      Object.assign(variables, assigned);
    } else {
      output = state.Output === undefined ? result : await resolve(state.Output, after);
    }
    if (state.End) return { path, calls, variables, end: { state: name, type: 'End' } };
    if (!state.Next) throw new Error(`state ${name} has neither Next nor End`);
    current = output;
    name = state.Next;
  }
  throw new Error(`the machine did not stop within ${maxSteps} states: ${path.join(' → ')}`);
}
