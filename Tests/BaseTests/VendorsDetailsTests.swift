import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 14: "Vendors: a company's vendors (contacts, events they serve) …" — a vendor's contacts, and the events it
/// is attached to (with the fee agreed there), attached and detached so the list has something to show.
@Suite("Base vendors: contacts and events")
struct VendorsDetailsTests {
    @Test func contactsOfAVendor() async throws {
        try await withVendors { t in
            let vendor = try await t.a.makeVendor("Stage Right Audio")
            let ann = try await t.a.post("/api/vendors/\(vendor)/contacts", [
                "name": "Ann", "role": "Account manager", "email": "ann@stageright.example", "phone": "+31 6 1234", "isPrimary": true,
            ])
            #expect(ann.status == .created)
            let annID = try #require(ann.json["id"]?.uuid)
            #expect(ann.json["vendorId"]?.uuid == vendor)
            try await t.a.post("/api/vendors/\(vendor)/contacts", ["name": "Bob"])
            let second = try await t.a.post("/api/vendors/\(vendor)/contacts", ["name": "Cy", "isPrimary": true])
            #expect(second.status == .conflict)
            #expect(second.errorCode == "primary_contact_exists")
            #expect(try await t.a.get("/api/vendors/\(vendor)/contacts").json["items"]?.arrayValue?.map { $0["name"] } == ["Ann", "Bob"])
            #expect(try await t.a.get("/api/vendors/\(vendor)").json["contactCount"] == 2)

            let replaced = try await t.a.put("/api/vendors/\(vendor)/contacts/\(annID)", ["name": "Ann B."])
            #expect(replaced.json["name"] == "Ann B.")
            #expect(replaced.json["isPrimary"] == false)
            #expect(replaced.json["email"] == .null)
            #expect(try await t.a.post("/api/vendors/\(vendor)/contacts", ["name": "", "email": "x"]).errorFields.sorted() == ["email", "name"])

            // Another vendor's contact id is 404 under this vendor.
            let other = try await t.a.makeVendor("Other")
            #expect(try await t.a.put("/api/vendors/\(other)/contacts/\(annID)", ["name": "X"]).status == .notFound)
            #expect(try await t.a.delete("/api/vendors/\(other)/contacts/\(annID)").status == .notFound)
            #expect(try await t.a.get("/api/vendors/\(UUID())/contacts").status == .notFound)
            #expect(try await t.a.post("/api/vendors/\(UUID())/contacts", ["name": "X"]).status == .notFound)

            #expect(try await t.a.delete("/api/vendors/\(vendor)/contacts/\(annID)").status == .noContent)
            #expect(try await t.a.delete("/api/vendors/\(vendor)/contacts/\(annID)").status == .notFound)
            // Deleting the vendor takes its contacts with it.
            #expect(try await t.a.delete("/api/vendors/\(vendor)").status == .noContent)
            #expect(try await t.harness.database.query("SELECT count(*) FROM vendor_contacts").count() == 0)
        }
    }

    @Test func theEventsAVendorServes() async throws {
        try await withVendors { t in
            let vendor = try await t.a.makeVendor("Stage Right Audio")
            let june = try await t.makeEvent(t.companyA, name: "June show")
            let july = try await t.makeEvent(t.companyA, name: "July show")
            try await t.harness.database.query("UPDATE events SET event_date = DATE '2027-07-01', venue_name = 'Paradiso' WHERE id = \(july)")

            let attached = try await t.a.post("/api/vendors/\(vendor)/events", [
                "eventId": .string(june.uuidString), "service": " PA hire ", "feeMinor": 250_000, "currency": "EUR", "notes": "Load-in 14:00",
            ])
            #expect(attached.status == .created)
            #expect(attached.json["eventName"] == "June show")
            #expect(attached.json["eventDate"] == "2027-06-01")
            #expect(attached.json["service"] == "PA hire")
            #expect(attached.json["feeMinor"] == 250_000)
            #expect(attached.json["currency"] == "EUR")
            #expect(try await t.a.post("/api/vendors/\(vendor)/events", ["eventId": .string(july.uuidString)]).status == .created)
            let again = try await t.a.post("/api/vendors/\(vendor)/events", ["eventId": .string(june.uuidString)])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "already_attached")

            let list = try await t.a.get("/api/vendors/\(vendor)/events")
            #expect(list.json["items"]?.arrayValue?.map { $0["eventName"] } == ["July show", "June show"])
            #expect(list.json["items"]?[0]?["venueName"] == "Paradiso")
            #expect(list.json["items"]?[0]?["feeMinor"] == .null)
            #expect(try await t.a.get("/api/vendors/\(vendor)/events?order=asc").json["items"]?[0]?["eventName"] == "June show")
            #expect(try await t.a.get("/api/vendors/\(vendor)/events?from=2027-06-15").json["total"] == 1)
            #expect(try await t.a.get("/api/vendors/\(vendor)/events?to=2027-06-15").json["items"]?[0]?["eventName"] == "June show")
            #expect(try await t.a.get("/api/vendors/\(vendor)/events?from=2027-07-02&to=2027-07-01").status == .unprocessableContent)
            #expect(try await t.a.get("/api/vendors/\(vendor)/events?from=2027-02-30").status == .badRequest)
            #expect(try await t.a.get("/api/vendors/\(vendor)").json["eventCount"] == 2)
            #expect(try await t.a.get("/api/vendors/\(UUID())/events").status == .notFound)

            // Field rules: a fee needs its currency and the other way round; an unknown event is 422 on eventId.
            let bad = try await t.a.post("/api/vendors/\(vendor)/events", ["eventId": .string(june.uuidString), "feeMinor": -1])
            #expect(Set(bad.errorFields) == ["feeMinor", "currency"])
            #expect(try await t.a.post("/api/vendors/\(vendor)/events", ["currency": "EUR"]).errorFields.sorted() == ["eventId", "feeMinor"])
            #expect(try await t.a.post("/api/vendors/\(vendor)/events", ["eventId": .string(june.uuidString), "feeMinor": 1, "currency": "XXY"])
                .errorFields == ["currency"])
            let unknown = try await t.a.post("/api/vendors/\(vendor)/events", ["eventId": .string(UUID().uuidString)])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["eventId"])

            // A vendor attached to events stays until detached; deleting an event removes its attachments.
            let refused = try await t.a.delete("/api/vendors/\(vendor)")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "vendor_has_events")
            #expect(refused.json["error"]?["info"]?["eventCount"] == 2)
            #expect(try await t.a.delete("/api/vendors/\(vendor)/events/\(june)").status == .noContent)
            #expect(try await t.a.delete("/api/vendors/\(vendor)/events/\(june)").status == .notFound)
            try await t.harness.database.query("DELETE FROM events WHERE id = \(july)")
            #expect(try await t.a.get("/api/vendors/\(vendor)/events").json["total"] == 0)
            #expect(try await t.a.delete("/api/vendors/\(vendor)").status == .noContent)
        }
    }
}
