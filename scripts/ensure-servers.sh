#!/usr/bin/env bash
# The integration suites run against real servers. Check both are reachable; start them if not;
# otherwise fail loudly with the command to run — their tests are never skipped silently.
set -uo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 -U postgres 2>/dev/null; }
maria_up() { (mariadb-admin ping -h 127.0.0.1 -P 3306 -uroot --silent || mysqladmin ping -h 127.0.0.1 -P 3306 -uroot --silent) >/dev/null 2>&1; }

wait_for() { # name, check function
  for _ in $(seq 1 60); do "$2" && return 0; sleep 0.5; done
  return 1
}

failed=0
if ! pg_up; then
  echo "servers: PostgreSQL is not reachable on 127.0.0.1:5432; starting it…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start >/dev/null 2>&1 || true
  if ! wait_for postgres pg_up; then
    echo "servers: PostgreSQL did not start. Start it with: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
    failed=1
  fi
fi
if ! maria_up; then
  echo "servers: MariaDB is not reachable on 127.0.0.1:3306; starting it…"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd >/dev/null 2>&1 || true
  if ! wait_for mariadb maria_up; then
    echo "servers: MariaDB did not start. Start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd" >&2
    failed=1
  fi
fi
if [ "$failed" = 0 ]; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1" test >/dev/null 2>&1 || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" postgres >/dev/null
  mariadb -h 127.0.0.1 -uroot -e "CREATE DATABASE IF NOT EXISTS test" >/dev/null
  echo "servers: PostgreSQL and MariaDB are up"
fi
exit "$failed"
