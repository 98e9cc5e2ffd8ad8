"""Background work on Celery (draft-version checks, archive re-check batches) and the sweep that re-enqueues."""
