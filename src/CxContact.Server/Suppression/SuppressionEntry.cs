namespace CxContact.Server.Suppression;

/// <summary>
/// One normalised entry, as stored in PostgreSQL and written to the index. <paramref name="Feeds"/>: the feeds that hold
/// it (null: none); <paramref name="Direct"/>: it was added directly too, so no feed's deletion removes it.
/// </summary>
public sealed record SuppressionEntry(string Type, string Value, DateTimeOffset? StartsAt, DateTimeOffset? ExpiresAt, string? Source,
    DateTimeOffset? CreatedAt = null, string[]? Feeds = null, bool Direct = true)
{
    /// <summary>
    /// The entries as a direct upsert left them (<see cref="SuppressionListStore.UpsertAsync"/>): those a feed holds
    /// kept no dates. What the index must be given.
    /// </summary>
    public static List<SuppressionEntry> AsUpserted(IReadOnlyList<SuppressionEntry> entries, HashSet<(string Type, string Value)> feedHeld) =>
        feedHeld.Count == 0 ? entries.ToList()
            : entries.Select(e => feedHeld.Contains((e.Type, e.Value)) ? e with { StartsAt = null, ExpiresAt = null } : e).ToList();
}
