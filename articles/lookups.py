"""Lookups the ORM lacks, for the querysets of every app."""

from django.db.models import Lookup


class EqualsAny(Lookup):
    """`lhs = ANY(rhs)`, rhs an array: with `ArraySubquery`, the ids are computed first (an
    InitPlan), then fetched by primary key, whatever the planner thinks of the table's size."""

    lookup_name = "equals_any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
