-- Report buckets (spec "Reports"), shared by every report so utilization, revenue and profitability draw the
-- same edges: local midnights of `tz` (`date_trunc` on local time: ISO weeks from Monday, months from the 1st),
-- one `unit` apart in local time and turned back into instants, so a DST day is 23 or 25 hours long. The series
-- starts a step early and ends a step late, then keeps the buckets meeting the window: a zone that moves its
-- clocks at midnight cannot make the first or last bucket go missing. `first_day`/`last_day` are the local
-- calendar days the bucket covers, which is how Finance's issue dates (calendar days) are mapped onto it.
CREATE FUNCTION venue_report_buckets(win tstzrange, tz text, unit text)
RETURNS TABLE (starts timestamptz, ends timestamptz, first_day date, last_day date)
LANGUAGE sql STABLE AS $$
    SELECT t.starts, t.ends, local::date, (local + s.step)::date - 1
    FROM (SELECT ('1 ' || unit)::interval AS step) s,
         generate_series(date_trunc(unit, lower(win) AT TIME ZONE tz) - s.step, upper(win) AT TIME ZONE tz + s.step, s.step) AS local,
         LATERAL (SELECT local AT TIME ZONE tz AS starts, (local + s.step) AT TIME ZONE tz AS ends) t
    WHERE t.starts < upper(win) AND t.ends > lower(win)
    ORDER BY t.starts
$$;
