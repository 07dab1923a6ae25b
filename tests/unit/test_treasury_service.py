"""The treasury report on a fake Treasury: runway in words (and when it is not configured), recent revenue."""

from __future__ import annotations

from governance.domain.allocation import TreasuryFigures
from governance.domain.treasury import Runway, TreasuryHoldings, duration_words, runway, runway_words
from governance.services.treasury import treasury_report

USD = 10**6
WEEK = 7 * 86_400


class FakeTreasuryViews:
    def __init__(self, reserve: int, open_revenue: int, history: tuple[int, ...], epoch: int = 5) -> None:
        self.reserve, self.open_revenue, self.history, self.epoch = reserve, open_revenue, history, epoch
        self.asked: list[int] = []

    async def figures(self, history_epochs: int, op_cost_per_epoch: int) -> TreasuryFigures:
        self.asked.append(history_epochs)
        return TreasuryFigures(self.reserve, self.history[-history_epochs:], (3000, 3000, 1000, 2000, 1000), 1000,
                               WEEK, self.epoch, op_cost_per_epoch)

    async def holdings(self) -> TreasuryHoldings:
        return TreasuryHoldings(self.reserve + self.open_revenue, self.open_revenue, self.open_revenue)


async def test_the_report_has_the_runway_and_the_recent_epochs_in_order() -> None:
    views = FakeTreasuryViews(reserve=10_000 * USD, open_revenue=700 * USD, history=(100 * USD, 200 * USD, 300 * USD))

    report = await treasury_report(views, op_cost_per_epoch=1_500 * USD, epochs=2)

    assert views.asked == [2]
    assert report.holdings.reserve == 10_000 * USD
    assert report.recent_revenue == ((3, 200 * USD), (4, 300 * USD), (5, 700 * USD))
    assert report.runway == Runway(6, WEEK)
    assert runway_words(report.runway) == (
        "The reserve covers 6 epochs of operating costs (6 weeks) with no further revenue."
    )


async def test_without_an_operating_cost_the_runway_is_not_configured() -> None:
    report = await treasury_report(FakeTreasuryViews(5 * USD, 0, ()), op_cost_per_epoch=0)

    assert report.runway is None
    assert runway_words(report.runway).startswith("Runway is not configured")
    assert report.recent_revenue == ((5, 0),)


def test_runway_words_for_a_reserve_below_one_epoch_and_long_durations() -> None:
    assert runway_words(runway(999, 1_000, WEEK)) == "The reserve does not cover one epoch of operating costs."
    assert runway_words(runway(-5, 1_000, WEEK)) == "The reserve does not cover one epoch of operating costs."
    assert runway_words(runway(1_000, 1_000, WEEK)) == (
        "The reserve covers 1 epoch of operating costs (7 days) with no further revenue."
    )
    assert duration_words(30 * WEEK) == "7 months" and duration_words(30 * WEEK + 3_600) == "about 7 months"
    assert duration_words(3 * 365 * 86_400) == "3 years"
    assert duration_words(90) == "about 1 minute" and duration_words(59) == "less than a minute"
