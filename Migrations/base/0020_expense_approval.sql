-- Event Expense - Approval (issue 10): who last edited a pending submission, so the four-eyes rule covers the
-- person who set its figures as well as the one who submitted it (a PUT replaces every figure, so the last
-- editor owns them all); and the expense basis a settlement was computed from, kept with the record.

ALTER TABLE event_expense_actuals
    ADD COLUMN edited_by uuid,
    ADD CONSTRAINT event_expense_actuals_editor_four_eyes CHECK (decided_by IS NULL OR edited_by IS NULL OR decided_by <> edited_by);

-- The event's expense lines (approved actual or estimate, converted to the reporting currency with the rates
-- used) as they stood when the settlement was computed. NULL for settlements stored before issue 10.
ALTER TABLE event_settlements ADD COLUMN expenses jsonb;
