/** Entry point of `npm run bench` (compiled to dist/test/bench/run.js). */
import { runSlotsBench } from './slots-bench';

runSlotsBench().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
