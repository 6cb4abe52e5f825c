#!/usr/bin/env sh
# Sets up a fresh clone for development and tests: the npm packages, and Debian's Chromium
# when it is missing: the browser tests drive it, and the CLI's WebGPU test uses the
# SwiftShader Vulkan driver it ships (Playwright's own browser download is not an option:
# nothing may be fetched at install time but npm and Debian packages).
set -eu
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund

if ls e2e/*.spec.ts >/dev/null 2>&1; then
  if { [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; } ||
    [ ! -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
    echo "setup: installing Debian's chromium for the browser tests"
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
fi
