#!/bin/sh
# Upload memory benchmark: builds ortsplan, loads the Flen demo into a fresh
# SQLite database, starts the server, logs in residents through their
# one-time links and has them post, all at once, the photos that take the most
# memory within the residents' limits (a 16-bit RGBA PNG as large as the
# decoding budget allows, an 8-bit RGBA PNG and a JPEG at 12 megapixels, each
# padded to nearly the 15 MiB file limit, and two headers that must be
# refused: a 16-bit PNG at 12 megapixels and the 6300×6300 16-bit PNG of the
# report). It prints the answers and the server's peak memory (VmHWM).
#
#   scripts/uploadload.sh
#
# Environment: CLIENTS (8), ROUNDS (3), ADDR (127.0.0.1:18081), KEEP=1 keeps
# the data and the server log, SERVER=path runs another ortsplan binary as the
# server (for a comparison with an older build; the load itself always comes
# from this one).
#
# The demo is loaded by "ortsplan demo" before the server starts, so that
# drawing the demo photos does not set the server's peak. The server runs
# with --trust-proxy and each resident sends its own X-Forwarded-For, as
# residents at different addresses would, so the limit of 30 forms a minute
# per address does not stop the run.
set -eu

clients=${CLIENTS:-8}
rounds=${ROUNDS:-3}
addr=${ADDR:-127.0.0.1:18081}

cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/ortsplan-uploads.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	if [ "${KEEP:-}" != 1 ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT INT TERM

echo "== build"
go build -o "$work/ortsplan" ./cmd/ortsplan
server=${SERVER:-$work/ortsplan}

echo "== demo"
"$work/ortsplan" demo --db "$work/ortsplan.db" --data "$work/data" >"$work/demo.out"
email=$(sed -n 's/^ *e-mail: *//p' "$work/demo.out" | head -n 1)
password=$(sed -n 's/^ *password: *//p' "$work/demo.out" | head -n 1)
if [ -z "$email" ] || [ -z "$password" ]; then
	echo "the demo printed no administrator login:" >&2
	cat "$work/demo.out" >&2
	exit 1
fi

echo "== serve on $addr"
"$server" serve --db "$work/ortsplan.db" --data "$work/data" --addr "$addr" --trust-proxy --log-level warn >"$work/serve.log" 2>&1 &
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

echo "== $clients residents, $rounds photos each"
ORTSPLAN_ADMIN_PASSWORD=$password "$work/ortsplan" upload-load --url "http://$addr" --admin-email "$email" \
	--clients "$clients" --rounds "$rounds" --pid "$pid"
