namespace CxContact.Core.Phones;

/// <summary>The reasons <see cref="PhoneNormalizer"/> gives; kept in one place so both paths word them the same.</summary>
internal static class PhoneErrors
{
    public const string NotAPhoneNumber = "not a phone number";
    public const string TooShort = "too short";
    public const string TooLong = "too long";
    public const string UnknownCountryCode = "unknown country code";
    public const string MissingCountryCode = "no country code and no usable default country";
    public const string PremiumRate = "premium-rate numbers are not dialled";
    public const string NonGeographic = "international non-geographic numbers are not dialled";

    public static string NotValidFor(string region) => $"not a valid number for {region}";

    public static string UnassignedAreaCode(int npa) => $"unassigned area code {npa:D3}";
}
