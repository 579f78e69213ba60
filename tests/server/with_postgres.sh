#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 listening on 127.0.0.1 and a free port, in a
# temporary folder, stopped and removed afterwards. The command sees PGURL (database "procura").
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/procura-pg-XXXXXX)
as=()
if [ "$(id -u)" = 0 ]; then  # initdb refuses root: the cluster belongs to postgres
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
stop() {
  "${as[@]}" "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as[@]}" "$BIN/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
"${as[@]}" "$BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
"${as[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres procura
export PGURL="postgresql://postgres@127.0.0.1:$port/procura"
"$@"
