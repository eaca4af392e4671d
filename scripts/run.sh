#!/usr/bin/env bash
# Start newsmon on the embedded default: SQLite for Airflow's metadata and for the article
# store, LocalExecutor, the Airflow UI on 127.0.0.1:8080, the DAGs unpaused.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/.venv/bin"
export NEWSMON_DATA_DIR="${NEWSMON_DATA_DIR:-$ROOT/data}"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$NEWSMON_DATA_DIR/airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
export AIRFLOW__CORE__EXECUTOR=LocalExecutor
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="${AIRFLOW__DATABASE__SQL_ALCHEMY_CONN:-sqlite:///$AIRFLOW_HOME/airflow.db}"
export AIRFLOW__API__HOST="${AIRFLOW__API__HOST:-127.0.0.1}"
export AIRFLOW__API__PORT="${AIRFLOW__API__PORT:-8080}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin"
export PATH="$BIN:$PATH"
mkdir -p "$NEWSMON_DATA_DIR" "$AIRFLOW_HOME"

echo "newsmon: migrating the article store (${NEWSMON_DATABASE_URL:-sqlite:///$NEWSMON_DATA_DIR/newsmon.db})"
"$BIN/newsmon" migrate
echo "newsmon: migrating Airflow's metadata database ($AIRFLOW__DATABASE__SQL_ALCHEMY_CONN)"
"$BIN/airflow" db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 || { tail -40 "$AIRFLOW_HOME/db-migrate.log"; exit 1; }

# A local login for the UI: generated once, kept in AIRFLOW_HOME (never committed).
PASSWORDS="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
if [ ! -s "$PASSWORDS" ]; then
  "$BIN/python" -c 'import json,secrets,sys; json.dump({"admin": secrets.token_urlsafe(12)}, open(sys.argv[1], "w"))' "$PASSWORDS"
  chmod 600 "$PASSWORDS"
fi
PASSWORD="$("$BIN/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin"])' "$PASSWORDS")"

cat <<MSG

  newsmon is starting (Airflow standalone: api-server, scheduler, dag-processor, triggerer).
  Airflow UI:  http://$AIRFLOW__API__HOST:$AIRFLOW__API__PORT
  Log in as:   admin / $PASSWORD     (stored in $PASSWORDS)
  DAGs:        news_feeds (every 15 min), news_crawl (hourly + on new links), news_process (on new pages)
  Store:       ${NEWSMON_DATABASE_URL:-sqlite:///$NEWSMON_DATA_DIR/newsmon.db}   (newsmon summary / newsmon export)
  Stop with Ctrl-C.

MSG
exec "$BIN/airflow" standalone
