import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import {
  SonobuoyProgressReporter,
  type ProgressUpdate,
} from '../../helpers/reporters/sonobuoy-progress.js';
import { report, result } from './fixtures.js';

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

describe('Sonobuoy progress reporter', () => {
  let server: Server;
  let port: number;
  const received: { path: string; method: string; type: string; update: ProgressUpdate }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      void body(req).then((text) => {
        received.push({
          path: req.url ?? '',
          method: req.method ?? '',
          type: req.headers['content-type'] ?? '',
          update: JSON.parse(text) as ProgressUpdate,
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  it('is made only when SONOBUOY_PROGRESS_PORT is set, for localhost', () => {
    expect(SonobuoyProgressReporter.fromEnv({})).to.equal(undefined);
    expect(SonobuoyProgressReporter.fromEnv({ SONOBUOY_PROGRESS_PORT: '' })).to.equal(undefined);
    const warnings: string[] = [];
    expect(
      SonobuoyProgressReporter.fromEnv(
        { SONOBUOY_PROGRESS_PORT: 'abc' },
        { warn: (l) => warnings.push(l) },
      ),
    ).to.equal(undefined);
    expect(warnings).to.have.length(1);
    expect(SonobuoyProgressReporter.fromEnv({ SONOBUOY_PROGRESS_PORT: '8099' })?.url).to.equal(
      'http://localhost:8099/progress',
    );
  });

  it('POSTs total, completed without the failures, and the failed names after each check', async () => {
    const reporter = new SonobuoyProgressReporter(`http://127.0.0.1:${port}/progress`);
    const results = [
      result('ra2.k8s.003', 'passed'),
      result('ra2.k8s.004', 'failed'),
      result('ra2.k8s.010', 'skipped'),
      result('ra2.k8s.013', 'error'),
      result('ra2.k8s.019', 'not-implemented'),
    ];
    const run = report(results);
    await reporter.onRunStart(run.info);
    for (const [i, r] of results.entries()) await reporter.onCheckEnd(r, i, results.length);
    await reporter.onRunEnd(run);

    expect(received).to.have.length(1 + results.length + 1);
    expect(received.every((r) => r.path === '/progress' && r.method === 'POST')).to.equal(true);
    expect(received[0]!.type).to.match(/application\/json/);
    expect(received[0]!.update).to.include({ total: 5, completed: 0 });
    const afterFailure = received[2]!.update;
    expect(afterFailure.completed).to.equal(1);
    expect(afterFailure.failures).to.have.length(1);
    expect(afterFailure.failures[0]).to.contain('ra2.k8s.004');
    const last = received.at(-1)!.update;
    expect(last).to.include({ total: 5, completed: 3 });
    expect(last.failures).to.have.length(2);
    expect(last.failures[1]).to.contain('ra2.k8s.013');
    expect(last.msg).to.match(/^done: 1 passed, 2 failed, 2 skipped/);
    for (const r of received)
      expect(r.update).to.have.all.keys('msg', 'total', 'completed', 'failures');
  });

  it('treats a failed POST as harmless and logs it once', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const warnings: string[] = [];
    const reporter = new SonobuoyProgressReporter(`http://127.0.0.1:${deadPort}/progress`, {
      warn: (line) => warnings.push(line),
      timeoutMs: 2000,
    });
    const results = [result('ra2.k8s.003', 'passed'), result('ra2.k8s.004', 'failed')];
    await reporter.onRunStart(report(results).info);
    for (const [i, r] of results.entries()) await reporter.onCheckEnd(r, i, results.length);
    await reporter.onRunEnd(report(results));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/progress update to .* failed/);
  });

  it('logs an HTTP error answer once', async () => {
    const failing = createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const warnings: string[] = [];
    const reporter = new SonobuoyProgressReporter(
      `http://127.0.0.1:${(failing.address() as AddressInfo).port}/progress`,
      { warn: (line) => warnings.push(line) },
    );
    await reporter.onCheckEnd(result('ra2.k8s.003', 'passed'), 0, 2);
    await reporter.onCheckEnd(result('ra2.k8s.004', 'passed'), 1, 2);
    await new Promise<void>((resolve) => failing.close(() => resolve()));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('HTTP 500');
  });
});
