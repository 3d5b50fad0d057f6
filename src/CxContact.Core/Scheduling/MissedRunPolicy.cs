namespace CxContact.Core.Scheduling;

/// <summary>What a schedule does about occurrences that fell in a downtime.</summary>
public static class MissedRunPolicy
{
    /// <summary>Run once on recovery, however many occurrences were missed (the default).</summary>
    public const string RunOnce = "run-once";
    /// <summary>Skip missed occurrences; wait for the next one.</summary>
    public const string Skip = "skip";
}
