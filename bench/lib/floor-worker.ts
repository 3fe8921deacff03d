/** Worker entry for bench:headers' parallel raw floor: open + read 64 KiB + close per path, nothing else. */
import { closeSync, openSync, readSync } from "node:fs";
import { serveRequests } from "../../src/parallel/serve-requests.js";

const buf = new Uint8Array(64 * 1024);

serveRequests<string[], number>((paths) => {
  let bytes = 0;
  for (const p of paths) {
    const fd = openSync(p, "r");
    try {
      bytes += readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
  }
  return bytes;
});
