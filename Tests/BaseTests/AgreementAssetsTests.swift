import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOCore
import Testing

/// Issue 9, Agreements: "assets" — `GET/POST/PUT /api/agreements/{id}/{assets}` and `GET …/{assets}/{extra}`:
/// files attached to an agreement by kind (rider, hospitality, stage_plot, contract, other), checked by content.
@Suite("Base agreement assets")
struct AgreementAssetsTests {
    @Test func filesAreUploadedByKindListedInOrderAndDownloaded() async throws {
        try await AgreementFixtures.run { t in
            let api = t.a
            let artist = try await AgreementFixtures.artist(api, "Rider Band")
            let offer = try await AgreementFixtures.offer(t, artist: artist)
            let id = try #require(try await AgreementFixtures.agreement(api, offer: offer).json["id"]?.uuid)
            let base = "/api/agreements/\(id)"

            #expect(try await api.get("\(base)/rider").json["total"] == 0)
            let rider = try await AgreementFixtures.upload(api, "\(base)/rider", AgreementFixtures.pdfBytes, filename: "../Tech rider.pdf",
                                                           fields: ["description": "Version 3"])
            #expect(rider.status == .created)
            #expect(rider.json["kind"] == "rider")
            #expect(rider.json["fileName"] == "Tech rider.pdf", "the path part of a name is dropped")
            #expect(rider.json["description"] == "Version 3")
            #expect(rider.json["contentType"] == "application/pdf")
            #expect(rider.json["position"] == 1)
            #expect(rider.json["sizeBytes"]?.int == AgreementFixtures.pdfBytes.count)
            let riderID = try #require(rider.json["id"]?.uuid)
            // Named .pdf, the bytes say PNG: the bytes decide.
            let plot = try await AgreementFixtures.upload(api, "\(base)/rider", AgreementFixtures.pngBytes, filename: "plot.pdf",
                                                          fields: ["fileName": "Stage plot 坂本.png"])
            #expect(plot.json["contentType"] == "image/png")
            #expect(plot.json["fileName"] == "Stage plot 坂本.png")
            #expect(plot.json["position"] == 2)
            let plotID = try #require(plot.json["id"]?.uuid)

            let list = try await api.get("\(base)/rider")
            #expect(list.json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [riderID, plotID])
            #expect(try await api.get("\(base)/hospitality").json["total"] == 0, "kinds are separate")
            #expect(try await api.get("\(base)/rider?limit=1&page=2").json["items"]?[0]?["id"]?.uuid == plotID)

            let download = try await api.get("\(base)/rider/\(plotID)")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "image/png")
            #expect(Array(download.body.readableBytesView) == AgreementFixtures.pngBytes)
            #expect(download.headers[.contentDisposition]?.contains("filename*=UTF-8''Stage%20plot%20%E5%9D%82%E6%9C%AC.png") == true)
            #expect(download.headers[.eTag] == "\"\(plot.json["sha256"]?.stringValue ?? "")\"")
            #expect(try await api.get("\(base)/hospitality/\(plotID)").status == .notFound, "the file is a rider")
            #expect(try await api.get("\(base)/rider/\(UUID())").status == .notFound)

            // PUT: reorder, rename, describe, and drop what is left out.
            let third = try #require(try await AgreementFixtures.upload(api, "\(base)/rider", AgreementFixtures.pdfBytes).json["id"]?.uuid)
            let replaced = try await api.put("\(base)/rider", ["assets": [
                ["id": .string(plotID.uuidString), "description": "Main stage"],
                ["id": .string(riderID.uuidString), "fileName": "Rider v4.pdf"],
            ]])
            #expect(replaced.status == .ok)
            #expect(replaced.json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [plotID, riderID])
            #expect(replaced.json["items"]?[0]?["description"] == "Main stage")
            #expect(replaced.json["items"]?[0]?["fileName"] == "Stage plot 坂本.png", "a name left out is kept")
            #expect(replaced.json["items"]?[1]?["fileName"] == "Rider v4.pdf")
            #expect(replaced.json["items"]?[1]?["description"] == .null, "a description left out is cleared")
            #expect(replaced.json["items"]?[1]?["position"] == 2)
            #expect(try await api.get("\(base)/rider/\(third)").status == .notFound, "left out: deleted")

            let unknown = try await api.put("\(base)/rider", ["assets": [["id": .string(UUID().uuidString)], ["id": .string(plotID.uuidString)]]])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["assets[0].id"])
            let twice = try await api.put("\(base)/rider", ["assets": [["id": .string(plotID.uuidString)], ["id": .string(plotID.uuidString)]]])
            #expect(twice.errorFields == ["assets[1].id"])
            #expect(try await api.put("\(base)/rider", ["files": []]).errorFields == ["assets"])
            #expect(try await api.put("\(base)/rider", ["assets": "none"]).status == .badRequest)
            #expect(try await api.put("\(base)/hospitality", ["assets": []]).json["total"] == 0)
        }
    }

    @Test func uploadsAreCheckedByContentSizeAndKind() async throws {
        try await AgreementFixtures.run { t in
            let api = t.a
            let artist = try await AgreementFixtures.artist(api, "Checks")
            let offer = try await AgreementFixtures.offer(t, artist: artist)
            let id = try #require(try await AgreementFixtures.agreement(api, offer: offer).json["id"]?.uuid)
            let base = "/api/agreements/\(id)"

            let text = try await AgreementFixtures.upload(api, "\(base)/rider", Array("just text".utf8), filename: "rider.pdf")
            #expect(text.status == .unprocessableContent)
            #expect(text.errorCode == "unsupported_media_type")
            #expect(try await AgreementFixtures.upload(api, "\(base)/rider", []).errorCode == "unsupported_media_type")
            let notMultipart = try await api.post("\(base)/rider", ["file": "x"])
            #expect(notMultipart.status == .unsupportedMediaType)
            let broken = try await AgreementFixtures.upload(api, "\(base)/rider", AgreementFixtures.pdfBytes,
                                                            contentType: "multipart/form-data; boundary=other")
            #expect(broken.status == .badRequest)
            let longDescription = try await AgreementFixtures.upload(api, "\(base)/rider", AgreementFixtures.pdfBytes,
                                                                     fields: ["description": String(repeating: "d", count: 1001)])
            #expect(longDescription.errorFields == ["description"])
            let tooLarge = try await AgreementFixtures.upload(api, "\(base)/rider",
                                                              AgreementFixtures.pdfBytes + Array(repeating: 0x20, count: 10 * 1024 * 1024))
            #expect(tooLarge.status == .contentTooLarge)

            let badKind = try await AgreementFixtures.upload(api, "\(base)/visa", AgreementFixtures.pdfBytes)
            #expect(badKind.status == .notFound)
            #expect(badKind.errorCode == "asset_kind_not_found")
            #expect(try await api.get("\(base)/visa").errorCode == "asset_kind_not_found")
            #expect(try await api.get("\(base)/visa/\(UUID())").errorCode == "asset_kind_not_found")

            // Another company's agreement is not there for B.
            let file = try #require(try await AgreementFixtures.upload(api, "\(base)/contract", AgreementFixtures.pdfBytes).json["id"]?.uuid)
            #expect(try await t.b.get("\(base)/contract").status == .notFound)
            #expect(try await t.b.get("\(base)/contract/\(file)").status == .notFound)
            #expect(try await AgreementFixtures.upload(t.b, "\(base)/contract", AgreementFixtures.pdfBytes).status == .notFound)
            #expect(try await t.b.put("\(base)/contract", ["assets": []]).status == .notFound)
            #expect(try await api.get("/api/agreements/\(UUID())/contract").status == .notFound)

            // A cancelled agreement takes no new files; its files can still be removed.
            #expect(try await api.put(base, ["title": "Off", "status": "cancelled", "version": 1]).status == .ok)
            #expect(try await AgreementFixtures.upload(api, "\(base)/contract", AgreementFixtures.pdfBytes).errorCode == "agreement_cancelled")
            #expect(try await api.put("\(base)/contract", ["assets": [["id": .string(file.uuidString)]]]).errorCode == "agreement_cancelled")
            #expect(try await api.put("\(base)/contract", ["assets": []]).json["total"] == 0)
        }
    }
}
