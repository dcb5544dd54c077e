import Foundation
import Hummingbird
import KisumKernel

/// Typed business settings of one company record: what invoices, reports and documents about it use.
/// Until some are saved the defaults are answered (`isDefault` true), so clients never handle a 404 here.
public struct CompanySettings: ResponseEncodable, Sendable, Equatable {
    /// The company record these settings belong to.
    public var companyId: UUID
    /// ISO 4217; defaults to the record's own `currency` (null when it has none).
    public var defaultCurrency: String?
    /// IANA time zone name.
    public var timezone: String
    /// BCP 47 language tag (`en`, `nl-NL`, `pt-BR`).
    public var locale: String
    public var fiscalYearStartMonth: Int
    public var invoicePrefix: String
    public var paymentTermsDays: Int
    public var vatNumber: String?
    /// 2100 = 21 %: a rate in hundredths of a percent, an integer like every amount here.
    public var defaultVatRateBasisPoints: Int?
    /// True while nothing has been saved: every value is a default.
    public var isDefault: Bool
    public var updatedAt: Date?

    static func defaults(companyID: UUID, currency: String?) -> CompanySettings {
        CompanySettings(companyId: companyID, defaultCurrency: currency, timezone: CompanySettingsRules.defaultTimezone,
                        locale: "en", fiscalYearStartMonth: 1, invoicePrefix: "INV-", paymentTermsDays: 30, vatNumber: nil,
                        defaultVatRateBasisPoints: nil, isDefault: true, updatedAt: nil)
    }
}

enum CompanySettingsRules {
    static let defaultTimezone = "UTC"
    /// IANA names as Foundation knows them. Not `TimeZone(identifier:)` alone: it also takes offset spellings
    /// ("GMT+5") that other systems read with the opposite sign.
    static let knownTimezones: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC", "Etc/UTC"])
    /// Language, optional script, optional region: the common subset of BCP 47.
    static let localePattern = "^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"
    static let invoicePrefixPattern = "^[A-Za-z0-9 ._/#-]*$"
    static let vatNumberPattern = "^[A-Za-z0-9 .-]+$"
}

/// `PUT /api/companies/{id}/settings`: the whole settings object; a field left out takes its default.
struct CompanySettingsInput: ValidatableBody, Sendable {
    var defaultCurrency: String?
    var timezone: String?
    var locale: String?
    var fiscalYearStartMonth: Int?
    var invoicePrefix: String?
    var paymentTermsDays: Int?
    var vatNumber: String?
    var defaultVatRateBasisPoints: Int?

    func validate(_ v: inout Validator) {
        v.currency(defaultCurrency, "defaultCurrency")
        if let timezone, timezone.utf8.count > 64 || !CompanySettingsRules.knownTimezones.contains(timezone) {
            v.add("timezone", "invalid_timezone", "Must be an IANA time zone name such as Europe/Amsterdam.")
        }
        if let locale, locale.utf8.count > 16 || !locale.fullyMatches(CompanySettingsRules.localePattern) {
            v.add("locale", "invalid_locale", "Must be a language tag such as en, nl-NL or pt-BR.")
        }
        v.range(fiscalYearStartMonth, "fiscalYearStartMonth", 1...12)
        if let invoicePrefix, invoicePrefix.unicodeScalars.count > 20
            || !invoicePrefix.fullyMatches(CompanySettingsRules.invoicePrefixPattern) {
            v.add("invoicePrefix", "invalid_format", "At most 20 letters, digits, spaces and . _ / # -.")
        }
        v.range(paymentTermsDays, "paymentTermsDays", 0...365)
        if let vatNumber, vatNumber.unicodeScalars.count > 32
            || !vatNumber.fullyMatches(CompanySettingsRules.vatNumberPattern) {
            v.add("vatNumber", "invalid_format", "At most 32 letters, digits, spaces, dots and hyphens.")
        }
        v.range(defaultVatRateBasisPoints, "defaultVatRateBasisPoints", 0...10_000)
    }

    /// The values to store: what was sent, defaults for the rest.
    func resolved(companyID: UUID) -> CompanySettings {
        let base = CompanySettings.defaults(companyID: companyID, currency: nil)
        return CompanySettings(companyId: companyID, defaultCurrency: defaultCurrency, timezone: timezone ?? base.timezone,
                               locale: locale ?? base.locale, fiscalYearStartMonth: fiscalYearStartMonth ?? base.fiscalYearStartMonth,
                               invoicePrefix: invoicePrefix ?? base.invoicePrefix, paymentTermsDays: paymentTermsDays ?? base.paymentTermsDays,
                               vatNumber: vatNumber, defaultVatRateBasisPoints: defaultVatRateBasisPoints, isDefault: false, updatedAt: nil)
    }
}
