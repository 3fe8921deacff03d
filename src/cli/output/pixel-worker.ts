/** Worker-thread entry of `stats`/`verify --jobs`: decodes the file it is sent and answers with its report. */
import { type PixelReport, pixelReportFile } from "../../inspect/pixel-report.js";
import { serveRequests } from "../../parallel/serve-requests.js";

/** One file to decode (`path` null: a warm-up, answered at once, so the caller knows the worker is up). */
export interface PixelRequest {
  path: string | null;
  stats: boolean;
}

serveRequests<PixelRequest, PixelReport | null>((req) =>
  req.path === null ? null : pixelReportFile(req.path, { stats: req.stats }),
);
