import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 14: "the system-wide vendor catalog (categories, services, … 'link into my vendors'); the system catalog is
/// edited only by platform staff (Platform Core's superuser flag), read by every tenant."
@Suite("Base vendors: the system catalog")
struct VendorsSystemTests {
    @Test func staffEditTheCatalogAndEveryTenantReadsIt() async throws {
        try await withVendors { t in
            let staff = t.staff
            let sound = try await staff.post("/api/vendors-system/categories", ["name": "Sound", "description": "PA and monitors"])
            #expect(sound.status == .created)
            let soundID = try #require(sound.json["id"]?.uuid)
            let nl = try #require(try await t.a.get("/api/countries/iso/NL").json["id"]?.stringValue)
            let created = try await staff.post("/api/vendors-system", [
                "name": "Stage Right Audio", "categoryId": .string(soundID.uuidString), "email": "hello@stageright.example",
                "website": "https://stageright.example", "city": "Amsterdam", "countryId": .string(nl), "description": "PA hire",
            ])
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.uuid)
            #expect(created.json["categoryName"] == "Sound")
            #expect(created.json["services"] == [])
            #expect(created.json["linkedVendorId"] == .null)
            let pa = try await staff.post("/api/vendors-system/\(id)/services", ["name": "PA hire", "description": "Up to 5,000"])
            #expect(pa.status == .created)
            try await staff.post("/api/vendors-system/\(id)/services", ["name": "Backline"])
            let twice = try await staff.post("/api/vendors-system/\(id)/services", ["name": "pa HIRE"])
            #expect(twice.status == .conflict)
            #expect(twice.errorCode == "service_exists")
            try await staff.post("/api/vendors-system", ["name": "Brightside Lighting"])

            // Every member of a company with Base reads the catalog, without any permission; company B too.
            let nobody = t.a(permissions: [])
            for reader in [nobody, t.b] {
                let list = try await reader.get("/api/vendors-system")
                #expect(list.status == .ok)
                #expect(list.json["items"]?.arrayValue?.map { $0["name"] } == ["Brightside Lighting", "Stage Right Audio"])
                let one = try await reader.get("/api/vendors-system/\(id)")
                #expect(one.json["services"]?.arrayValue?.map { $0["name"] } == ["Backline", "PA hire"])
                #expect(try await reader.get("/api/vendors-system/\(id)/services").json["items"]?[1]?["description"] == "Up to 5,000")
                #expect(try await reader.get("/api/vendors-system/categories").json["items"]?[0]?["vendorCount"] == 1)
            }
            #expect(try await nobody.get("/api/vendors-system?categoryId=\(soundID)").json["total"] == 1)
            #expect(try await nobody.get("/api/vendors-system?q=light").json["items"]?[0]?["name"] == "Brightside Lighting")
            #expect(try await nobody.get("/api/vendors-system/search?q=backline").json["items"]?[0]?["name"] == "Stage Right Audio")
            #expect(try await nobody.get("/api/vendors-system/search?q=sound").json["total"] == 1)
            #expect(try await nobody.get("/api/vendors-system/search?q=Stage%20Rigth").json["items"]?[0]?["name"] == "Stage Right Audio")
            #expect(try await nobody.get("/api/vendors-system/search").status == .badRequest)
            #expect(try await nobody.get("/api/vendors-system?categoryId=x").status == .badRequest)
            #expect(try await nobody.get("/api/vendors-system/\(UUID())").status == .notFound)
            #expect(try await nobody.get("/api/vendors-system/\(UUID())/services").status == .notFound)
            // Without the module, no catalog either.
            #expect(try await t.a(permissions: [], modules: []).get("/api/vendors-system").status == .forbidden)

            // PUT replaces (services stay), names stay unique in any case.
            let replaced = try await staff.put("/api/vendors-system/\(id)", ["name": "Stage Right", "categoryId": .string(soundID.uuidString)])
            #expect(replaced.status == .ok)
            #expect(replaced.json["email"] == .null)
            #expect(replaced.json["services"]?.arrayValue?.count == 2)
            let duplicate = try await staff.post("/api/vendors-system", ["name": "stage RIGHT"])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "system_vendor_exists")
            let unknown = try await staff.post("/api/vendors-system", ["name": "New", "categoryId": .string(UUID().uuidString),
                                                                       "countryId": .string(UUID().uuidString)])
            #expect(unknown.status == .unprocessableContent)
            #expect(!unknown.errorFields.isEmpty)
            #expect(try await staff.post("/api/vendors-system", ["name": " ", "website": "nope"]).errorFields.sorted() == ["name", "website"])
            #expect(try await staff.put("/api/vendors-system/\(UUID())", ["name": "X"]).status == .notFound)

