#!/bin/sh
# Builds halt.bin (committed) from halt.S with Debian's binutils-arm-linux-gnueabi.
set -e
cd "$(dirname "$0")"
arm-linux-gnueabi-as -march=armv6kz -o halt.o halt.S
arm-linux-gnueabi-objcopy -O binary halt.o halt.bin
rm -f halt.o
