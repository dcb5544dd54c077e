import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

extension APITestClient {
    /// Creates a deal and returns its JSON.
    @discardableResult
    func createDeal(_ body: [String: JSONValue]) async throws -> JSONValue {
        let response = try await post("/api/v1/deals", .object(body))
        guard response.status == .created else { throw TestFailure("deal create answered \(response.status): \(response.text)") }
        return response.json
    }

    /// A booking on a fresh venue/space; returns the booking id.
    func makeBooking(_ start: Double = 10, _ end: Double = 14) async throws -> UUID {
        let (_, space) = try await makeSpace()
        let response = try await book([space], start, end, extra: ["title": "Album release"])
        guard response.status == .created else { throw TestFailure("booking answered \(response.status): \(response.text)") }
        return try requireUUID(response.json["id"])
    }
}

@Suite("Deals")
struct DealsTests {
    @Test func createGetListAndFilters() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let booking = try await api.makeBooking()
            let flat = try await api.post("/api/v1/deals", [
                "bookingId": .string(booking.uuidString), "name": "Headline fee", "dealType": "flat_guarantee", "currency": "EUR",
                "guaranteeMinor": 150_000, "depositMinor": 50_000, "terms": ["payment": "50% on signing"], "notes": "agreed by phone",
            ])
            #expect(flat.status == .created)
            let id = try requireUUID(flat.json["id"])
            #expect(flat.json["status"] == "draft")
            #expect(flat.json["guaranteeMinor"] == 150_000)
            #expect(flat.json["terms"]?["payment"] == "50% on signing")
            #expect(flat.json["bookingId"]?.uuid == booking)
            #expect(flat.json["statusChangedAt"]?.isNull == false)

            try await api.createDeal(["dealType": "door_split", "currency": "GBP", "percentage": 72.5, "status": "proposed", "name": "Club night"])
            try await api.createDeal(["dealType": "versus", "currency": "USD", "guaranteeMinor": 200_000, "percentage": 80,
                                      "bookingId": .string(booking.uuidString)])
            try await api.createDeal(["dealType": "rental", "currency": "JPY", "rentalFeeMinor": 300_000, "expensesMinor": 0])
            try await api.createDeal(["dealType": "other", "currency": "EUR", "notes": "barter: bar takings"])

            let fetched = try await api.get("/api/v1/deals/\(id)")
            #expect(fetched.json["name"] == "Headline fee")
            #expect(fetched.json["percentage"] == .null)

