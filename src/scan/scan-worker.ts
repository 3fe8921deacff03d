/** Worker-thread entry of the parallel scanner: inspects the paths it is sent, answers with catalog rows. */
import { parentPort } from "node:worker_threads";
import { type InspectJob, runInspectJob } from "./inspect-job.js";

parentPort?.on("message", async (message: { id: number; job: InspectJob }) => {
  const records = await runInspectJob(message.job);
  parentPort?.postMessage({ id: message.id, records });
});
