#!/usr/bin/env bash
# Repeated code outside tests, benches, migrations, generated code, docs and data (issue 17's measurement).
# The GraphQL schemas count as data here: gateway/supergraph.graphql is composed from the subgraphs' schemas,
# and those are the public contract (fields are added, never renamed or folded). The tracked files that
# remain are copied into a temp folder and `duplicates` (the workplace's tool, not a package of ours) lists
# the pairs. Usage: scripts/duplicates-report.sh [REV]: REV (default: the working tree) measures a commit
# instead, so before and after can be cited from one command.
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:-}"
dir="$(mktemp -d "${TMPDIR:-/tmp}/anshim-dups-XXXXXX")"
trap 'rm -rf "$dir"' EXIT
skip='(^|/)test/|\.test\.ts$|^bench/|/migrations/|generated|\.graphql$|^docs/|(^|/)data/'
if [ -n "$rev" ]; then
  git archive "$rev" | tar -x -C "$dir"
  git ls-tree -r --name-only "$rev" | grep -E "$skip" | (cd "$dir" && xargs -r rm -f)
else
  git ls-files -z | grep -zvE "$skip" | while IFS= read -r -d '' file; do
    [ -f "$file" ] && install -D -m 644 "$file" "$dir/$file"
  done
fi
cd "$dir" && duplicates --most 200 --seconds "${DUPLICATES_SECONDS:-120}"