            let list = try await api.get("/api/v1/deals?limit=2")
            #expect(list.json["total"] == 5)
            #expect(list.json["items"]?.arrayValue?.count == 2)
            #expect(list.json["limit"] == 2)
            #expect(try await api.get("/api/v1/deals?bookingId=\(booking)").json["total"] == 2)
            #expect(try await api.get("/api/v1/deals?status=proposed").json["total"] == 1)
            #expect(try await api.get("/api/v1/deals?dealType=rental").json["total"] == 1)
            #expect(try await api.get("/api/v1/deals?q=club").json["total"] == 1)
            #expect(try await api.get("/api/v1/deals?q=barter").json["total"] == 1, "q also searches notes")
            #expect(try await api.get("/api/v1/deals?dealType=percentage").errorCode == "invalid_query")
            #expect(try await api.get("/api/v1/deals?page=2&limit=4").json["items"]?.arrayValue?.count == 1)
        }
    }

    @Test func typeSpecificValidation() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let empty = try await api.post("/api/v1/deals", ["status": "accepted"])
            #expect(empty.status == .unprocessableContent)
            #expect(Set(empty.errorFields) == ["dealType", "currency", "status"])

            #expect(try await api.post("/api/v1/deals", ["dealType": "flat_guarantee", "currency": "EUR"]).errorFields == ["guaranteeMinor"])
            let flatWithShare = try await api.post("/api/v1/deals", ["dealType": "flat_guarantee", "currency": "EUR", "guaranteeMinor": 1, "percentage": 10])
            #expect(flatWithShare.errorFields == ["percentage"])
            #expect(flatWithShare.json["error"]?["details"]?[0]?["code"] == "not_applicable")
            #expect(try await api.post("/api/v1/deals", ["dealType": "door_split", "currency": "EUR"]).errorFields == ["percentage"])
            #expect(try await api.post("/api/v1/deals", ["dealType": "door_split", "currency": "EUR", "percentage": 70, "guaranteeMinor": 5])
                .errorFields == ["guaranteeMinor"])
            #expect(Set(try await api.post("/api/v1/deals", ["dealType": "versus", "currency": "EUR"]).errorFields) == ["guaranteeMinor", "percentage"])
            #expect(Set(try await api.post("/api/v1/deals", ["dealType": "guarantee_plus", "currency": "EUR", "guaranteeMinor": 1]).errorFields)
                == ["percentage"])
            #expect(try await api.post("/api/v1/deals", ["dealType": "rental", "currency": "EUR"]).errorFields == ["rentalFeeMinor"])

            let amounts = try await api.post("/api/v1/deals", [
                "dealType": "other", "currency": "eur", "guaranteeMinor": -1, "expensesMinor": 2_000_000_000_000_000,
                "percentage": 12.345, "terms": "cash",
            ])
            #expect(Set(amounts.errorFields) == ["currency", "guaranteeMinor", "expensesMinor", "percentage", "terms"])
            let codes = Dictionary(uniqueKeysWithValues: (amounts.json["error"]?["details"]?.arrayValue ?? []).compactMap { issue in
                issue["field"]?.stringValue.map { ($0, issue["code"]?.stringValue ?? "") }
            })
            #expect(codes["guaranteeMinor"] == "negative")
            #expect(codes["expensesMinor"] == "out_of_range")
            #expect(codes["percentage"] == "too_precise")
            #expect(try await api.post("/api/v1/deals", ["dealType": "other", "currency": "XYZ"]).json["error"]?["details"]?[0]?["code"]
                == "unknown_currency")
            #expect(try await api.post("/api/v1/deals", ["dealType": "other", "currency": "EUR", "percentage": 101]).errorFields == ["percentage"])

            #expect(try await api.request(.post, "/api/v1/deals", rawBody: "{\"dealType\":").status == .badRequest)
            // Amounts are integers: a fraction is not an amount of minor units, and a number past 2^63
            // once crashed the service on its way to Int64 (issue 16); both are 400s and the service lives.
            for amount in ["10.5", "10000000000000000000", "-9223372036854775809", "1e400"] {
                let create = try await api.request(.post, "/api/v1/deals",
                                                   rawBody: "{\"dealType\":\"other\",\"currency\":\"EUR\",\"guaranteeMinor\":\(amount)}")
                #expect(create.status == .badRequest, "guaranteeMinor \(amount)")
                #expect(create.json["error"]?["code"] == "invalid_body")
            }
            let draft = try await api.post("/api/v1/deals", ["dealType": "other", "currency": "EUR"])
            #expect(draft.status == .created)
            let draftID = draft.json["id"]?.stringValue ?? ""
            let patch = try await api.request(.patch, "/api/v1/deals/\(draftID)", rawBody: "{\"rentalFeeMinor\":18446744073709551616}")
            #expect(patch.status == .badRequest)
            #expect(try await api.get("/api/v1/deals/\(draftID)").status == .ok)
            #expect(try await api.post("/api/v1/deals", ["dealType": "other", "currency": "EUR", "guaranteeMinor": "100"]).status == .badRequest)
            #expect(try await api.post("/api/v1/deals", ["dealType": "other", "currency": "EUR", "bookingId": .string(UUID().uuidString)])
                .errorFields == ["bookingId"])
        }
    }

    @Test func statusMachineAndLockedTerms() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let id = try requireUUID(try await api.createDeal(["dealType": "flat_guarantee", "currency": "EUR", "guaranteeMinor": 100_000])["id"])
            let skip = try await api.patch("/api/v1/deals/\(id)", ["status": "accepted"])
            #expect(skip.status == .conflict)
            #expect(skip.errorCode == "invalid_transition")
            #expect(skip.json["error"]?["info"]?["from"] == "draft")
            #expect(skip.json["error"]?["info"]?["allowed"] == ["proposed", "cancelled"])

            // Changing the type re-checks the rules on the merged deal.
            let retype = try await api.patch("/api/v1/deals/\(id)", ["dealType": "door_split"])
            #expect(Set(retype.errorFields) == ["percentage", "guaranteeMinor"])
            let doorSplit = try await api.patch("/api/v1/deals/\(id)", ["dealType": "door_split", "percentage": 70, "guaranteeMinor": nil])
            #expect(doorSplit.status == .ok)
            #expect(doorSplit.json["guaranteeMinor"] == .null)
            #expect(doorSplit.json["percentage"] == 70)
            #expect(try await api.patch("/api/v1/deals/\(id)", ["percentage": nil]).errorFields == ["percentage"])

            let proposed = try await api.patch("/api/v1/deals/\(id)", ["status": "proposed", "percentage": 75])
            #expect(proposed.json["status"] == "proposed")
            #expect(proposed.json["percentage"] == 75)
            let accepted = try await api.patch("/api/v1/deals/\(id)", ["status": "accepted"])
            #expect(accepted.json["status"] == "accepted")
            #expect(accepted.json["statusChangedAt"] != proposed.json["statusChangedAt"])

            let locked = try await api.patch("/api/v1/deals/\(id)", ["percentage": 90])
            #expect(locked.status == .conflict)
            #expect(locked.errorCode == "deal_locked")
            #expect(locked.json["error"]?["info"]?["fields"] == ["percentage"])
            #expect(try await api.patch("/api/v1/deals/\(id)", ["notes": "signed off by GM", "name": "Final"]).json["notes"] == "signed off by GM")
            #expect(try await api.patch("/api/v1/deals/\(id)", ["status": "draft"]).errorCode == "invalid_transition")
            #expect(try await api.patch("/api/v1/deals/\(id)", ["status": "cancelled"]).json["status"] == "cancelled")
            let final = try await api.patch("/api/v1/deals/\(id)", ["status": "draft"])
            #expect(final.errorCode == "invalid_transition")
            #expect(final.json["error"]?["message"]?.stringValue?.contains("final") == true)

            // A rejected deal can be reopened as a draft and renegotiated.
            let other = try requireUUID(try await api.createDeal(["dealType": "rental", "currency": "EUR", "rentalFeeMinor": 1, "status": "proposed"])["id"])
            #expect(try await api.patch("/api/v1/deals/\(other)", ["status": "rejected"]).json["status"] == "rejected")
            #expect(try await api.patch("/api/v1/deals/\(other)", ["rentalFeeMinor": 2]).errorCode == "deal_locked")
            let reopened = try await api.patch("/api/v1/deals/\(other)", ["status": "draft", "rentalFeeMinor": 2])
            #expect(reopened.json["status"] == "draft")
            #expect(reopened.json["rentalFeeMinor"] == 2)

            #expect(try await api.patch("/api/v1/deals/\(other)", ["status": nil, "currency": "eur"]).errorFields.sorted() == ["currency", "status"])
            #expect(try await api.request(.patch, "/api/v1/deals/\(other)", rawBody: "nope").status == .badRequest)
            #expect(try await api.patch("/api/v1/deals/\(UUID())", ["notes": "x"]).status == .notFound)
        }
    }

    @Test func permissionsModuleAndOtherCompanies() async throws {
        try await withVenueApp { clients in
            let booking = try await clients.a.makeBooking()
            let id = try requireUUID(try await clients.a.createDeal(["dealType": "door_split", "currency": "EUR", "percentage": 60,
                                                                     "bookingId": .string(booking.uuidString)])["id"])
            let reader = clients.a(permissions: ["venue.deals.read"])
            #expect(try await reader.get("/api/v1/deals").status == .ok)
            #expect(try await reader.get("/api/v1/deals/\(id)").status == .ok)
            #expect(try await reader.post("/api/v1/deals", ["dealType": "other", "currency": "EUR"]).errorCode == "permission_denied")
            #expect(try await reader.patch("/api/v1/deals/\(id)", ["notes": "x"]).errorCode == "permission_denied")
            #expect(try await clients.a(permissions: ["venue.bookings.read"]).get("/api/v1/deals").errorCode == "permission_denied")
            #expect(try await clients.a(permissions: allVenuePermissions, modules: []).get("/api/v1/deals").errorCode == "module_disabled")

            #expect(try await clients.b.get("/api/v1/deals/\(id)").status == .notFound)
            #expect(try await clients.b.patch("/api/v1/deals/\(id)", ["notes": "x"]).status == .notFound)
            #expect(try await clients.b.get("/api/v1/deals").json["total"] == 0)
            #expect(try await clients.b.get("/api/v1/deals?bookingId=\(booking)").json["total"] == 0)
            let theirs = try await clients.b.post("/api/v1/deals", ["dealType": "other", "currency": "EUR", "bookingId": .string(booking.uuidString)])
            #expect(theirs.errorFields == ["bookingId"])
            #expect(theirs.json["error"]?["details"]?[0]?["code"] == "not_found")
            let bDeal = try requireUUID(try await clients.b.createDeal(["dealType": "other", "currency": "EUR"])["id"])
            #expect(try await clients.b.patch("/api/v1/deals/\(bDeal)", ["bookingId": .string(booking.uuidString)]).errorFields == ["bookingId"])
        }
    }
}
