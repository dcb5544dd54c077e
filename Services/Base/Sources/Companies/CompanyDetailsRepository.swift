import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// A company record's logo and business settings (`company_logos`, `company_settings`, 0006): one of each per
/// record, written only through a record of the caller's tenant.
struct CompanyDetailsRepository: Sendable {
    let database: Database

    /// Stores (or replaces) the record's logo and returns the record, or nil when the tenant has no such record.
    /// The digest is computed by the database from the stored bytes, so the ETag cannot disagree with them.
    func storeLogo(companyID: UUID, id: UUID, userID: UUID, bytes: Data, contentType: String) async throws -> Company? {
        try await database.query("""
            WITH l AS (
                INSERT INTO company_logos (company_id, company_record_id, content_type, bytes, size, sha256, uploaded_by)
                SELECT c.company_id, c.id, \(contentType), v.bytes, octet_length(v.bytes), encode(sha256(v.bytes), 'hex'), \(userID)
                FROM companies c CROSS JOIN (SELECT \(bytes)::bytea AS bytes) v
                WHERE c.company_id = \(companyID) AND c.id = \(id)
                ON CONFLICT (company_id, company_record_id) DO UPDATE SET
                    content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes, size = EXCLUDED.size, sha256 = EXCLUDED.sha256,
                    uploaded_by = EXCLUDED.uploaded_by, uploaded_at = now()
                RETURNING company_id, company_record_id, sha256),
            c AS (
                UPDATE companies SET updated_at = now()
                WHERE company_id = \(companyID) AND id IN (SELECT company_record_id FROM l)
                RETURNING *)
            SELECT \(unescaped: CompaniesRepository.columns)
            FROM c JOIN l ON l.company_record_id = c.id LEFT JOIN countries co ON co.id = c.country_id
            """).first(CompaniesRepository.decode)
    }

    enum LogoLookup {
        case noCompany
        case noLogo
        /// `bytes` is nil when the caller already holds this version (`held` names its tag, or is `*`).
        case logo(contentType: String, sha256: String, bytes: ByteBuffer?)
    }

    /// The record's logo; the bytes are read only when the caller does not hold this version already.
    func logo(companyID: UUID, id: UUID, held: (any: Bool, tags: [String])) async throws -> LogoLookup {
        let row = try await database.query("""
            SELECT l.content_type, l.sha256,
                   CASE WHEN \(held.any) OR l.sha256 = ANY(\(held.tags)::text[]) THEN NULL ELSE l.bytes END AS bytes
            FROM companies c
            LEFT JOIN company_logos l ON l.company_id = c.company_id AND l.company_record_id = c.id
            WHERE c.company_id = \(companyID) AND c.id = \(id)
            """).first { try $0.decode((String?, String?, ByteBuffer?).self) }
        guard let row else { return .noCompany }
        guard let type = row.0, let sha = row.1 else { return .noLogo }
        return .logo(contentType: type, sha256: sha, bytes: row.2)
    }

    static let settingsColumns = """
        c.id, c.currency, s.company_record_id AS saved, s.default_currency, s.timezone, s.locale, s.fiscal_year_start_month,
        s.invoice_prefix, s.payment_terms_days, s.vat_number, s.default_vat_rate_bp, s.updated_at
        """

    /// Saved settings, or the defaults when none are (nil only when the tenant has no such record).
    static func decodeSettings(_ row: PostgresRow) throws -> CompanySettings {
        let c = Columns(row)
        let id: UUID = try c("id")
        let saved: UUID? = try c("saved")
        guard saved != nil else { return CompanySettings.defaults(companyID: id, currency: try c("currency")) }
        return CompanySettings(companyId: id, defaultCurrency: try c("default_currency"), timezone: try c("timezone"),
                               locale: try c("locale"), fiscalYearStartMonth: try c("fiscal_year_start_month"),
                               invoicePrefix: try c("invoice_prefix"), paymentTermsDays: try c("payment_terms_days"),
                               vatNumber: try c("vat_number"), defaultVatRateBasisPoints: try c("default_vat_rate_bp"),
                               isDefault: false, updatedAt: try c("updated_at"))
    }

    func settings(companyID: UUID, id: UUID) async throws -> CompanySettings? {
        try await database.query("""
            SELECT \(unescaped: Self.settingsColumns)
            FROM companies c LEFT JOIN company_settings s ON s.company_id = c.company_id AND s.company_record_id = c.id
            WHERE c.company_id = \(companyID) AND c.id = \(id)
            """).first(Self.decodeSettings)
    }

    /// Replaces the record's settings (creating them on first save); nil when the tenant has no such record.
    func saveSettings(companyID: UUID, id: UUID, userID: UUID, _ value: CompanySettings) async throws -> CompanySettings? {
        try await database.query("""
            WITH s AS (
                INSERT INTO company_settings (company_id, company_record_id, default_currency, timezone, locale, fiscal_year_start_month,
                                              invoice_prefix, payment_terms_days, vat_number, default_vat_rate_bp, updated_by)
                SELECT c.company_id, c.id, \(value.defaultCurrency), \(value.timezone), \(value.locale), \(value.fiscalYearStartMonth),
                       \(value.invoicePrefix), \(value.paymentTermsDays), \(value.vatNumber), \(value.defaultVatRateBasisPoints), \(userID)
                FROM companies c WHERE c.company_id = \(companyID) AND c.id = \(id)
                ON CONFLICT (company_id, company_record_id) DO UPDATE SET
                    default_currency = EXCLUDED.default_currency, timezone = EXCLUDED.timezone, locale = EXCLUDED.locale,
                    fiscal_year_start_month = EXCLUDED.fiscal_year_start_month, invoice_prefix = EXCLUDED.invoice_prefix,
                    payment_terms_days = EXCLUDED.payment_terms_days, vat_number = EXCLUDED.vat_number,
                    default_vat_rate_bp = EXCLUDED.default_vat_rate_bp, updated_by = EXCLUDED.updated_by, updated_at = now()
                RETURNING *)
            SELECT \(unescaped: Self.settingsColumns) FROM s JOIN companies c ON c.company_id = s.company_id AND c.id = s.company_record_id
            """).first(Self.decodeSettings)
    }
}
