#!/bin/sh
# Recipe for git-xargs (https://github.com/gruntwork-io/git-xargs), which runs this script in a
# clone of each repository, commits what it changed on a branch and opens a pull request:
#
#   export KMC_REPORTS=$PWD/reports && mkdir -p "$KMC_REPORTS"
#   git-xargs --branch-name keras-mask-codemod --repos repos.txt \
#       --commit-message "Fix Keras masks destroyed by layers that do not support masking" \
#       "$PWD/examples/fleet/git-xargs.sh"
#
# git-xargs names the repository in $XARGS_REPO_OWNER and $XARGS_REPO_NAME; the description of
# its pull request is written to $KMC_REPORTS/<owner>__<name>.md when KMC_REPORTS is set.
set -u
here=$(dirname "$0")
report=""
if [ -n "${KMC_REPORTS:-}" ]; then
    report="$KMC_REPORTS/${XARGS_REPO_OWNER:-owner}__${XARGS_REPO_NAME:-repository}.md"
fi
exec sh "$here/fix-repository.sh" "$report"
