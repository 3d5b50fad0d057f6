using CxContact.Core.Compliance;

namespace CxContact.Server.Compliance.Recovery;

/// <summary>
/// How far back Redis keeps attempts, and a rebuild reloads them from <c>call_attempts</c>: the longest window or gap
/// any rule counts over, in the shipped defaults or in any tenant's saved rule set, enabled or not (a tenant may enable
/// one at any time), plus a day. The saved part lives in PostgreSQL (<see cref="RebuildRequests"/>), and
/// <see cref="RedisEpochWatch"/> brings it here every tick, so writers on every silo trim by the same horizon.
/// </summary>
public sealed class AttemptHorizon
{
    private static readonly TimeSpan Margin = TimeSpan.FromDays(1);

    /// <summary>What the shipped defaults need.</summary>
    public static readonly TimeSpan Defaults = Needed(RuleSets.Default);

    private long _ticks = Defaults.Ticks;

    public TimeSpan Current => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>What the horizon must be for this rule set (defaults merged or not: the longer wins either way).</summary>
    public static TimeSpan Needed(RuleSet set)
    {
        var longest = TimeSpan.Zero;
        foreach (var r in set.AttemptLimits) if (r.Window > longest) longest = r.Window;
        foreach (var r in set.MinimumGaps) if (r.Gap > longest) longest = r.Gap;
        return longest + Margin;
    }

    /// <summary>Takes the saved horizon (never below the defaults, never shrinking while the process runs).</summary>
    public void Observe(TimeSpan? saved)
    {
        var needed = saved is { } s && s > Defaults ? s : Defaults;
        while (true)
        {
            var current = Interlocked.Read(ref _ticks);
            if (needed.Ticks <= current || Interlocked.CompareExchange(ref _ticks, needed.Ticks, current) == current) return;
        }
    }
}
