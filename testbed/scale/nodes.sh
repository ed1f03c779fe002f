#!/usr/bin/env bash
# nodes.sh N: prints N simulated Node objects (a List) for KWOK to keep Ready, shaped like a telco
# fleet: three zones, three instance types (edge, core, network-intensive hardware), capacity to
# match, the basic-profile label, and a hostname label that differs from the node name (as on many
# clouds), so that anything that pins by name instead of hostname shows. Each node is tainted
# kwok.x-k8s.io/node=fake:NoSchedule, the way KWOK marks simulated nodes.
# Addresses: 172.18.192.0/18 and fc00:f853:ccd:e793::c0:0/112, unused parts of kind's network
# (Docker hands addresses out from the bottom), so nothing addressed to a simulated node leaves it.
set -euo pipefail
n=${1:?usage: nodes.sh N}
awk -v n="$n" 'BEGIN {
  split("zone-a zone-b zone-c", zones, " ")
  print "apiVersion: v1"; print "kind: List"; print "items:"
  for (i = 1; i <= n; i++) {
    name = sprintf("sim-node-%04d", i)
    if (i % 10 == 0)      { type = "sim-ni-64c";   cpu = 64; mem = "256Gi"; huge = "16Gi" }
    else if (i % 10 < 4)  { type = "sim-core-32c"; cpu = 32; mem = "128Gi"; huge = "0" }
    else                  { type = "sim-edge-8c";  cpu = 8;  mem = "32Gi";  huge = "0" }
    ipv4 = sprintf("172.18.%d.%d", 192 + int(i / 250), i % 250 + 2)
    ipv6 = sprintf("fc00:f853:ccd:e793::c0:%x", i)
    print "- apiVersion: v1"
    print "  kind: Node"
    print "  metadata:"
    print "    name: " name
    print "    annotations: {kwok.x-k8s.io/node: fake}"
    print "    labels:"
    print "      type: kwok"
    print "      kubernetes.io/hostname: " sprintf("sim-host-%04d", i)
    print "      kubernetes.io/os: linux"
    print "      kubernetes.io/arch: amd64"
    print "      topology.kubernetes.io/region: region-1"
    print "      topology.kubernetes.io/zone: " zones[i % 3 + 1]
    print "      node.kubernetes.io/instance-type: " type
    print "      anuket.io/profile-basic: \"true\""
    print "  spec:"
    print "    taints: [{key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule}]"
    print "  status:"
    print "    addresses: [{type: InternalIP, address: \"" ipv4 "\"}, {type: InternalIP, address: \"" ipv6 "\"}, {type: Hostname, address: " sprintf("sim-host-%04d", i) "}]"
    print "    capacity: {cpu: \"" cpu "\", memory: " mem ", pods: \"110\", ephemeral-storage: 200Gi, hugepages-1Gi: \"" huge "\", hugepages-2Mi: \"0\"}"
    print "    allocatable: {cpu: \"" cpu - 1 "\", memory: " mem ", pods: \"110\", ephemeral-storage: 180Gi, hugepages-1Gi: \"" huge "\", hugepages-2Mi: \"0\"}"
    print "    nodeInfo: {architecture: amd64, operatingSystem: linux, osImage: Simulated by KWOK, kubeletVersion: kwok, containerRuntimeVersion: kwok, kernelVersion: kwok, kubeProxyVersion: kwok, bootID: \"\", machineID: \"\", systemUUID: \"\"}"
  }
}'
