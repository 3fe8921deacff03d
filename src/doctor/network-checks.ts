/** DNS, TCP and TLS reachability of an endpoint URL, each bounded by a stated timeout. */
import { lookup } from "node:dns/promises";
import { connect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { CheckFailed, type CheckResult, notTried, runCheck, withTimeout } from "./check.js";

export const DNS_TIMEOUT_MS = 3_000;
export const CONNECT_TIMEOUT_MS = 3_000;
export const TLS_TIMEOUT_MS = 5_000;

export function defaultPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** DNS, TCP, and TLS when https; `label` names the endpoint (e.g. "VAST endpoint"). */
export async function networkChecks(label: string, url: URL): Promise<CheckResult[]> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = defaultPort(url);
  const results: CheckResult[] = [];
  let address = host;
  const dns = await runCheck(
    `${label} DNS`,
    `resolve ${host} (timeout ${DNS_TIMEOUT_MS / 1000} s)`,
    `nslookup ${host}; check the endpoint's spelling and the resolver (/etc/resolv.conf, VPC DNS)`,
    async () => {
      const found = await withTimeout(lookup(host), DNS_TIMEOUT_MS, `resolving ${host}`);
      address = found.address;
      return `${host} → ${found.address}`;
    },
  );
  results.push(dns);
  const tcpTried = `TCP connect ${address}:${port} (timeout ${CONNECT_TIMEOUT_MS / 1000} s)`;
  if (!dns.ok) {
    results.push(notTried(`${label} TCP`, tcpTried, `${label} DNS`));
    if (url.protocol === "https:") results.push(notTried(`${label} TLS`, "TLS handshake", `${label} DNS`));
    return results;
  }
  const tcp = await runCheck(
    `${label} TCP`,
    tcpTried,
    `curl ${url.origin}; check that security groups / firewalls allow port ${port} (443/8443 on VAST), VPC routes and NAT gateways`,
    () =>
      new Promise<string>((resolve, reject) => {
        const started = performance.now();
        const socket = connect({ host: address, port });
        socket.setTimeout(CONNECT_TIMEOUT_MS, () => {
          socket.destroy();
          reject(new Error(`no connection within ${CONNECT_TIMEOUT_MS / 1000} s`));
        });
        socket.once("connect", () => {
          socket.destroy();
          resolve(`connected in ${Math.round(performance.now() - started)} ms`);
        });
        socket.once("error", (err) => reject(err));
      }),
  );
  results.push(tcp);
  if (url.protocol !== "https:") return results;
  const tlsTried = `TLS handshake with ${host}:${port}, certificate verified (timeout ${TLS_TIMEOUT_MS / 1000} s)`;
  if (!tcp.ok) {
    results.push(notTried(`${label} TLS`, tlsTried, `${label} TCP`));
    return results;
  }
  results.push(
    await runCheck(
      `${label} TLS`,
      tlsTried,
      "install the cluster's CA certificate (NODE_EXTRA_CA_CERTS=/path/ca.pem) or use the certificate's host name",
      () =>
        new Promise<string>((resolve, reject) => {
          const socket = tlsConnect({ host: address, port, servername: host, rejectUnauthorized: true });
          socket.setTimeout(TLS_TIMEOUT_MS, () => {
            socket.destroy();
            reject(new Error(`no TLS handshake within ${TLS_TIMEOUT_MS / 1000} s`));
          });
          socket.once("secureConnect", () => {
            const cert = socket.getPeerCertificate();
            // Read before destroy(): a destroyed socket reports no protocol.
            const protocol = socket.getProtocol() ?? "TLS";
            socket.destroy();
            resolve(`${protocol}, certificate for ${cert.subject?.CN ?? host} valid to ${cert.valid_to}`);
          });
          socket.once("error", (err) =>
            reject(
              new CheckFailed(
                err.message,
                "install the cluster's CA (NODE_EXTRA_CA_CERTS) or fix the certificate's host name",
              ),
            ),
          );
        }),
    ),
  );
  return results;
}
