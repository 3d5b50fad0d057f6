namespace CxContact.Server.Tests.Infrastructure;

/// <summary>
/// Waits for something the server does in the background (a job finished, a message sent, a server registered) or for
/// a process to come up: reads
/// every <c>every</c> (100 ms unless told) until the value is accepted or <c>timeout</c> (30 s unless told) has passed.
/// </summary>
public static class Eventually
{
    /// <summary>The first value <paramref name="done"/> accepts, or the last one read when time runs out (the caller asserts on it).</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }
    }

    public static Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan? timeout = null, TimeSpan? every = null) =>
        UntilAsync(() => Task.FromResult(read()), done, timeout, every);

    /// <summary>Whether <paramref name="condition"/> came to hold in time.</summary>
    public static Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, TimeSpan? every = null) =>
        UntilAsync(condition, holds => holds, timeout, every);

    /// <summary>Whether <paramref name="condition"/> came to hold in time.</summary>
    public static Task<bool> UntilAsync(Func<bool> condition, TimeSpan? timeout = null, TimeSpan? every = null) =>
        UntilAsync(condition, holds => holds, timeout, every);
}
