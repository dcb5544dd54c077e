import Foundation
import KisumStorage
import Testing

/// Issue 14: "size and type limits checked by content, not by name" — the sniffer decides from bytes alone.
@Suite("Content sniffing")
struct ContentSnifferTests {
    @Test func magicBytesDecide() {
        let cases: [([UInt8], SniffedType)] = [
            (Array("%PDF-1.7\n%âãÏÓ".utf8), .pdf),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], .png),
            ([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], .jpeg),
            (Array("GIF89a".utf8) + [1, 0, 1, 0], .gif),
            (Array("GIF87a".utf8) + [1, 0], .gif),
            (Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8), .webp),
            (Array("hello, world\n".utf8), .txt),
            (Array("just one line of prose".utf8), .txt),
            (Array("name,city\nParadiso,Amsterdam\n\"Vega, Main\",Copenhagen\n".utf8), .csv),
            (Array("a,b\r\n1,2\r\n".utf8), .csv),
            (Array("\u{FEFF}Ünïcødé text ✓\n".utf8), .txt),
        ]
        for (bytes, expected) in cases {
            #expect(ContentSniffer.sniff(Data(bytes)) == expected, "\(expected)")
        }
        #expect(SniffedType.docx.contentType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        #expect(SniffedType.csv.contentType == "text/csv")
    }

    @Test func refusesWhatItCannotName() {
        let refused: [[UInt8]] = [
            [],
            [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00],      // ELF executable
            Array("MZ".utf8) + [0x90, 0x00, 0x03],                // Windows executable
            Array("text with a NUL\u{0}inside".utf8),
            [0x68, 0x69, 0xC3, 0x28],                             // invalid UTF-8
            [0x1F, 0x8B, 0x08, 0x00],                             // gzip
            Array("a,b\n1,2,3\n".utf8).map { $0 } + [0xFF],        // invalid UTF-8 at the end
        ]
        for bytes in refused {
            #expect(ContentSniffer.sniff(Data(bytes)) == nil, "\(bytes.prefix(8))")
        }
        #expect(ContentSniffer.sniff(Data("a,b\n1,2,3\n".utf8)) == .txt, "ragged lines are text, not CSV")
    }

    @Test func officeDocumentsAreZipsWithTheirParts() {
        #expect(ContentSniffer.sniff(Data(Zip.make(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]))) == .docx)
        #expect(ContentSniffer.sniff(Data(Zip.make(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]))) == .xlsx)
        #expect(ContentSniffer.sniff(Data(Zip.make(["[Content_Types].xml", "ppt/presentation.xml"]))) == .pptx)
        #expect(ContentSniffer.sniff(Data(Zip.make(["photo.jpg", "notes.txt"]))) == nil, "a bare ZIP is not a document")
        #expect(ContentSniffer.sniff(Data(Zip.make(["word/document.xml"]))) == nil, "no [Content_Types].xml")
    }

    @Test func hostileZipsGiveNothingAndNeverTrap() {
        let zip = Zip.make(["[Content_Types].xml", "word/document.xml"])
        for cut in stride(from: 4, to: zip.count, by: 7) {
            _ = ContentSniffer.sniff(Data(zip.prefix(cut)))
        }
        // An end record whose offsets and counts point anywhere.
        var lying = [UInt8]([0x50, 0x4B, 0x03, 0x04]) + Array(repeating: 0, count: 40)
        lying += [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0, 0, 0]
        #expect(ContentSniffer.sniff(Data(lying)) == nil)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let noise = [0x50, 0x4B, 0x03, 0x04] + (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(ContentSniffer.sniff(Data(noise)) == nil)
        }
    }
}

/// A minimal ZIP (stored entries, zero CRCs: the sniffer reads names only) with a central directory.
enum Zip {
    static func make(_ names: [String]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for name in names {
            let offset = out.count
            let nameBytes = Array(name.utf8)
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(1) + le32(1)
                + le16(nameBytes.count) + le16(0) + nameBytes + [0x41]
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(1) + le32(1)
                + le16(nameBytes.count) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + nameBytes
        }
        let centralOffset = out.count
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(names.count) + le16(names.count) + le32(central.count) + le32(centralOffset) + le16(0)
        return out
    }

    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((value >> ($0 * 8)) & 0xFF) } }
}
