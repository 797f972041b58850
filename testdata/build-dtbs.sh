#!/bin/bash
# Rebuilds the bundled device trees of the boards added after the first
# guest build (witherspoon, g220a, fp5280g2 from Linux 6.1's arch/arm/boot/
# dts; sonorapass from testdata/dts, which has no upstream tree) the way
# the kernel's Makefile does: cpp with the kernel's include paths, then dtc.
# Needs: apt-get install linux-source-6.1 device-tree-compiler cpp.
# The romulus and evb trees come from build-guest.sh; this script rebuilds
# them too, as a check that the recipe matches (byte-identical output).
#
#	testdata/build-dtbs.sh [OUTDIR]    (default guest/images)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../guest/images}
tar=/usr/src/linux-source-6.1.tar.xz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xJf "$tar" --wildcards \
	'linux-source-6.1/arch/arm/boot/dts/aspeed*' \
	'linux-source-6.1/arch/arm/boot/dts/openbmc-flash-layout*' \
	'linux-source-6.1/arch/arm/boot/dts/ibm-power9-dual.dtsi' \
	'linux-source-6.1/include/dt-bindings/*' \
	'linux-source-6.1/scripts/dtc/include-prefixes/*'
k=$work/linux-source-6.1
cp "$here/dts/"*.dts "$k/arch/arm/boot/dts/"
for b in aspeed-bmc-opp-romulus aspeed-ast2500-evb aspeed-bmc-opp-witherspoon \
	aspeed-bmc-bytedance-g220a aspeed-bmc-inspur-fp5280g2 aspeed-bmc-ocp-sonorapass; do
	(cd "$k" && cpp -nostdinc -I include -I arch/arm/boot/dts -I scripts/dtc/include-prefixes \
		-undef -D__DTS__ -x assembler-with-cpp -o "$work/$b.pp" "arch/arm/boot/dts/$b.dts")
	dtc -q -O dtb -b 0 -i "$k/arch/arm/boot/dts" -i "$k/include" \
		-Wno-unit_address_vs_reg -Wno-unit_address_format -Wno-avoid_unnecessary_addr_size \
		-Wno-alias_paths -Wno-graph_child_address -Wno-simple_bus_reg -Wno-unique_unit_address \
		-Wno-pci_device_reg -o "$out/$b.dtb" "$work/$b.pp"
done
cd "$out" && sha256sum aspeed-*.dtb
