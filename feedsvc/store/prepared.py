"""Hot statements compiled once per dialect and run on the driver's own cursor.

Ingest runs a handful of statements thousands of times a second. For each call SQLAlchemy looks up its
compiled form, builds and processes the parameters and wraps the result, and that costs more than SQLite
takes to run the statement. A ``Prepared`` statement does that work once: it is compiled with SQLAlchemy
for the connection's dialect (so the SQL and the type conversions are SQLAlchemy's own), and runs on the
DBAPI cursor inside the SQLAlchemy connection's transaction. Driver errors come out as SQLAlchemy's
``DBAPIError`` subclasses, as from any other statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import ClauseElement

Processor = Callable[[Any], Any]


_ASKED = object()  # a bind whose value each call supplies


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional: bool
    # Each bind in the order the paramstyle wants them: name, the type's converter, and either _ASKED or
    # the converted value the statement itself holds (``kind == "article"``).
    slots: tuple[tuple[str, Processor | None, Any], ...]
    results: tuple[Processor | None, ...]  # one per returned column
    dbapi_error: type[Exception]


class Prepared:
    """One Core statement (``SELECT`` or ``INSERT``/``UPDATE``/``DELETE``, with or without ``RETURNING``)."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._cache: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def _compiled(self, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
        got = self._cache.get((dialect.name, keys))
        if got is None:
            compiled: Any = self.statement.compile(dialect=dialect, column_keys=list(keys))
            procs = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                     for name, bind in compiled.binds.items()}
            slots = []
            for name in compiled.positiontup if compiled.positional else compiled.binds:
                proc = procs[name]
                if name in keys:
                    slots.append((name, _remembering(proc) if proc else None, _ASKED))
                else:
                    value = compiled.binds[name].effective_value
                    slots.append((name, None, proc(value) if proc else value))
            columns = getattr(self.statement, "exported_columns", ())
            results = tuple(col.type.dialect_impl(dialect).result_processor(dialect, None) for col in columns)
            got = self._cache[(dialect.name, keys)] = _Compiled(
                compiled.string, bool(compiled.positional), tuple(slots), results if any(results) else (),
                dialect.loaded_dbapi.Error)
        return got

    def _params(self, c: _Compiled, params: Mapping[str, Any]) -> Any:
        values = [fixed if fixed is not _ASKED else params[name] if proc is None else proc(params[name])
                  for name, proc, fixed in c.slots]
        return tuple(values) if c.positional else dict(zip((slot[0] for slot in c.slots), values, strict=True))

    def _rows(self, c: _Compiled, rows: Sequence[Any]) -> list[tuple[Any, ...]]:
        if not c.results:
            return [tuple(r) for r in rows]
        return [tuple(v if p is None else p(v) for p, v in zip(c.results, r, strict=True)) for r in rows]

    def run(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Execute once; the rows it returns (none for a plain write)."""
        params = params or {}
        c = self._compiled(conn.dialect, tuple(params))
        args = self._params(c, params)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(c.sql, args)
            return self._rows(c, cursor.fetchall()) if cursor.description else []
        except c.dbapi_error as exc:
            raise _wrapped(c, args, exc, conn.dialect) from exc
        finally:
            cursor.close()

    def many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Execute once per row of parameters, all with the same keys; nothing is returned."""
        if not rows:
            return
        c = self._compiled(conn.dialect, tuple(rows[0]))
        args = [self._params(c, row) for row in rows]
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(c.sql, args)
        except c.dbapi_error as exc:
            raise _wrapped(c, args, exc, conn.dialect) from exc
        finally:
            cursor.close()

    def each(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> Iterator[tuple[Any, ...]]:
        """Execute once per row of parameters; what each returns, in order (``INSERT … RETURNING``)."""
        for row in rows:
            yield from self.run(conn, row)


_REMEMBER = 4096


def _remembering(proc: Processor) -> Processor:
    """``proc`` with its recent results remembered: the rows of one file repeat the same few times (the
    run's clock, an item's time on each of its topic rows), and converting a datetime costs microseconds."""
    memo: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            pass
        except TypeError:  # unhashable
            return proc(value)
        if len(memo) >= _REMEMBER:
            memo.clear()
        out = memo[value] = proc(value)
        return out

    return convert


def _wrapped(c: _Compiled, args: Any, exc: Exception, dialect: Dialect) -> DBAPIError:
    return DBAPIError.instance(c.sql, args, exc, c.dbapi_error, dialect=dialect)  # type: ignore[return-value]
