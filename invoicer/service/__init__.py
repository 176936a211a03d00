"""The inbox service: ``invoicer watch`` (watcher + workers), claims with leases, Celery scale-out, status.

Modules: :mod:`~invoicer.service.claims` (work claims and leases in the database),
:mod:`~invoicer.service.watcher` (finds completely written files), :mod:`~invoicer.service.worker`
(processes one claim), :mod:`~invoicer.service.pool` (local process pool),
:mod:`~invoicer.service.celery_app` (scale-out), :mod:`~invoicer.service.status`.
See ``docs/inbox.md``.
"""
