#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: formatting, vet, unit and
# integration tests with the race detector, then a short run of every fuzz
# target. Needs no display.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh

unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...
go test -race -count=1 -timeout 30m ./...

# Each fuzz target runs briefly on top of its seed corpus.
fuzztime=${FUZZTIME:-10s}
git grep -l '^func Fuzz' -- '*_test.go' | while read -r f; do
  pkg=./$(dirname "$f")
  for name in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | cut -d' ' -f2); do
    echo "fuzz $pkg $name ($fuzztime)"
    if ! out=$(go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg" 2>&1); then
      echo "$out" | tail -40
      exit 1
    fi
  done
done
echo "fuzz: all targets ran clean"
