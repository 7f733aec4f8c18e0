#!/bin/sh
# Recipe for multi-gitter (https://github.com/lindell/multi-gitter), which runs this script in a
# clone of each repository, commits what it changed on a branch and opens a pull request:
#
#   export KMC_REPORTS=$PWD/reports && mkdir -p "$KMC_REPORTS"
#   multi-gitter run "$PWD/examples/fleet/multi-gitter.sh" -O my-org -B keras-mask-codemod \
#       -m "Fix Keras masks destroyed by layers that do not support masking"
#
# multi-gitter names the repository in $REPOSITORY (owner/name); the description of its pull
# request is written to $KMC_REPORTS/<owner>__<name>.md when KMC_REPORTS is set.
set -u
here=$(dirname "$0")
report=""
if [ -n "${KMC_REPORTS:-}" ]; then
    report="$KMC_REPORTS/$(printf '%s' "${REPOSITORY:-repository}" | sed 's|/|__|g').md"
fi
exec sh "$here/fix-repository.sh" "$report"
