import KisumKernel
import KisumPersistence
import Testing

@Suite("Letter codes and LIKE patterns")
struct LetterCodeTests {
    @Test func lettersOfTheRightLengthAreUpperCased() {
        #expect(LetterCode.uppercased("eur", lengths: 3...3) == "EUR")
        #expect(LetterCode.uppercased("De", lengths: 2...3) == "DE")
        #expect(LetterCode.uppercased("deu", lengths: 2...3) == "DEU")
        #expect(LetterCode.uppercased("EURO", lengths: 3...3) == nil)
        #expect(LetterCode.uppercased("E1R", lengths: 3...3) == nil)
        #expect(LetterCode.uppercased("E@R", lengths: 3...3) == nil)  // '@' | 0x20 is '`', not a letter
        #expect(LetterCode.uppercased("ÉUR", lengths: 3...3) == nil)
        #expect(LetterCode.uppercased("", lengths: 2...3) == nil)
    }

    @Test func patternsTakeTheTextLiterally() {
        #expect(SQLPattern.contains("50%_a\\b") == "%50\\%\\_a\\\\b%")
        #expect(SQLPattern.startsWith("ne_") == "ne\\_%")
        #expect(SQLPattern.startsWith(nil) == nil)
    }
}
