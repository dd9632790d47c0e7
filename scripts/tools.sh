#!/usr/bin/env bash
# Builds the test tools that come from the Go module proxy and prints their
# paths. Each is built once per version and kept in the Go build cache
# ($(go env GOCACHE)/ortsplan-tools), never in the repository, so a later
# run finds it in a second.
#
#   scripts/tools.sh weed   # SeaweedFS, the S3 server the storage tests use
#   scripts/tools.sh hydra  # Ory Hydra, the OpenID Provider the login tests use
#
# Use it as: export ORTSPLAN_TEST_WEED=$(scripts/tools.sh weed)
set -euo pipefail

# SeaweedFS (Apache-2.0), pinned. Its go.mod has a replace directive, which
# "go install pkg@version" refuses, so it is built inside its own module as
# the module proxy serves it (its go.mod and go.sum decide every dependency).
weed_module=github.com/seaweedfs/seaweedfs
weed_version=v0.0.0-20261109003541-7506e5f91cd6

build_weed() {
	local out dir tmp
	out=$(go env GOCACHE)/ortsplan-tools/weed-$weed_version/weed
	if [ -x "$out" ] && "$out" version >/dev/null 2>&1; then
		echo "$out"
		return
	fi
	echo "building $weed_module@$weed_version (once; it is cached in $(dirname "$out"))" >&2
	# From / so that no go.mod around is read or written.
	dir=$(cd / && GOWORK=off GOFLAGS= go mod download -json "$weed_module@$weed_version" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -d "$dir" ] || {
		echo "tools.sh: go mod download gave no folder for $weed_module@$weed_version" >&2
		return 1
	}
	mkdir -p "$(dirname "$out")"
	tmp=$out.tmp-$$
	# The module cache is read-only; go build writes only the binary.
	(cd "$dir" && CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=readonly go build -trimpath -ldflags='-s -w' -o "$tmp" ./weed)
	mv "$tmp" "$out"
	echo "$out"
}

# Ory Hydra (Apache-2.0), pinned, built the same way inside its own module,
# with its SQLite support (build tag sqlite, which needs cgo and a C
# compiler) so that the tests can run it on DSN=memory.
hydra_module=github.com/ory/hydra/v2
hydra_version=v2.3.0

build_hydra() {
	local out dir tmp
	out=$(go env GOCACHE)/ortsplan-tools/hydra-$hydra_version-sqlite/hydra
	if [ -x "$out" ] && "$out" version >/dev/null 2>&1; then
		echo "$out"
		return
	fi
	echo "building $hydra_module@$hydra_version (once; it is cached in $(dirname "$out"))" >&2
	# Its go.mod replaces its client with a folder the module zip leaves out,
	# so it is built as a tool of a throwaway module, where replace
	# directives of a dependency do not apply.
	dir=$(dirname "$out")/mod
	rm -rf "$dir"
	mkdir -p "$dir"
	tmp=$out.tmp-$$
	# Hydra's other replace directive (pop) is copied into the throwaway module.
	(cd "$dir" && GOWORK=off GOFLAGS= go mod init x >/dev/null 2>&1 &&
		GOWORK=off GOFLAGS= go mod edit -replace github.com/gobuffalo/pop/v6=github.com/ory/pop/v6@v6.2.1-0.20241121111754-e5dfc0f3344b &&
		GOWORK=off GOFLAGS= go get -tool "$hydra_module@$hydra_version" &&
		CGO_ENABLED=1 GOWORK=off GOFLAGS= go build -tags sqlite,sqlite_omit_load_extension -trimpath -ldflags='-s -w' -o "$tmp" "$hydra_module")
	mv "$tmp" "$out"
	echo "$out"
}

case "${1:-}" in
weed) build_weed ;;
hydra) build_hydra ;;
*)
	echo "usage: scripts/tools.sh weed|hydra" >&2
	exit 2
	;;
esac
