#!/bin/sh
# Container entrypoint: one image, one role per container.
#
#   web      gunicorn serving config.wsgi:application          (the image's default CMD)
#   worker   Celery worker on the default, matching and notifications queues
#   beat     Celery beat, the periodic-task scheduler: run exactly ONE
#   migrate  apply database migrations, then exit               (one-shot)
#   manage   any manage.py command, e.g. `manage createsuperuser`
#
# Anything else is executed as given, so `gunicorn ...` (the default CMD) or
# `python -c ...` work too. Every role `exec`s, so the server is PID 1 and gets
# SIGTERM directly: gunicorn and Celery then shut down gracefully.
set -eu

cd /app 2>/dev/null || true

CELERY_APP="${CELERY_APP:-config.celery_app:app}"

role="${1:-web}"
if [ "$#" -gt 0 ]; then
    shift
fi

case "$role" in
    web)
        exec gunicorn -c platform/gunicorn.conf.py config.wsgi:application "$@"
        ;;
    worker)
        # --prefetch-multiplier 1: a worker process reserves one task at a time, so a long
        #   matcher run does not hold queued notification tasks hostage.
        # --max-tasks-per-child: recycle pool processes to bound memory (numpy/OR-Tools).
        # %h is the container hostname, unique per replica (compose --scale, k8s pods).
        # CELERY_QUEUES lets a deployment run dedicated workers, e.g. CELERY_QUEUES=matching.
        exec celery -A "$CELERY_APP" worker \
            --queues "${CELERY_QUEUES:-default,matching,notifications}" \
            --prefetch-multiplier 1 \
            --concurrency "${CELERY_CONCURRENCY:-2}" \
            --max-tasks-per-child "${CELERY_MAX_TASKS_PER_CHILD:-200}" \
            --hostname "worker@%h" \
            --loglevel "${CELERY_LOGLEVEL:-INFO}" \
            "$@"
        ;;
    beat)
        # The schedule file goes to /tmp: /app is read-only for the app user. Losing it on
        # restart only means beat recomputes the next run times from the schedule.
        exec celery -A "$CELERY_APP" beat \
            --schedule /tmp/celerybeat-schedule \
            --loglevel "${CELERY_LOGLEVEL:-INFO}" \
            "$@"
        ;;
    migrate)
        exec python manage.py migrate --noinput "$@"
        ;;
    manage)
        exec python manage.py "$@"
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
