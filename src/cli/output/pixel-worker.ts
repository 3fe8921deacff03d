/** Worker-thread entry of `stats`/`verify --jobs`: decodes the file it is sent and answers with its report. */
import { type PixelReport, pixelReportFile } from "../../inspect/pixel-report.js";
import { serveRequests } from "../../parallel/serve-requests.js";

/** One file to decode. */
export interface PixelRequest {
  path: string;
  stats: boolean;
}

serveRequests<PixelRequest, PixelReport>((req) => pixelReportFile(req.path, { stats: req.stats }));
