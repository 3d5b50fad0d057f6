using Npgsql;
using Orleans.Runtime.Messaging;
using StackExchange.Redis;

namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// A failure that passes by itself: PostgreSQL unreachable or restarting, or the silo holding a grain gone (until the
/// cluster declares it dead, after which the grain is activated on a silo that is up). The API answers it with 503 and
/// Retry-After, which a dialer retries; background work waits and runs again. Anything else is a bug and stays a 500.
/// </summary>
public sealed record Outage(string Title, string Detail, TimeSpan RetryAfter, bool Database)
{
    /// <summary>A restart of PostgreSQL takes seconds; asking sooner only adds load while it comes back.</summary>
    public static readonly TimeSpan DatabaseRetryAfter = TimeSpan.FromSeconds(5);
    /// <summary>A dead silo is declared dead within seconds, and its grains move at the next call.</summary>
    public static readonly TimeSpan ClusterRetryAfter = TimeSpan.FromSeconds(2);

    // Connection exceptions (class 08), the server shutting down or starting (57P01-57P03), out of connections or resources (53).
    private static readonly string[] UnavailableSqlStates = ["08", "57P01", "57P02", "57P03", "53"];

    private static readonly Outage DatabaseDown = new("The database is unavailable",
        "PostgreSQL cannot be reached or is restarting; nothing was changed by this request unless a retry says it was. Retry after the Retry-After delay.",
        DatabaseRetryAfter, Database: true);

    private static readonly Outage SiloDown = new("The silo serving this is unavailable",
        "The cluster is moving work off a silo that stopped answering; retry after the Retry-After delay. " +
        "A request that changes something may or may not have been applied: results are idempotent, other changes answer 409 when already made.",
        ClusterRetryAfter, Database: false);

    private static readonly Outage RedisDown = new("Redis is unavailable",
        "Redis cannot be reached; nothing was changed by this request unless a retry says it was. Retry after the Retry-After delay.",
        ClusterRetryAfter, Database: false);

    /// <summary>The outage behind <paramref name="e"/> (or one of its inner exceptions), or null when it is something else.</summary>
    public static Outage? Of(Exception e)
    {
        var pending = new Stack<Exception>([e]);
        while (pending.TryPop(out var x))
        {
            switch (x)
            {
                case PostgresException pg:
                    // A PostgresException that crossed silos arrives without its fields; its message still starts with the SQL state.
                    var state = pg.SqlState ?? pg.Message.Split(':')[0];
                    if (UnavailableSqlStates.Any(s => state.StartsWith(s, StringComparison.Ordinal))) return DatabaseDown;
                    return null; // a statement PostgreSQL refused: a bug or a conflict, not an outage
                case NpgsqlException:
                    return DatabaseDown; // Npgsql's own (not the server's) errors are connection failures and timeouts
                case OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException or OrleansLifecycleCanceledException:
                    return SiloDown; // SiloUnavailableException is a rejection too
                case RedisTimeoutException or RedisConnectionException:
                    return RedisDown;
                case TimeoutException:
                    return SiloDown; // a grain call without an answer in time: its silo is gone or stalled
                case AggregateException all:
                    foreach (var inner in all.InnerExceptions) pending.Push(inner);
                    continue;
            }
            if (x.InnerException is { } next) pending.Push(next);
        }
        return null;
    }

    /// <summary>True when <paramref name="e"/> is PostgreSQL being away, which work that needs it waits out and then redoes.</summary>
    public static bool IsDatabase(Exception e) => Of(e) is { Database: true };
}
