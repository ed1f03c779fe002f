import { expect } from 'chai';
import { parseHardwareReport, type NodeHardware } from '../../helpers/probes/node-hardware.js';
import type { Verdict } from '../../helpers/framework/result.js';
import {
  hasSsd,
  judgeHardware,
  machineKindOf,
  nicPortCount,
  nicSpeedAtLeast,
  smtEnabled,
  socketsAndCores,
  sriovCapable,
  type HardwareJudge,
  type ProbedNode,
} from '../../suites/rules/hardware.js';
import { judgeVirtualNodeCpus } from '../../suites/rules/node-virtualisation.js';

/** cpu.cpuN lines: `sockets` packages of `cores` cores with `threads` threads each. */
function topology(sockets: number, cores: number, threads: number): string {
  const lines: string[] = [];
  let cpu = 0;
  for (let t = 0; t < threads; t++)
    for (let s = 0; s < sockets; s++)
      for (let c = 0; c < cores; c++) lines.push(`cpu.cpu${cpu++}=${s} ${c}`);
  return lines.join('\n');
}

/** What the probe prints on a bare-metal server that meets every row. */
const goodServer = `
hypervisorflag=0
vendor=Dell Inc.
product=PowerEdge R750
smt.active=1
smt.control=on
${topology(2, 24, 2)}
net.eno1=speed:25000 class:0x020000 totalvfs:64 vf:0
net.eno2=speed:25000 class:0x020000 totalvfs:64 vf:0
net.ens1f0=speed:100000 class:0x020000 totalvfs:128 vf:0
net.ens1f1=speed: class:0x020000 totalvfs:128 vf:0
net.ens1f0v0=speed:100000 class:0x020000 totalvfs: vf:1
net.idrac=speed:100 class: totalvfs: vf:0
block.nvme0n1=rotational:0 removable:0 virtual:0
block.sda=rotational:1 removable:0 virtual:0
block.loop0=rotational:0 removable:0 virtual:1
`;

/** A bare-metal server that breaks every row: one 16-core socket, SMT off, two 1G ports, a spinning disk. */
const weakServer = `
hypervisorflag=0
vendor=Supermicro
product=X11SCL
smt.active=0
smt.control=off
${topology(1, 16, 1)}
net.eno1=speed:1000 class:0x020000 totalvfs: vf:0
net.eno2=speed:1000 class:0x020000 totalvfs: vf:0
block.sda=rotational:1 removable:0 virtual:0
block.sr0=rotational:1 removable:1 virtual:0
block.dm-0=rotational:1 removable:0 virtual:1
`;

/** Read on a kind node of this test bed (ra2-hw-worker, a container on a VM): no NIC with a device link. */
const kindNode = `
hypervisorflag=1
vendor=
product=
container:/.dockerenv=
container:/run/systemd/container=docker
smt.active=0
smt.control=notsupported
cpu.cpu0=0 0
cpu.cpu1=0 1
block.loop0=rotational:0 removable:0 virtual:1
block.vda=rotational:1 removable:0 virtual:0
block.zram0=rotational:0 removable:0 virtual:1
`;

const probed = (node: string, output: string, providerID?: string): ProbedNode => ({
  node,
  providerID,
  hardware: { node, report: parseHardwareReport(output) },
});
const verdictOn = (judge: HardwareJudge, ...nodes: ProbedNode[]): Verdict =>
  judgeHardware(nodes, judge, 'the requirement');

const rows: [string, HardwareJudge, RegExp, RegExp][] = [
  ['ch.002 SR-IOV', sriovCapable, /eno1 \(SR-IOV, 64 VFs\)/, /eno1 \(no SR-IOV\)/],
  [
    'ch.004 SMT',
    smtEnabled,
    /smt\/active=1.*96 logical CPUs on 48 cores/,
    /smt\/active=0, smt\/control=off/,
  ],
  [
    'ch.008 sockets',
    socketsAndCores,
    /2 socket\(s\) \(socket 0: 24 cores, socket 1: 24 cores\)/,
    /1 socket\(s\) \(socket 0: 16 cores\)/,
  ],
  ['ch.009 SSD', hasSsd, /nvme0n1 SSD, sda rotational/, /^weak: sda rotational$/],
  ['ch.013 NIC ports', nicPortCount, /4 NIC port\(s\)/, /2 NIC port\(s\)/],
  ['ch.014 10G', nicSpeedAtLeast(10_000), /ens1f1 no speed/, /eno1 1000 Mb\/s/],
  ['ch.015 25G', nicSpeedAtLeast(25_000), /eno1 25000 Mb\/s/, /eno2 1000 Mb\/s/],
];

