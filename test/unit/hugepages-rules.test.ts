/**
 * ra2.ch.001: a pod on a network-intensive worker must map one page of each
 * size. No bed can reserve 1 GiB pages, so the probe's verdict is shown here
 * on reports parsed as the probe parses them: green, and red for each way a
 * page is not mapped.
 */
import { expect } from 'chai';
import { hugePageSizes, parseHugePageReport } from '../../helpers/probes/hugepages.js';
import { judgeHugePageUse } from '../../suites/rules/hugepages.js';

function report(oneGi: { allocated: number; usage: string; mount?: string; error?: string }) {
  return parseHugePageReport(
    [
      'mount.2MB=hugetlbfs',
      'allocated.2MB=2097152',
      'usage.2MB=2097152',
      'limit.2MB=2097152',
      `mount.1GB=${oneGi.mount ?? 'hugetlbfs'}`,
      `allocated.1GB=${oneGi.allocated}`,
      `usage.1GB=${oneGi.usage}`,
      'limit.1GB=1073741824',
      ...(oneGi.error ? [`error.1GB=${oneGi.error}`] : []),
    ].join('\n'),
    hugePageSizes,
  );
}

describe('huge pages mapped by a pod (ra2.ch.001)', () => {
  it('passes a pod that mapped a 2Mi and a 1Gi page, charged to its cgroup (green)', () => {
    const verdict = judgeHugePageUse(
      'nic-worker',
      report({ allocated: 2 ** 30, usage: String(2 ** 30) }),
      hugePageSizes,
    );
    expect(verdict.status).to.equal('passed');
    expect(verdict.status === 'passed' && verdict.summary).to.match(/a pod on nic-worker mapped/);
  });

  it('fails when the 1Gi page could not be allocated, with the error (red)', () => {
    const uses = report({ allocated: 0, usage: '0', error: 'fallocate: No space left on device' });
    const verdict = judgeHugePageUse('nic-worker', uses, hugePageSizes);
    expect(verdict.status === 'failed' && verdict.observed).to.equal(
      'hugepages-1Gi: mounted=true, allocated 0 bytes, fallocate: No space left on device',
    );
  });

  it('fails when the emptyDir is not hugetlbfs, or the cgroup charged less than a page (red)', () => {
    const tmpfs = report({ allocated: 2 ** 30, usage: String(2 ** 30), mount: 'tmpfs' });
    expect(judgeHugePageUse('w', tmpfs, hugePageSizes).status).to.equal('failed');
    const uncharged = report({ allocated: 2 ** 30, usage: '0' });
    expect(judgeHugePageUse('w', uncharged, hugePageSizes).status).to.equal('failed');
  });

  it('fails a report that lacks a size rather than passing on what is there', () => {
    const onlyTwoMi = report({ allocated: 2 ** 30, usage: String(2 ** 30) }).slice(0, 1);
    const verdict = judgeHugePageUse('w', onlyTwoMi, hugePageSizes);
    expect(verdict.status === 'failed' && verdict.observed).to.equal(
      'the probe reported 1 of 2 sizes',
    );
  });
});
