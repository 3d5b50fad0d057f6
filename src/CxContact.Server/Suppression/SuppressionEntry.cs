namespace CxContact.Server.Suppression;

/// <summary>One normalised entry, as stored in PostgreSQL and written to the index.</summary>
public sealed record SuppressionEntry(string Type, string Value, DateTimeOffset? StartsAt, DateTimeOffset? ExpiresAt, string? Source,
    DateTimeOffset? CreatedAt = null);
