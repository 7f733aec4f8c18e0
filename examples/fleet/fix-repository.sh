#!/bin/sh
# The step a fleet tool runs in each repository's clone: fix every destroyed Keras mask there,
# without a prompt or a word on stdout, and write the pull request's description to $1 (a
# Markdown file, outside the clone, so that it is not committed) when given.
#
# Exit status, for the fleet tool: 0 when the repository was handled (rewritten, nothing to do,
# or findings left for review or files that could not be fixed, which the description lists);
# 1 when keras-mask-codemod could not run or was interrupted, so the tool skips the repository.
set -u
report=${1:-}
if [ -n "$report" ]; then
    keras-mask-codemod fix --silent --report "$report" .
else
    keras-mask-codemod fix --silent .
fi
case $? in
    0 | 1 | 2) exit 0 ;;  # done; findings left for review; some file could not be fixed
    *) exit 1 ;;          # a usage error, an interrupt: leave this repository alone
esac
