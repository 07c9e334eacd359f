from model.calendar import Calendar


def test_months_roll_over_into_years():
    c = Calendar()
    assert (c.year, c.month, c.label()) == (2025, 1, "January 2025")
    for _ in range(13):
        c.advance()
    assert (c.year, c.month, str(c)) == (2026, 2, "2026-02")
    assert abs(c.fractional_year - (2026 + 1.5 / 12)) < 1e-12
