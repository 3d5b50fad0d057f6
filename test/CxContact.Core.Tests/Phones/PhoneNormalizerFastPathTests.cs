using System.Globalization;
using CxContact.Core.Phones;
using PhoneNumbers;

namespace CxContact.Core.Tests.Phones;

/// <summary>
/// The NPA-NXX cache must be invisible: whatever the fast path answers, libphonenumber run on the same text must agree.
/// </summary>
public sealed class PhoneNormalizerFastPathTests
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper Mapper = PhoneNumberToTimeZonesMapper.GetInstance();
    private static readonly PhoneNumberOfflineGeocoder Geocoder = PhoneNumberOfflineGeocoder.GetInstance();

    // Ordinary US and Canadian areas, split areas, toll-free, premium, personal, Caribbean and Pacific members of
    // NANP, Canada's VoIP range, and codes nobody has.
    private static readonly int[] AreaCodes =
    [
        201, 202, 205, 206, 208, 212, 213, 214, 305, 312, 404, 415, 416, 418, 503, 506, 512, 514, 520, 541, 601, 604,
        605, 617, 702, 701, 709, 713, 775, 778, 780, 807, 850, 867, 902, 907, 915, 928, 971, 986,
        800, 833, 844, 855, 866, 877, 888, 900, 500, 533, 544, 600,
        242, 246, 264, 268, 284, 340, 345, 441, 473, 649, 658, 664, 670, 671, 684, 721, 758, 767, 784, 787, 809, 829,
        849, 868, 869, 876, 939,
        211, 311, 411, 555, 611, 700, 911, 999, 370, 960,
    ];

    private static readonly string[] Formats =
    [
        "({0}) {1}-{2}", "{0}-{1}-{2}", "{0}{1}{2}", "+1{0}{1}{2}", "+1 ({0}) {1}-{2}", "1-{0}-{1}-{2}", "1 {0} {1} {2}",
        "{0}.{1}.{2}", " {0} {1} {2} ", "+1-{0}-{1}-{2}", "1({0}){1}-{2}",
    ];

    private static readonly string[] DefaultCountries = ["US", "US", "US", "CA", "JM", "GB"];

    private static IEnumerable<(string Raw, string DefaultCountry, DeviceType Hint, string Digits)> GeneratedNumbers(int count)
    {
        var random = new Random(20_240_601);
        var hints = Enum.GetValues<DeviceType>();
        for (var i = 0; i < count; i++)
        {
            var npa = AreaCodes[random.Next(AreaCodes.Length)];
            // Now and then an exchange that is split inside by line number, or one that starts with 0/1.
            var nxx = random.Next(12) switch
            {
                0 when npa == 246 => 521,
                0 when npa == 876 => 606,
                1 => random.Next(0, 200),
                _ => random.Next(200, 1000),
            };
            var line = random.Next(10_000).ToString("D4", CultureInfo.InvariantCulture);
            var format = Formats[random.Next(Formats.Length)];
            var defaultCountry = DefaultCountries[random.Next(DefaultCountries.Length)];
            var raw = string.Format(CultureInfo.InvariantCulture, format, npa.ToString("D3", CultureInfo.InvariantCulture), nxx.ToString("D3", CultureInfo.InvariantCulture), line);
            yield return (raw, defaultCountry, hints[random.Next(hints.Length)], $"{npa:D3}{nxx:D3}{line}");
        }
    }

    [Fact]
    public void The_fast_path_agrees_with_plain_libphonenumber()
    {
        var normalizer = new PhoneNormalizer();
        var valid = 0;
        foreach (var (raw, defaultCountry, hint, _) in GeneratedNumbers(600))
        {
            var actual = normalizer.Normalize(raw, defaultCountry, hint);
            var context = $"{raw} [{defaultCountry}, {hint}] -> {actual}";

            PhoneNumber number;
            try
            {
                number = Util.Parse(raw, defaultCountry);
            }
            catch (NumberParseException)
            {
                Assert.False(actual.Ok, context);
                continue;
            }

            if (!Util.IsValidNumber(number))
            {
                Assert.False(actual.Ok, context);
                continue;
            }

            var type = Util.GetNumberType(number);
            if (type == PhoneNumberType.PREMIUM_RATE)
            {
                Assert.Equal("premium-rate numbers are not dialled", actual.Error);
                continue;
            }

            Assert.True(actual.Ok, context);
            valid++;
            var phone = actual.Phone;
            Assert.Equal(Util.Format(number, PhoneNumberFormat.E164), phone.E164);
            Assert.Equal(Util.GetRegionCodeForNumber(number), phone.Country);
            Assert.Equal(number.CountryCode == 1 ? (int)(number.NationalNumber / 10_000_000) : null, phone.AreaCode);
            Assert.Equal(ExpectedDeviceType(type, hint), phone.DeviceType);
            Assert.Equal(ExpectedZones(number), phone.TimeZones);

            var description = Geocoder.GetDescriptionForNumber(number, Locale.English);
            var comma = description.LastIndexOf(", ", StringComparison.Ordinal);
            if (comma >= 0)
                Assert.Equal(description[(comma + 2)..], phone.Region);
            else if (description.Length == 0)
                Assert.Null(phone.Region);
        }

        Assert.True(valid > 300, $"only {valid} of the generated numbers were valid");
    }

    [Fact]
    public void The_fast_path_and_the_slow_path_give_identical_results()
    {
        var normalizer = new PhoneNormalizer();
        foreach (var (raw, defaultCountry, hint, digits) in GeneratedNumbers(600))
        {
            // A '/' keeps the number off the fast path; "+1" makes the default country irrelevant for both.
            var slowRaw = $"+1 {digits[..3]}/{digits[3..6]}/{digits[6..]}";
            var fast = normalizer.Normalize(raw, raw.TrimStart().StartsWith('+') ? defaultCountry : "US", hint);
            var slow = normalizer.Normalize(slowRaw, defaultCountry, hint);

            Assert.True(fast == slow, $"{raw}: {fast} but {slowRaw}: {slow}");
        }
    }

    [Fact]
    public void Repeated_numbers_come_from_the_cache_unchanged()
    {
        var normalizer = new PhoneNormalizer();
        var first = normalizer.Normalize("(415) 555-2671", "US").Phone;
        var second = normalizer.Normalize("415.555.2671", "US", DeviceType.Mobile).Phone;
        var third = normalizer.Normalize("+1 415 555 2671", "US").Phone;

        Assert.Equal(first, third);
        Assert.Same(first!.TimeZones, second!.TimeZones);
        Assert.Equal(DeviceType.Mobile, second.DeviceType);
        Assert.Equal(DeviceType.Unknown, third!.DeviceType);
    }

    [Fact]
    public void Concurrent_callers_get_the_same_answers()
    {
        var normalizer = new PhoneNormalizer();
        var numbers = GeneratedNumbers(400).ToList();
        var expected = numbers.Select(n => new PhoneNormalizer().Normalize(n.Raw, n.DefaultCountry, n.Hint)).ToList();

        var actual = new PhoneResult[numbers.Count];
        Parallel.For(0, numbers.Count * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var k = i % numbers.Count;
            actual[k] = normalizer.Normalize(numbers[k].Raw, numbers[k].DefaultCountry, numbers[k].Hint);
        });

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_NANP_metadata_analysis_understands_every_pattern()
    {
        var index = NanpMetadataIndex.Instance;

        // If a libphonenumber upgrade brings a pattern the analysis cannot read, every number takes the slow path.
        Assert.True(index.Usable);
        Assert.InRange(index.LineDependentCount, 0, 10_000);
        Assert.True(index.IsLineDependent(246_521));
        Assert.True(index.IsLineDependent(876_606));
        Assert.False(index.IsLineDependent(415_555));
        Assert.True(index.IsAssigned(415));
        Assert.False(index.IsAssigned(555));
        Assert.Equal("CA", index.RegionForNpa(416));
        Assert.Equal("US", index.RegionForNpa(800));
    }

    [Fact]
    public void Outside_the_flagged_prefixes_libphonenumber_depends_only_on_NPA_NXX()
    {
        var index = NanpMetadataIndex.Instance;
        var random = new Random(7);
        var checkedValid = 0;
        for (var i = 0; i < 1500; i++)
        {
            var npa = random.Next(200, 1000);
            var nxx = random.Next(0, 1000);
            if (!index.IsAssigned(npa) || index.IsLineDependent(npa * 1000 + nxx))
                continue;

            var signatures = Enumerable.Range(0, 4)
                .Select(_ => Signature((ulong)(npa * 10_000_000L + nxx * 10_000L + random.Next(10_000))))
                .Distinct()
                .ToList();
            Assert.True(signatures.Count == 1, $"{npa}-{nxx:D3}: {string.Join(" / ", signatures)}");
            if (signatures[0] != "invalid")
                checkedValid++;
        }

        Assert.True(checkedValid > 300, $"only {checkedValid} valid prefixes checked");
    }

    private static string Signature(ulong national)
    {
        var number = new PhoneNumber.Builder().SetCountryCode(1).SetNationalNumber(national).Build();
        if (!Util.IsValidNumber(number))
            return "invalid";
        return string.Join('|',
            Util.GetNumberType(number),
            Util.GetRegionCodeForNumber(number),
            string.Join(',', Mapper.GetTimeZonesForNumber(number)),
            string.Join(',', Mapper.GetTimeZonesForGeographicalNumber(number)),
            Geocoder.GetDescriptionForNumber(number, Locale.English));
    }

    private static DeviceType ExpectedDeviceType(PhoneNumberType type, DeviceType hint) => type switch
    {
        PhoneNumberType.MOBILE => DeviceType.Mobile,
        PhoneNumberType.FIXED_LINE => DeviceType.Landline,
        PhoneNumberType.VOIP => DeviceType.Voip,
        PhoneNumberType.TOLL_FREE => DeviceType.TollFree,
        PhoneNumberType.FIXED_LINE_OR_MOBILE => hint,
        _ => DeviceType.Unknown,
    };

    private static List<string> ExpectedZones(PhoneNumber number)
    {
        // For +1 the normalizer prefers the NPA's own entry over the calling code's 42 zones (see PhoneFacts).
        var zones = number.CountryCode == 1 && !Util.IsNumberGeographical(number)
            ? Mapper.GetTimeZonesForGeographicalNumber(number)
            : Mapper.GetTimeZonesForNumber(number);
        return zones.Where(z => z != Mapper.GetUnknownTimeZone()).ToList();
    }
}
