/**
 * A GET of a non-resource path of the API server (/metrics), with the
 * kubeconfig's credentials and TLS settings. The generated clients only speak
 * JSON; /metrics is Prometheus text.
 */
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type RequestOptions } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

export interface RawAnswer {
  status: number;
  body: string;
}

export async function getRaw(kc: KubeConfig, path: string, timeoutMs = 15_000): Promise<RawAnswer> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig names no current cluster server');
  const url = new URL(path, server);
  const options: RequestOptions & Record<string, unknown> = { method: 'GET', headers: {} };
  await kc.applyToHTTPSOptions(options);
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { ...options, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
