namespace CxContact.Core.Suppression;

/// <summary>The kinds of value an entry suppresses, spelt as the API and the database spell them.</summary>
public static class SuppressionEntryType
{
    public const string Phone = "phone";
    public const string Email = "email";
    public const string ClientId = "clientId";

    public static IReadOnlyList<string> All { get; } = [Phone, Email, ClientId];

    public static bool IsKnown(string? type) => type is Phone or Email or ClientId;
}
