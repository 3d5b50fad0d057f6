using CxContact.Core.Phones;

namespace CxContact.Core.Suppression;

/// <summary>
/// Brings a value to the one form the index and the table hold, so "+1 (415) 555-2671" and "415.555.2671" are the
/// same entry: phones to E.164 (with the tenant's default country), emails trimmed and lower-cased, client ids
/// trimmed. Thread-safe; share one instance so the phone normaliser's prefix cache warms up once.
/// </summary>
public sealed class SuppressionValueNormalizer
{
    public const int MaxEmailLength = 254;
    public const int MaxClientIdLength = 200;

    private readonly PhoneNormalizer _phones = new();

    /// <summary>Returns the normalised value, or null with <paramref name="error"/> saying what is wrong.</summary>
    public string? Normalize(string type, string? raw, string defaultCountry, out string? error)
    {
        error = null;
        var v = raw?.Trim();
        if (string.IsNullOrEmpty(v))
        {
            error = "is required";
            return null;
        }
        switch (type)
        {
            case SuppressionEntryType.Phone:
                var phone = _phones.Normalize(v, defaultCountry);
                if (phone.Ok) return phone.Phone.E164;
                error = $"\"{Shorten(v)}\" is not a phone number we can dial: {phone.Error}";
                return null;
            case SuppressionEntryType.Email:
                if (v.Length > MaxEmailLength || !LooksLikeEmail(v))
                {
                    error = $"\"{Shorten(v)}\" is not an email address";
                    return null;
                }
                return v.ToLowerInvariant();
            case SuppressionEntryType.ClientId:
                if (v.Length > MaxClientIdLength)
                {
                    error = $"is {v.Length} characters long; at most {MaxClientIdLength} are allowed";
                    return null;
                }
                return v;
            default:
                error = $"unknown entry type \"{type}\"";
                return null;
        }
    }

    // Deliberately loose (one @, something either side, a dot in the domain, no spaces): suppressing an odd but real
    // address matters more than rejecting it; the mail system is the judge of deliverability.
    private static bool LooksLikeEmail(string v)
    {
        var at = v.IndexOf('@');
        if (at <= 0 || at != v.LastIndexOf('@') || at == v.Length - 1) return false;
        if (v.AsSpan().IndexOfAny(" \t\r\n,;<>") >= 0) return false;
        var domain = v.AsSpan(at + 1);
        return domain.IndexOf('.') > 0 && domain[^1] != '.';
    }

    private static string Shorten(string v) => v.Length <= 40 ? v : v[..40] + "…";
}
