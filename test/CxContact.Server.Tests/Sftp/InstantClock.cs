using System.Collections.Concurrent;

namespace CxContact.Server.Tests.Sftp;

/// <summary>Real time, except that every timer fires at once: it records the waits asked for instead of waiting them.</summary>
public sealed class InstantClock : TimeProvider
{
    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan) Waits.Enqueue(dueTime);
        return System.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : TimeSpan.Zero, period);
    }
}
