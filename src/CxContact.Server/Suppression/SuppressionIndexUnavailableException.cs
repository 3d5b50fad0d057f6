namespace CxContact.Server.Suppression;

/// <summary>
/// A list's index cannot answer: it was never built, or Redis lost it (no version stamp). Callers must fail closed
/// (deny), never read this as "not suppressed".
/// </summary>
public sealed class SuppressionIndexUnavailableException(Guid listId)
    : Exception($"The suppression index of list {listId} is missing or was lost; it must be rebuilt before it can answer.")
{
    public Guid ListId { get; } = listId;
}
