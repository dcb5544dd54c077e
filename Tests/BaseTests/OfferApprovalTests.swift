@testable import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 9: "Approval items are created by the flows that need them (an offer above a company threshold …) and
/// their decision moves the source object." The queue's decision goes through `OfferChangesRepository.decideApproval`
/// (the approval routes call it inside their transaction): approved → sent, denied → draft, each with a revision.
@Suite("Base offer approval decisions")
struct OfferApprovalTests {
    @Test func anApprovalDecisionMovesThePendingOfferAndWritesARevision() async throws {
        try await withOffers { clients in
            let api = clients.a
            let database = clients.harness.database
            try await database.query("""
                INSERT INTO approval_thresholds (company_id, source_type, currency, threshold_minor, updated_by)
                VALUES (\(clients.companyA), 'offer', 'EUR', 1, \(UUID()))
                """)
            let artist = try await api.makeAvailArtist("Needs Approval")
            let approved = try await api.makeOffer(artist)
            let denied = try await api.makeOffer(artist)
            for id in [approved, denied] {
                #expect(try await api.post("/api/offer/\(id)/send", ["version": 1]).json["status"] == "pending_approval")
            }
            let approver = UUID()
            let logger = database.logger
            let companyA = clients.companyA
            let moved = try await database.transaction { connection in
                [try await OfferChangesRepository.decideApproval(connection, companyID: companyA, offerID: approved, userID: approver,
                                                                 approved: true, logger),
                 try await OfferChangesRepository.decideApproval(connection, companyID: companyA, offerID: denied, userID: approver,
                                                                 approved: false, logger),
                 // Another company's offer is not there.
                 try await OfferChangesRepository.decideApproval(connection, companyID: clients.companyB, offerID: approved, userID: approver,
                                                                 approved: true, logger)]
            }
            #expect(moved == [true, true, false])
            let sent = try await api.get("/api/offer/\(approved)")
            #expect(sent.json["status"] == "sent")
            #expect(sent.json["version"] == 3)
            #expect(sent.json["sentAt"] != .null)
            #expect(try await api.get("/api/offer/\(denied)").json["status"] == "draft")
            let revision = try await api.get("/api/offer/\(approved)/versions").json["items"]?[2]
            #expect(revision?["action"] == "approved")
            #expect(revision?["changedBy"]?.uuid == approver)
            #expect(revision?["changes"]?["status"] == ["from": "pending_approval", "to": "sent"])
            #expect(try await api.get("/api/offer/\(denied)/versions").json["items"]?[2]?["action"] == "approval_denied")
            // A second decision finds the offer no longer pending: 409 with the allowed moves.
            await #expect(throws: APIError.self) {
                try await database.transaction { connection in
                    try await OfferChangesRepository.decideApproval(connection, companyID: companyA, offerID: approved, userID: approver,
                                                                    approved: true, logger)
                }
            }
        }
    }
}
