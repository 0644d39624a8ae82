"""Datasette plugin: how connections to the newsfacts database read it.

Datasette opens every database the same way, because it serves databases
written by anyone. This one was written by ``newsfacts publish`` and is
served immutable, so its connections are set up for it
(``newsfacts.serve.prepare_reader``: sqlite3's own text decoding, a memory
map of the file). Other databases served beside it keep Datasette's defaults.
"""

from __future__ import annotations

from datasette import hookimpl

from newsfacts.publish import DATABASE_NAME as DATABASE
from newsfacts.serve import prepare_reader


@hookimpl
def prepare_connection(conn, database):
    if database == DATABASE:
        prepare_reader(conn)
