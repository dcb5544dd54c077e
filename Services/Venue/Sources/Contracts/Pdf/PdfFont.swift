import Foundation

/// The two standard Type 1 fonts the contract documents use. Standard fonts need no embedding (every
/// PDF reader has them), so a document stays small and the writer needs no font files. Widths are the
/// Adobe font metrics (1/1000 em), used to wrap lines before they run off the page.
enum PdfFont: Sendable {
    case regular, bold

    /// The resource name in each page's font dictionary.
    var resourceName: String {
        switch self {
        case .regular: return "F1"
        case .bold: return "F2"
        }
    }

    var baseFont: String {
        switch self {
        case .regular: return "Helvetica"
        case .bold: return "Helvetica-Bold"
        }
    }

    /// Width of `text` in points at `size`, measured on the WinAnsi bytes that will be written.
    func width(of text: String, size: Double) -> Double {
        let units = WinAnsi.encode(text).reduce(0) { $0 + glyphWidth($1) }
        return Double(units) * size / 1000
    }

    private func glyphWidth(_ byte: UInt8) -> Int {
        guard byte >= 32, byte <= 126 else {
            // Accented letters and punctuation above ASCII: close to an average lower-case glyph.
            return 556
        }
        let table = self == .regular ? Self.helvetica : Self.helveticaBold
        return table[Int(byte) - 32]
    }

    /// Helvetica, characters 32 (space) … 126 (~).
    private static let helvetica: [Int] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ]

    /// Helvetica-Bold, characters 32 (space) … 126 (~).
    private static let helveticaBold: [Int] = [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
        975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
        333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
        611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
    ]
}

/// WinAnsiEncoding (Windows-1252), the encoding the fonts are declared with. Characters it cannot
/// express become `?` rather than breaking the document.
enum WinAnsi {
    private static let specials: [Unicode.Scalar: UInt8] = [
        "\u{20AC}": 0x80, "\u{201A}": 0x82, "\u{0192}": 0x83, "\u{201E}": 0x84, "\u{2026}": 0x85, "\u{2020}": 0x86,
        "\u{2021}": 0x87, "\u{02C6}": 0x88, "\u{2030}": 0x89, "\u{0160}": 0x8A, "\u{2039}": 0x8B, "\u{0152}": 0x8C,
        "\u{017D}": 0x8E, "\u{2018}": 0x91, "\u{2019}": 0x92, "\u{201C}": 0x93, "\u{201D}": 0x94, "\u{2022}": 0x95,
        "\u{2013}": 0x96, "\u{2014}": 0x97, "\u{02DC}": 0x98, "\u{2122}": 0x99, "\u{0161}": 0x9A, "\u{203A}": 0x9B,
        "\u{0153}": 0x9C, "\u{017E}": 0x9E, "\u{0178}": 0x9F,
    ]

    static func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x20...0x7E, 0xA0...0xFF:
                bytes.append(UInt8(scalar.value))
            case 0x09, 0x0A, 0x0D:
                bytes.append(0x20)
            default:
                bytes.append(specials[scalar] ?? UInt8(ascii: "?"))
            }
        }
        return bytes
    }
}
