using CxContact.Core.Messaging;

namespace CxContact.Core.Tests.Messaging;

/// <summary>3GPP TS 23.038: GSM-7 160 septets in one part, 153 per part when concatenated; UCS-2 70 and 67.</summary>
public sealed class SmsSegmentsTests
{
    [Theory]
    [InlineData(0, "gsm-7", 0)]
    [InlineData(160, "gsm-7", 1)]
    [InlineData(161, "gsm-7", 2)]
    [InlineData(306, "gsm-7", 2)]
    [InlineData(307, "gsm-7", 3)]
    [InlineData(1530, "gsm-7", 10)]
    [InlineData(1531, "gsm-7", 11)]
    public void Gsm_text_takes_160_then_153_per_part(int length, string encoding, int segments) =>
        Assert.Equal((encoding, length, segments), Tuple(SmsSegments.Count(new string('a', length))));

    [Fact]
    public void Extension_characters_take_two_septets_and_are_never_split_from_their_escape()
    {
        Assert.Equal(("gsm-7", 160, 1), Tuple(SmsSegments.Count(new string('a', 158) + "€")));
        Assert.Equal(("gsm-7", 161, 2), Tuple(SmsSegments.Count(new string('a', 159) + "€")));
        // 152 septets and a two-septet character: the part ends one early, so 307 septets take three parts.
        Assert.Equal(3, SmsSegments.Count(new string('a', 152) + "€" + new string('a', 153)).Segments);
    }

    [Fact]
    public void One_character_outside_gsm_7_makes_the_whole_text_ucs_2()
    {
        Assert.Equal(("ucs-2", 70, 1), Tuple(SmsSegments.Count(new string('a', 69) + "ł")));
        Assert.Equal(("ucs-2", 71, 2), Tuple(SmsSegments.Count(new string('a', 70) + "ł")));
        Assert.Equal(("ucs-2", 134, 2), Tuple(SmsSegments.Count(new string('a', 133) + "ł")));
        // A surrogate pair (an emoji) is two units and never split across parts.
        Assert.Equal(3, SmsSegments.Count(new string('a', 66) + "😀" + new string('a', 67)).Segments);
        Assert.Equal("gsm-7", SmsSegments.Count("Grüße, Ñoño! Ça va? 10 €").Encoding);
    }

    private static (string, int, int) Tuple(SmsSegments s) => (s.Encoding, s.Units, s.Segments);
}
