/**
 * The vCPU and memory pairs a Fargate task (and so a Batch job on Fargate) may have. Anything else is
 * refused by Batch at submit time, i.e. in the middle of a night: the stacks check every size at synth.
 */

/** Memory in GiB each Fargate vCPU value allows. */
const MEMORY_GIB: ReadonlyArray<[vcpu: number, allowed: (gib: number) => boolean, text: string]> = [
  [0.25, (g) => [0.5, 1, 2].includes(g), '512, 1024 or 2048 MiB'],
  [0.5, (g) => Number.isInteger(g) && g >= 1 && g <= 4, '1-4 GiB in 1 GiB steps'],
  [1, (g) => Number.isInteger(g) && g >= 2 && g <= 8, '2-8 GiB in 1 GiB steps'],
  [2, (g) => Number.isInteger(g) && g >= 4 && g <= 16, '4-16 GiB in 1 GiB steps'],
  [4, (g) => Number.isInteger(g) && g >= 8 && g <= 30, '8-30 GiB in 1 GiB steps'],
  [8, (g) => g >= 16 && g <= 60 && g % 4 === 0, '16-60 GiB in 4 GiB steps'],
  [16, (g) => g >= 32 && g <= 120 && g % 8 === 0, '32-120 GiB in 8 GiB steps'],
];

export function fargateMemoryFits(vcpu: number, memoryMiB: number): boolean {
  const row = MEMORY_GIB.find(([v]) => v === vcpu);
  return row !== undefined && row[1](memoryMiB / 1024);
}

/** The allowed pairs, for an error message: "0.25 vCPU: 512, 1024 or 2048 MiB; 0.5 vCPU: …". */
export function fargateSizesText(): string {
  return MEMORY_GIB.map(([v, , text]) => `${v} vCPU: ${text}`).join('; ');
}
