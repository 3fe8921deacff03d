/** Worker-thread entry of `inspect`/`validate --jobs`: inspects the paths it is sent and answers with their printed form. */
import { serveRequests } from "../../parallel/serve-requests.js";
import type { RenderedBatch } from "./render.js";
import { type RenderRequest, renderBatch, transferOf } from "./render-files.js";

serveRequests<RenderRequest, RenderedBatch>(renderBatch, transferOf);
