#!/usr/bin/env bash
# Prints the version the build injects (-ldflags -X) and the packages carry,
# from git: a tag vX.Y.Z on the commit gives X.Y.Z; N commits after it gives
# X.Y.Z+N.gHASH; no tag at all gives 0.0.N+gHASH (N = commits on the branch),
# so versions still rise with history. A dirty tree adds .dirty. Every form
# is a valid Debian version and compares the way the updater compares it.
set -euo pipefail
cd "$(dirname "$0")/.."
dirty=
if ! git diff --quiet HEAD -- 2>/dev/null; then dirty=.dirty; fi
if desc=$(git describe --tags --match 'v[0-9]*' --long 2>/dev/null); then
  # v1.2.3-5-gabc1234
  tag=${desc%-*-g*}; rest=${desc#"$tag"-}; n=${rest%%-*}; hash=${rest#*-}
  if [ "$n" = 0 ]; then
    v=${tag#v}; [ -z "$dirty" ] || v="$v+$dirty"; v=${v/+./+}
  else
    v="${tag#v}+$n.$hash$dirty"
  fi
else
  v="0.0.$(git rev-list --count HEAD)+g$(git rev-parse --short=7 HEAD)$dirty"
fi
echo "$v"
