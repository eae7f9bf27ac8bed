"""Which listing pages a run reads, and how the history frontier moves across runs."""

from __future__ import annotations

from crawler.backfill import Backfill


def test_first_run_reads_newest_page_then_a_budget_of_history():
    b = Backfill({}, pages_per_run=2)
    assert not b.seen_before("col")
    b.page_read("col", 1, 10, 100)
    assert b.state["col"]["remaining"] == 90
    assert b.resume_page("col", 10, 100, after=1) == 2
    b.page_read("col", 2, 10, 100)
    b.page_read("col", 3, 10, 100)
    assert b.state["col"] == {"remaining": 70, "total": 100, "complete": False}


def test_next_run_resumes_at_the_frontier_even_after_new_rows_arrive():
    b = Backfill({"col": {"remaining": 70, "total": 100, "complete": False}}, pages_per_run=2)
    assert b.seen_before("col")
    # 15 new rows on top: the 30 rows read before are now rows 16-45; the next unread is row 46
    b.page_read("col", 1, 10, 115)
    assert b.state["col"]["remaining"] == 70
    assert b.resume_page("col", 10, 115, after=1) == 5
    for page in range(5, 13):
        b.page_read("col", page, 10, 115)
    assert b.state["col"]["complete"] and b.state["col"]["remaining"] == 0
    assert b.resume_page("col", 10, 115, after=1) is None


def test_a_cap_on_new_pages_moves_the_frontier_back_instead_of_skipping():
    b = Backfill({"col": {"remaining": 0, "total": 100, "complete": True}}, pages_per_run=2)
    b.page_read("col", 1, 10, 200)
    b.page_read("col", 2, 10, 200)
    b.stopped_early("col", 2, 10, 200)
    assert b.state["col"]["remaining"] == 180 and not b.state["col"]["complete"]
    assert b.resume_page("col", 10, 200, after=2) == 3
