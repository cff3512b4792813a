/** Entry point of `npm run bench` (compiled to dist/test/bench/run.js). */
import { runBookingBench } from './booking-bench';
import { runSlotsBench } from './slots-bench';

async function main(): Promise<void> {
  await runSlotsBench();
  await runBookingBench();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
