using PhoneNumbers;

namespace CxContact.Core.Phones;

/// <summary>
/// What libphonenumber's NANP metadata says at the level of a 10-digit number's first six digits (NPA-NXX),
/// worked out once from the metadata's own patterns:
/// <list type="bullet">
/// <item>which NPA-NXX prefixes have validity or type that depends on the last four digits (these must not be cached
/// per prefix). With 9.0.43 only a handful of Caribbean prefixes such as Barbados 246-521 do;</item>
/// <item>which NPAs any valid number uses, so an invalid number can be reported as an unassigned area code;</item>
/// <item>which NANP country an NPA belongs to, for the wording of errors about invalid numbers.</item>
/// </list>
/// Time zones and geocoder text need no check here: their +1 data is keyed by at most "1" + NPA + NXX.
/// </summary>
internal sealed class NanpMetadataIndex
{
    private const int NationalLength = 10;
    private const int PrefixLength = 6;

    private readonly ulong[] _lineDependent = new ulong[1_000_000 / 64 + 1];
    private readonly string?[] _regionByNpa = new string?[1000];

    public static NanpMetadataIndex Instance { get; } = Build(PhoneNumberUtil.GetInstance());

    /// <summary>False when the metadata used a construct the analysis does not understand; then nothing may be cached per prefix.</summary>
    public bool Usable { get; private set; }

    public int LineDependentCount { get; private set; }

    public bool IsLineDependent(int npaNxx) => !Usable || (_lineDependent[npaNxx >> 6] & (1UL << (npaNxx & 63))) != 0;

    public bool IsAssigned(int npa) => !Usable || _regionByNpa[npa] is not null;

    /// <summary>The NANP country whose numbers use this NPA (the first in libphonenumber's order when shared, as 800 is), or null.</summary>
    public string? RegionForNpa(int npa) => _regionByNpa[npa];

    internal static NanpMetadataIndex Build(PhoneNumberUtil util)
    {
        var index = new NanpMetadataIndex();
        try
        {
            foreach (var region in util.GetRegionCodesForCountryCode(1))
                index.Add(region, util.GetMetadataForRegion(region));
            index.Usable = true;
        }
        catch (NotSupportedException)
        {
            index.Usable = false;
        }
        return index;
    }

    private void Add(string region, PhoneMetadata metadata)
    {
        if (!string.IsNullOrEmpty(metadata.LeadingDigits))
        {
            // Leading digits pick the region a +1 number belongs to; they are cacheable only while they stay within NPA-NXX.
            foreach (var sequence in DigitPatternExpander.Expand(metadata.LeadingDigits, NationalLength))
            {
                if (sequence.Length > PrefixLength)
                    throw new NotSupportedException($"{region} leading digits reach past NPA-NXX.");
            }
        }

        // The general description gates validity but says nothing about which area codes are in use.
        AddPattern(region, metadata.GeneralDesc, countsAsAssigned: false);
        foreach (var desc in new[]
                 {
                     metadata.FixedLine, metadata.Mobile, metadata.TollFree, metadata.PremiumRate, metadata.SharedCost,
                     metadata.PersonalNumber, metadata.Voip, metadata.Pager, metadata.Uan, metadata.Voicemail,
                 })
        {
            AddPattern(region, desc, countsAsAssigned: true);
        }
    }

    private void AddPattern(string region, PhoneNumberDesc? desc, bool countsAsAssigned)
    {
        if (desc is null || !desc.HasNationalNumberPattern || string.IsNullOrEmpty(desc.NationalNumberPattern))
            return;

        foreach (var sequence in DigitPatternExpander.Expand(desc.NationalNumberPattern, NationalLength))
        {
            if (sequence.Length != NationalLength)
                continue;

            if (countsAsAssigned)
            {
                foreach (var npa in Prefixes(sequence, 3))
                    _regionByNpa[npa] ??= region;
            }

            var tailIsFree = true;
            for (var i = PrefixLength; i < NationalLength; i++)
                tailIsFree &= sequence[i] == DigitPatternExpander.AnyDigit;

            // Conservative: a restricted tail marks the prefix even if another alternative happens to cover the rest.
            if (!tailIsFree)
            {
                foreach (var prefix in Prefixes(sequence, PrefixLength))
                {
                    if ((_lineDependent[prefix >> 6] & (1UL << (prefix & 63))) == 0)
                    {
                        _lineDependent[prefix >> 6] |= 1UL << (prefix & 63);
                        LineDependentCount++;
                    }
                }
            }
        }
    }

    /// <summary>Every number the first <paramref name="length"/> classes of the sequence can spell.</summary>
    private static IEnumerable<int> Prefixes(ushort[] sequence, int length)
    {
        IEnumerable<int> values = [0];
        for (var i = 0; i < length; i++)
        {
            var mask = sequence[i];
            values = values.SelectMany(v => Enumerable.Range(0, 10).Where(d => (mask & (1 << d)) != 0).Select(d => v * 10 + d)).ToList();
        }
        return values;
    }
}
