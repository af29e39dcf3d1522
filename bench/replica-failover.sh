#!/usr/bin/env bash
# Two replicas of the portal, as deployed: the Release build, Production environment, Aws mode against moto, one
# throwaway PostgreSQL, the key ring encrypted with a KMS key, the default lease settings (LEASE_TTL and RENEW_EVERY
# override them). It pauses the replica leading the 'access' job (SIGSTOP, as a hung host) and measures how long the
# other takes to lead it; then stops that one cleanly (SIGTERM, as a deploy) and measures again. Needs moto_server,
# the aws CLI, PostgreSQL's binaries, curl and jq; run as root (PostgreSQL runs as the postgres user).
set -euo pipefail
cd "$(dirname "$0")/.."
LEASE_TTL=${LEASE_TTL:-00:00:30}
RENEW_EVERY=${RENEW_EVERY:-00:00:10}
work=$(mktemp -d /tmp/portal-failover.XXXXXX)
chmod 755 "$work"
pids=()
pgbin=$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")")
cleanup() {
  for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }

dotnet build -c Release Portal.Web/Portal.Web.csproj -o "$work/app" >/dev/null

moto=$(free_port)
moto_server -p "$moto" >"$work/moto.log" 2>&1 & pids+=($!)
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=ap-northeast-1
until curl -sf "http://127.0.0.1:$moto/moto-api/" >/dev/null; do sleep 0.2; done
key=$(aws --endpoint-url "http://127.0.0.1:$moto" kms create-key --query KeyMetadata.KeyId --output text)

pg=$(free_port)
mkdir "$work/pg" && chown postgres "$work/pg" && chmod 700 "$work/pg"
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -o "-p $pg -k $work/pg -c fsync=off" -l "$work/pg/server.log" start >/dev/null
runuser -u postgres -- "$pgbin/psql" -h 127.0.0.1 -p "$pg" -U postgres -qc 'create database portal'

export ASPNETCORE_ENVIRONMENT=Production Portal__Aws__Mode=Aws Portal__Aws__Region=ap-northeast-1 \
  Portal__Aws__ServiceUrl="http://127.0.0.1:$moto" Portal__Database__Provider=PostgreSQL \
  Portal__Database__ConnectionString="Host=127.0.0.1;Port=$pg;Database=portal;Username=postgres" \
  Portal__KeyRing__KmsKeyId="$key" Portal__Replica__LeaseTtl="$LEASE_TTL" Portal__Replica__RenewEvery="$RENEW_EVERY" \
  Portal__Auth__Oidc__Authority="http://127.0.0.1:$(free_port)/" Portal__Auth__Oidc__ClientId=portal \
  Portal__Auth__Oidc__RequireHttpsMetadata=false Portal__Sessions__Index__Enabled=false
token=$(Portal__Database__DataDirectory="$work/cli" dotnet "$work/app/Portal.Web.dll" tokens issue --person ops --roles Admin 2>/dev/null | tail -1)

declare -A port pid
for name in a b; do
  port[$name]=$(free_port)
  Portal__Replica__Name="replica-$name" Portal__Database__DataDirectory="$work/$name" \
    dotnet "$work/app/Portal.Web.dll" --urls "http://127.0.0.1:${port[$name]}" >"$work/$name.log" 2>&1 &
  pid[$name]=$!; pids+=($!)
done
for name in a b; do until curl -sf "http://127.0.0.1:${port[$name]}/healthz" >/dev/null; do sleep 0.2; done; done

system() { curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:${port[$1]}/api/system"; }
leader() { system "$1" | jq -r '.workers[] | select(.name=="access") | select(.leader) | .holder' 2>/dev/null || true; }
wait_leader() { # replica expected
  local start=$1 expected=$2
  until [ "$(leader "${expected#replica-}")" = "$expected" ]; do sleep 0.25; done
  python3 -c "print(f'{$(now) - $start:.1f}')"
}

until [ -n "$(leader a)$(leader b)" ]; do sleep 0.25; done
first=$(leader a); [ -n "$first" ] || first=$(leader b)
other=$([ "$first" = replica-a ] && echo replica-b || echo replica-a)
echo "lease $LEASE_TTL, renewal $RENEW_EVERY; $first leads 'access'"

start=$(now); kill -STOP "${pid[${first#replica-}]}"
echo "SIGSTOP $first: $other leads after $(wait_leader "$start" "$other") s"
kill -CONT "${pid[${first#replica-}]}"
sleep 2

start=$(now); kill -TERM "${pid[${other#replica-}]}"
echo "SIGTERM $other: $first leads after $(wait_leader "$start" "$first") s"
