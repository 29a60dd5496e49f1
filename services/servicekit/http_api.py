"""What the read APIs share: bounded paging parameters, and a 422 for a value the database cannot take.

FastAPI already answers 422 for a parameter that breaks its declared type or bounds, naming it and the
bound (`limit`: "Input should be less than or equal to 1000"). What only the database notices (a NUL
character, a number beyond its column's range) would be a 500; `install_error_answers` makes it a 422
that says which kind of value to change.
"""

from typing import Annotated

import asyncpg
from asyncpg.exceptions import _base as asyncpg_base
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse

MAX_PAGE = 1000
BIGINT_MAX = 2**63 - 1

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"rows per page, 1 to {MAX_PAGE}")]
AfterNumber = Annotated[int, Query(ge=0, le=BIGINT_MAX, description="the `next_after` of the previous page")]
AfterText = Annotated[str, Query(max_length=200, description="the last key of the previous page")]


def install_error_answers(app: FastAPI) -> None:
    app.add_exception_handler(asyncpg.DataError, _unusable_value)  # raised by PostgreSQL (SQLSTATE 22)
    app.add_exception_handler(asyncpg_base.DataError, _unusable_value)  # raised by asyncpg encoding an argument


async def _unusable_value(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": (
        f"a parameter of {request.url.path} has a value that cannot be looked up ({type(error).__name__}): "
        "text may not contain NUL characters and numbers must fit in 32 bits (line numbers) or 64 bits "
        "(entry numbers)")})
