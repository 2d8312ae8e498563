import { benchDispatch } from '../../platform/src/modules/service-domain';

/** One dispatch round of 1,000 open tickets against 200 technicians (target: under a second). */
export function runDispatchBench(seed = 42): ReturnType<typeof benchDispatch> {
  // one warm-up round so the JIT's first compile is not part of the figure
  benchDispatch(seed);
  return benchDispatch(seed);
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(runDispatchBench())}\n`);
}
