#!/usr/bin/env bash
# Makes the services crier's tests and demo need reachable: PostgreSQL and Redis.
#
#   scripts/services.sh ensure
#
# Addresses come from CRIER_DATABASE_URL and CRIER_REDIS_URL (defaults
# 127.0.0.1:5432 and 127.0.0.1:6379). For each service that is not reachable it
# starts a local install (Debian cluster, or a cluster of its own in .data/pg),
# else `docker compose`, else says what to install. Safe to run again: a service
# that is up is left alone.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WAIT_SECONDS=${CRIER_SERVICES_WAIT:-30}

log() { printf 'services: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

# host_port URL DEFAULT_PORT prints "HOST PORT" of a postgres:// or redis:// URL.
host_port() {
	local rest=${1#*://} host port
	rest=${rest%%/*}
	rest=${rest%%\?*}
	rest=${rest##*@}
	if [[ $rest == \[* ]]; then # [::1]:5432
		host=${rest%%]*}
		host=${host#[}
		port=${rest#*]}
	else
		host=${rest%%:*}
		port=${rest#"$host"}
	fi
	port=${port#:}
	printf '%s %s\n' "${host:-127.0.0.1}" "${port:-$2}"
}

is_local() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }

# tcp_open HOST PORT succeeds when something accepts connections there.
tcp_open() {
	# shellcheck disable=SC2016 # expanded by the inner bash, from its arguments
	local probe='exec 3<>"/dev/tcp/$0/$1"'
	if have timeout; then
		timeout 3 bash -c "$probe" "$1" "$2" 2>/dev/null
	else
		bash -c "$probe" "$1" "$2" 2>/dev/null
	fi
}

postgres_up() {
	if have pg_isready; then
		pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3
	else
		tcp_open "$PG_HOST" "$PG_PORT"
	fi
}

redis_up() { tcp_open "$REDIS_HOST" "$REDIS_PORT"; }

# up NAME tells whether service NAME (postgres or redis) is reachable.
up() { "${1}_up"; }

start_postgres() {
	if [[ -d /etc/postgresql ]] && have pg_ctlcluster; then
		local version
		version=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
		log "starting PostgreSQL $version (pg_ctlcluster $version main)"
		pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
			log "pg_ctlcluster $version main start failed; see /var/log/postgresql/"
		return 0
	fi
	start_postgres_datadir
}

# start_postgres_datadir runs a trust-auth cluster of the repo's own in .data/pg,
# listening on 127.0.0.1 only.
start_postgres_datadir() {
	local dir=$ROOT/.data/pg
	local -a as_owner=()
	mkdir -p "$dir"
	if [[ $EUID -eq 0 ]]; then # initdb and postgres refuse to run as root
		id postgres >/dev/null 2>&1 || die "running as root and there is no 'postgres' user for initdb"
		as_owner=(runuser -u postgres --)
		chown postgres "$dir"
		chmod 700 "$dir"
	fi
	if [[ ! -s $dir/PG_VERSION ]]; then
		log "initialising a PostgreSQL cluster in .data/pg (trust auth)"
		${as_owner[@]+"${as_owner[@]}"} initdb -D "$dir" -U postgres --auth=trust -E UTF8 \
			>"$ROOT/.data/initdb.log" 2>&1 || die "initdb failed; see .data/initdb.log"
	fi
	log "starting PostgreSQL from .data/pg on 127.0.0.1:$PG_PORT (log: .data/pg/server.log)"
	${as_owner[@]+"${as_owner[@]}"} pg_ctl -D "$dir" -l "$dir/server.log" \
		-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $dir" start >/dev/null ||
		die "pg_ctl start failed; see .data/pg/server.log"
}

start_redis() {
	log "starting Redis on 127.0.0.1:$REDIS_PORT"
	redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
		--save "" --appendonly no >/dev/null || die "redis-server failed to start"
}

# local_install NAME tells whether NAME can be started from local binaries.
local_install() {
	case $1 in
	postgres) { [[ -d /etc/postgresql ]] && have pg_ctlcluster; } || { have initdb && have pg_ctl; } ;;
	redis) have redis-server ;;
	esac
}

install_help() {
	cat >&2 <<'HELP'
services: PostgreSQL and Redis are needed, and there is neither a local install to
start nor a running Docker engine. Install them, then run this again:
  Debian/Ubuntu: sudo apt-get install postgresql redis-server
  macOS:         brew install postgresql@16 redis
Or start Docker (this script then runs `docker compose up -d postgres redis`), or
point CRIER_DATABASE_URL / CRIER_REDIS_URL at servers that are running.
HELP
	exit 1
}

# start NAME starts service NAME by the first means available.
start() {
	local name=$1 host=$2 port=$3
	is_local "$host" || die "$name is not reachable at $host:$port and is not local, so it can't be started here; start it or fix its CRIER_*_URL"
	if local_install "$name"; then
		"start_$name"
	elif docker info >/dev/null 2>&1; then
		# --wait waits for the healthcheck: docker's port proxy accepts TCP at once
		log "starting $name with docker compose"
		docker compose -f "$ROOT/docker-compose.yml" up -d --wait \
			--wait-timeout "$WAIT_SECONDS" "$name"
	else
		install_help
	fi
}

# wait_for NAME HOST PORT waits until NAME is reachable, WAIT_SECONDS at most.
wait_for() {
	local name=$1 host=$2 port=$3 waited=0
	until up "$name"; do
		if ((waited == 0)); then
			log "waiting up to ${WAIT_SECONDS}s for $name at $host:$port ..."
		fi
		if ((waited >= WAIT_SECONDS)); then
			die "$name is still not reachable at $host:$port after ${WAIT_SECONDS}s"
		fi
		sleep 1
		waited=$((waited + 1))
	done
	log "$name is up at $host:$port"
}

ensure() {
	read -r PG_HOST PG_PORT < <(host_port "${CRIER_DATABASE_URL:-postgres://127.0.0.1:5432/}" 5432)
	read -r REDIS_HOST REDIS_PORT < <(host_port "${CRIER_REDIS_URL:-redis://127.0.0.1:6379/0}" 6379)
	local -a down=()
	up postgres || down+=("postgres $PG_HOST $PG_PORT")
	up redis || down+=("redis $REDIS_HOST $REDIS_PORT")
	if ((${#down[@]} == 0)); then
		log "PostgreSQL ($PG_HOST:$PG_PORT) and Redis ($REDIS_HOST:$REDIS_PORT) are up"
		return 0
	fi
	local svc
	for svc in "${down[@]}"; do
		# shellcheck disable=SC2086 # "name host port" split on purpose
		start $svc
	done
	for svc in "${down[@]}"; do
		# shellcheck disable=SC2086
		wait_for $svc
	done
}

case ${1:-} in
ensure) ensure ;;
-h | --help | help) sed -n '2,10s/^# \{0,1\}//p' "$0" ;;
*)
	echo "usage: $0 ensure" >&2
	exit 2
	;;
esac
