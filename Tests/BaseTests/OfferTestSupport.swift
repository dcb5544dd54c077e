import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO

/// Members hold the offers' and the artists' permissions.
func withOffers(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: [BasePermission.offersRead, BasePermission.offersWrite, BasePermission.artistsRead,
                                                     BasePermission.artistsWrite], module: BasePermission.module, body)
}

/// The versus deal of DealEngineTests' scenario A, whose potential is worked out there by hand.
func dealJSON(kind: String = "versus", guarantee: JSONValue = 600_000, percentage: Int = 8_500, currency: String = "EUR",
              expenses: [JSONValue]? = nil) -> JSONValue {
    func expense(_ name: String, _ kind: String, amount: JSONValue = .null, cap: JSONValue = .null, bp: JSONValue = .null,
                 _ borneBy: String) -> JSONValue {
        ["name": .string(name), "kind": .string(kind), "amountMinor": amount, "capMinor": cap, "basisPoints": bp, "borneBy": .string(borneBy)]
    }
    return [
        "kind": .string(kind), "currency": .string(currency), "guaranteeMinor": guarantee, "percentageBasisPoints": .number(Double(percentage)),
        "splitPointMinor": .null, "bonuses": [],
        "expenses": .array(expenses ?? [
            expense("Production", "fixed", amount: 150_000, "show"),
            expense("Security", "capped", amount: 80_000, cap: 60_000, "show"),
            expense("Card fees", "percent_of_gross", bp: 300, "show"),
            expense("Marketing", "fixed", amount: 50_000, "promoter"),
            expense("Hospitality", "capped", amount: 20_000, cap: 25_000, "artist"),
        ]),
        "ticketFeeMinor": 0, "ticketFeeBasisPoints": 0, "taxBasisPoints": 0, "rounding": "half_up",
    ]
}

func offerBody(_ artist: UUID, guarantee: Int = 600_000, kind: String = "versus", percentage: Int = 8_500, currency: String = "EUR",
               dealCurrency: String = "EUR", capacity: Int = 600, date: String = "2027-06-12") -> JSONValue {
    [
        "artistId": .string(artist.uuidString), "eventDate": .string(date), "venueName": "Paradiso", "city": "Amsterdam",
        "currency": .string(currency),
        "deal": dealJSON(kind: kind, guarantee: .number(Double(guarantee)), percentage: percentage, currency: dealCurrency),
        "scenario": ["capacity": .number(Double(capacity)), "tiers": [
            ["name": "GA", "priceMinor": 2_000, "quantity": 400, "comps": 20],
            ["name": "VIP", "priceMinor": 5_000, "quantity": 100, "comps": 0],
        ]],
        "expiresOn": "2027-05-01", "notes": "first offer",
    ]
}

extension JSONValue {
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var object) = self else { return self }
        object[key] = value
        return .object(object)
    }
}

extension APITestClient {
    func makeOffer(_ artist: UUID, guarantee: Int = 600_000, date: String = "2027-06-12", currency: String = "EUR") async throws -> UUID {
        let body = offerBody(artist, guarantee: guarantee, currency: currency, dealCurrency: currency, date: date)
            .setting("expiresOn", date <= "2027-05-01" ? .null : "2027-05-01")
        let response = try await post("/api/offer", body)
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("creating an offer answered \(response.status): \(response.text)")
        }
        return id
    }
}

/// An event row straight into the 0009 root (the Events routes are another feature's).
func insertOfferTestEvent(_ clients: TwoCompanies<BaseService>, company: UUID) async throws -> UUID {
    guard let id = try await clients.harness.database.query("""
        INSERT INTO events (company_id, name, event_date, currency, created_by)
        VALUES (\(company), 'Existing night', DATE '2027-06-12', 'EUR', \(UUID())) RETURNING id
        """).first({ try $0.decode(UUID.self) }) else { throw TestFailure("no event inserted") }
    return id
}
