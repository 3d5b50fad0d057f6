namespace CxContact.Core.Lists;

/// <summary>The fields every contact record can carry; import specs map columns onto these names.</summary>
public static class StandardFields
{
    public const string ClientId = "client_id";
    public const string FirstName = "first_name";
    public const string LastName = "last_name";
    public const string Company = "company";
    public const string PostalCode = "postal_code";
    public const string Region = "region";
    public const string Country = "country";
    public const string TimeZone = "tz";
    public const int MaxPhones = 10;
    public const int MaxEmails = 3;

    /// <summary>Derived from the record's devices and location; usable in selection rules, not mappable from a column.</summary>
    public const string AreaCode = "area_code";
    public const string DeviceType = "device_type";

    public static readonly IReadOnlyList<string> Text = [ClientId, FirstName, LastName, Company, PostalCode, Region, Country, TimeZone];
    public static readonly IReadOnlyList<string> Phones = [.. Enumerable.Range(1, MaxPhones).Select(i => $"phone{i}")];
    public static readonly IReadOnlyList<string> Emails = [.. Enumerable.Range(1, MaxEmails).Select(i => $"email{i}")];
    public static readonly IReadOnlySet<string> Mappable = new HashSet<string>([.. Text, .. Phones, .. Emails], StringComparer.Ordinal);
    public static readonly IReadOnlySet<string> Derived = new HashSet<string>([AreaCode, DeviceType], StringComparer.Ordinal);

    /// <summary>1-based phone slot of "phone1".."phone10", or 0.</summary>
    public static int PhoneSlot(string field) =>
        field.StartsWith("phone", StringComparison.Ordinal) && int.TryParse(field.AsSpan(5), out var n) && n is >= 1 and <= MaxPhones
            && field == $"phone{n}" ? n : 0;

    /// <summary>1-based email slot of "email1".."email3", or 0.</summary>
    public static int EmailSlot(string field) =>
        field.StartsWith("email", StringComparison.Ordinal) && int.TryParse(field.AsSpan(5), out var n) && n is >= 1 and <= MaxEmails
            && field == $"email{n}" ? n : 0;
}
