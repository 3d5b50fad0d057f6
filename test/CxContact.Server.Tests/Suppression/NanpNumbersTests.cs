using System.Globalization;
using CxContact.Server.Suppression;

namespace CxContact.Server.Tests.Suppression;

/// <summary>The in-memory number set of bulk loads, below and above the size where an area code turns into a bitmap.</summary>
public sealed class NanpNumbersTests
{
    private static string E164(string npa, int offset) => "+1" + npa + offset.ToString("0000000", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(1_000)]
    [InlineData(400_000)] // past 312,500 numbers an area code is held as its bitmap
    public void Numbers_come_out_sorted_once_each_without_the_ones_left_out(int perAreaCode)
    {
        var numbers = new NanpNumbers();
        var random = new Random(perAreaCode);
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var npa in new[] { "646", "212" })
            for (var i = 0; i < perAreaCode; i++)
            {
                var e164 = E164(npa, random.Next(NanpNumbers.BitmapBits));
                numbers.Add(e164);
                expected.Add(e164);
            }
        numbers.Add(expected.Min!); // a repeat
        var leftOut = expected.Where((_, i) => i % 1000 == 7).ToList();
        foreach (var e in leftOut) expected.Remove(e);

        var count = numbers.Seal(leftOut.Select(NanpNumbers.National).ToHashSet());

        Assert.Equal(expected.Count, count);
        Assert.Equal(expected, numbers.E164s());
        Assert.Equal(["212", "646"], numbers.AreaCodes());
        var bitmap = new byte[NanpNumbers.BitmapBytes];
        numbers.FillBitmap("646", bitmap);
        var set = new List<int>();
        for (var i = 0; i < NanpNumbers.BitmapBits; i++)
            if ((bitmap[i >> 3] & (0x80 >> (i & 7))) != 0) set.Add(i);
        Assert.Equal(expected.Where(e => e.StartsWith("+1646", StringComparison.Ordinal)).Select(e => int.Parse(e[5..], CultureInfo.InvariantCulture)), set);
        Assert.Equal(set, numbers.OffsetsOf("646"));
        Assert.Throws<InvalidOperationException>(() => numbers.Add("+12125550000"));
    }
}
