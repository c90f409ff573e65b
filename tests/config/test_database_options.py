"""The application's PostgreSQL connections run without JIT compilation (config.settings)."""

import pytest
from django.db import connection

from ..conftest import ON_POSTGRES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://...)"),
]


def test_a_costly_query_is_not_jit_compiled_on_the_applications_connection():
    """A query estimated above jit_above_cost would be compiled (1.3 s of the province overview's 1.5 s)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SET LOCAL jit_above_cost = 0")  # make any query costly enough to compile
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) SELECT sum(g) FROM generate_series(1, 1000) g")
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    assert "JIT" not in plan
