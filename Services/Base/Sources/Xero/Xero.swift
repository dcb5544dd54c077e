import Foundation
import Hummingbird
import KisumKernel

// The Xero group's wire types in Base's camelCase; Xero's own (PascalCase) shapes are in `XeroWire.swift`.

/// `GET /api/xero/status` (and what the callback and tenant selection answer).
public struct XeroStatus: ResponseEncodable, Sendable, Equatable {
    public var configured: Bool
    /// not_configured (and no connection) | not_connected | connected | needs_reauth.
    public var status: String
    public var connected: Bool
    public var tenantId: UUID?
    public var tenantName: String?
    public var scopes: [String]
    public var connectedBy: UUID?
    public var connectedAt: Date?
    public var accessTokenExpiresAt: Date?
    public var refreshedAt: Date?
    /// Why the connection needs a new consent (`invalid_grant`).
    public var reauthReason: String?
}

public struct XeroConnectStart: ResponseEncodable, Sendable {
    public var authorizeUrl: String
    /// The consent must come back to the callback before this instant.
    public var expiresAt: Date
}

public struct XeroTenant: Codable, Sendable, Equatable {
    public var tenantId: UUID
    public var tenantName: String?
    public var tenantType: String
    public var connectionId: UUID
    public var createdAt: String?
    public var selected: Bool
}

public struct XeroTenantList: ResponseEncodable, Sendable {
    public var items: [XeroTenant]
    public var selectedTenantId: UUID?
}

public struct XeroAccount: Codable, Sendable, Equatable {
    public var accountId: UUID
    public var code: String?
    public var name: String
    public var type: String?
    public var accountClass: String?
    public var status: String?
    public var taxType: String?
    public var description: String?
    public var currencyCode: String?
    public var bankAccountNumber: String?
    public var enablePaymentsToAccount: Bool?
}

public struct XeroAccountList: ResponseEncodable, Sendable {
    public var items: [XeroAccount]
    public var total: Int
}

public struct XeroContact: Codable, Sendable, Equatable {
    public var contactId: UUID
    public var name: String
    public var contactNumber: String?
    public var accountNumber: String?
    public var status: String?
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var isCustomer: Bool?
    public var isSupplier: Bool?
    public var defaultCurrency: String?
}

/// Xero's page of contacts: `total` and `pageCount` are Xero's when it reports them, else null.
public struct XeroContactPage: ResponseEncodable, Sendable {
    public var items: [XeroContact]
    public var page: Int
    public var limit: Int
    public var total: Int?
    public var pageCount: Int?
}

/// An invoice as Xero holds it. Totals in the currency's minor units (Xero keeps two decimals; rounded half away
/// from zero where a currency has fewer); unit prices and quantities as Xero's decimal text (up to four places).
public struct XeroInvoice: ResponseEncodable, Codable, Sendable, Equatable {
    public struct Contact: Codable, Sendable, Equatable {
        public var contactId: UUID?
        public var name: String?
    }

    public struct Line: Codable, Sendable, Equatable {
        public var description: String?
        public var quantity: String?
        public var unitAmount: String?
        public var accountCode: String?
        public var taxType: String?
        public var lineAmountMinor: Int64?
        public var taxAmountMinor: Int64?
    }

    public var invoiceId: UUID
    public var invoiceNumber: String?
    public var type: String?
    public var status: String?
    public var reference: String?
    public var contact: Contact?
    public var date: String?
    public var dueDate: String?
    public var currency: String?
    public var lineAmountTypes: String?
    public var lines: [Line]
    public var subTotalMinor: Int64?
    public var totalTaxMinor: Int64?
    public var totalMinor: Int64?
    public var amountDueMinor: Int64?
    public var amountPaidMinor: Int64?
}

/// What a push answers: the link kept for an income line (null for an explicit invoice) and the invoice as Xero
/// created it (null when the line was pushed before: `created` false, read it with GET /api/xero/invoices/{id}).
public struct XeroInvoicePushResult: ResponseEncodable, Sendable {
    public var created: Bool
    public var invoiceId: UUID
    public var invoiceNumber: String?
    public var link: XeroInvoiceLink?
    public var invoice: XeroInvoice?
}