describe('hardware rows (suites/rules/hardware.ts)', () => {
  it('parses the probe output: ports, VFs, topology, disks, markers', () => {
    const good = parseHardwareReport(goodServer);
    expect(good.nics.filter((n) => n.virtualFunction).map((n) => n.name)).to.deep.equal([
      'ens1f0v0',
    ]);
    expect(good.nics.find((n) => n.name === 'ens1f1')).to.deep.include({
      speedMbps: undefined,
      sriovTotalVfs: 128,
    });
    expect(good.cpus).to.have.length(96);
    expect(good.smtActive).to.equal(true);
    expect(parseHardwareReport(kindNode).containerMarkers).to.deep.equal([
      '/.dockerenv: ',
      '/run/systemd/container: docker',
    ]);
    expect(
      parseHardwareReport('net.eth0=speed:-1 class:0x020000 totalvfs: vf:0').nics[0]!.speedMbps,
    ).to.equal(undefined);
  });

  it('tells bare metal, VMs and container nodes apart', () => {
    expect(machineKindOf(undefined, parseHardwareReport(goodServer)).kind).to.equal('bare metal');
    expect(machineKindOf('kind://docker/ra2/w', parseHardwareReport(goodServer)).kind).to.equal(
      'container',
    );
    expect(machineKindOf(undefined, parseHardwareReport(kindNode)).kind).to.equal('container');
    const vm = kindNode.replace(/container:.*\n/g, '');
    expect(machineKindOf('openstack:///x', parseHardwareReport(vm))).to.deep.include({
      kind: 'virtual machine',
    });
  });

  for (const [row, judge, green, red] of rows) {
    it(`${row}: passes a server that meets it, fails one that does not, naming the node`, () => {
      const pass = verdictOn(judge, probed('good', goodServer));
      expect(pass.status, JSON.stringify(pass)).to.equal('passed');
      expect(pass.status === 'passed' && pass.summary).to.match(green);
      const failed = verdictOn(judge, probed('good', goodServer), probed('weak', weakServer));
      expect(failed.status, JSON.stringify(failed)).to.equal('failed');
      expect(failed.status === 'failed' && failed.observed)
        .to.match(red)
        .and.match(/^weak: /);
    });

    it(`${row}: on a kind node the hardware is not observable, and the skip says why`, () => {
      const verdict = verdictOn(
        judge,
        probed('ra2-worker', kindNode, 'kind://docker/ra2/ra2-worker'),
      );
      expect(verdict.status).to.equal('skipped');
      expect(verdict.status === 'skipped' && verdict.applicability).to.equal(undefined);
      expect(verdict.status === 'skipped' && verdict.reason).to.match(
        /^node\(s\) are containers: hardware not observable on 1 of 1 probed node\(s\) \(ra2-worker: kind node \(providerID kind:\/\/docker\/ra2\/ra2-worker\)\); attest/,
      );
    });
  }

  it('a failing bare-metal node fails the row even next to an unobservable VM', () => {
    const vm = probed('vm', kindNode.replace(/container:.*\n/g, ''));
    const verdict = verdictOn(nicPortCount, vm, probed('weak', weakServer));
    expect(verdict.status).to.equal('failed');
    const skipped = verdictOn(nicPortCount, vm, probed('good', goodServer));
    expect(skipped.status === 'skipped' && skipped.reason).to.match(
      /^node\(s\) are virtual machines: .* 1 of 2/,
    );
  });

  it('a node whose probe pod did not start is not observed; no node is nothing to judge', () => {
    const hardware: NodeHardware = { node: 'w', notStarted: 'timed out', described: {} };
    const verdict = judgeHardware([{ node: 'w', hardware }], smtEnabled, 'x');
    expect(verdict.status === 'skipped' && verdict.reason).to.match(
      /w: probe pod did not start: timed out/,
    );
    expect(judgeHardware([], smtEnabled, 'x')).to.deep.include({ status: 'skipped' });
  });

  it('without smt/active, SMT is read from threads per core', () => {
    const old = (t: number) => parseHardwareReport(topology(2, 4, t));
    expect(smtEnabled(old(2))).to.deep.include({ ok: true });
    expect(smtEnabled(old(1))).to.deep.include({ ok: false });
    expect(smtEnabled(parseHardwareReport(''))).to.deep.equal({
      detail: 'neither smt/active nor CPU topology readable',
    });
  });

  it('ch.011: fails a VM node under 16 vCPUs, is not applicable without VMs, not observed without pods', () => {
    const vm = { node: 'vm', vcpus: 8, virtualMachine: true, evidence: 'hypervisor CPU flag' };
    expect(judgeVirtualNodeCpus([vm]).status).to.equal('failed');
    expect(judgeVirtualNodeCpus([{ ...vm, vcpus: 16 }]).status).to.equal('passed');
    const metal = { ...vm, virtualMachine: false };
    expect(judgeVirtualNodeCpus([metal])).to.deep.include({ applicability: 'not-applicable' });
    const unseen = judgeVirtualNodeCpus([
      metal,
      { node: 'w', notObserved: 'probe pod did not start' },
    ]);
    expect(unseen.status === 'skipped' && unseen.applicability).to.equal(undefined);
  });
});
