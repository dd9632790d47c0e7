#!/bin/sh
# Load benchmark: builds ortsplan, loads the large generated data set into a
# fresh database, starts the server, drives it with the load generator and
# stops it again.
#
#   scripts/loadtest.sh                       # SQLite in a temporary directory
#   scripts/loadtest.sh 'postgres://postgres@127.0.0.1:5432/ortsplan_load?sslmode=disable'
#
# The PostgreSQL database named in the DSN is dropped and created again (the
# DSN's user needs CREATEDB). Each page kind is driven alone, then a server
# that sends the same answers from memory (the limit), the same way; the
# report gives each kind's share of the limit, p50, p99 and sizes raw and as
# sent, and the server's peak memory. Environment: CLIENTS (50), DURATION
# (10s, per kind), KINDS (all), SCALE (large), ADDR (127.0.0.1:18080),
# KEEP=1 keeps the data; LOADED=1 takes the database given (a PostgreSQL
# DSN or an SQLite file) and DATA (its data folder) as loaded already.
set -eu

dsn=${1:-}
clients=${CLIENTS:-50}
duration=${DURATION:-10s}
kinds=${KINDS:-}
scale=${SCALE:-large}
addr=${ADDR:-127.0.0.1:18080}

cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/ortsplan-load.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	if [ "${KEEP:-}" != 1 ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT INT TERM

echo "== build"
go build -o "$work/ortsplan" ./cmd/ortsplan

data=${DATA:-$work/data}
if [ "${LOADED:-}" = 1 ]; then
	[ -n "$dsn" ] || { echo "LOADED=1 needs the database as the argument" >&2; exit 2; }
	echo "== the loaded database $dsn"
elif [ -n "$dsn" ]; then
	db=$(printf '%s' "$dsn" | sed -E 's|^[a-z]+://[^/]*/([^?]*).*|\1|')
	admin=$(printf '%s' "$dsn" | sed -E "s|^([a-z]+://[^/]*/)[^?]*|\1postgres|")
	echo "== fresh PostgreSQL database $db"
	psql -q "$admin" -c "DROP DATABASE IF EXISTS \"$db\"" -c "CREATE DATABASE \"$db\""
else
	dsn="$work/ortsplan.db"
	echo "== fresh SQLite database $dsn"
fi

if [ "${LOADED:-}" != 1 ]; then
	echo "== demo --scale $scale"
	"$work/ortsplan" demo --db "$dsn" --data "$data" --scale "$scale"
fi

echo "== serve on $addr"
"$work/ortsplan" serve --db "$dsn" --data "$data" --addr "$addr" --log-level warn >"$work/serve.log" 2>&1 &
pid=$!
i=0
until curl -fsS "http://$addr/readyz" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "the server did not start:" >&2
		cat "$work/serve.log" >&2
		exit 1
	fi
	sleep 0.2
done

echo "== load: $clients clients for $duration"
set -- --url "http://$addr" --clients "$clients" --duration "$duration" --pid "$pid" --per-kind --limit
if [ -n "$kinds" ]; then set -- "$@" --kinds "$kinds"; fi
"$work/ortsplan" load "$@"
