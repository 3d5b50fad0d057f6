using System.Collections.Concurrent;
using PhoneNumbers;

namespace CxContact.Core.Phones;

/// <summary>
/// Normalises raw phone numbers to E.164 with device type, country, region and candidate time zones.
/// Thread-safe; an import shares one instance so that its per-prefix cache warms up once.
/// </summary>
/// <remarks>
/// Plain NANP digits (the bulk of a US/Canadian list) take a fast path: a span scan, one lookup in a table keyed
/// by NPA-NXX, and two allocations (the E.164 string and the <see cref="PhoneInfo"/>). The table is filled from
/// libphonenumber on the first number of each prefix. Everything else, and the few prefixes whose validity
/// depends on the last four digits, goes through libphonenumber for every number.
/// <para>
/// International prefixes follow libphonenumber's per-country rules: "0044 20 7946 0000" works with default GB
/// (IDD 00), but with default US it is read as a national number and rejected as "too long"; the US form is
/// "011 44 20 7946 0000". A leading 00 is deliberately not guessed to be international for NANP defaults: a
/// zero-padded US number would then turn into a valid foreign one.
/// </para>
/// </remarks>
public sealed class PhoneNormalizer
{
    // libphonenumber refuses longer input anyway; checking first avoids copying megabytes of garbage into a string.
    private const int MaxInputLength = 250;
    private const long TenDigits = 10_000_000_000;
    private const long NanpNationalMin = 2_000_000_000;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    // Indexed [NPA][NXX]. Rows are allocated only for NPAs an import actually meets (a few hundred of the 800
    // possible, 8 KB each) rather than one 8 MB array up front. Races only ever store equal facts, so last write wins.
    private readonly PhoneFacts?[]?[] _byNpa = new PhoneFacts?[]?[1000];

    // Most prefixes of an NPA share identical facts. Sharing one instance keeps the objects the fast path touches
    // to a few thousand, which stay in CPU cache; one object per prefix measured ~3x slower on 1M numbers.
    private readonly ConcurrentDictionary<PhoneFacts, PhoneFacts> _distinctFacts = new();

    private CountryContext? _lastCountry;

    public PhoneResult Normalize(ReadOnlySpan<char> raw, string defaultCountry, DeviceType hint = DeviceType.Unknown)
    {
        ArgumentNullException.ThrowIfNull(defaultCountry);
        var country = ContextFor(defaultCountry);

        if (TryScanNanp(raw, country.IsNanp, out var national))
        {
            var facts = FactsForPrefix(national);
            if (!ReferenceEquals(facts, PhoneFacts.PerNumber))
            {
                return facts.Error is null
                    ? new PhoneResult(facts.ToInfo(FormatNanpE164(national), hint), null)
                    : new PhoneResult(null, facts.Error);
            }
        }
        return NormalizeWithLibPhoneNumber(raw, country, hint);
    }

    private static PhoneResult NormalizeWithLibPhoneNumber(ReadOnlySpan<char> raw, CountryContext country, DeviceType hint)
    {
        if (raw.IsWhiteSpace())
            return new PhoneResult(null, PhoneErrors.NotAPhoneNumber);
        if (raw.Length > MaxInputLength)
            return new PhoneResult(null, PhoneErrors.TooLong);

        PhoneNumber number;
        try
        {
            number = Util.Parse(raw.ToString(), country.Region);
        }
        catch (NumberParseException e)
        {
            return new PhoneResult(null, e.ErrorType switch
            {
                ErrorType.TOO_SHORT_NSN or ErrorType.TOO_SHORT_AFTER_IDD => PhoneErrors.TooShort,
                ErrorType.TOO_LONG => PhoneErrors.TooLong,
                ErrorType.INVALID_COUNTRY_CODE when !country.Supported && !raw.TrimStart().StartsWith('+') => PhoneErrors.MissingCountryCode,
                ErrorType.INVALID_COUNTRY_CODE => PhoneErrors.UnknownCountryCode,
                _ => PhoneErrors.NotAPhoneNumber,
            });
        }

        var facts = PhoneFacts.Describe(number);
        return facts.Error is null
            ? new PhoneResult(facts.ToInfo(Util.Format(number, PhoneNumberFormat.E164), hint), null)
            : new PhoneResult(null, facts.Error);
    }

    /// <summary>
    /// Accepts only what libphonenumber would read exactly as its digits: an optional leading '+', digits and the
    /// separators ( ) - . and space; then 11 digits starting with the NANP country code 1, or (for a NANP default)
    /// 10 digits or 1 + 10 digits. The NPA must start with 2-9, so no leading-zero or 1xx oddities reach the cache.
    /// </summary>
    private static bool TryScanNanp(ReadOnlySpan<char> raw, bool defaultIsNanp, out long national)
    {
        national = 0;
        var i = 0;
        while (i < raw.Length && raw[i] == ' ')
            i++;
        var plus = i < raw.Length && raw[i] == '+';
        if (plus)
            i++;

        long value = 0;
        var digits = 0;
        for (; i < raw.Length; i++)
        {
            var c = raw[i];
            var d = (uint)(c - '0');
            if (d <= 9)
            {
                if (++digits > 11)
                    return false;
                value = value * 10 + d;
            }
            else if (c is not (' ' or '(' or ')' or '-' or '.'))
            {
                return false;
            }
        }

        if (digits == 11)
        {
            if (value / TenDigits != 1 || !(plus || defaultIsNanp))
                return false;
            value -= TenDigits;
        }
        else if (digits != 10 || plus || !defaultIsNanp)
        {
            return false;
        }

        if (value < NanpNationalMin)
            return false;
        national = value;
        return true;
    }

    private PhoneFacts FactsForPrefix(long national)
    {
        var npa = (int)(national / 10_000_000);
        var nxx = (int)(national / 10_000 % 1000);

        var row = Volatile.Read(ref _byNpa[npa]);
        if (row is null)
        {
            Interlocked.CompareExchange(ref _byNpa[npa], new PhoneFacts?[1000], null);
            row = Volatile.Read(ref _byNpa[npa])!;
        }

        var facts = Volatile.Read(ref row[nxx]);
        if (facts is null)
        {
            facts = NanpMetadataIndex.Instance.IsLineDependent(npa * 1000 + nxx)
                ? PhoneFacts.PerNumber
                : _distinctFacts.GetOrAdd(PhoneFacts.Describe(new PhoneNumber.Builder().SetCountryCode(1).SetNationalNumber((ulong)national).Build()), static f => f);
            Volatile.Write(ref row[nxx], facts);
        }
        return facts;
    }

    private static string FormatNanpE164(long national) =>
        string.Create(12, national, static (span, value) =>
        {
            span[0] = '+';
            span[1] = '1';
            for (var i = 11; i >= 2; i--)
            {
                span[i] = (char)('0' + (int)(value % 10));
                value /= 10;
            }
        });

    private CountryContext ContextFor(string defaultCountry)
    {
        var last = Volatile.Read(ref _lastCountry);
        if (last is not null && string.Equals(last.Raw, defaultCountry, StringComparison.Ordinal))
            return last;

        // libphonenumber only knows upper-case region codes; import specs are not that careful.
        var region = defaultCountry.Trim().ToUpperInvariant();
        var context = new CountryContext(defaultCountry, region, Util.GetSupportedRegions().Contains(region), Util.IsNANPACountry(region));
        Volatile.Write(ref _lastCountry, context);
        return context;
    }

    private sealed record CountryContext(string Raw, string Region, bool Supported, bool IsNanp);
}
