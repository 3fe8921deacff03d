/** Worker-thread entry of the parallel scanner: inspects the paths it is sent, answers with catalog rows. */
import { encodedBuffers } from "../catalog/encoded-children.js";
import type { CatalogRecord } from "../catalog/rows.js";
import { serveRequests } from "../parallel/serve-requests.js";
import { type InspectJob, runInspectJob } from "./inspect-job.js";

// The encoded child rows move to the main thread (no copy, off its heap) rather than being cloned.
serveRequests<InspectJob, CatalogRecord[]>((job) => runInspectJob(job, "sync"), encodedBuffers);
