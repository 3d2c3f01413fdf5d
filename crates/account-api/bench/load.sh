#!/bin/sh
# Requests/s and latency of GET and PUT /v1/identity on loopback, with wrk (apt-get install wrk).
# A benchmark, not a test: figures depend on the machine and on what else runs on it.
#   crates/account-api/bench/load.sh [CONNECTIONS] [SECONDS]
set -eu
cd "$(dirname "$0")/../../.."
conns=${1:-200}
secs=${2:-15}
cargo build --release --quiet -p account-api
dir=$(mktemp -d)
./target/release/account-api serve --listen 127.0.0.1:0 --db "$dir/bench.db" --seed-demo >"$dir/out" 2>"$dir/err" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
while ! grep -q listening "$dir/out" 2>/dev/null; do sleep 0.1; done
base=$(sed -n 's/^account-api listening on //p' "$dir/out")
token=$(curl -s -X POST "$base/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"grant_type":"password","username":"registered@corp.example","password":"Demo-2026!"}' |
  sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
echo "== GET /v1/identity, $conns connections, ${secs}s"
wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer $token" "$base/v1/identity"
echo "== PUT /v1/identity, $conns connections, ${secs}s"
wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer $token" \
  -s crates/account-api/bench/put.lua "$base/v1/identity"
