namespace CxContact.Server.Jobs;

/// <summary>How a running job shows it is alive, and how often it may be started before it is given up.</summary>
public static class JobLifetime
{
    /// <summary>How often a running job writes its progress and heartbeat.</summary>
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(1);
    /// <summary>A running job without a heartbeat for this long is taken to be orphaned.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(30);
    /// <summary>How many times a job may be started before it is failed for good.</summary>
    public const int MaxAttempts = 3;
}
