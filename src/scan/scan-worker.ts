/** Worker-thread entry of the parallel scanner: inspects the paths it is sent, answers with catalog rows. */
import type { CatalogRecord } from "../catalog/rows.js";
import { serveRequests } from "../parallel/serve-requests.js";
import { type InspectJob, runInspectJob } from "./inspect-job.js";

serveRequests<InspectJob, CatalogRecord[]>((job) => runInspectJob(job, "sync"));
