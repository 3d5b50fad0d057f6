namespace CxContact.Server.Tests.Messaging;

/// <summary>Waits for something the server does in the background (a message sent, a receipt, a STOP), up to 30 s unless told.</summary>
internal static class Eventually
{
    /// <summary>The first value <paramref name="done"/> accepts, or the last one read when time runs out (the caller asserts on it).</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(100);
        }
    }

    public static Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(read()), done, timeout);
}
