#!/usr/bin/env bash
# Install the system packages Emberfall needs on Debian/Ubuntu, if missing:
#   libgdal-dev gdal-bin  - GDAL 3.x (raster/vector I/O; the gdal crate links libgdal)
#   libvulkan1 mesa-vulkan-drivers - Vulkan loader and lavapipe, a software Vulkan GPU for wgpu
#   pkg-config - used by the gdal-sys build
#   chromium - with --test only: the report test opens report.html in a real headless browser
#   slurm-wlm munge - with --test only: tests/slurm.rs runs the Slurm example on a real one-node Slurm it starts
#   python3 - with --test only: a local HTTP server with byte ranges for the /vsicurl/ landscape test
# Uses sudo when not root. Prints what it installs; does nothing when all are present.
set -euo pipefail
pkgs=(libgdal-dev gdal-bin libvulkan1 mesa-vulkan-drivers pkg-config)
if [ "${1:-}" = "--test" ]; then pkgs+=(chromium slurm-wlm munge python3); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: system packages present (${pkgs[*]})"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
