"""The database behind dealnudge: synced records, cursors, findings and nudges.

``Store.open(url)`` accepts ``sqlite:///path.db`` (embedded default) or
``postgresql+psycopg://…`` and migrates the schema on open.
"""

from dealnudge.store.api import NudgeNotFound, Store
from dealnudge.store.database import StoreOpenError, UnsupportedDatabase
from dealnudge.store.epochs import StaleSync
from dealnudge.store.results import (
    CalendarEntry,
    FindingChanges,
    NudgeRecord,
    PageStats,
    StoredFinding,
    SyncHealth,
)
from dealnudge.store.types import NaiveDatetimeError

__all__ = [
    "CalendarEntry", "FindingChanges", "NaiveDatetimeError", "NudgeNotFound", "NudgeRecord",
    "PageStats", "StaleSync", "Store", "StoreOpenError", "StoredFinding", "SyncHealth", "UnsupportedDatabase",
]