public struct XeroInvoiceLink: Codable, Sendable, Equatable {
    public var incomeId: UUID
    public var xeroInvoiceId: UUID
    public var xeroTenantId: UUID
    public var invoiceNumber: String?
    public var pushedBy: UUID
    public var pushedAt: Date
}

public struct XeroSyncResult: ResponseEncodable, Sendable {
    public struct Line: Codable, Sendable {
        public var incomeId: UUID
        /// pushed | linked (pushed before) | failed.
        public var outcome: String
        public var invoiceId: UUID?
        public var invoiceNumber: String?
        public var errors: [String]
    }

    public var eventId: UUID
    /// Income lines of the event.
    public var lines: Int
    public var alreadyLinked: Int
    public var pushed: Int
    public var failed: Int
    /// Lines left for another call (at most `XeroRules.maxSyncLines` are pushed per call).
    public var remaining: Int
    public var results: [Line]
}

/// `POST /api/xero/tenants/select`.
struct XeroTenantSelection: ValidatableBody {
    var tenantId: UUID

    func validate(_ validator: inout Validator) {}
}

/// `POST /api/xero/sync`: the event whose unlinked income lines are pushed, with the defaults every line takes.
struct XeroSyncRequest: ValidatableBody {
    var eventId: UUID
    var accountCode: String?
    var taxType: String?
    var status: String?
    var lineAmountTypes: String?

    func validate(_ validator: inout Validator) {
        XeroRules.checkDefaults(accountCode: accountCode, taxType: taxType, status: status, lineAmountTypes: lineAmountTypes, &validator)
    }
}

/// Rules every Xero body shares (Xero's own limits: account codes ≤ 10, descriptions ≤ 4,000, names ≤ 255).
enum XeroRules {
    static let statuses = ["DRAFT", "SUBMITTED", "AUTHORISED"]
    static let lineAmountTypes = ["Exclusive", "Inclusive", "NoTax"]
    static let invoiceTypes = ["ACCREC", "ACCPAY"]
    /// Xero creates up to 50 invoices per call; a sync makes at most four calls (Xero allows 60 a minute).
    static let batchSize = 50
    static let maxSyncLines = 200
    static let maxLines = 100
    /// A connect's state lives ten minutes.
    static let stateLifetime: TimeInterval = 600
    /// A token this close to expiring is refreshed before the call.
    static let refreshMarginSeconds = 60

    static func checkDefaults(accountCode: String?, taxType: String?, status: String?, lineAmountTypes: String?,
                              _ validator: inout Validator) {
        code(accountCode, "accountCode", maxLength: 10, &validator)
        code(taxType, "taxType", maxLength: 50, &validator)
        validator.oneOf(status, "status", statuses)
        validator.oneOf(lineAmountTypes, "lineAmountTypes", Self.lineAmountTypes)
    }

    /// Xero codes: printable, no surrounding blanks.
    static func code(_ value: String?, _ field: String, maxLength: Int, _ validator: inout Validator) {
        guard let value else { return }
        validator.check(!value.isEmpty && value.unicodeScalars.count <= maxLength && value == value.trimmingCharacters(in: .whitespacesAndNewlines),
                        field, "invalid_code", "1 to \(maxLength) characters, without surrounding blanks.")
    }

    /// A body's day: a real `YYYY-MM-DD` within the years the database accepts.
    static func day(_ value: String?, _ field: String, _ validator: inout Validator) {
        guard let value else { return }
        guard CalendarDate.isValid(value) else {
            validator.add(field, "invalid_date", "A calendar date, YYYY-MM-DD.")
            return
        }
        let year = Int(value.prefix(4)) ?? 0
        validator.check((1900...2199).contains(year), field, "out_of_range", "A day in the years 1900 to 2199.")
    }
}
