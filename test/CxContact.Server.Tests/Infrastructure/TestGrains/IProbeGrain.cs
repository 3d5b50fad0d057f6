namespace CxContact.Server.Tests.Infrastructure.TestGrains;

/// <summary>A grain that only exists to prove storage and reminders work on our PostgreSQL contract.</summary>
public interface IProbeGrain : IGrainWithGuidKey
{
    /// <summary>Adds one to the persisted counter and returns it.</summary>
    Task<int> IncrementAsync();
    /// <summary>Returns the persisted counter.</summary>
    Task<int> GetAsync();
    /// <summary>Returns how many reminder ticks were persisted.</summary>
    Task<int> GetTicksAsync();
    /// <summary>Registers a reminder with the given first due time.</summary>
    Task StartReminderAsync(TimeSpan due);
    /// <summary>Deletes the grain's state.</summary>
    Task ClearAsync();
    /// <summary>Returns the storage etag the grain holds.</summary>
    Task<string?> GetETagAsync();
}
