namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// The clock every feature reads (calling windows, leases, expiries), as its own service type. Orleans takes
/// TimeProvider from the container for membership and timers; keeping ours separate lets a test move the platform's
/// clock (to a weekday noon, or past a lease's expiry) without the silo judging itself dead.
/// </summary>
public sealed class PlatformClock(TimeProvider inner) : TimeProvider
{
    public static PlatformClock Real { get; } = new(TimeProvider.System);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();
    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;
    public override long TimestampFrequency => inner.TimestampFrequency;
    public override long GetTimestamp() => inner.GetTimestamp();
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
