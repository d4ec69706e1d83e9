/**
 * The benchmark's inputs, by name, each made once per dataset and size from "gen" (the generator's
 * Parquet): `--inputs gen,duck,duckv2,arrow,tbl`.
 */
import { arrowInput } from './arrow.ts';
import { duckInput } from './duck.ts';
import { genInput, tblInput } from './gen.ts';
import type { Input, InputContext } from './input.ts';

export type { Input, InputContext } from './input.ts';

const BUILDERS = {
  gen: (_ctx: InputContext, gen: Input) => Promise.resolve(gen),
  duck: (ctx: InputContext, gen: Input) => duckInput(ctx, gen, 'default'),
  duckv2: (ctx: InputContext, gen: Input) => duckInput(ctx, gen, 'v2'),
  arrow: arrowInput,
  tbl: tblInput,
} as const;

export type InputName = keyof typeof BUILDERS;
export const INPUT_NAMES = Object.keys(BUILDERS) as InputName[];

export function isInputName(name: string): name is InputName {
  return Object.hasOwn(BUILDERS, name);
}

/** Whether DuckDB reads the input as text (read_csv) rather than Parquet. */
export function isTextInput(name: InputName): boolean {
  return name === 'tbl';
}

/** The input, built under ctx.data when missing (gen first: the others are made from its rows). */
export async function buildInput(name: InputName, ctx: InputContext): Promise<Input> {
  return BUILDERS[name](ctx, await genInput(ctx));
}
