import Foundation
import KisumKernel

/// `POST /api/xero/invoices`: either an income line (`incomeId`: the invoice is built from it, once) or an explicit
/// invoice (`contact`, `currency`, `lines`). `accountCode` and `taxType` at the top are the defaults of lines that
/// name none (and of the income line's one line); `status` defaults to DRAFT, `lineAmountTypes` to Exclusive.
struct XeroInvoiceRequest: ValidatableBody {
    struct Contact: Decodable, Sendable {
        var contactId: UUID?
        var name: String?
    }

    struct Line: Decodable, Sendable {
        var description: String
        /// Decimal text, up to four places (Xero's precision); "1" when left out.
        var quantity: String?
        var unitAmountMinor: Int64
        var accountCode: String?
        var taxType: String?
    }

    var incomeId: UUID?
    var type: String?
    var contact: Contact?
    var currency: String?
    var date: String?
    var dueDate: String?
    var reference: String?
    var status: String?
    var lineAmountTypes: String?
    var lines: [Line]?
    var accountCode: String?
    var taxType: String?

    func validate(_ validator: inout Validator) {
        XeroRules.checkDefaults(accountCode: accountCode, taxType: taxType, status: status, lineAmountTypes: lineAmountTypes, &validator)
        XeroRules.day(date, "date", &validator)
        XeroRules.day(dueDate, "dueDate", &validator)
        if let date, let dueDate, CalendarDate.isValid(date), CalendarDate.isValid(dueDate) {
            validator.check(dueDate >= date, "dueDate", "before_date", "The due date cannot be before the invoice date.")
        }
        validator.text(reference, "reference", required: false, maxLength: 255)
        if let contact {
            validator.check((contact.contactId == nil) != (contact.name == nil), "contact", "one_of",
                            "Name the contact by contactId or by name (one of the two).")
            validator.text(contact.name, "contact.name", required: false, maxLength: 255)
        }
        if incomeId != nil {
            // The line, its currency and its kind come from the income line.
            validator.check(lines == nil, "lines", "not_with_income", "An income line's invoice is built from the line; leave lines out.")
            validator.check(currency == nil, "currency", "not_with_income", "The income line's currency is used; leave currency out.")
            validator.check(type == nil || type == "ACCREC", "type", "not_with_income", "Income is invoiced as ACCREC.")
            return
        }
        validator.oneOf(type, "type", XeroRules.invoiceTypes)
        validator.check(contact != nil, "contact", "required", "Name the contact (or send incomeId).")
        if let currency {
            validator.check(Currency.isValid(currency), "currency", "invalid_currency", "An ISO 4217 code such as EUR.")
        } else {
            validator.add("currency", "required", "This field is required.")
        }
        guard let lines else {
            validator.add("lines", "required", "At least one line (or send incomeId).")
            return
        }
        validator.check((1...XeroRules.maxLines).contains(lines.count), "lines", "out_of_range", "1 to \(XeroRules.maxLines) lines.")
        for (index, line) in lines.prefix(XeroRules.maxLines).enumerated() {
            let field = "lines[\(index)]"
            validator.text(line.description, "\(field).description", maxLength: 4000)
            if let quantity = line.quantity {
                validator.check(XeroMoney.isQuantity(quantity), "\(field).quantity", "invalid_quantity",
                                "A decimal above zero with at most 9 digits and 4 places, e.g. 1 or 2.5.")
            }
            validator.range(line.unitAmountMinor, "\(field).unitAmountMinor", -MinorUnits.max...MinorUnits.max)
            XeroRules.code(line.accountCode, "\(field).accountCode", maxLength: 10, &validator)
            XeroRules.code(line.taxType, "\(field).taxType", maxLength: 50, &validator)
        }
    }

    /// The explicit invoice in Xero's terms (call after `validate`).
    func draft(today: String) -> InvoiceDraft {
        let currency = currency ?? "EUR"
        let exponent = Currency.exponent(currency)
        let date = date ?? today
        return InvoiceDraft(
            type: type ?? "ACCREC", contactID: contact?.contactId, contactName: contact?.name, date: date, dueDate: dueDate ?? date,
            currency: currency, reference: reference, status: status ?? "DRAFT", lineAmountTypes: lineAmountTypes ?? "Exclusive",
            lines: (lines ?? []).map { line in
                InvoiceDraft.Line(description: line.description, quantity: line.quantity ?? "1",
                                  unitAmount: XeroMoney.decimalText(minor: line.unitAmountMinor, exponent: exponent),
                                  accountCode: line.accountCode ?? accountCode, taxType: line.taxType ?? taxType)
            })
    }
}

/// What an income line becomes in Xero: one ACCREC invoice, one line of quantity 1 at the line's amount, to the
/// payer (or the body's contact), dated today (or the body's date), due on the line's expected day (never before
/// the invoice date), with the event's name and day as the reference.
struct IncomeInvoiceDefaults: Sendable {
    var contact: XeroInvoiceRequest.Contact?
    var date: String?
    var dueDate: String?
    var reference: String?
    var accountCode: String?
    var taxType: String?
    var status: String?
    var lineAmountTypes: String?

    init(_ request: XeroInvoiceRequest) {
        contact = request.contact
        date = request.date
        dueDate = request.dueDate
        reference = request.reference
        accountCode = request.accountCode
        taxType = request.taxType
        status = request.status
        lineAmountTypes = request.lineAmountTypes
    }

    init(_ request: XeroSyncRequest) {
        accountCode = request.accountCode
        taxType = request.taxType
        status = request.status
        lineAmountTypes = request.lineAmountTypes
    }

    /// The draft, or why the line cannot be invoiced (no payer and no contact given).
    func draft(for line: XeroRepository.IncomeLine, today: String) -> Result<InvoiceDraft, APIError> {
        let contactName = contact == nil ? line.payerName : contact?.name
        guard contact?.contactId != nil || contactName != nil else {
            return .failure(APIError.validation(field: "contact", code: "contact_required",
                                                message: "The income line has no payer: name the Xero contact (contact.contactId or contact.name)."))
        }
        let date = date ?? today
        let due = dueDate ?? max(line.expectedDate, date)
        let reference = reference ?? String("\(line.eventName) (\(line.eventDate ?? line.expectedDate))".prefix(255))
        let draft = InvoiceDraft(
            type: "ACCREC", contactID: contact?.contactId, contactName: contactName, date: date, dueDate: due, currency: line.currency,
            reference: reference, status: status ?? "DRAFT", lineAmountTypes: lineAmountTypes ?? "Exclusive",
            lines: [InvoiceDraft.Line(description: line.description, quantity: "1",
                                      unitAmount: XeroMoney.decimalText(minor: line.amountMinor, exponent: Currency.exponent(line.currency)),
                                      accountCode: accountCode, taxType: taxType)])
        return .success(draft)
    }
}