            let paID = try #require(pa.json["id"]?.uuid)
            #expect(try await staff.delete("/api/vendors-system/\(id)/services/\(paID)").status == .noContent)
            #expect(try await staff.delete("/api/vendors-system/\(id)/services/\(paID)").status == .notFound)
            #expect(try await staff.delete("/api/vendors-system/\(id)").status == .noContent)
            #expect(try await staff.delete("/api/vendors-system/\(id)").status == .notFound)
            #expect(try await t.harness.database.query("SELECT count(*) FROM system_vendor_services").count() == 0)
        }
    }

    @Test func everyoneButStaffIsRefusedEveryEdit() async throws {
        try await withVendors { t in
            let category = try #require(try await t.staff.post("/api/vendors-system/categories", ["name": "Sound"]).json["id"]?.uuid)
            let vendor = try #require(try await t.staff.post("/api/vendors-system", ["name": "Stage Right"]).json["id"]?.uuid)
            let service = try #require(try await t.staff.post("/api/vendors-system/\(vendor)/services", ["name": "PA"]).json["id"]?.uuid)
            // Company permissions, even all of them, do not govern global data.
            for member in [t.a, t.b, t.a(permissions: ["*"])] {
                for response in [
                    try await member.post("/api/vendors-system", ["name": "Mine"]),
                    try await member.put("/api/vendors-system/\(vendor)", ["name": "Mine"]),
                    try await member.delete("/api/vendors-system/\(vendor)"),
                    try await member.post("/api/vendors-system/\(vendor)/services", ["name": "X"]),
                    try await member.delete("/api/vendors-system/\(vendor)/services/\(service)"),
                    try await member.post("/api/vendors-system/categories", ["name": "X"]),
                    try await member.put("/api/vendors-system/categories/\(category)", ["name": "X"]),
                    try await member.delete("/api/vendors-system/categories/\(category)"),
                    try await VendorsImportTests.upload(member, "name\nX\n"),
                ] {
                    #expect(response.status == .forbidden)
                    #expect(response.errorCode == "staff_only")
                }
            }
            #expect(try await t.a.get("/api/vendors-system/\(vendor)").json["name"] == "Stage Right")
        }
    }

    @Test func categoriesAreUniqueAndKeptWhileInUse() async throws {
        try await withVendors { t in
            let staff = t.staff
            let sound = try #require(try await staff.post("/api/vendors-system/categories", ["name": "Sound"]).json["id"]?.uuid)
            let light = try #require(try await staff.post("/api/vendors-system/categories", ["name": "Lighting"]).json["id"]?.uuid)
            let clash = try await staff.post("/api/vendors-system/categories", ["name": " sound "])
            #expect(clash.status == .conflict)
            #expect(clash.errorCode == "category_exists")
            #expect(try await staff.put("/api/vendors-system/categories/\(light)", ["name": "SOUND"]).errorCode == "category_exists")
            let renamed = try await staff.put("/api/vendors-system/categories/\(light)", ["name": "Lights", "description": "Rigs"])
            #expect(renamed.json["name"] == "Lights")
            #expect(renamed.json["description"] == "Rigs")
            #expect(try await staff.post("/api/vendors-system/categories", ["name": ""]).errorFields == ["name"])
            #expect(try await t.a.get("/api/vendors-system/categories?q=LIG").json["items"]?.arrayValue?.map { $0["name"] } == ["Lights"])

            try await staff.post("/api/vendors-system", ["name": "Stage Right", "categoryId": .string(sound.uuidString)])
            let inUse = try await staff.delete("/api/vendors-system/categories/\(sound)")
            #expect(inUse.status == .conflict)
            #expect(inUse.errorCode == "category_in_use")
            #expect(try await staff.delete("/api/vendors-system/categories/\(light)").status == .noContent)
            #expect(try await staff.delete("/api/vendors-system/categories/\(light)").status == .notFound)
            #expect(try await staff.put("/api/vendors-system/categories/\(light)", ["name": "X"]).status == .notFound)
        }
    }

    @Test func linkingIntoMyVendorsIsIdempotentPerCompany() async throws {
        try await withVendors { t in
            let sound = try #require(try await t.staff.post("/api/vendors-system/categories", ["name": "Sound"]).json["id"]?.uuid)
            let entry = try #require(try await t.staff.post("/api/vendors-system", [
                "name": "Stage Right Audio", "categoryId": .string(sound.uuidString), "email": "hello@stageright.example",
                "phone": "+31 20 1234", "website": "https://stageright.example",
            ]).json["id"]?.uuid)

            let linked = try await t.a.post("/api/vendors-system/\(entry)/link")
            #expect(linked.status == .created)
            let vendor = try #require(linked.json["id"]?.uuid)
            #expect(linked.json["systemVendorId"]?.uuid == entry)
            #expect(linked.json["category"] == "Sound")
            #expect(linked.json["email"] == "hello@stageright.example")
            #expect(try await t.a.get("/api/vendors-system/\(entry)").json["linkedVendorId"]?.uuid == vendor)
            #expect(try await t.a.get("/api/vendors?linked=true").json["total"] == 1)

            // The company's copy is its own: edits stay, and a second link answers the same vendor.
            try await t.a.put("/api/vendors/\(vendor)", ["name": "Stage Right (our rate)", "category": "Sound"])
            let again = try await t.a.post("/api/vendors-system/\(entry)/link")
            #expect(again.status == .ok)
            #expect(again.json["id"]?.uuid == vendor)
            #expect(again.json["name"] == "Stage Right (our rate)")
            #expect(try await t.a.get("/api/vendors").json["total"] == 1)

            // Another company links its own copy; neither sees the other's.
            let theirs = try await t.b.post("/api/vendors-system/\(entry)/link")
            #expect(theirs.status == .created)
            #expect(theirs.json["id"]?.uuid != vendor)
            #expect(try await t.b.get("/api/vendors-system/\(entry)").json["linkedVendorId"]?.uuid == theirs.json["id"]?.uuid)

            #expect(try await t.a(permissions: [BasePermission.vendorsRead]).post("/api/vendors-system/\(entry)/link").status == .forbidden)
            #expect(try await t.a.post("/api/vendors-system/\(UUID())/link").status == .notFound)

            // Staff removing the entry leaves the companies' vendors, unlinked.
            #expect(try await t.staff.delete("/api/vendors-system/\(entry)").status == .noContent)
            let kept = try await t.a.get("/api/vendors/\(vendor)")
            #expect(kept.status == .ok)
            #expect(kept.json["systemVendorId"] == .null)
        }
    }
}
