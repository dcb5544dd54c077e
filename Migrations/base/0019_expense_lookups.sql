-- Event Expense (issue 10): lookups 0017 leaves to the feature. A company category can be renamed or deleted
-- only while no estimated line or actual expense names it, which these answer without scanning the company's
-- lines; the line list filters by due date across events.
CREATE INDEX event_expenses_category ON event_expenses (company_id, category);
CREATE INDEX event_expense_actuals_category ON event_expense_actuals (company_id, category);
CREATE INDEX event_expenses_due ON event_expenses (company_id, due_date);
