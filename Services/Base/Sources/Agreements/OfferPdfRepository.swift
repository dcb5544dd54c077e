import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Reads an offer (0009's `offers`, written by the Offers feature) for its PDF: one statement with the artist,
/// the event's name and the company's own profile name. Read-only: offers are not this feature's to change.
struct OfferPdfRepository: Sendable {
    let database: Database

    func source(companyID: UUID, offerID: UUID) async throws -> DealDocumentSource? {
        try await database.query("""
            SELECT o.id, o.status, o.version, ar.name AS artist_name, o.event_date::text AS event_date, o.venue_name, o.city,
                   o.currency::text AS currency, o.deal::text AS deal, o.scenario::text AS scenario, o.potential::text AS potential,
                   o.expires_on::text AS expires_on, e.name AS event_name,
                   (SELECT c.name FROM companies c WHERE c.company_id = o.company_id AND c.is_current) AS company_name
            FROM offers o
            JOIN artists ar ON ar.company_id = o.company_id AND ar.id = o.artist_id
            LEFT JOIN events e ON e.company_id = o.company_id AND e.id = o.event_id
            WHERE o.company_id = \(companyID) AND o.id = \(offerID)
            """).first { row in
                let c = Columns(row)
                return DealDocumentSource(
                    id: try c("id"), status: try c("status"), version: try c("version"), artistName: try c("artist_name"),
                    companyName: try c("company_name"), eventDate: try c("event_date"), venueName: try c("venue_name"), city: try c("city"),
                    currency: try c("currency"), dealJSON: try c("deal"), scenarioJSON: try c("scenario"), eventName: try c("event_name"),
                    expiresOn: try c("expires_on"), potential: try? c.json("potential"))
            }
    }
}
