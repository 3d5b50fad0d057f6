namespace CxContact.Server.Compliance.Recovery;

/// <summary>
/// Redis cannot answer for PostgreSQL right now: it cannot be reached (<see cref="Unreachable"/>), or it lost its data
/// (or may have) and the rebuild from PostgreSQL has not finished. Callers fail closed: deny with the reason
/// <c>compliance-unavailable</c> or <c>compliance-rebuilding</c>; the message says why, and what is left.
/// </summary>
public sealed class RedisNotCurrentException(string detail, bool unreachable) : Exception(detail)
{
    public bool Unreachable { get; } = unreachable;
}
