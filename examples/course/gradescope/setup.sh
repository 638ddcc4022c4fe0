#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu 22.04 by default),
# with the bundle unzipped in /autograder/source. It installs Python, pip and bpcheck.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
apt-get update
# git: only for installing bpcheck from its repository (below); python3 is 3.10 on Ubuntu 22.04.
apt-get install -y --no-install-recommends python3 python3-pip git ca-certificates

# Until bpcheck is on the package index, install it from its repository; pin a tag or a commit for the
# whole term, so that every submission is graded by the same release:
#   "bpcheck @ git+https://github.com/bpcheck/bpcheck@v0.1.0"
python3 -m pip install --no-cache-dir "bpcheck @ git+https://github.com/bpcheck/bpcheck"
# Once it is released, install it from the package index instead:
#   python3 -m pip install --no-cache-dir "bpcheck==0.1.*"
# (Ubuntu 22.04's pip installs system-wide as root; bpcheck's command lands in /usr/local/bin.)

bpcheck --version
# Fail the build now, not at the first submission, if the exercise does not load.
bpcheck check "$(dirname "$0")/exercises/hw1.yaml"
