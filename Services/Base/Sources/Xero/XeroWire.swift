import Foundation
import KisumKernel

/// Xero's own JSON (PascalCase accounting API, camelCase connections, snake_case identity), as far as Base reads and
/// writes it. The coders below map Xero's `InvoiceID` to `invoiceID` and back (first letter only), so the types read
/// like Swift. Amounts are `Decimal`: Foundation's JSON coders read and write them as decimal text, so no binary
/// float touches money.
enum XeroWire {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            let key = path.last?.stringValue ?? ""
            return AnyKey(key.prefix(1).lowercased() + key.dropFirst())
        }
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in
            let key = path.last?.stringValue ?? ""
            return AnyKey(key.prefix(1).uppercased() + key.dropFirst())
        }
        return encoder
    }()

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct TokenResponse: Decodable {
        var access_token: String
        var refresh_token: String?
        var expires_in: Int
        var scope: String?
    }

    struct OAuthError: Decodable {
        var error: String
    }

    struct Connection: Decodable {
        var id: UUID
        var tenantId: UUID
        var tenantType: String?
        var tenantName: String?
        var createdDateUtc: String?
    }

    /// `{"Type":"ValidationException","Message":…,"Elements":[{"ValidationErrors":[{"Message":…}]}]}` and the
    /// problem-details shape of 401/403 (`Title`, `Detail`).
    struct Problem: Decodable {
        struct Element: Decodable { var validationErrors: [Message]? }
        struct Message: Decodable { var message: String? }
        var type: String?
        var message: String?
        var title: String?
        var detail: String?
        var elements: [Element]?

        var messages: [String] {
            let inner = (elements ?? []).flatMap { $0.validationErrors ?? [] }.compactMap(\.message)
            return inner.isEmpty ? [message].compactMap { $0 } : inner
        }
    }

    struct Accounts: Decodable { var accounts: [Account] }

    struct Account: Decodable {
        var accountID: UUID
        var code: String?
        var name: String?
        var type: String?
        var `class`: String?
        var status: String?
        var taxType: String?
        var description: String?
        var currencyCode: String?
        var bankAccountNumber: String?
        var enablePaymentsToAccount: Bool?

        var mapped: XeroAccount {
            XeroAccount(accountId: accountID, code: code, name: name ?? "", type: type, accountClass: `class`, status: status, taxType: taxType,
                        description: description, currencyCode: currencyCode, bankAccountNumber: bankAccountNumber,
                        enablePaymentsToAccount: enablePaymentsToAccount)
        }
    }

    struct Contacts: Decodable {
        struct Pagination: Decodable {
            var page: Int?
            var pageSize: Int?
            var pageCount: Int?
            var itemCount: Int?
        }
        var contacts: [Contact]
        var pagination: Pagination?
    }

    struct Contact: Decodable {
        var contactID: UUID
        var name: String?
        var contactNumber: String?
        var accountNumber: String?
        var contactStatus: String?
        var firstName: String?
        var lastName: String?
        var emailAddress: String?
        var isCustomer: Bool?
        var isSupplier: Bool?
        var defaultCurrency: String?

        var mapped: XeroContact {
            XeroContact(contactId: contactID, name: name ?? "", contactNumber: contactNumber, accountNumber: accountNumber,
                        status: contactStatus, firstName: firstName, lastName: lastName, email: emailAddress, isCustomer: isCustomer,
                        isSupplier: isSupplier, defaultCurrency: defaultCurrency)
        }
    }

    struct Invoices: Codable { var invoices: [Invoice] }

    struct Invoice: Codable {
        struct ContactRef: Codable {
            var contactID: UUID?
            var name: String?
        }
        struct LineItem: Codable {
            var description: String?
            var quantity: Decimal?
            var unitAmount: Decimal?
            var accountCode: String?
            var taxType: String?
            var lineAmount: Decimal?
            var taxAmount: Decimal?
        }
        struct ValidationError: Codable { var message: String? }

        var invoiceID: UUID?
        var invoiceNumber: String?
        var type: String?
        var status: String?
        var reference: String?
        var contact: ContactRef?
        /// Written as `YYYY-MM-DD`; Xero answers `DateString` (`YYYY-MM-DDT00:00:00`) beside its own date format.
        var date: String?
        var dueDate: String?
        var dateString: String?
        var dueDateString: String?
        var currencyCode: String?
        var lineAmountTypes: String?
        var lineItems: [LineItem]?
        var subTotal: Decimal?
        var totalTax: Decimal?
        var total: Decimal?
        var amountDue: Decimal?
        var amountPaid: Decimal?
        /// With `summarizeErrors=false`: "OK" or "ERROR" per invoice, with its reasons.
        var statusAttributeString: String?
        var validationErrors: [ValidationError]?

        init(_ draft: InvoiceDraft) {
            type = draft.type
            status = draft.status
            reference = draft.reference
            contact = ContactRef(contactID: draft.contactID, name: draft.contactID == nil ? draft.contactName : nil)
            date = draft.date
            dueDate = draft.dueDate
            currencyCode = draft.currency
            lineAmountTypes = draft.lineAmountTypes
            lineItems = draft.lines.map { line in
                LineItem(description: line.description, quantity: XeroMoney.decimal(line.quantity), unitAmount: XeroMoney.decimal(line.unitAmount),
                         accountCode: line.accountCode, taxType: line.taxType)
            }
        }

        /// Nil when Xero sent no invoice id (a refused invoice).
        func mapped() -> XeroInvoice? {
            guard let invoiceID else { return nil }
            let exponent = currencyCode.map(Currency.exponent) ?? 2
            func minor(_ value: Decimal?) -> Int64? { value.flatMap { XeroMoney.minor($0, exponent: exponent) } }
            return XeroInvoice(
                invoiceId: invoiceID, invoiceNumber: invoiceNumber, type: type, status: status, reference: reference,
                contact: contact.map { XeroInvoice.Contact(contactId: $0.contactID, name: $0.name) },
                date: (dateString ?? date).map { String($0.prefix(10)) }, dueDate: (dueDateString ?? dueDate).map { String($0.prefix(10)) },
                currency: currencyCode, lineAmountTypes: lineAmountTypes,
                lines: (lineItems ?? []).map { item in
                    XeroInvoice.Line(description: item.description, quantity: item.quantity.map { "\($0)" }, unitAmount: item.unitAmount.map { "\($0)" },
                                     accountCode: item.accountCode, taxType: item.taxType, lineAmountMinor: minor(item.lineAmount),
                                     taxAmountMinor: minor(item.taxAmount))
                },
                subTotalMinor: minor(subTotal), totalTaxMinor: minor(totalTax), totalMinor: minor(total), amountDueMinor: minor(amountDue),
                amountPaidMinor: minor(amountPaid))
        }

        /// Xero's reasons when it refused this invoice (nil when created).
        var refusal: [String]? {
            let messages = (validationErrors ?? []).compactMap(\.message)
            if statusAttributeString == "ERROR" || !messages.isEmpty || invoiceID == nil {
                return messages.isEmpty ? ["Xero refused the invoice."] : messages
            }
            return nil
        }
    }
}
